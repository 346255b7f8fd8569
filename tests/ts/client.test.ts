// Tests of templates/client.ts, run with `node --test` by the cargo test
// `client_template` (tests/emit_ts/client_template.rs) after tsc compiled
// both files.

import assert from "node:assert/strict";
import { describe, it, mock } from "node:test";

import {
  decodeBase64,
  decodeValue,
  encodeBase64,
  encodeValue,
  SchemaBridgeClient,
  SchemaBridgeError,
  type FunctionReference,
} from "../../templates/client.js";

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/** Asserts that `run` throws (or rejects with) a SchemaBridgeError like `expected`. */
async function assertFails(
  run: () => unknown,
  expected: { code: string; status: number; path?: string; message?: RegExp },
): Promise<void> {
  await assert.rejects(
    async () => run(),
    (error: unknown) => {
      assert.ok(error instanceof SchemaBridgeError, `not a SchemaBridgeError: ${String(error)}`);
      assert.equal(error.name, "SchemaBridgeError");
      assert.equal(error.code, expected.code);
      assert.equal(error.status, expected.status);
      assert.equal(error.path, expected.path);
      if (expected.message) assert.match(error.message, expected.message);
      return true;
    },
  );
}

describe("encodeValue", () => {
  it("writes int64 as decimal text, exactly, at and beyond 2^53", () => {
    const cases: [bigint, string][] = [
      [0n, "0"],
      [2n ** 53n + 1n, "9007199254740993"],
      [-(2n ** 53n) - 3n, "-9007199254740995"],
      [-42n, "-42"],
      [INT64_MAX, "9223372036854775807"],
      [INT64_MIN, "-9223372036854775808"],
    ];
    for (const [value, text] of cases) {
      assert.deepEqual(encodeValue(value), { $int64: text });
    }
  });

  it("refuses bigints outside the int64 range, naming the path", async () => {
    await assertFails(() => encodeValue({ amount: INT64_MAX + 1n }), {
      code: "invalid_args",
      status: 0,
      path: "amount",
      message: /does not fit in a signed 64-bit integer/,
    });
    await assertFails(() => encodeValue([INT64_MIN - 1n]), { code: "invalid_args", status: 0, path: "[0]" });
  });

  it("writes bytes as standard padded base64, for every padding length", () => {
    for (let length = 0; length <= 5; length++) {
      const bytes = Uint8Array.from({ length }, (_, i) => 250 + i);
      const expected = Buffer.from(bytes).toString("base64");
      assert.deepEqual(encodeValue(bytes), { $bytes: expected });
      assert.deepEqual(decodeValue({ $bytes: expected }), bytes);
    }
    assert.equal(encodeBase64(new TextEncoder().encode("Man")), "TWFu");
    assert.equal(encodeBase64(Uint8Array.of(0xfb, 0xff)), "+/8=");
  });

  it("encodes nested values, drops undefined properties and keeps null", () => {
    const value = {
      list: [{ n: 1n, data: Uint8Array.of(1, 2, 3) }, null],
      note: null,
      gone: undefined,
      text: "a$b",
      flag: false,
      ratio: -0.5,
    };
    assert.deepEqual(encodeValue(value), {
      list: [{ n: { $int64: "1" }, data: { $bytes: "AQID" } }, null],
      note: null,
      text: "a$b",
      flag: false,
      ratio: -0.5,
    });
    assert.equal(JSON.stringify(encodeValue({ a: undefined, b: 1 })), '{"b":1}');
  });

  it("refuses non-finite numbers, naming the path", async () => {
    for (const bad of [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY]) {
      await assertFails(() => encodeValue({ a: { b: [1, bad] } }), {
        code: "invalid_args",
        status: 0,
        path: "a.b[1]",
        message: /not a finite number/,
      });
    }
    await assertFails(() => encodeValue(Number.NaN), { code: "invalid_args", status: 0, path: "" });
  });

  it("refuses keys starting with $, which would read as encoded values", async () => {
    await assertFails(() => encodeValue({ tags: { $int64: "12" } }), {
      code: "invalid_args",
      status: 0,
      path: "tags.$int64",
      message: /reserves/,
    });
    assert.equal(JSON.stringify(encodeValue({ tags: { "a$": "1" } })), '{"tags":{"a$":"1"}}');
  });

  it("refuses values JSON cannot hold", async () => {
    await assertFails(() => encodeValue([undefined]), { code: "invalid_args", status: 0, path: "[0]" });
    await assertFails(() => encodeValue({ f: () => 1 }), { code: "invalid_args", status: 0, path: "f" });
  });

  it("uses toJSON like JSON.stringify, and keeps a __proto__ key as data", () => {
    const date = new Date(Date.UTC(2024, 0, 2));
    assert.deepEqual(encodeValue({ at: date }), { at: "2024-01-02T00:00:00.000Z" });
    const encoded = encodeValue(JSON.parse('{"__proto__": {"polluted": 1}}'));
    assert.equal(Object.getPrototypeOf(encoded), Object.prototype);
    assert.equal(JSON.stringify(encoded), '{"__proto__":{"polluted":1}}');
  });
});

