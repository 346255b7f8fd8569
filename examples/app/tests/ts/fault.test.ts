// The fault test of SPEC §7.4: the example app on a file database is
// killed with SIGKILL while clients are subscribed and mutations are in
// flight, then started again on the same address. The clients must
// reconnect by themselves and get current values; every addKarma(1)
// must apply exactly once (karma == number of calls, and the totals the
// calls return are exactly 1..N, each once). Run with `node --test` by
// examples/app/tests/ts_live.rs.

import assert from "node:assert/strict";
import { join } from "node:path";
import { after, it } from "node:test";

import { App, env } from "./app.js";
import { closeClients, eventually, liveClient, record, type Updates } from "./support.js";
import { api, SchemaBridgeClient, type UserDoc } from "./ts/index.js";

/** addKarma(1) calls in all. */
const CALLS = 300;
const CLIENTS = 3;
/** Calls each client keeps in flight at once. */
const CONCURRENCY = 8;
/** The server is killed each time this many more calls have resolved. */
const KILL_EVERY = 30;
/** Kills (and restarts) in one run: a reply lost in any of them would show. */
const KILLS = 5;
/** How long the server stays down. */
const DOWN_MS = 300;

after(closeClients);

it("clients survive a SIGKILL of the server: they reconnect, and no mutation is lost or applied twice", { timeout: 180_000 }, async () => {
  const app = await App.start(join(env("SCRATCH_DIR"), "fault.db"));
  try {
    await survive(app);
  } catch (error) {
    console.error(`the app printed:\n${app.output}`);
    throw error;
  } finally {
    await app.kill();
  }
});

async function survive(app: App): Promise<void> {
  const id = await new SchemaBridgeClient(app.url).mutation(api.users.create, {
    clerkId: "user_fault",
    email: "fault@example.com",
  });
  let mostRetries = 0;
  const clients = Array.from({ length: CLIENTS }, () =>
    liveClient(app.url, {
      onConnectionChange: (state) => (mostRetries = Math.max(mostRetries, state.connectionRetries)),
    }),
  );
  const watched: Updates<UserDoc | null>[] = clients.map(
    (client) => record(client, api.users.getProfile, { userId: id }).updates,
  );
  for (const updates of watched) await updates.until((u) => u.values.length === 1, "the first result");

  // Workers that each send addKarma(1) after addKarma(1) until CALLS were
  // issued, but never beyond `allowed`: each phase before a kill lets
  // KILL_EVERY calls resolve with every worker still busy, so that the kill
  // finds calls in flight however fast the machine is.
  let issued = 0;
  let allowed = 0;
  const totals: bigint[] = [];
  const blocked: (() => void)[] = [];
  const allow = (count: number): void => {
    allowed = Math.min(CALLS, count);
    for (const wake of blocked.splice(0)) wake();
  };
  // Signalled by the worker whose call reached it, not polled: between two
  // polls the calls of a phase could all resolve.
  const killPoints = new Map<number, () => void>();
  const resolvedCalls = (count: number): Promise<void> =>
    new Promise((resolve) => {
      if (totals.length >= count) resolve();
      else killPoints.set(count, resolve);
    });
  const worker = async (client: SchemaBridgeClient): Promise<void> => {
    while (issued < CALLS) {
      if (issued >= allowed) {
        await new Promise<void>((wake) => blocked.push(wake));
        continue;
      }
      issued++;
      totals.push(await client.mutation(api.users.addKarma, { userId: id, amount: 1n }));
      killPoints.get(totals.length)?.();
    }
  };
  const work = Promise.all(clients.flatMap((client) => Array.from({ length: CONCURRENCY }, () => worker(client))));

  const outages: string[] = [];
  for (let kill = 1; kill <= KILLS; kill++) {
    const killAt = totals.length + KILL_EVERY;
    allow(issued + KILL_EVERY + CLIENTS * CONCURRENCY);
    await resolvedCalls(killAt);
    outages.push(await outage(app, clients, () => totals.length));
  }
  allow(CALLS);
  await work;
  const finalKarma = BigInt(CALLS);
  const stored = await new SchemaBridgeClient(app.url).query(api.users.getProfile, { userId: id });
  assert.equal(stored?.karma, finalKarma, "each addKarma(1) applied exactly once");
  // Each call's answer is its own commit's total: a distinct step of 1..CALLS.
  const sorted = [...totals].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  assert.deepEqual(sorted, Array.from({ length: CALLS }, (_, i) => BigInt(i + 1)));
  for (const updates of watched) await updates.until((u) => u.last?.karma === finalKarma, `karma ${CALLS} pushed`);
  for (const client of clients) assert.equal(client.connectionState().inflightMutations, 0);

  console.log(`fault: ${outages.join("; ")}; at most ${mostRetries} failed attempts in a row`);
}

/**
 * Kills the app while calls are in flight, keeps it down DOWN_MS, starts it
 * again and waits until every client is back: what happened, for the log.
 */
async function outage(app: App, clients: SchemaBridgeClient[], resolved: () => number): Promise<string> {
  const inFlight = clients.reduce((sum, client) => sum + client.connectionState().inflightMutations, 0);
  const killedAt = Date.now();
  await app.kill();
  assert.ok(inFlight > 0, "mutations were in flight when the server died");
  await eventually(() => clients.every((c) => !c.connectionState().isWebSocketConnected), "the clients to notice");
  const resolvedWhileUp = resolved();
  await new Promise((resolve) => setTimeout(resolve, DOWN_MS));
  assert.equal(resolved(), resolvedWhileUp, "nothing resolves while the server is down");

  await app.restart();
  const restartedAt = Date.now();
  await eventually(() => clients.every((c) => c.connectionState().isWebSocketConnected), "every client to reconnect");
  const reconnectedAt = Date.now();
  return (
    `${inFlight} in flight, down ${restartedAt - killedAt} ms, ` +
    `all ${clients.length} clients back ${reconnectedAt - restartedAt} ms after the restart`
  );
}
