// The fixed part of the generated client: typed function references, the
// HTTP client, live queries over a WebSocket and the int64/bytes wire
// encoding, as described in docs/reference/wire-format.md and
// docs/protocol.md of the schemabridge repository.
// schemabridge copies this file unchanged into every TypeScript output
// folder; its source (templates/client.ts in that repository) is compiled
// and tested there.
//
// Needs TypeScript 5.4 or later (for `NoInfer`) and the types of `fetch`,
// `console`, `setTimeout` and `URL`, which lib "DOM" or @types/node
// provide. The WebSocket and `crypto.getRandomValues` are looked up at run
// time, so their types are not needed.

/** The kind of a server function; each client method accepts one kind. */
export type FunctionKind = "query" | "mutation" | "action";

// Keys of the type-only slots of `FunctionReference`. Unique symbols keep
// them out of completion lists and cannot clash with a real property.
declare const argsType: unique symbol;
declare const resultType: unique symbol;

/**
 * A server function as the client sees it: its kind, its path and, in the
 * type only, its argument and result types. `api.users.getProfile` is one.
 */
export interface FunctionReference<Kind extends FunctionKind, Args, Result> {
  readonly kind: Kind;
  /** `module/function`: the URL path after `/api/`. */
  readonly path: string;
  /** The fingerprint of the schema the reference was generated from. */
  readonly schema: string;
  /** Type-level only: never present at run time. */
  readonly [argsType]?: Args;
  /** Type-level only: never present at run time. */
  readonly [resultType]?: Result;
}

/**
 * The arguments parameter of a call. It may be left out when `{}` would do,
 * that is when the function takes no arguments (or only optional ones), so
 * that `client.query(api.notes.stats)` needs no `{}`.
 */
export type ArgsParameter<Args> = {} extends Args ? [args?: Args] : [args: Args];

/** What `onSchemaMismatch` is told: the fingerprints of both sides. */
export interface SchemaMismatchInfo {
  /** The fingerprint these bindings were generated from. */
  client: string;
  /** The server's fingerprint, or `"unknown"` when it did not send one. */
  server: string;
}

/** How a `SchemaBridgeClient` sends its calls. */
export interface SchemaBridgeClientOptions {
  /** The `fetch` to call; the global `fetch` when not given. */
  fetch?: typeof fetch | undefined;
  /** Headers sent with every call, such as `authorization`. */
  headers?: Record<string, string> | undefined;
  /**
   * Called once per client, synchronously, on the first response showing
   * that the server was generated from another schema. Without it the
   * client calls `console.warn` once instead.
   */
  onSchemaMismatch?: ((info: SchemaMismatchInfo) => void) | undefined;
  /**
   * The WebSocket class live queries use; `globalThis.WebSocket` when not
   * given. Node 20 has none: pass the `ws` package's (`import WebSocket
   * from "ws"`).
   */
  WebSocket?: WebSocketConstructor | undefined;
  /** Called with the new state on every change of `connectionState()`. */
  onConnectionChange?: ((state: ConnectionState) => void) | undefined;
}

/**
 * Where the live connection stands, as `connectionState()` and
 * `onConnectionChange` report it (the first two are Convex's names).
 */
export interface ConnectionState {
  /** The socket is open and set up: connected, authenticated, subscribed. */
  isWebSocketConnected: boolean;
  /** A query, mutation or action over the socket has not settled yet. */
  hasInflightRequests: boolean;
  /** Connection attempts that failed since the socket last connected. */
  connectionRetries: number;
  /** Mutations not yet resolved or rejected, sent or waiting to be. */
  inflightMutations: number;
}

// A method's parameters are compared both ways (bivariantly), so that the
// handlers of the DOM's WebSocket and of `ws`, which name their own event
// classes, fit these structural events.
type SocketHandler<Event> = { bivarianceHack(event: Event): void }["bivarianceHack"];

/**
 * The part of a WebSocket the client uses: the browser's, Node 22's
 * global one and the `ws` package's all fit.
 */
export interface WebSocketLike {
  onopen: SocketHandler<unknown> | null;
  onmessage: SocketHandler<{ data: unknown }> | null;
  onclose: SocketHandler<{ code: number; reason: string }> | null;
  onerror: SocketHandler<unknown> | null;
  send(data: string): void;
  close(code?: number, reason?: string): void;
}

/** A WebSocket class, such as `globalThis.WebSocket` or `ws`'s default export. */
export type WebSocketConstructor = new (url: string) => WebSocketLike;

/**
 * A failed call. `code` is the server's (`invalid_args`, `not_found`,
 * `handler` or a handler's own code, `internal`) or one the client sets:
 * - `network`: the request could not be sent or its response not read
 *   (`status` is 0);
 * - `internal`: the response is not the wire format, such as a proxy's
 *   HTML error page (`status` is the HTTP status);
 * - `invalid_args`: the arguments cannot be encoded (a non-finite number,
 *   an int64 outside the 64-bit range); nothing was sent, `status` is 0 and
 *   `path` tells where the value is.
 */
export class SchemaBridgeError extends Error {
  override readonly name = "SchemaBridgeError";
  readonly code: string;
  /** The HTTP status, or 0 when there was no response. */
  readonly status: number;
  // `declare`: a plain field declaration would be emitted (ES2022 class
  // fields) as `path;`, an own property holding undefined on every error,
  // and `"path" in error` would always be true.
  /** The JSON path of the bad value, such as `preferences.timezone`. */
  declare readonly path?: string;

  constructor(init: {
    code: string;
    message: string;
    status: number;
    path?: string | undefined;
    cause?: unknown;
  }) {
    super(init.message, init.cause === undefined ? undefined : { cause: init.cause });
    this.code = init.code;
    this.status = init.status;
    // Assigned only when present, so that `"path" in error` means something.
    if (init.path !== undefined) this.path = init.path;
  }
}

/** A JSON value as it travels on the wire. */
export type WireValue = null | boolean | number | string | WireValue[] | { [key: string]: WireValue };


/**
 * What `setAuth` calls for the caller's token: an OpenID Connect JWT, or
 * `null` when no one is signed in. `forceRefresh` asks for a new token
 * rather than a cached one (the cached one expires or was refused).
 * Clerk's `getToken` and Convex's `fetchToken` fit as they are.
 */
export type AuthTokenFetcher = (options: { forceRefresh: boolean }) => Promise<string | null | undefined>;

/** A token is replaced this long before its `exp`, so that it does not expire in flight. */
const REFRESH_MARGIN_MS = 30_000;

