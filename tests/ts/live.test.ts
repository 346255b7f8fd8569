// Tests of the live connection of templates/client.ts against a scripted
// socket: the test plays the server, message by message, so that the
// client's side of the protocol (docs/protocol.md) is checked exactly,
// including what a real server makes hard to provoke (a Transition from
// the wrong version, a drop between a Response and its Transition).
// examples/app/tests/ts/live.test.ts runs the client against the real
// server. Run with `node --test` by tests/emit_ts/client_template.rs.

import assert from "node:assert/strict";
import { describe, it, mock } from "node:test";

import {
  SchemaBridgeClient,
  SchemaBridgeError,
  type ConnectionState,
  type FunctionReference,
  type WebSocketLike,
} from "../../templates/client.js";

type Message = Record<string, unknown>;

/** A socket whose far end is the test: it records what the client sends. */
class ScriptedSocket implements WebSocketLike {
  onopen: ((event: unknown) => void) | null = null;
  onmessage: ((event: { data: unknown }) => void) | null = null;
  onclose: ((event: { code: number; reason: string }) => void) | null = null;
  onerror: ((event: unknown) => void) | null = null;
  readonly sent: Message[] = [];
  closedWith: number | undefined;

  constructor(readonly url: string) {}

  send(data: string): void {
    this.sent.push(JSON.parse(data) as Message);
  }

  close(code?: number): void {
    this.closedWith = code ?? 1000;
  }

  open(): void {
    this.onopen?.({});
  }

  receive(message: Message): void {
    this.onmessage?.({ data: JSON.stringify(message) });
  }

  /** The connection breaks (server gone). */
  drop(): void {
    this.onclose?.({ code: 1006, reason: "" });
  }

  ofType(type: string): Message[] {
    return this.sent.filter((message) => message["type"] === type);
  }
}

/** A WebSocket class whose instances the test can reach. */
function scripted(): { WebSocket: new (url: string) => ScriptedSocket; sockets: ScriptedSocket[] } {
  const sockets: ScriptedSocket[] = [];
  class WebSocket extends ScriptedSocket {
    constructor(url: string) {
      super(url);
      sockets.push(this);
    }
  }
  return { WebSocket, sockets };
}

function ref<Kind extends "query" | "mutation" | "action", Args, Result>(
  kind: Kind,
  path: string,
): FunctionReference<Kind, Args, Result> {
  return { kind, path, schema: "fingerprint" };
}

const getProfile = ref<"query", { userId: string }, { karma: bigint } | null>("query", "users/getProfile");
const stats = ref<"query", Record<string, never>, Record<string, bigint>>("query", "notes/stats");
const addKarma = ref<"mutation", { userId: string; amount: bigint }, bigint>("mutation", "users/addKarma");
const compute = ref<"action", { userId: string }, string>("action", "readings/compute");

interface Version {
  querySet: number;
  identity: number;
  ts: number;
}

function transition(start: Version, end: Version, modifications: Message[]): Message {
  return { type: "Transition", startVersion: start, endVersion: end, modifications };
}

function updated(queryId: unknown, value: unknown): Message {
  return { type: "QueryUpdated", queryId, value };
}

