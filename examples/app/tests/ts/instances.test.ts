// Live queries across instances (SPEC §9): TypeScript clients on different
// example-app instances sharing one PostgreSQL database. Run with
// `node --test` by examples/app/tests/ts_live.rs, which starts the
// instances and passes their URLs in SCHEMABRIDGE_URLS (comma-separated).

import assert from "node:assert/strict";
import { after, it } from "node:test";

import { env } from "./app.js";
import { closeClients, liveClient, record } from "./support.js";
import { api } from "./ts/index.js";

after(closeClients);

it("a client on one instance sees mutations made through the others, and a writer reads its own writes", async () => {
  const urls = env("SCHEMABRIDGE_URLS").split(",");
  assert.ok(urls.length >= 2, `at least two instances: ${urls.join(" ")}`);
  const [a, b] = urls.map((url) => liveClient(url));
  const id = await b!.mutation(api.users.create, { clerkId: "user_instances", email: "i@example.com" });

  const onA = record(a!, api.users.getProfile, { userId: id }).updates;
  const onB = record(b!, api.users.getProfile, { userId: id }).updates;
  await onA.until((u) => u.last?.karma === 0n, "A's first result");
  await onB.until((u) => u.last?.karma === 0n, "B's first result");

  for (let step = 1n; step <= 5n; step++) {
    // Through B's socket: resolved only once B's own subscription shows it.
    const total = await b!.mutation(api.users.addKarma, { userId: id, amount: 1n });
    assert.equal(total, step);
    assert.equal(onB.last?.karma, step, "read your writes on the writer's instance");
    await onA.until((u) => u.last?.karma === step, `karma ${step} on the other instance`);
  }
  // And the other way round, through every other instance.
  for (const url of urls.slice(1)) {
    const writer = liveClient(url);
    await writer.mutation(api.users.addKarma, { userId: id, amount: 10n });
  }
  const expected = 5n + 10n * BigInt(urls.length - 1);
  await onA.until((u) => u.last?.karma === expected, `karma ${expected} on A`);
  await onB.until((u) => u.last?.karma === expected, `karma ${expected} on B`);
  // Every value a subscription saw was a step forward: commits in order.
  for (const updates of [onA, onB]) {
    const karma = updates.values.map((user) => user?.karma ?? -1n);
    assert.deepEqual(karma, [...karma].sort((x, y) => (x < y ? -1 : x > y ? 1 : 0)));
  }
});