/** The caller's tokens: each reused until shortly before its `exp`, one fetch at a time. */
class TokenSource {
  readonly #fetchToken: AuthTokenFetcher;
  /** The last token and when to replace it (ms since the epoch; Infinity without `exp`). */
  #cached: { token: string; refreshAt: number } | undefined;
  /** A fetch in progress, shared by the calls that wait for it. */
  #pending: Promise<string | null> | undefined;

  constructor(fetchToken: AuthTokenFetcher) {
    this.#fetchToken = fetchToken;
  }

  /** When the cached token must be replaced, in ms since the epoch (Infinity: never). */
  get refreshAt(): number {
    return this.#cached?.refreshAt ?? Infinity;
  }

  /** The token to send: the cached one while it is fresh, else a fetched one. */
  get(forceRefresh: boolean): Promise<string | null> {
    const cached = this.#cached;
    if (!forceRefresh && cached !== undefined && Date.now() < cached.refreshAt) {
      return Promise.resolve(cached.token);
    }
    // Parallel calls share one fetch; a forced refresh waits for none.
    if (!forceRefresh && this.#pending !== undefined) return this.#pending;
    // A cached token that went stale is replaced by a new one, not reissued.
    const force = forceRefresh || cached !== undefined;
    const pending = fetchAuthToken(this.#fetchToken, force).then((token) => {
      if (this.#pending === pending) this.#pending = undefined;
      // Not cached when `null`: whoever signs in later is seen on the next call.
      this.#cached = token === null ? undefined : { token, refreshAt: refreshTime(token) };
      return token;
    });
    this.#pending = pending;
    return pending;
  }
}

const SCHEMA_HEADER = "x-schemabridge-schema";
const MISMATCH_HEADER = "x-schemabridge-schema-mismatch";

/**
 * A client for one server. Until the first `subscribe`, every call is a
 * `POST {baseUrl}/api/{path}` whose body is the wire-encoded arguments; it
 * resolves to the decoded result or rejects with a `SchemaBridgeError`.
 * The first `subscribe` opens a WebSocket to `{baseUrl}/api/ws`, which
 * carries the live queries and, from then on, every call (see
 * docs/typescript-client.md and docs/protocol.md).
 */
export class SchemaBridgeClient {
  readonly #baseUrl: string;
  readonly #options: SchemaBridgeClientOptions;
  #mismatchReported = false;
  #tokens: TokenSource | undefined;
  #live: LiveConnection | undefined;
  #closed = false;
  readonly #stateListeners = new Set<(state: ConnectionState) => void>();

  /**
   * @param baseUrl The server's origin and any path prefix, such as
   *   `https://api.example.com`; `""` calls the page's own origin.
   */
  constructor(baseUrl: string, options: SchemaBridgeClientOptions = {}) {
    // A trailing slash would make `//api/…`, which servers need not route.
    this.#baseUrl = baseUrl.replace(/\/+$/, "");
    this.#options = options;
  }

  /**
   * Signs calls in with tokens from `fetchToken` (none while it returns
   * `null`). A token is reused until shortly before its `exp`, then
   * fetched again with `forceRefresh: true`; a call refused as
   * unauthenticated fetches a fresh token once and is sent once more.
   * Over HTTP each call sends `Authorization: Bearer <token>`; a live
   * connection is re-authenticated in place, its subscriptions kept and
   * recomputed for the new caller.
   */
  setAuth(fetchToken: AuthTokenFetcher): void {
    this.#tokens = new TokenSource(fetchToken);
    this.#live?.authChanged(this.#tokens);
  }

  /** Signs out: calls are sent without a token from now on. */
  clearAuth(): void {
    this.#tokens = undefined;
    this.#live?.authChanged(undefined);
  }

  // `NoInfer` makes the reference alone decide `Args`, so an argument
  // object is checked against it (and an unknown key is an error) instead
  // of widening it.
  query<Args, Result>(
    ref: FunctionReference<"query", Args, Result>,
    ...args: ArgsParameter<NoInfer<Args>>
  ): Promise<Result> {
    return this.#call(ref, args[0]);
  }

  /**
   * Over a live connection, resolves only once every subscription of this
   * client reflects the mutation (read your writes); sent with an
   * idempotency key, so that a reconnect never applies it twice.
   */
  mutation<Args, Result>(
    ref: FunctionReference<"mutation", Args, Result>,
    ...args: ArgsParameter<NoInfer<Args>>
  ): Promise<Result> {
    return this.#call(ref, args[0]);
  }

  action<Args, Result>(
    ref: FunctionReference<"action", Args, Result>,
    ...args: ArgsParameter<NoInfer<Args>>
  ): Promise<Result> {
    return this.#call(ref, args[0]);
  }

  /**
   * Calls `onUpdate` with the query's result, then again after every
   * commit that changes it; `onError` when it fails. Returns the function
   * that ends the subscription. Identical subscriptions (same query, same
   * arguments) share one on the server, and a second one is called with
   * the held result at once, before `subscribe` returns. The first
   * subscription opens the live connection.
   */
  subscribe<Args, Result>(
    ref: FunctionReference<"query", Args, Result>,
    args: NoInfer<Args>,
    onUpdate: (result: Result) => void,
    onError?: (error: SchemaBridgeError) => void,
  ): () => void {
    const wireArgs = encodeValue(args ?? {});
    const live = this.#connect(ref.schema);
    return live.subscribe(ref.path, wireArgs, {
      onUpdate: (value) => onUpdate(value as Result),
      onError,
    });
  }

  /** The result this client holds for (ref, args) now, if any (for framework bindings). */
  localResult<Args, Result>(
    ref: FunctionReference<"query", Args, Result>,
    args: NoInfer<Args>,
  ): { value: Result } | { error: SchemaBridgeError } | undefined {
    const held = this.#live?.localResult(ref.path, encodeValue(args ?? {}));
    if (held === undefined || "error" in held) return held;
    return { value: held.value as Result };
  }

  connectionState(): ConnectionState {
    return this.#live?.state() ?? idleState();
  }

  /** Calls `listener` on every change of `connectionState()`; returns what stops it. */
  onConnectionChange(listener: (state: ConnectionState) => void): () => void {
    // A wrapper per call, so that the same listener added twice is removed once per stop.
    const entry = (state: ConnectionState): void => listener(state);
    this.#stateListeners.add(entry);
    return () => this.#stateListeners.delete(entry);
  }

