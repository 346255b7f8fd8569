// Drives the example app's signed-in functions through the generated
// TypeScript client; run by examples/app/tests/identity.rs, which starts the
// app with a JWKS file and passes the tokens it signed in the environment:
// SCHEMABRIDGE_URL, and SCHEMABRIDGE_TOKENS = {"expired", "fresh", "other"}.

import assert from "node:assert/strict";

import WebSocket from "ws";

import { api, SchemaBridgeClient, SchemaBridgeError } from "./ts/index.js";

const url = process.env["SCHEMABRIDGE_URL"] ?? "";
const tokens = JSON.parse(process.env["SCHEMABRIDGE_TOKENS"] ?? "{}") as Record<string, string>;
const expired = tokens["expired"] ?? "";
const fresh = tokens["fresh"] ?? "";
const other = tokens["other"] ?? "";
assert.ok(url !== "" && expired !== "" && fresh !== "" && other !== "", "SCHEMABRIDGE_URL and _TOKENS are set");

async function unauthenticated(call: Promise<unknown>): Promise<void> {
  await assert.rejects(call, (error: unknown) => {
    assert.ok(error instanceof SchemaBridgeError, String(error));
    assert.deepEqual([error.code, error.status], ["unauthenticated", 401], error.message);
    return true;
  });
}

const client = new SchemaBridgeClient(url);

// Signed out: both required functions are refused.
await unauthenticated(client.query(api.users.me));
await unauthenticated(client.mutation(api.users.register, { email: "ada@example.com" }));

// Signed in with a token that has expired: the server refuses it, the
// client asks for a fresh one (forceRefresh) and sends the call again.
const asked: boolean[] = [];
client.setAuth(async ({ forceRefresh }) => {
  asked.push(forceRefresh);
  return forceRefresh ? fresh : expired;
});
const id = await client.mutation(api.users.register, {
  email: "ada@example.com",
  birthDetails: { date: "1815-12-10", time: "12:00", location: "London" },
});
assert.deepEqual(asked, [false, true]);
const me = await client.query(api.users.me);
assert.ok(me !== null, "me finds the registered user");
assert.equal(me._id, id);
assert.equal(me.clerkId, "user_ada");
assert.equal(me.email, "ada@example.com");
assert.deepEqual(asked, [false, true], "the fresh token is reused");
// The same caller cannot register twice.
await assert.rejects(client.mutation(api.users.register, { email: "again@example.com" }), /exists/);

// Another caller has no user yet.
client.setAuth(async () => other);
assert.equal(await client.query(api.users.me), null);

// Signed out again.
client.clearAuth();
await unauthenticated(client.query(api.users.me));
await unauthenticated(client.mutation(api.users.register, { email: "eve@example.com" }));
// ... while functions open to anyone still answer.
assert.equal((await client.query(api.users.byClerkId, { clerkId: "user_ada" }))?._id, id);

// Live, over the WebSocket: a subscription to `me` follows the caller.
// Signed out it fails; with an expired token the server refuses the
// Authenticate and closes the socket, the client fetches a fresh token
// (forceRefresh) and reconnects; then another caller; then signed out.
const live = new SchemaBridgeClient(url, { WebSocket });
const seen: string[] = [];
live.subscribe(
  api.users.me,
  {},
  (user) => seen.push(user?.clerkId ?? "nobody"),
  (error) => seen.push(error.code),
);
async function until(last: string): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (seen.at(-1) !== last) {
    assert.ok(Date.now() < deadline, `timed out waiting for ${last}; saw ${seen.join(", ")}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
await until("unauthenticated");
const liveAsked: boolean[] = [];
live.setAuth(async ({ forceRefresh }) => {
  liveAsked.push(forceRefresh);
  return forceRefresh ? fresh : expired;
});
await until("user_ada");
assert.deepEqual(liveAsked, [false, true]);
live.setAuth(async () => other);
await until("nobody");
live.clearAuth();
await until("unauthenticated");
assert.deepEqual(seen, ["unauthenticated", "user_ada", "nobody", "unauthenticated"]);
live.close();

console.log("identity client: ok");
