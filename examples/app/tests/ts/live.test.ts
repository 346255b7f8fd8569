// The generated TypeScript client's live queries against the real example
// app (SPEC §7): run with `node --test` by examples/app/tests/ts_live.rs,
// which generates the bindings into ./ts/ and compiles this folder.

import assert from "node:assert/strict";
import { after, afterEach, before, describe, it } from "node:test";

import { App } from "./app.js";
import { closeClients, eventually, liveClient, record } from "./support.js";
import { api, type ConnectionState, type Id, type SchemaBridgeClient, type UserDoc } from "./ts/index.js";

let app: App;
let users = 0;

before(async () => {
  app = await App.start("sqlite::memory:");
});
afterEach(closeClients);
after(() => app.kill());

/** A new user with karma 0, created over HTTP by a client that never subscribes. */
async function newUser(): Promise<{ id: Id<"users">; clerkId: string }> {
  const clerkId = `user_${++users}`;
  const http = liveClient(app.url);
  const id = await http.mutation(api.users.create, { clerkId, email: `${clerkId}@example.com` });
  return { id, clerkId };
}

function karma(profile: UserDoc | null | undefined): bigint | undefined {
  return profile?.karma;
}

describe("live queries against the example app", () => {
  it("subscribe: the current result, and a second identical subscription gets it at once", async () => {
    const { id, clerkId } = await newUser();
    const client = liveClient(app.url);
    const { updates } = record(client, api.users.getProfile, { userId: id });
    await updates.until((u) => u.values.length === 1, "the first result");
    assert.equal(updates.last?.clerkId, clerkId);
    assert.equal(karma(updates.last), 0n);

    const second: (UserDoc | null)[] = [];
    client.subscribe(api.users.getProfile, { userId: id }, (profile) => second.push(profile));
    assert.deepEqual(second, [updates.last], "delivered inside subscribe");
    const held = client.localResult(api.users.getProfile, { userId: id });
    assert.ok(held !== undefined && "value" in held && held.value?._id === id);
  });

  it("pushes a change made by another client, and nothing for commits that leave the result as it was", async () => {
    const { id } = await newUser();
    const other = await newUser();
    const client = liveClient(app.url);
    const writer = liveClient(app.url);
    const { updates } = record(client, api.users.getProfile, { userId: id });
    await updates.until((u) => u.values.length === 1, "the first result");

    await writer.mutation(api.users.addKarma, { userId: id, amount: 5n });
    await updates.until((u) => karma(u.last) === 5n, "karma 5 pushed");
    assert.equal(updates.values.length, 2);

    // Over this client's own socket, so that each has reached the
    // subscription (read your writes) before the count is checked.
    await client.mutation(api.users.addKarma, { userId: id, amount: 0n });
    await client.mutation(api.users.addKarma, { userId: other.id, amount: 3n });
    await client.mutation(api.users.updatePreferences, {
      userId: other.id,
      preferences: { emailFrequency: ["weekly"], timezone: "UTC" },
    });
    assert.equal(updates.values.length, 2, "no callback for commits that changed nothing it read");

    await client.mutation(api.users.addKarma, { userId: id, amount: 1n });
    assert.deepEqual(updates.values.map(karma), [0n, 5n, 6n]);
  });

  it("unsubscribe: no more callbacks, and the result is no longer held", async () => {
    const { id } = await newUser();
    const client = liveClient(app.url);
    const { updates, stop } = record(client, api.users.getProfile, { userId: id });
    // A second subscription keeps the socket busy with something else.
    const { updates: stats } = record(client, api.notes.stats, {});
    await updates.until((u) => u.values.length === 1, "the first result");
    await stats.until((u) => u.values.length === 1, "the stats");
    stop();
    assert.equal(client.localResult(api.users.getProfile, { userId: id }), undefined);
    await client.mutation(api.users.addKarma, { userId: id, amount: 1n });
    await liveClient(app.url).mutation(api.users.addKarma, { userId: id, amount: 1n });
    await client.query(api.users.getProfile, { userId: id });
    assert.deepEqual(updates.values.map(karma), [0n]);
  });

  it("a failing query calls onError with the server's error", async () => {
    const client = liveClient(app.url);
    const bad = "not-an-id" as Id<"users">;
    const { updates } = record(client, api.users.getProfile, { userId: bad });
    await updates.until((u) => u.errors.length === 1, "the error");
    assert.equal(updates.values.length, 0);
    const [error] = updates.errors;
    assert.equal(error?.code, "invalid_args", error?.message);
    // `auth: required` without a token.
    const { updates: me } = record(client, api.users.me, {});
    await me.until((u) => u.errors.length === 1, "the unauthenticated error");
    assert.equal(me.errors[0]?.code, "unauthenticated");
  });

  it("two subscriptions that one commit changes are updated together: no callback sees them at different commits", async () => {
    const { id, clerkId } = await newUser();
    const client = liveClient(app.url);
    const mixed: string[] = [];
    const { updates: byId } = record(client, api.users.getProfile, { userId: id });
    const { updates: byClerk } = record(client, api.users.byClerkId, { clerkId });
    // Checked inside every callback: the other result held at that moment.
    const check = (which: string, seen: bigint | undefined, other: "byId" | "byClerk"): void => {
      const held =
        other === "byId"
          ? client.localResult(api.users.getProfile, { userId: id })
          : client.localResult(api.users.byClerkId, { clerkId });
      if (held === undefined || !("value" in held)) return;
      if (karma(held.value) !== seen) mixed.push(`${which}=${seen} while ${other}=${karma(held.value)}`);
    };
    client.subscribe(api.users.getProfile, { userId: id }, (p) => check("byId", karma(p), "byClerk"));
    client.subscribe(api.users.byClerkId, { clerkId }, (p) => check("byClerk", karma(p), "byId"));
    await byId.until((u) => u.values.length === 1, "byId");
    await byClerk.until((u) => u.values.length === 1, "byClerk");

    const writer = liveClient(app.url);
    const writes = 30;
    await Promise.all(
      Array.from({ length: writes }, () => writer.mutation(api.users.addKarma, { userId: id, amount: 1n })),
    );
    await byId.until((u) => karma(u.last) === BigInt(writes), "the last karma by id");
    await byClerk.until((u) => karma(u.last) === BigInt(writes), "the last karma by clerkId");
    assert.deepEqual(mixed, []);
    // Every commit that reached one reached the other.
    assert.deepEqual(byId.values.map(karma), byClerk.values.map(karma));
  });

  it("a mutation resolves after its own update has reached the subscription (read your writes)", async () => {
    const { id } = await newUser();
    const client = liveClient(app.url);
    const { updates } = record(client, api.users.getProfile, { userId: id });
    await updates.until((u) => u.values.length === 1, "the first result");
    for (let i = 1n; i <= 10n; i++) {
      const total = await client.mutation(api.users.addKarma, { userId: id, amount: 1n });
      assert.equal(total, i);
      assert.equal(karma(updates.last), total, "the callback had the new karma before the mutation resolved");
    }
    // Also when the commit is one of many concurrent ones.
    const writer = liveClient(app.url);
    const noise = Array.from({ length: 10 }, () => writer.mutation(api.users.addKarma, { userId: id, amount: 1n }));
    const mine = await Promise.all(
      Array.from({ length: 10 }, async () => {
        const total = await client.mutation(api.users.addKarma, { userId: id, amount: 1n });
        return [total, karma(updates.last) ?? -1n] as const;
      }),
    );
    await Promise.all(noise);
    for (const [total, seen] of mine) assert.ok(seen >= total, `resolved at ${total} while the callback had ${seen}`);
  });

  it("connectionState and onConnectionChange follow the socket and the calls in flight", async () => {
    const { id } = await newUser();
    const states: ConnectionState[] = [];
    const client: SchemaBridgeClient = liveClient(app.url, { onConnectionChange: (state) => states.push(state) });
    const fromMethod: ConnectionState[] = [];
    client.onConnectionChange((state) => fromMethod.push(state));
    assert.equal(client.connectionState().isWebSocketConnected, false);
    const { updates } = record(client, api.users.getProfile, { userId: id });
    await eventually(() => client.connectionState().isWebSocketConnected, "the socket");
    await updates.until((u) => u.values.length === 1, "the first result");
    const pending = client.mutation(api.users.addKarma, { userId: id, amount: 1n });
    assert.deepEqual(client.connectionState(), {
      isWebSocketConnected: true,
      hasInflightRequests: true,
      connectionRetries: 0,
      inflightMutations: 1,
    });
    await pending;
    assert.equal(client.connectionState().inflightMutations, 0);
    client.close();
    const seen = states.map((s) => `${s.isWebSocketConnected}/${s.inflightMutations}`);
    assert.deepEqual(seen, ["true/0", "true/1", "true/0", "false/0"]);
    assert.deepEqual(fromMethod, states);
  });
});