  /**
   * Ends the client: closes the socket and stops reconnecting; calls still
   * pending and every later call reject with code `closed`.
   */
  close(): void {
    this.#closed = true;
    this.#live?.close();
  }

  #connect(schema: string): LiveConnection {
    if (this.#closed) throw closedError();
    if (this.#live !== undefined) return this.#live;
    const WebSocket = this.#options.WebSocket ?? globalWebSocket();
    if (WebSocket === undefined) {
      throw new SchemaBridgeError({
        code: "internal",
        message:
          "live queries need a WebSocket, and this platform has no global one: pass a WebSocket class as the option `WebSocket` (on Node 20, `import WebSocket from \"ws\"`)",
        status: 0,
      });
    }
    this.#live = new LiveConnection({
      url: webSocketUrl(this.#baseUrl),
      WebSocket,
      schema,
      tokens: this.#tokens,
      onState: (state) => this.#emitState(state),
      onServerSchema: (server) => this.#reportMismatch({ client: schema, server }),
    });
    return this.#live;
  }

  #emitState(state: ConnectionState): void {
    const listeners = [this.#options.onConnectionChange, ...this.#stateListeners];
    for (const listener of listeners) {
      if (listener === undefined) continue;
      try {
        listener({ ...state });
      } catch (error) {
        console.error("schemabridge: an onConnectionChange listener threw:", error);
      }
    }
  }

  async #call<Result>(ref: FunctionReference<FunctionKind, unknown, Result>, args: unknown): Promise<Result> {
    if (this.#closed) throw closedError();
    const wireArgs = encodeValue(args ?? {});
    if (this.#live !== undefined) return (await this.#live.request(ref.kind, ref.path, wireArgs)) as Result;
    const body = JSON.stringify(wireArgs);
    const url = `${this.#baseUrl}/api/${ref.path}`;
    const tokens = this.#tokens;
    let response = await this.#send(url, ref.schema, body, tokens && (await tokens.get(false)));
    if (response.status === 401 && tokens !== undefined && tokens === this.#tokens) {
      // The token was refused (revoked, expired early, keys rotated) or the
      // function needs one: ask for a fresh one, once.
      const token = await tokens.get(true);
      if (token !== null) response = await this.#send(url, ref.schema, body, token);
    }
    this.#checkSchema(ref.schema, response.headers);
    const text = await network(url, () => response.text());
    return readResponse(url, response.status, text) as Result;
  }

  #send(
    url: string,
    schema: string,
    body: string,
    token: string | null | undefined,
  ): Promise<Awaited<ReturnType<typeof fetch>>> {
    const init = { method: "POST", headers: this.#headers(schema, token ?? null), body };
    return network(url, () => {
      // Called from a local so that `this` is not the options object: the
      // browser's `fetch` throws "Illegal invocation" when called as a
      // method of anything but the global object.
      const send = this.#options.fetch ?? fetch;
      return send(url, init);
    });
  }

  #headers(schema: string, token: string | null): Record<string, string> {
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(this.#options.headers ?? {})) {
      // Header names are case-insensitive: a user's `Content-Type` would be
      // joined with ours into one broken value rather than replaced.
      const lower = name.toLowerCase();
      if (lower === "authorization" && token !== null) continue;
      if (lower !== "content-type" && lower !== SCHEMA_HEADER) headers[name] = value;
    }
    headers["content-type"] = "application/json";
    headers[SCHEMA_HEADER] = schema;
    if (token !== null) headers["authorization"] = `Bearer ${token}`;
    return headers;
  }

  #checkSchema(client: string, headers: { get(name: string): string | null }): void {
    if (this.#mismatchReported) return;
    const server = headers.get(SCHEMA_HEADER);
    const flagged = headers.get(MISMATCH_HEADER)?.trim().toLowerCase() === "true";
    if (!flagged && (server === null || server === client)) return;
    this.#reportMismatch({ client, server: server ?? "unknown" });
  }

  #reportMismatch(info: SchemaMismatchInfo): void {
    // Once per client: every call would say the same thing again.
    if (this.#mismatchReported) return;
    this.#mismatchReported = true;
    const report = this.#options.onSchemaMismatch;
    if (report) {
      report(info);
    } else {
      console.warn(
        `schemabridge: the server was generated from schema ${info.server}, this client from ${info.client}; regenerate the client or redeploy the server.`,
      );
    }
  }
}

// ---------------------------------------------------------------------------
// Live queries over the WebSocket: the protocol of docs/protocol.md.

/** The first reconnect waits up to this long, each further one twice as long … */
const RECONNECT_INITIAL_MS = 100;
/** … up to this long. */
const RECONNECT_MAX_MS = 10_000;
/** A token is refreshed no sooner than this after it was sent, however short its life. */
const MIN_TOKEN_REFRESH_MS = 5_000;
/** setTimeout's longest delay; a longer one fires at once. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/** The state of the server's view of a client: a Transition goes from one to the next. */
interface Version {
  readonly querySet: number;
  readonly identity: number;
  /** The commit sequence the results reflect. */
  readonly ts: number;
}

/** Where every new socket starts: no queries, anonymous, before any commit. */
const INITIAL_VERSION: Version = { querySet: 0, identity: 0, ts: 0 };

function sameVersion(a: Version, b: Version): boolean {
  return a.querySet === b.querySet && a.identity === b.identity && a.ts === b.ts;
}

/** What a subscription currently holds: a result or a failure. */
type Held = { value: unknown } | { error: SchemaBridgeError };

/** One `subscribe` call's callbacks. */
interface Listener {
  readonly onUpdate: (value: unknown) => void;
  readonly onError: ((error: SchemaBridgeError) => void) | undefined;
}

interface LiveSetup {
  readonly url: string;
  readonly WebSocket: WebSocketConstructor;
  /** This client's schema fingerprint, sent in `Connect`. */
  readonly schema: string;
  readonly tokens: TokenSource | undefined;
  readonly onState: (state: ConnectionState) => void;
  /** The server named another schema than this client's. */
  readonly onServerSchema: (server: string) => void;
}

/**
 * The live connection of one client: a socket that is reopened whenever it
 * drops, the query set it keeps subscribed, and the calls sent over it.
 */
class LiveConnection {
  readonly #setup: LiveSetup;
  readonly #queries = new QuerySet();
  readonly #requests = new Requests();
  readonly #backoff = new Backoff();
  #tokens: TokenSource | undefined;
  /** Bumped by every setAuth/clearAuth: a token fetched for an older one is not sent. */
  #authGeneration = 0;
  /** AuthErrors since the server last accepted a token: the first is retried at once. */
  #authFailures = 0;
  #socket: WebSocketLike | undefined;
  /** The handshake on `#socket` is done: messages may be sent. */
  #ready = false;
  /** The last version applied on this socket. */
  #version: Version = INITIAL_VERSION;
  /** The query set version of the last ModifyQuerySet sent on this socket. */
  #querySetVersion = 0;
  #reconnectTimer: ReturnType<typeof setTimeout> | undefined;
  #refreshTimer: ReturnType<typeof setTimeout> | undefined;
  #closed = false;
  #reported: ConnectionState = idleState();

