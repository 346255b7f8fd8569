// Drives the example app's signed-in functions through the generated
// TypeScript client; run by examples/app/tests/identity.rs, which starts the
// app with a JWKS file and passes the tokens it signed in the environment:
// SCHEMABRIDGE_URL, and SCHEMABRIDGE_TOKENS = {"expired", "fresh", "other"}.

import assert from "node:assert/strict";

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

console.log("identity client: ok");
