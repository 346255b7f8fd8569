// The generated Solid bindings with the real client against the real
// example app (SCHEMABRIDGE_URL): run by examples/app/tests/bindings_live.rs
// with `node --conditions=browser` (solid-js's reactive build), which also
// makes `ws` resolve to its browser stub; so the client uses Node's own
// WebSocket (`--experimental-websocket` on Node 20, global from Node 22).

import "./dom.js";

import assert from "node:assert/strict";
import { after, describe, it } from "node:test";

import { createComponent, createRoot, createSignal } from "solid-js";

import { api, SchemaBridgeClient, type Id } from "./ts/index.js";
import { createMutation, createQuery, SchemaBridgeProvider } from "./ts/solid.js";

const url = process.env["SCHEMABRIDGE_URL"] ?? "";
assert.ok(url !== "", "SCHEMABRIDGE_URL is set");
assert.ok(typeof globalThis.WebSocket === "function", "Node has a global WebSocket (--experimental-websocket)");

const clients: SchemaBridgeClient[] = [];
function client(): SchemaBridgeClient {
  const made = new SchemaBridgeClient(url);
  clients.push(made);
  return made;
}
const disposers: (() => void)[] = [];
after(() => {
  for (const dispose of disposers) dispose();
  for (const made of clients) made.close();
});

async function eventually(check: () => void, what: string): Promise<void> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    try {
      check();
      return;
    } catch (error) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: ${String(error)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** createQuery and createMutation inside a provider for `made`. */
function mount(made: SchemaBridgeClient, userId: () => Id<"users"> | null) {
  let result: {
    karma: () => bigint | null | undefined;
    add: (args: { userId: Id<"users">; amount: bigint }) => Promise<bigint>;
  } | undefined;
  createRoot((dispose) => {
    disposers.push(dispose);
    createComponent(SchemaBridgeProvider, {
      client: made,
      get children() {
        const user = createQuery(api.users.getProfile, () => {
          const id = userId();
          return id === null ? "skip" : { userId: id };
        });
        const add = createMutation(api.users.addKarma);
        result = { karma: () => (user() === undefined ? undefined : (user()?.karma ?? null)), add };
        return undefined;
      },
    });
  });
  return result!;
}

describe("Solid bindings on the example app", () => {
  it("follow a user's karma in two clients; a mutation resolves after its own update arrived", async () => {
    const setup = client();
    const userId = await setup.mutation(api.users.create, { clerkId: `solid-${Date.now()}`, email: "s@example.com" });
    const [watched, setWatched] = createSignal<Id<"users"> | null>(null);
    const first = mount(client(), watched);
    const second = mount(client(), () => userId);
    assert.equal(first.karma(), undefined, "skipped while no user is chosen");
    setWatched(userId);
    await eventually(() => assert.equal(first.karma(), 0n), "the first result");
    await eventually(() => assert.equal(second.karma(), 0n), "the second client's result");

    assert.equal(await first.add({ userId, amount: 3n }), 3n);
    // Read your writes: the accessor already holds the new karma.
    assert.equal(first.karma(), 3n);
    await eventually(() => assert.equal(second.karma(), 3n), "the other client's update");
  });
});