  constructor(setup: LiveSetup) {
    this.#setup = setup;
    this.#tokens = setup.tokens;
    this.#open();
  }

  subscribe(path: string, args: WireValue, listener: Listener): () => void {
    const { query, created } = this.#queries.add(path, args, listener);
    if (created) {
      this.#modify([{ type: "Add", queryId: query.queryId, path, args }]);
    } else if (query.held !== undefined) {
      deliver(listener, query.held);
    }
    let subscribed = true;
    return () => {
      if (!subscribed) return;
      subscribed = false;
      if (this.#queries.remove(query, listener)) this.#modify([{ type: "Remove", queryId: query.queryId }]);
    };
  }

  localResult(path: string, args: WireValue): Held | undefined {
    return this.#queries.find(path, args)?.held;
  }

  request(kind: FunctionKind, path: string, args: WireValue): Promise<unknown> {
    if (this.#closed) return Promise.reject(closedError());
    const { request, settled } = this.#requests.add(kind, path, args);
    // Settling changes the state too (fewer requests in flight).
    const done = settled.finally(() => this.#reportState());
    if (this.#ready && this.#socket !== undefined) this.#sendRequest(this.#socket, request);
    this.#reportState();
    return done;
  }

  authChanged(tokens: TokenSource | undefined): void {
    this.#tokens = tokens;
    this.#authGeneration++;
    this.#authFailures = 0;
    clearTimeout(this.#refreshTimer);
    if (this.#ready && this.#socket !== undefined) void this.#authenticate(this.#socket, false);
  }

  state(): ConnectionState {
    return {
      isWebSocketConnected: this.#ready,
      hasInflightRequests: this.#requests.size > 0,
      connectionRetries: this.#backoff.retries,
      inflightMutations: this.#requests.mutations,
    };
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    clearTimeout(this.#reconnectTimer);
    clearTimeout(this.#refreshTimer);
    const socket = this.#socket;
    this.#socket = undefined;
    this.#ready = false;
    if (socket !== undefined) closeSocket(socket, 1000, "client closed");
    this.#requests.failAll(closedError());
    this.#reportState();
  }

  #open(): void {
    this.#reconnectTimer = undefined;
    let socket: WebSocketLike;
    try {
      socket = new this.#setup.WebSocket(this.#setup.url);
    } catch (error) {
      console.error(`schemabridge: cannot open ${this.#setup.url}:`, error);
      this.#reconnectIn(this.#backoff.next());
      this.#reportState();
      return;
    }
    this.#socket = socket;
    socket.onopen = () => void this.#handshake(socket);
    socket.onmessage = (event) => this.#receive(socket, event.data);
    socket.onclose = () => this.#lost(socket);
    // A close event follows every error; the error itself says no more.
    socket.onerror = () => {};
  }

  /** Connect, Authenticate, the whole query set, then every call waiting to be sent. */
  async #handshake(socket: WebSocketLike): Promise<void> {
    this.#version = INITIAL_VERSION;
    this.#querySetVersion = 0;
    if (!this.#send(socket, { type: "Connect", sessionId: randomHex(16), schema: this.#setup.schema })) return;
    if (this.#tokens !== undefined && !(await this.#authenticate(socket, this.#authFailures > 0))) return;
    if (socket !== this.#socket) return;
    this.#ready = true;
    const adds = this.#queries.all().map((query) => ({
      type: "Add",
      queryId: query.queryId,
      path: query.path,
      args: query.args,
    }));
    if (adds.length > 0) this.#modify(adds);
    for (const request of this.#requests.queued()) this.#sendRequest(socket, request);
    this.#reportState();
  }

  /**
   * Sends `Authenticate` with the current token (null when signed out) and
   * schedules its refresh; false when the socket is gone or dropped
   * because no token could be fetched.
   */
  async #authenticate(socket: WebSocketLike, forceRefresh: boolean): Promise<boolean> {
    // setAuth or clearAuth while a token is being fetched: fetch for the new one.
    for (;;) {
      const generation = this.#authGeneration;
      const tokens = this.#tokens;
      let token: string | null = null;
      try {
        if (tokens !== undefined) token = await tokens.get(forceRefresh);
      } catch (error) {
        console.error("schemabridge: no token for the live connection:", error);
        this.#drop(socket, "no auth token", this.#backoff.next());
        return false;
      }
      if (socket !== this.#socket) return false;
      if (generation !== this.#authGeneration) continue;
      if (!this.#send(socket, { type: "Authenticate", token })) return false;
      if (tokens !== undefined && token !== null) this.#scheduleRefresh(socket, tokens);
      return true;
    }
  }

  #scheduleRefresh(socket: WebSocketLike, tokens: TokenSource): void {
    clearTimeout(this.#refreshTimer);
    const refreshAt = tokens.refreshAt;
    if (refreshAt === Infinity) return;
    const delay = Math.min(MAX_TIMER_MS, Math.max(MIN_TOKEN_REFRESH_MS, refreshAt - Date.now()));
    this.#refreshTimer = setTimeout(() => {
      if (socket === this.#socket && tokens === this.#tokens) void this.#authenticate(socket, true);
    }, delay);
  }

  #receive(socket: WebSocketLike, data: unknown): void {
    if (socket !== this.#socket) return;
    const message = typeof data === "string" ? parseJson(data) : undefined;
    if (!isObject(message)) {
      this.#drop(socket, "a message that is not a JSON object", this.#backoff.next());
      return;
    }
    switch (message["type"]) {
      case "Connected":
        this.#connected(message["schema"]);
        break;
      case "Transition":
        this.#transition(socket, message);
        break;
      case "Response":
        this.#requests.respond(message, this.#version.ts);
        if (this.#authFailures > 0) this.#authFailures = 0;
        this.#reportState();
        break;
      case "AuthError":
        this.#authError(socket, message["error"]);
        break;
      case "FatalError":
        this.#fatalError(socket, wireError(message["error"]));
        break;
      default:
      // A message type from a newer server: nothing this client must do.
    }
  }

  #connected(schema: unknown): void {
    // A server that refuses the token also connects first: only an
    // accepted token ends the backoff of repeated AuthErrors.
    if (this.#authFailures === 0) this.#backoff.reset();
    if (typeof schema === "string" && schema !== this.#setup.schema) this.#setup.onServerSchema(schema);
    this.#reportState();
  }

  /**
   * Applies every modification of one Transition before calling any
   * callback, so that no callback sees the results of two commits mixed;
   * then resolves the mutations whose commit it reached.
   */
  #transition(socket: WebSocketLike, message: Record<string, unknown>): void {
    const start = readVersion(message["startVersion"]);
    const end = readVersion(message["endVersion"]);
    const modifications = message["modifications"];
    if (start === undefined || end === undefined || !Array.isArray(modifications)) {
      this.#drop(socket, "a malformed Transition", this.#backoff.next());
      return;
    }
    if (!sameVersion(start, this.#version)) {
      // A message was lost or reordered: only a fresh query set is sure.
      this.#drop(socket, "a Transition from another version", this.#backoff.next());
      return;
    }
    const changed = new Set<Query>();
    for (const modification of modifications) {
      const query = this.#queries.apply(modification);
      if (query !== undefined) changed.add(query);
    }
    this.#version = end;
    this.#authFailures = 0;
    for (const query of changed) query.notify();
    this.#requests.reached(end.ts);
    this.#reportState();
  }

  #authError(socket: WebSocketLike, error: unknown): void {
    this.#authFailures++;
    const { message } = wireError(error);
    // The server closes the socket; reconnect with a fresh token, at once
    // the first time, then backing off: a token that stays bad must not
    // make the client hammer the server.
    if (this.#authFailures > 1) console.warn(`schemabridge: the live connection's token was refused: ${message}`);
    this.#drop(socket, "token refused", this.#authFailures === 1 ? 0 : this.#backoff.next());
  }

  #fatalError(socket: WebSocketLike, error: SchemaBridgeError): void {
    console.warn(`schemabridge: the server closed the live connection (${error.code}): ${error.message}`);
    // `overloaded` passes; `invalid_args` is a bug on this side that a
    // quick reconnect would only repeat, so it waits the longest delay.
    const delay = error.code === "invalid_args" ? RECONNECT_MAX_MS : this.#backoff.next();
    this.#drop(socket, "fatal error", delay);
  }

  #modify(modifications: Record<string, WireValue>[]): void {
    const socket = this.#socket;
    // Not ready: the handshake sends the whole query set.
    if (!this.#ready || socket === undefined) return;
    const baseVersion = this.#querySetVersion;
    this.#querySetVersion = baseVersion + 1;
    this.#send(socket, { type: "ModifyQuerySet", baseVersion, newVersion: baseVersion + 1, modifications });
  }

  #sendRequest(socket: WebSocketLike, request: PendingRequest): void {
    if (this.#send(socket, request.message)) request.stage = "sent";
  }

  /** Sends one message; a socket that cannot take it is dropped (false). */
  #send(socket: WebSocketLike, message: Record<string, WireValue>): boolean {
    try {
      socket.send(JSON.stringify(message));
      return true;
    } catch (error) {
      console.warn("schemabridge: sending on the live connection failed:", error);
      this.#drop(socket, "send failed", this.#backoff.next());
      return false;
    }
  }

  /** Closes `socket` from this side and reconnects after `delay` ms. */
  #drop(socket: WebSocketLike, reason: string, delay: number): void {
    if (socket !== this.#socket) return;
    closeSocket(socket, 4000, reason);
    this.#lost(socket, delay);
  }

  /** `socket` is gone: calls in flight wait for the next one, which opens after `delay`. */
  #lost(socket: WebSocketLike, delay?: number): void {
    if (socket !== this.#socket) return;
    this.#socket = undefined;
    this.#ready = false;
    clearTimeout(this.#refreshTimer);
    this.#requests.disconnected();
    if (!this.#closed) this.#reconnectIn(delay ?? this.#backoff.next());
    this.#reportState();
  }

  #reconnectIn(delay: number): void {
    clearTimeout(this.#reconnectTimer);
    this.#reconnectTimer = setTimeout(() => this.#open(), delay);
  }

  #reportState(): void {
    const state = this.state();
    if (sameState(state, this.#reported)) return;
    this.#reported = state;
    this.#setup.onState(state);
  }
}

/** Detaches `socket`'s handlers and closes it. */
function closeSocket(socket: WebSocketLike, code: number, reason: string): void {
  // No-ops rather than null: `ws` throws an error event that has no listener.
  socket.onopen = () => {};
  socket.onmessage = () => {};
  socket.onclose = () => {};
  socket.onerror = () => {};
  try {
    socket.close(code, reason);
  } catch {
    // Already closing: nothing left to do.
  }
}

/** One subscribed query and everyone listening to it. */
class Query {
  readonly queryId: number;
  readonly path: string;
  readonly args: WireValue;
  readonly listeners = new Set<Listener>();
  held: Held | undefined;
  /** The wire form of `held`: a re-sent equal result is no change. */
  #heldText: string | undefined;

  constructor(queryId: number, path: string, args: WireValue) {
    this.queryId = queryId;
    this.path = path;
    this.args = args;
  }

  /** Holds a QueryUpdated or QueryFailed; false when it holds that already. */
  hold(modification: Record<string, unknown>): boolean {
    const failed = modification["type"] === "QueryFailed";
    const payload = failed ? modification["error"] : modification["value"];
    const text = `${failed ? "error" : "value"}:${JSON.stringify(payload)}`;
    if (text === this.#heldText) return false;
    this.#heldText = text;
    this.held = failed ? { error: wireError(payload) } : decodeHeld(payload);
    return true;
  }

  notify(): void {
    const held = this.held;
    if (held === undefined) return;
    // A copy: a callback may subscribe or unsubscribe.
    for (const listener of [...this.listeners]) deliver(listener, held);
  }
}

function decodeHeld(value: unknown): Held {
  try {
    return { value: decodeValue(value) };
  } catch (error) {
    return { error: asError(error) };
  }
}

function deliver(listener: Listener, held: Held): void {
  try {
    if ("value" in held) listener.onUpdate(held.value);
    else if (listener.onError !== undefined) listener.onError(held.error);
    else console.error(`schemabridge: a subscribed query failed (${held.error.code}): ${held.error.message}`);
  } catch (error) {
    console.error("schemabridge: a subscription callback threw:", error);
  }
}

/** The client's subscribed queries, one per (path, encoded arguments). */
class QuerySet {
  readonly #byKey = new Map<string, Query>();
  readonly #byId = new Map<number, Query>();
  #nextId = 0;

  find(path: string, args: WireValue): Query | undefined {
    return this.#byKey.get(queryKey(path, args));
  }

  /** Adds a listener, to a new query (`created`) or to the identical one held. */
  add(path: string, args: WireValue, listener: Listener): { query: Query; created: boolean } {
    const key = queryKey(path, args);
    let query = this.#byKey.get(key);
    const created = query === undefined;
    if (query === undefined) {
      query = new Query(this.#nextId, path, args);
      this.#nextId = (this.#nextId + 1) >>> 0;
      this.#byKey.set(key, query);
      this.#byId.set(query.queryId, query);
    }
    query.listeners.add(listener);
    return { query, created };
  }

  /** Removes a listener; true when that was the query's last (it is gone). */
  remove(query: Query, listener: Listener): boolean {
    query.listeners.delete(listener);
    if (query.listeners.size > 0 || this.#byId.get(query.queryId) !== query) return false;
    this.#byId.delete(query.queryId);
    this.#byKey.delete(queryKey(query.path, query.args));
    return true;
  }

  all(): Query[] {
    return [...this.#byId.values()];
  }

  /** Holds one modification of a Transition: the query it changed, if any. */
  apply(modification: unknown): Query | undefined {
    if (!isObject(modification)) return undefined;
    const type = modification["type"];
    const id = modification["queryId"];
    // QueryRemoved, or a query this client has just removed.
    if ((type !== "QueryUpdated" && type !== "QueryFailed") || typeof id !== "number") return undefined;
    const query = this.#byId.get(id);
    return query !== undefined && query.hold(modification) ? query : undefined;
  }
}

function queryKey(path: string, args: WireValue): string {
  return `${path}\u0000${JSON.stringify(args)}`;
}

/** A query, mutation or action sent (or to be sent) over the socket. */
interface PendingRequest {
  readonly kind: FunctionKind;
  /** Sent unchanged again after a reconnect: a mutation keeps its idempotency key. */
  readonly message: Record<string, WireValue>;
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: SchemaBridgeError) => void;
  /**
   * `queued`: not sent on the current socket; `sent`: awaiting its
   * Response; `answered`: a mutation awaiting the Transition to its commit.
   */
  stage: "queued" | "sent" | "answered";
  answer?: { value: unknown; ts: number };
}

/** The calls over the socket that have not settled, by request id. */
class Requests {
  readonly #pending = new Map<number, PendingRequest>();
  #nextId = 0;

  get size(): number {
    return this.#pending.size;
  }

  get mutations(): number {
    let count = 0;
    for (const request of this.#pending.values()) if (request.kind === "mutation") count++;
    return count;
  }

  add(kind: FunctionKind, path: string, args: WireValue): { request: PendingRequest; settled: Promise<unknown> } {
    const requestId = this.#nextId;
    this.#nextId = (this.#nextId + 1) >>> 0;
    const message: Record<string, WireValue> = { type: messageType(kind), requestId, path, args };
    if (kind === "mutation") message["idempotencyKey"] = randomHex(16);
    let resolve!: (value: unknown) => void;
    let reject!: (error: SchemaBridgeError) => void;
    const settled = new Promise<unknown>((resolved, rejected) => {
      resolve = resolved;
      reject = rejected;
    });
    const request: PendingRequest = { kind, message, resolve, reject, stage: "queued" };
    this.#pending.set(requestId, request);
    return { request, settled };
  }

  /** The requests to send on a new socket, oldest first. */
  queued(): PendingRequest[] {
    return [...this.#pending.values()].filter((request) => request.stage === "queued");
  }

  /**
   * Settles the request a Response answers; a mutation's value waits until
   * the client has reached its commit (`reachedTs`: the applied version's).
   */
  respond(message: Record<string, unknown>, reachedTs: number): void {
    const id = message["requestId"];
    const request = typeof id === "number" ? this.#pending.get(id) : undefined;
    if (request === undefined || request.stage !== "sent") return;
    if (message["error"] !== undefined) {
      this.#settle(id as number, request, { error: wireError(message["error"]) });
      return;
    }
    const answer = decodeHeld(message["value"]);
    const ts = message["ts"];
    if (request.kind === "mutation" && "value" in answer && typeof ts === "number") {
      if (reachedTs < ts) {
        request.stage = "answered";
        request.answer = { value: answer.value, ts };
        return;
      }
    }
    this.#settle(id as number, request, answer);
  }

  /** The client's results now reflect commit `ts`: the mutations up to it resolve. */
  reached(ts: number): void {
    for (const [id, request] of this.#pending) {
      if (request.stage === "answered" && request.answer !== undefined && request.answer.ts <= ts) {
        this.#settle(id, request, { value: request.answer.value });
      }
    }
  }

  /**
   * The socket dropped. Queries and mutations are sent again on the next
   * one (a mutation's key makes it apply once); an action that was running
   * fails, since running it again could repeat its effects.
   */
  disconnected(): void {
    for (const [id, request] of this.#pending) {
      if (request.stage !== "sent") continue;
      if (request.kind === "action") {
        const message = "the connection was lost while the action ran; it may or may not have completed";
        this.#settle(id, request, { error: new SchemaBridgeError({ code: "network", message, status: 0 }) });
      } else {
        request.stage = "queued";
      }
    }
  }

  failAll(error: SchemaBridgeError): void {
    for (const [id, request] of this.#pending) this.#settle(id, request, { error });
  }

  #settle(id: number, request: PendingRequest, outcome: Held): void {
    this.#pending.delete(id);
    if ("value" in outcome) request.resolve(outcome.value);
    else request.reject(outcome.error);
  }
}

function messageType(kind: FunctionKind): string {
  return kind === "query" ? "Query" : kind === "mutation" ? "Mutation" : "Action";
}

/**
 * Jittered exponential backoff: retry n waits a random time between half
 * of and all of min(RECONNECT_MAX_MS, RECONNECT_INITIAL_MS · 2^n), so that
 * clients dropped together do not return together.
 */
class Backoff {
  #retries = 0;

  get retries(): number {
    return this.#retries;
  }

  next(): number {
    const ceiling = Math.min(RECONNECT_MAX_MS, RECONNECT_INITIAL_MS * 2 ** this.#retries);
    this.#retries++;
    return ceiling / 2 + (Math.random() * ceiling) / 2;
  }

  reset(): void {
    this.#retries = 0;
  }
}

function idleState(): ConnectionState {
  return { isWebSocketConnected: false, hasInflightRequests: false, connectionRetries: 0, inflightMutations: 0 };
}

function sameState(a: ConnectionState, b: ConnectionState): boolean {
  return (
    a.isWebSocketConnected === b.isWebSocketConnected &&
    a.hasInflightRequests === b.hasInflightRequests &&
    a.connectionRetries === b.connectionRetries &&
    a.inflightMutations === b.inflightMutations
  );
}

function readVersion(value: unknown): Version | undefined {
  if (!isObject(value)) return undefined;
  const { querySet, identity, ts } = value;
  if (typeof querySet !== "number" || typeof identity !== "number" || typeof ts !== "number") return undefined;
  return { querySet, identity, ts };
}

/** The error of a Response, QueryFailed or AuthError; status 0 (no HTTP response). */
function wireError(error: unknown): SchemaBridgeError {
  if (isObject(error)) {
    const { code, message, path } = error;
    if (typeof code === "string" && typeof message === "string") {
      return new SchemaBridgeError({ code, message, status: 0, path: typeof path === "string" ? path : undefined });
    }
  }
  return new SchemaBridgeError({ code: "internal", message: `a malformed error: ${JSON.stringify(error)}`, status: 0 });
}

function asError(error: unknown): SchemaBridgeError {
  if (error instanceof SchemaBridgeError) return error;
  return new SchemaBridgeError({ code: "internal", message: describe(error), status: 0, cause: error });
}

function closedError(): SchemaBridgeError {
  return new SchemaBridgeError({ code: "closed", message: "the client was closed", status: 0 });
}

function globalWebSocket(): WebSocketConstructor | undefined {
  return (globalThis as unknown as { WebSocket?: WebSocketConstructor }).WebSocket;
}

/** `{baseUrl}/api/ws` as a ws: or wss: URL; a relative base is the page's origin. */
function webSocketUrl(baseUrl: string): string {
  const page = (globalThis as unknown as { location?: { href: string } }).location?.href;
  let url: URL;
  try {
    url = new URL(`${baseUrl}/api/ws`, page);
  } catch (cause) {
    const message = `cannot make a WebSocket URL of "${baseUrl}": ${describe(cause)} (a relative base URL needs a page)`;
    throw new SchemaBridgeError({ code: "invalid_args", message, status: 0, cause });
  }
  return url.href.replace(/^http(s?):/, "ws$1:");
}

/** `bytes` random bytes as hex: session ids and idempotency keys. */
function randomHex(bytes: number): string {
  const crypto = (globalThis as unknown as { crypto?: { getRandomValues(array: Uint8Array): Uint8Array } }).crypto;
  if (crypto === undefined) {
    throw new SchemaBridgeError({ code: "internal", message: "this platform has no crypto.getRandomValues", status: 0 });
  }
  const values = crypto.getRandomValues(new Uint8Array(bytes));
  return Array.from(values, (byte) => byte.toString(16).padStart(2, "0")).join("");
}
/** Calls the user's `fetchToken`; a failure there is the call's `unauthenticated` error. */
async function fetchAuthToken(fetchToken: AuthTokenFetcher, forceRefresh: boolean): Promise<string | null> {
  try {
    const token = await fetchToken({ forceRefresh });
    return typeof token === "string" && token !== "" ? token : null;
  } catch (cause) {
    throw new SchemaBridgeError({
      code: "unauthenticated",
      message: `fetching the auth token failed: ${describe(cause)}`,
      status: 0,
      cause,
    });
  }
}

/**
 * When to replace `token`: `REFRESH_MARGIN_MS` before the `exp` of its
 * payload (a token that lives shorter is fetched anew for every call);
 * never, until a 401, when the payload cannot be read or has no `exp`.
 */
function refreshTime(token: string): number {
  const payload = token.split(".")[1];
  if (payload === undefined) return Infinity;
  const base64 = payload.replace(/-/g, "+").replace(/_/g, "/");
  const bytes = decodeBase64(base64 + "=".repeat((4 - (base64.length % 4)) % 4));
  if (bytes === undefined) return Infinity;
  const claims = parseJson(new TextDecoder().decode(bytes));
  const exp = isObject(claims) ? claims["exp"] : undefined;
  if (typeof exp !== "number" || !Number.isFinite(exp)) return Infinity;
  return exp * 1000 - REFRESH_MARGIN_MS;
}

/** Runs one step of a call, turning any failure into a `network` error. */
async function network<T>(url: string, step: () => Promise<T>): Promise<T> {
  try {
    return await step();
  } catch (cause) {
    throw new SchemaBridgeError({ code: "network", message: `${url}: ${describe(cause)}`, status: 0, cause });
  }
}

/** Turns a response body into the call's value, or throws what went wrong. */
function readResponse(url: string, status: number, text: string): unknown {
  const payload = parseJson(text);
  if (isObject(payload) && isObject(payload["error"])) {
    const { code, message, path } = payload["error"];
    if (typeof code === "string" && typeof message === "string") {
      const at = typeof path === "string" ? path : undefined;
      throw new SchemaBridgeError({ code, message, status, path: at });
    }
  }
  if (status >= 200 && status < 300 && isObject(payload) && "value" in payload) {
    try {
      return decodeValue(payload["value"]);
    } catch (cause) {
      throw new SchemaBridgeError({ code: "internal", message: `${url}: ${describe(cause)}`, status, cause });
    }
  }
  const shown = text.length > 200 ? `${text.slice(0, 200)}…` : text;
  throw new SchemaBridgeError({
    code: "internal",
    message: `${url}: unexpected response (HTTP ${status}): ${shown}`,
    status,
  });
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

// Not `2n ** 63n`: bigint literals break bundlers set to targets before
// ES2020, while `BigInt` itself is all the client needs at run time.
const INT64_MIN = BigInt("-9223372036854775808");
const INT64_MAX = BigInt("9223372036854775807");

/**
 * Encodes a value for the wire: a bigint becomes `{"$int64": "<decimal>"}`,
 * a Uint8Array `{"$bytes": "<base64>"}`, objects and arrays are encoded
 * member by member, and an `undefined` property is left out (an absent
 * optional field). Throws a `SchemaBridgeError` with code `invalid_args`
 * for a non-finite number, a bigint outside the signed 64-bit range, or a
 * value JSON cannot hold (`undefined` outside an object, a function, a
 * symbol). No field name starts with `$`, so no schema is needed.
 */
export function encodeValue(value: unknown): WireValue {
  return encodeAt(value, "");
}

function encodeAt(value: unknown, path: string): WireValue {
  switch (typeof value) {
    case "string":
    case "boolean":
      return value;
    case "number":
      // JSON has no NaN or Infinity; `JSON.stringify` would send null.
      if (!Number.isFinite(value)) throw refused(path, `${value} is not a finite number`);
      return value;
    case "bigint":
      if (value < INT64_MIN || value > INT64_MAX) {
        throw refused(path, `${value} does not fit in a signed 64-bit integer`);
      }
      return { $int64: value.toString() };
    case "object":
      if (value === null) return null;
      if (value instanceof Uint8Array) return { $bytes: encodeBase64(value) };
      if (Array.isArray(value)) {
        return value.map((item: unknown, index: number) => encodeAt(item, `${path}[${index}]`));
      }
      return encodeObject(value, path);
    default:
      throw refused(path, `a value of type ${typeof value} has no JSON form`);
  }
}

function encodeObject(value: object, path: string): WireValue {
  // As `JSON.stringify` does, so that a `Date` in an `any` field is sent
  // as its ISO text rather than as `{}`.
  const toJSON: unknown = (value as { toJSON?: unknown }).toJSON;
  if (typeof toJSON === "function") return encodeAt((toJSON as (this: object) => unknown).call(value), path);
  const out: { [key: string]: WireValue } = {};
  for (const [key, item] of Object.entries(value) as [string, unknown][]) {
    if (item === undefined) continue;
    const at = path === "" ? key : `${path}.${key}`;
    // `$int64` and `$bytes` mark encoded values; a key of the data itself
    // (a record key: field names never start with `$`) would be misread.
    if (key.startsWith("$")) throw refused(at, `the key "${key}" starts with "$", which the wire format reserves`);
    defineEntry(out, key, encodeAt(item, at));
  }
  return out;
}

function refused(path: string, message: string): SchemaBridgeError {
  const where = path === "" ? "the arguments" : path;
  return new SchemaBridgeError({ code: "invalid_args", message: `${where}: ${message}`, status: 0, path });
}

/**
 * Decodes a value from the wire, the inverse of `encodeValue`: an object
 * whose only key is `$int64` becomes a bigint, one whose only key is
 * `$bytes` a Uint8Array. Throws a `SchemaBridgeError` with code `internal`
 * when such an object holds no valid number or base64 text.
 */
export function decodeValue(value: unknown): unknown {
  return decodeAt(value, "");
}

function decodeAt(value: unknown, path: string): unknown {
  if (Array.isArray(value)) {
    return value.map((item: unknown, index: number) => decodeAt(item, `${path}[${index}]`));
  }
  if (!isObject(value)) return value;
  const keys = Object.keys(value);
  if (keys.length === 1 && keys[0] === "$int64") return decodeInt64(value["$int64"], path);
  if (keys.length === 1 && keys[0] === "$bytes") {
    const text = value["$bytes"];
    const bytes = typeof text === "string" ? decodeBase64(text) : undefined;
    if (bytes === undefined) throw malformed(path, "`$bytes` does not hold standard padded base64");
    return bytes;
  }
  const out: Record<string, unknown> = {};
  for (const key of keys) {
    defineEntry(out, key, decodeAt(value[key], path === "" ? key : `${path}.${key}`));
  }
  return out;
}

function decodeInt64(text: unknown, path: string): bigint {
  if (typeof text !== "string" || !/^-?[0-9]{1,19}$/.test(text)) {
    throw malformed(path, "`$int64` does not hold a decimal integer");
  }
  const value = BigInt(text);
  if (value < INT64_MIN || value > INT64_MAX) throw malformed(path, `${text} does not fit in int64`);
  return value;
}

function malformed(path: string, message: string): SchemaBridgeError {
  const where = path === "" ? "the result" : path;
  return new SchemaBridgeError({ code: "internal", message: `${where}: ${message}`, status: 0, path });
}

// Plain assignment of `__proto__` would set the object's prototype instead
// of adding a key; a server could send that key in an `any` field.
function defineEntry<T>(target: Record<string, T>, key: string, value: T): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

// Base64 by table rather than `btoa`/`atob` (which work on Latin-1 strings)
// or Node's Buffer, so that the client runs unchanged in browsers and Node.
const BASE64_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
const BASE64_VALUES = new Int8Array(128).fill(-1);
for (let i = 0; i < BASE64_ALPHABET.length; i++) BASE64_VALUES[BASE64_ALPHABET.charCodeAt(i)] = i;

/** Standard base64 (RFC 4648 §4) with padding. */
export function encodeBase64(bytes: Uint8Array): string {
  const chunks: string[] = [];
  for (let i = 0; i < bytes.length; i += 3) {
    const left = bytes.length - i;
    const triple = ((bytes[i] ?? 0) << 16) | ((bytes[i + 1] ?? 0) << 8) | (bytes[i + 2] ?? 0);
    chunks.push(
      BASE64_ALPHABET.charAt(triple >>> 18),
      BASE64_ALPHABET.charAt((triple >>> 12) & 63),
      left > 1 ? BASE64_ALPHABET.charAt((triple >>> 6) & 63) : "=",
      left > 2 ? BASE64_ALPHABET.charAt(triple & 63) : "=",
    );
  }
  return chunks.join("");
}

/**
 * Decodes standard padded base64; `undefined` when `text` is not that
 * (wrong length, a character outside the alphabet, misplaced padding).
 */
export function decodeBase64(text: string): Uint8Array | undefined {
  if (text.length % 4 !== 0) return undefined;
  const padding = text.endsWith("==") ? 2 : text.endsWith("=") ? 1 : 0;
  const out = new Uint8Array((text.length / 4) * 3 - padding);
  let buffer = 0;
  let bits = 0;
  let written = 0;
  for (let i = 0; i < text.length - padding; i++) {
    const code = text.charCodeAt(i);
    const sextet = code < 128 ? (BASE64_VALUES[code] ?? -1) : -1;
    if (sextet < 0) return undefined;
    buffer = ((buffer << 6) | sextet) & 0xffff;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[written++] = (buffer >>> bits) & 0xff;
    }
  }
  return out;
}