describe("decodeValue", () => {
  it("reads int64, including the bounds, as bigint", () => {
    assert.equal(decodeValue({ $int64: "9007199254740993" }), 9007199254740993n);
    assert.equal(decodeValue({ $int64: "-9223372036854775808" }), INT64_MIN);
    assert.equal(decodeValue({ $int64: "9223372036854775807" }), INT64_MAX);
  });

  it("round-trips nested values through JSON", () => {
    const value = {
      big: [INT64_MIN, -1n, 0n, INT64_MAX],
      bytes: [new Uint8Array(0), Uint8Array.of(0), Uint8Array.of(255, 254)],
      nested: { deeper: { n: 2n ** 60n, note: null, s: "$int64" } },
    };
    const wire: unknown = JSON.parse(JSON.stringify(encodeValue(value)));
    assert.deepEqual(decodeValue(wire), value);
  });

  it("only decodes objects whose single key is $int64 or $bytes", () => {
    const other = { $int64: "1", extra: true };
    assert.deepEqual(decodeValue(other), other);
    assert.deepEqual(decodeValue({ a: { $bytes: "" } }), { a: new Uint8Array(0) });
  });

  it("reports malformed wire values as internal errors with their path", async () => {
    await assertFails(() => decodeValue({ a: [{ $int64: 5 }] }), { code: "internal", status: 0, path: "a[0]" });
    await assertFails(() => decodeValue({ $int64: "1.5" }), { code: "internal", status: 0, path: "" });
    await assertFails(() => decodeValue({ $int64: "9223372036854775808" }), { code: "internal", status: 0, path: "" });
    await assertFails(() => decodeValue({ b: { $bytes: "abc" } }), { code: "internal", status: 0, path: "b" });
  });

  it("keeps a __proto__ key as data instead of changing the prototype", () => {
    const decoded = decodeValue(JSON.parse('{"__proto__": {"polluted": true}}')) as Record<string, unknown>;
    assert.equal(Object.getPrototypeOf(decoded), Object.prototype);
    assert.deepEqual(Object.keys(decoded), ["__proto__"]);
    assert.equal(({} as Record<string, unknown>)["polluted"], undefined);
  });
});

describe("decodeBase64", () => {
  it("rejects text that is not standard padded base64", () => {
    for (const bad of ["A", "AB", "ABC", "AB=C", "A===", "====", "AB-_", "ABC\u00e9", "AB C"]) {
      assert.equal(decodeBase64(bad), undefined, bad);
    }
  });
});

// ---- The client, against a fake fetch ----

interface Recorded {
  url: string;
  method: string | undefined;
  headers: Record<string, string>;
  body: string;
}

type Reply = { status: number; body: string; headers?: Record<string, string> } | Error;