/** The queryId the client chose for its n-th Add. */
function addedId(socket: ScriptedSocket, n = 0): unknown {
  const adds = socket.ofType("ModifyQuerySet").flatMap((message) => message["modifications"] as Message[]);
  return adds.filter((modification) => modification["type"] === "Add")[n]?.["queryId"];
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Waits (up to 5 s) until `ready` holds, for the client's reconnect timer.
 * Polls with setImmediate, which still runs while a test mocks setTimeout.
 */
async function until(ready: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 5_000;
  while (!ready()) {
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`);
    await new Promise((resolve) => setImmediate(resolve));
  }
}

/** A settled-or-not probe of a promise, without awaiting it. */
function watch<T>(promise: Promise<T>): { settled: () => boolean; result: Promise<T> } {
  let settled = false;
  const result = promise.finally(() => {
    settled = true;
  });
  // The test reads the outcome later; it must not count as unhandled now.
  result.catch(() => {});
  return { settled: () => settled, result };
}

const V0 = { querySet: 0, identity: 0, ts: 0 };
const V1 = { querySet: 1, identity: 0, ts: 3 };

describe("the live connection", () => {
  it("opens lazily at {base}/api/ws and says Connect, then the query set", () => {
    const { WebSocket, sockets } = scripted();
    const client = new SchemaBridgeClient("https://api.example.com/prefix/", { WebSocket });
    assert.equal(sockets.length, 0, "no socket before the first subscribe");
    client.subscribe(getProfile, { userId: "u1" }, () => {});
    const socket = sockets[0]!;
    assert.equal(socket.url, "wss://api.example.com/prefix/api/ws");
    socket.open();
    const [connect, modify] = socket.sent;
    assert.equal(connect?.["type"], "Connect");
    assert.equal(connect?.["schema"], "fingerprint");
    assert.match(String(connect?.["sessionId"]), /^[0-9a-f]{32}$/);
    assert.deepEqual(modify, {
      type: "ModifyQuerySet",
      baseVersion: 0,
      newVersion: 1,
      modifications: [{ type: "Add", queryId: addedId(socket), path: "users/getProfile", args: { userId: "u1" } }],
    });
    client.close();
    const plain = new SchemaBridgeClient("http://127.0.0.1:1", { WebSocket });
    plain.subscribe(stats, {}, () => {});
    assert.equal(sockets[1]?.url, "ws://127.0.0.1:1/api/ws");
    plain.close();
  });

  it("says clearly that it needs a WebSocket class when the platform has none", () => {
    const client = new SchemaBridgeClient("http://localhost");
    assert.throws(
      () => client.subscribe(stats, {}, () => {}),
      (error: unknown) =>
        error instanceof SchemaBridgeError && /option `WebSocket`/.test(error.message) && /"ws"/.test(error.message),
    );
  });

  it("applies a whole Transition before any callback, and shares identical subscriptions", () => {
    const { WebSocket, sockets } = scripted();
    const client = new SchemaBridgeClient("http://x", { WebSocket });
    const seen: string[] = [];
    client.subscribe(getProfile, { userId: "a" }, (a) => {
      // The other query of the same commit is already held.
      const b = client.localResult(getProfile, { userId: "b" });
      seen.push(`a=${a?.karma} b=${b && "value" in b ? b.value?.karma : "none"}`);
    });
    client.subscribe(getProfile, { userId: "b" }, (b) => seen.push(`b=${b?.karma}`));
    const socket = sockets[0]!;
    socket.open();
    const [a, b] = [addedId(socket, 0), addedId(socket, 1)];
    socket.receive(
      transition(V0, V1, [updated(a, { karma: { $int64: "1" } }), updated(b, { karma: { $int64: "10" } })]),
    );
    assert.deepEqual(seen, ["a=1 b=10", "b=10"]);
    socket.receive(
      transition(V1, { ...V1, ts: 4 }, [updated(a, { karma: { $int64: "2" } }), updated(b, { karma: { $int64: "20" } })]),
    );
    assert.deepEqual(seen.slice(2), ["a=2 b=20", "b=20"]);

    // A second identical subscription: no Add, the held result at once.
    const second: unknown[] = [];
    const stop = client.subscribe(getProfile, { userId: "a" }, (profile) => second.push(profile?.karma));
    assert.deepEqual(second, [2n]);
    assert.equal(socket.ofType("ModifyQuerySet").length, 1);
    // Removed on the server only when its last subscriber leaves.
    stop();
    stop();
    assert.equal(socket.ofType("ModifyQuerySet").length, 1);
    client.close();
  });

  it("reports a failed query to onError and keeps it in localResult", () => {
    const { WebSocket, sockets } = scripted();
    const client = new SchemaBridgeClient("http://x", { WebSocket });
    const errors: SchemaBridgeError[] = [];
    client.subscribe(getProfile, { userId: "nope" }, () => assert.fail("no result"), (error) => errors.push(error));
    const socket = sockets[0]!;
    socket.open();
    const error = { code: "invalid_args", message: "not an id", path: "userId" };
    socket.receive(transition(V0, V1, [{ type: "QueryFailed", queryId: addedId(socket), error }]));
    assert.deepEqual(
      errors.map((e) => [e.code, e.message, e.path]),
      [["invalid_args", "not an id", "userId"]],
    );
    const held = client.localResult(getProfile, { userId: "nope" });
    assert.ok(held !== undefined && "error" in held && held.error.code === "invalid_args");
    client.close();
  });

  it("drops the socket on a Transition from another version and subscribes afresh", async () => {
    const { WebSocket, sockets } = scripted();
    const client = new SchemaBridgeClient("http://x", { WebSocket });
    const karma: unknown[] = [];
    client.subscribe(getProfile, { userId: "a" }, (profile) => karma.push(profile?.karma));
    const first = sockets[0]!;
    first.open();
    const id = addedId(first);
    first.receive(transition(V0, V1, [updated(id, { karma: { $int64: "1" } })]));
    // Skips ts 4: the client cannot know what it missed.
    first.receive(transition({ ...V1, ts: 5 }, { ...V1, ts: 6 }, [updated(id, { karma: { $int64: "9" } })]));
    assert.deepEqual(karma, [1n], "the out-of-order Transition was not applied");
    assert.equal(first.closedWith, 4000);
    await until(() => sockets.length === 2, "a new socket");
    const second = sockets[1]!;
    second.open();
    assert.deepEqual(second.ofType("ModifyQuerySet")[0]?.["baseVersion"], 0, "a fresh query set");
    // The same result again is no change; a new one is.
    second.receive(transition(V0, V1, [updated(id, { karma: { $int64: "1" } })]));
    assert.deepEqual(karma, [1n]);
    second.receive(transition(V1, { ...V1, ts: 7 }, [updated(id, { karma: { $int64: "7" } })]));
    assert.deepEqual(karma, [1n, 7n]);
    client.close();
  });

  it("resolves a mutation only once its commit's Transition has been applied", async () => {
    const { WebSocket, sockets } = scripted();
    const client = new SchemaBridgeClient("http://x", { WebSocket });
    const karma: unknown[] = [];
    client.subscribe(getProfile, { userId: "a" }, (profile) => karma.push(profile?.karma));
    const socket = sockets[0]!;
    socket.open();
    const id = addedId(socket);
    socket.receive(transition(V0, V1, [updated(id, { karma: { $int64: "1" } })]));
    const mutation = watch(client.mutation(addKarma, { userId: "a", amount: 1n }));
    const [sent] = socket.ofType("Mutation");
    assert.equal(sent?.["path"], "users/addKarma");
    assert.deepEqual(sent?.["args"], { userId: "a", amount: { $int64: "1" } });
    assert.match(String(sent?.["idempotencyKey"]), /^[0-9a-f]{32}$/);
    socket.receive({ type: "Response", requestId: sent?.["requestId"], value: { $int64: "2" }, ts: 4 });
    await sleep(10);
    assert.equal(mutation.settled(), false, "answered, but its commit has not reached the subscriptions");
    socket.receive(transition(V1, { ...V1, ts: 4 }, [updated(id, { karma: { $int64: "2" } })]));
    assert.equal(await mutation.result, 2n);
    assert.deepEqual(karma, [1n, 2n]);

    // Queries and failures travel over the socket too.
    const query = client.query(getProfile, { userId: "a" });
    const [asked] = socket.ofType("Query");
    socket.receive({ type: "Response", requestId: asked?.["requestId"], value: null, ts: 4 });
    assert.equal(await query, null);
    const refused = client.mutation(addKarma, { userId: "zz", amount: 1n });
    const failing = socket.ofType("Mutation")[1];
    socket.receive({ type: "Response", requestId: failing?.["requestId"], error: { code: "not_found", message: "no user zz" } });
    await assert.rejects(refused, (error: unknown) => error instanceof SchemaBridgeError && error.code === "not_found");
    client.close();
  });

  it("sends an in-flight mutation again with the same key, and one started while disconnected on reconnection", async () => {
    const { WebSocket, sockets } = scripted();
    const client = new SchemaBridgeClient("http://x", { WebSocket });
    client.subscribe(stats, {}, () => {});
    const first = sockets[0]!;
    first.open();
    const inFlight = watch(client.mutation(addKarma, { userId: "a", amount: 1n }));
    const running = watch(client.action(compute, { userId: "a" }));
    const [sent] = first.ofType("Mutation");
    first.drop();
    assert.equal(client.connectionState().isWebSocketConnected, false);
    const later = watch(client.mutation(addKarma, { userId: "a", amount: 2n }));
    // An action may have run: it is not sent again but fails.
    await assert.rejects(running.result, (error: unknown) => error instanceof SchemaBridgeError && error.code === "network");
    await sleep(20);
    assert.equal(later.settled(), false, "waits for the connection rather than failing");

    await until(() => sockets.length === 2, "a new socket");
    const second = sockets[1]!;
    second.open();
    const resent = second.ofType("Mutation");
    assert.equal(resent.length, 2);
    assert.equal(resent[0]?.["idempotencyKey"], sent?.["idempotencyKey"]);
    assert.notEqual(resent[1]?.["idempotencyKey"], sent?.["idempotencyKey"]);
    // Sent after the query set: its Transition starts the new socket's versions.
    assert.deepEqual(second.sent.map((message) => message["type"]), ["Connect", "ModifyQuerySet", "Mutation", "Mutation"]);
    second.receive({ type: "Response", requestId: resent[0]?.["requestId"], value: { $int64: "1" }, ts: 8 });
    second.receive({ type: "Response", requestId: resent[1]?.["requestId"], value: { $int64: "3" }, ts: 9 });
    second.receive(transition(V0, { ...V1, ts: 9 }, []));
    assert.deepEqual([await inFlight.result, await later.result], [1n, 3n]);
    client.close();
  });

  it("reports its connection state on every change, through the option and listeners", async () => {
    const { WebSocket, sockets } = scripted();
    const fromOption: ConnectionState[] = [];
    const client = new SchemaBridgeClient("http://x", { WebSocket, onConnectionChange: (s) => fromOption.push(s) });
    const fromListener: ConnectionState[] = [];
    const stop = client.onConnectionChange((state) => fromListener.push(state));
    assert.deepEqual(client.connectionState(), {
      isWebSocketConnected: false,
      hasInflightRequests: false,
      connectionRetries: 0,
      inflightMutations: 0,
    });
    client.subscribe(stats, {}, () => {});
    const socket = sockets[0]!;
    socket.open();
    assert.equal(client.connectionState().isWebSocketConnected, true);
    const pending = client.mutation(addKarma, { userId: "a", amount: 1n });
    assert.deepEqual(client.connectionState(), {
      isWebSocketConnected: true,
      hasInflightRequests: true,
      connectionRetries: 0,
      inflightMutations: 1,
    });
    const [sent] = socket.ofType("Mutation");
    socket.receive({ type: "Response", requestId: sent?.["requestId"], value: { $int64: "1" }, ts: 2 });
    socket.receive(transition(V0, V1, []));
    await pending;
    socket.drop();
    assert.deepEqual(client.connectionState(), {
      isWebSocketConnected: false,
      hasInflightRequests: false,
      connectionRetries: 1,
      inflightMutations: 0,
    });
    await until(() => sockets.length === 2, "a new socket");
    // Refused at once: a second failed attempt.
    sockets[1]!.drop();
    assert.equal(client.connectionState().connectionRetries, 2);
    await until(() => sockets.length === 3, "a third socket");
    sockets[2]!.open();
    sockets[2]!.receive({ type: "Connected", schema: "fingerprint" });
    assert.deepEqual(client.connectionState(), {
      isWebSocketConnected: true,
      hasInflightRequests: false,
      connectionRetries: 0,
      inflightMutations: 0,
    });
    stop();
    client.close();
    assert.deepEqual(
      fromOption.map((s) => [s.isWebSocketConnected, s.hasInflightRequests, s.connectionRetries, s.inflightMutations]),
      [
        [true, false, 0, 0],
        [true, true, 0, 1],
        [true, false, 0, 0],
        [false, false, 1, 0],
        [false, false, 2, 0],
        [true, false, 2, 0],
        [true, false, 0, 0],
        [false, false, 0, 0],
      ],
    );
    assert.deepEqual(fromListener, fromOption.slice(0, -1), "the stopped listener missed only the close");
  });

  it("close() rejects pending calls with `closed` and stops reconnecting", async () => {
    const { WebSocket, sockets } = scripted();
    const client = new SchemaBridgeClient("http://x", { WebSocket });
    client.subscribe(stats, {}, () => {});
    sockets[0]!.open();
    const pending = client.mutation(addKarma, { userId: "a", amount: 1n });
    client.close();
    assert.equal(sockets[0]!.closedWith, 1000);
    const closed = (error: unknown): boolean => error instanceof SchemaBridgeError && error.code === "closed";
    await assert.rejects(pending, closed);
    await assert.rejects(client.query(stats), closed);
    assert.throws(() => client.subscribe(stats, {}, () => {}), closed);
    await sleep(300);
    assert.equal(sockets.length, 1, "no reconnection after close");
  });

  it("authenticates the socket, refreshes the token once after an AuthError, and signs out with null", async () => {
    const { WebSocket, sockets } = scripted();
    const client = new SchemaBridgeClient("http://x", { WebSocket });
    const asked: boolean[] = [];
    client.setAuth(async ({ forceRefresh }) => {
      asked.push(forceRefresh);
      return forceRefresh ? "fresh" : "stale";
    });
    client.subscribe(stats, {}, () => {});
    const first = sockets[0]!;
    first.open();
    await until(() => first.ofType("ModifyQuerySet").length === 1, "the handshake");
    assert.deepEqual(first.sent.map((message) => message["type"]), ["Connect", "Authenticate", "ModifyQuerySet"]);
    assert.equal(first.ofType("Authenticate")[0]?.["token"], "stale");
    first.receive({ type: "AuthError", error: { code: "unauthenticated", message: "expired" } });
    assert.equal(first.closedWith, 4000);
    await until(() => sockets.length === 2, "a new socket");
    const second = sockets[1]!;
    second.open();
    await until(() => second.ofType("ModifyQuerySet").length === 1, "the second handshake");
    assert.equal(second.ofType("Authenticate")[0]?.["token"], "fresh");
    assert.deepEqual(asked, [false, true]);
    second.receive(transition(V0, { ...V1, identity: 1 }, []));
    client.clearAuth();
    assert.deepEqual(second.ofType("Authenticate").map((message) => message["token"]), ["fresh", null]);
    client.close();
  });

  it("reconnects soon after FatalError overloaded, and only after the longest delay after invalid_args", async () => {
    const { WebSocket, sockets } = scripted();
    const client = new SchemaBridgeClient("http://x", { WebSocket });
    client.subscribe(stats, {}, () => {});
    sockets[0]!.open();
    sockets[0]!.receive({ type: "FatalError", error: { code: "overloaded", message: "reads too slowly" } });
    assert.equal(sockets[0]!.closedWith, 4000);
    await until(() => sockets.length === 2, "a reconnect after overloaded");
    sockets[1]!.open();
    sockets[1]!.receive({ type: "FatalError", error: { code: "invalid_args", message: "a wrong version" } });
    await sleep(400);
    assert.equal(sockets.length, 2, "a protocol violation is not repeated at once");
    client.close();
  });

  it("refreshes the socket's token before it expires, without reconnecting", async () => {
    const { WebSocket, sockets } = scripted();
    const client = new SchemaBridgeClient("http://x", { WebSocket });
    const exp = Math.floor(Date.now() / 1000) + 40;
    const tokens = [jwt(exp), jwt(exp + 60)];
    const asked: boolean[] = [];
    client.setAuth(async ({ forceRefresh }) => {
      asked.push(forceRefresh);
      return tokens[asked.length - 1] ?? null;
    });
    mock.timers.enable({ apis: ["setTimeout"] });
    try {
      client.subscribe(stats, {}, () => {});
      const socket = sockets[0]!;
      socket.open();
      await until(() => socket.ofType("ModifyQuerySet").length === 1, "the handshake");
      // 30 s before `exp`: 10 s from now.
      mock.timers.tick(9_000);
      await new Promise((resolve) => setImmediate(resolve));
      assert.equal(socket.ofType("Authenticate").length, 1);
      mock.timers.tick(1_500);
      await until(() => socket.ofType("Authenticate").length === 2, "the refreshed token");
      assert.deepEqual(socket.ofType("Authenticate").map((message) => message["token"]), tokens);
      assert.deepEqual(asked, [false, true]);
      assert.equal(sockets.length, 1, "the same socket");
    } finally {
      client.close();
      mock.timers.reset();
    }
  });
});

/** An unsigned token whose payload holds `exp`: all the client reads. */
function jwt(exp: number): string {
  const part = (value: object): string => Buffer.from(JSON.stringify(value)).toString("base64url");
  return `${part({ alg: "none" })}.${part({ exp })}.signature`;
}