/** A fetch that records each request and answers from `replies` in turn. */
function fakeFetch(...replies: Reply[]): { fetch: typeof fetch; requests: Recorded[] } {
  const requests: Recorded[] = [];
  const fake = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    requests.push({
      url: String(input),
      method: init?.method,
      headers: Object.fromEntries(new Headers(init?.headers).entries()),
      body: String(init?.body),
    });
    const reply = replies.shift();
    if (reply === undefined) throw new Error("no more replies");
    if (reply instanceof Error) throw reply;
    return new Response(reply.body, { status: reply.status, headers: reply.headers ?? {} });
  };
  return { fetch: fake as typeof fetch, requests };
}

type ThingArgs = { id: string; count?: bigint };
type Thing = { id: string; total: bigint; blob: Uint8Array; note: string | null };
const getThing = { kind: "query", path: "things/get", schema: "fp-client" } as FunctionReference<
  "query",
  ThingArgs,
  Thing
>;
const bump = { kind: "mutation", path: "things/bump", schema: "fp-client" } as FunctionReference<
  "mutation",
  Record<string, never>,
  null
>;
const compute = { kind: "action", path: "things/compute", schema: "fp-client" } as FunctionReference<
  "action",
  { n: number },
  number
>;

describe("SchemaBridgeClient", () => {
  it("posts the encoded arguments and decodes the value of a 200", async () => {
    const { fetch, requests } = fakeFetch({
      status: 200,
      body: '{"value":{"id":"t1","total":{"$int64":"9007199254740993"},"blob":{"$bytes":"AQI="},"note":null}}',
      headers: { "content-type": "application/json", "x-schemabridge-schema": "fp-client" },
    });
    const client = new SchemaBridgeClient("https://example.test/base/", {
      fetch,
      headers: { authorization: "Bearer t", "Content-Type": "text/plain" },
    });
    const thing = await client.query(getThing, { id: "t1", count: 2n ** 62n });
    assert.deepEqual(thing, { id: "t1", total: 9007199254740993n, blob: Uint8Array.of(1, 2), note: null });
    assert.deepEqual(requests, [
      {
        url: "https://example.test/base/api/things/get",
        method: "POST",
        headers: {
          authorization: "Bearer t",
          "content-type": "application/json",
          "x-schemabridge-schema": "fp-client",
        },
        body: '{"id":"t1","count":{"$int64":"4611686018427387904"}}',
      },
    ]);
  });

  it("sends {} when the arguments are left out, for every kind", async () => {
    const { fetch, requests } = fakeFetch({ status: 200, body: '{"value":null}' }, { status: 200, body: '{"value":3}' });
    const client = new SchemaBridgeClient("http://h", { fetch });
    assert.equal(await client.mutation(bump), null);
    assert.equal(await client.action(compute, { n: 1 }), 3);
    assert.deepEqual(
      requests.map((r) => [r.url, r.body]),
      [
        ["http://h/api/things/bump", "{}"],
        ["http://h/api/things/compute", '{"n":1}'],
      ],
    );
  });

  it("maps error bodies to SchemaBridgeError with status, code and path", async () => {
    const { fetch } = fakeFetch(
      { status: 400, body: '{"error":{"code":"invalid_args","message":"bad id","path":"id"}}' },
      { status: 404, body: '{"error":{"code":"not_found","message":"no function things/get"}}' },
      { status: 409, body: '{"error":{"code":"already_exists","message":"taken"}}' },
      { status: 500, body: '{"error":{"code":"internal","message":"boom"}}' },
    );
    const client = new SchemaBridgeClient("http://h", { fetch });
    await assertFails(() => client.query(getThing, { id: "x" }), {
      code: "invalid_args",
      status: 400,
      path: "id",
      message: /^bad id$/,
    });
    await assertFails(() => client.query(getThing, { id: "x" }), { code: "not_found", status: 404 });
    await assertFails(() => client.query(getThing, { id: "x" }), { code: "already_exists", status: 409 });
    await assertFails(() => client.query(getThing, { id: "x" }), { code: "internal", status: 500 });
  });

  it("reports responses outside the wire format as internal, with the HTTP status", async () => {
    const { fetch } = fakeFetch(
      { status: 502, body: "<html>Bad Gateway</html>" },
      { status: 200, body: '{"result":1}' },
      { status: 200, body: '{"value":{"$int64":"x"}}' },
      { status: 503, body: "" },
      { status: 500, body: '{"value":1}' },
    );
    const client = new SchemaBridgeClient("http://h", { fetch });
    await assertFails(() => client.query(getThing, { id: "x" }), {
      code: "internal",
      status: 502,
      message: /HTTP 502.*Bad Gateway/,
    });
    await assertFails(() => client.query(getThing, { id: "x" }), { code: "internal", status: 200 });
    await assertFails(() => client.query(getThing, { id: "x" }), { code: "internal", status: 200 });
    await assertFails(() => client.query(getThing, { id: "x" }), { code: "internal", status: 503 });
    // A value is only a result on success.
    await assertFails(() => client.query(getThing, { id: "x" }), { code: "internal", status: 500 });
  });

  it("reports a failed fetch as a network error", async () => {
    const { fetch } = fakeFetch(new TypeError("fetch failed"));
    const client = new SchemaBridgeClient("http://h", { fetch });
    await assertFails(() => client.query(getThing, { id: "x" }), {
      code: "network",
      status: 0,
      message: /fetch failed/,
    });
  });

  it("refuses unencodable arguments before sending anything", async () => {
    const { fetch, requests } = fakeFetch();
    const client = new SchemaBridgeClient("http://h", { fetch });
    await assertFails(() => client.action(compute, { n: Number.POSITIVE_INFINITY }), {
      code: "invalid_args",
      status: 0,
      path: "n",
    });
    assert.equal(requests.length, 0);
  });

  it("calls onSchemaMismatch once per client when the server's schema differs", async () => {
    const ok = '{"value":null}';
    const { fetch } = fakeFetch(
      { status: 200, body: ok, headers: { "x-schemabridge-schema": "fp-client" } },
      { status: 200, body: ok, headers: { "x-schemabridge-schema": "fp-server" } },
      { status: 400, body: '{"error":{"code":"invalid_args","message":"m"}}', headers: { "x-schemabridge-schema": "fp-server" } },
      { status: 200, body: ok, headers: { "x-schemabridge-schema-mismatch": "true" } },
    );
    const seen: unknown[] = [];
    const client = new SchemaBridgeClient("http://h", { fetch, onSchemaMismatch: (info) => seen.push(info) });
    await client.mutation(bump);
    assert.deepEqual(seen, []);
    await client.mutation(bump);
    await assertFails(() => client.mutation(bump), { code: "invalid_args", status: 400 });
    await client.mutation(bump);
    assert.deepEqual(seen, [{ client: "fp-client", server: "fp-server" }]);
  });

  it("reports a flagged mismatch without a server fingerprint as unknown", async () => {
    const { fetch } = fakeFetch({ status: 200, body: "{\"value\":null}", headers: { "x-schemabridge-schema-mismatch": "true" } });
    const seen: unknown[] = [];
    const client = new SchemaBridgeClient("http://h", { fetch, onSchemaMismatch: (info) => seen.push(info) });
    await client.mutation(bump);
    assert.deepEqual(seen, [{ client: "fp-client", server: "unknown" }]);
  });

  it("warns on the console once when no callback is set", async (t) => {
    const warn = t.mock.method(console, "warn", () => undefined);
    const reply = { status: 200, body: '{"value":null}', headers: { "x-schemabridge-schema": "other" } };
    const { fetch } = fakeFetch(reply, reply, reply);
    const client = new SchemaBridgeClient("http://h", { fetch });
    await client.mutation(bump);
    await client.mutation(bump);
    assert.equal(warn.mock.callCount(), 1);
    assert.match(String(warn.mock.calls[0]?.arguments[0]), /schema other.*fp-client/);
    // Another client reports again: the flag is per instance.
    await new SchemaBridgeClient("http://h", { fetch }).mutation(bump);
    assert.equal(warn.mock.callCount(), 2);
    mock.restoreAll();
  });
});

/** An unsigned JWT-shaped token whose payload says `exp` (seconds), as the client reads it. */
function tokenExpiringAt(name: string, exp: number): string {
  const part = (value: object) => Buffer.from(JSON.stringify(value)).toString("base64url");
  return `${part({ alg: "RS256" })}.${part({ sub: name, exp })}.sig`;
}

const ok = { status: 200, body: '{"value":null}' };
const unauthenticated = { status: 401, body: '{"error":{"code":"unauthenticated","message":"no"}}' };

describe("SchemaBridgeClient auth", () => {
  it("sends the fetched token as a bearer token, reusing it until near its exp, and none after clearAuth", async () => {
    const { fetch, requests } = fakeFetch(ok, ok, ok);
    const client = new SchemaBridgeClient("http://h", { fetch, headers: { authorization: "Bearer stale" } });
    const token = tokenExpiringAt("alice", Date.now() / 1000 + 3600);
    const asked: boolean[] = [];
    client.setAuth(async ({ forceRefresh }) => {
      asked.push(forceRefresh);
      return token;
    });
    await client.mutation(bump);
    await client.mutation(bump);
    client.clearAuth();
    await client.mutation(bump);
    assert.deepEqual(asked, [false]);
    assert.deepEqual(
      requests.map((r) => r.headers["authorization"]),
      [`Bearer ${token}`, `Bearer ${token}`, "Bearer stale"],
    );
  });

  it("fetches a forced fresh token when the cached one is about to expire", async () => {
    const { fetch, requests } = fakeFetch(ok, ok);
    const client = new SchemaBridgeClient("http://h", { fetch });
    const soon = tokenExpiringAt("alice", Date.now() / 1000 + 5);
    const later = tokenExpiringAt("alice", Date.now() / 1000 + 3600);
    const asked: boolean[] = [];
    client.setAuth(async ({ forceRefresh }) => {
      asked.push(forceRefresh);
      return asked.length === 1 ? soon : later;
    });
    await client.mutation(bump);
    await client.mutation(bump);
    assert.deepEqual(asked, [false, true]);
    assert.deepEqual(
      requests.map((r) => r.headers["authorization"]),
      [`Bearer ${soon}`, `Bearer ${later}`],
    );
  });

  it("after a 401 fetches a fresh token and retries once, then reports the 401", async () => {
    const { fetch, requests } = fakeFetch(unauthenticated, ok, unauthenticated, unauthenticated);
    const client = new SchemaBridgeClient("http://h", { fetch });
    let issued = 0;
    const asked: boolean[] = [];
    client.setAuth(async ({ forceRefresh }) => {
      asked.push(forceRefresh);
      issued += 1;
      return tokenExpiringAt(`t${issued}`, Date.now() / 1000 + 3600);
    });
    assert.equal(await client.mutation(bump), null);
    await assertFails(() => client.mutation(bump), { code: "unauthenticated", status: 401 });
    // One retry per call, each with a forced refresh: no loop.
    assert.deepEqual(asked, [false, true, true]);
    assert.equal(requests.length, 4);
    const sent = requests.map((r) => r.headers["authorization"]);
    assert.equal(new Set(sent.slice(0, 2)).size, 2, "the retry carries the fresh token");
  });

  it("sends no token while fetchToken returns null, and asks again on the next call", async () => {
    const { fetch, requests } = fakeFetch(unauthenticated, ok);
    const client = new SchemaBridgeClient("http://h", { fetch });
    let signedIn = false;
    const token = tokenExpiringAt("bob", Date.now() / 1000 + 3600);
    client.setAuth(async () => (signedIn ? token : null));
    // Still signed out after the 401: no token to retry with.
    await assertFails(() => client.mutation(bump), { code: "unauthenticated", status: 401 });
    signedIn = true;
    await client.mutation(bump);
    assert.deepEqual(
      requests.map((r) => r.headers["authorization"]),
      [undefined, `Bearer ${token}`],
    );
  });

  it("reports a failing fetchToken as unauthenticated without sending", async () => {
    const { fetch, requests } = fakeFetch();
    const client = new SchemaBridgeClient("http://h", { fetch });
    client.setAuth(async () => {
      throw new Error("offline");
    });
    await assertFails(() => client.mutation(bump), { code: "unauthenticated", status: 0, message: /offline/ });
    assert.equal(requests.length, 0);
  });
});
