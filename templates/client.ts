// The fixed part of the generated client: typed function references, the
// HTTP client and the int64/bytes wire encoding, as described in
// docs/reference/wire-format.md of the schemabridge repository.
// schemabridge copies this file unchanged into every TypeScript output
// folder; its source (templates/client.ts in that repository) is compiled
// and tested there.
//
// Needs TypeScript 5.4 or later (for `NoInfer`) and the types of `fetch`
// and `console`, which lib "DOM" or @types/node provide.

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
}

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

interface AuthState {
  readonly fetchToken: AuthTokenFetcher;
  /** The last token and when to replace it (ms since the epoch; Infinity without `exp`). */
  cached?: { token: string; refreshAt: number } | undefined;
  /** A fetch in progress, shared by the calls that wait for it. */
  pending?: Promise<string | null> | undefined;
}

const SCHEMA_HEADER = "x-schemabridge-schema";
const MISMATCH_HEADER = "x-schemabridge-schema-mismatch";

/**
 * A client for one server. Every call is a `POST {baseUrl}/api/{path}`
 * whose body is the wire-encoded arguments; it resolves to the decoded
 * result or rejects with a `SchemaBridgeError`.
 */
export class SchemaBridgeClient {
  readonly #baseUrl: string;
  readonly #options: SchemaBridgeClientOptions;
  #mismatchReported = false;
  #auth: AuthState | undefined;

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
   * Signs calls in: each call sends `Authorization: Bearer <token>` with a
   * token from `fetchToken` (none while it returns `null`). The token is
   * reused until shortly before its `exp`, then fetched again with
   * `forceRefresh: true`; a call answered 401 fetches a fresh token once
   * and is sent once more.
   */
  setAuth(fetchToken: AuthTokenFetcher): void {
    this.#auth = { fetchToken };
  }

  /** Signs out: calls are sent without a token from now on. */
  clearAuth(): void {
    this.#auth = undefined;
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

  async #call<Result>(ref: FunctionReference<FunctionKind, unknown, Result>, args: unknown): Promise<Result> {
    const body = JSON.stringify(encodeValue(args ?? {}));
    const url = `${this.#baseUrl}/api/${ref.path}`;
    const auth = this.#auth;
    let response = await this.#send(url, ref.schema, body, auth && (await this.#token(auth, false)));
    if (response.status === 401 && auth !== undefined && auth === this.#auth) {
      // The token was refused (revoked, expired early, keys rotated) or the
      // function needs one: ask for a fresh one, once.
      const token = await this.#token(auth, true);
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

  /** The token to send: the cached one while it is fresh, else a fetched one. */
  #token(auth: AuthState, forceRefresh: boolean): Promise<string | null> {
    const cached = auth.cached;
    if (!forceRefresh && cached !== undefined && Date.now() < cached.refreshAt) {
      return Promise.resolve(cached.token);
    }
    // Parallel calls share one fetch; a forced refresh waits for none.
    if (!forceRefresh && auth.pending !== undefined) return auth.pending;
    // A cached token that went stale is replaced by a new one, not reissued.
    const force = forceRefresh || cached !== undefined;
    const pending = fetchAuthToken(auth.fetchToken, force).then((token) => {
      if (auth.pending === pending) auth.pending = undefined;
      // Not cached when `null`: whoever signs in later is seen on the next call.
      auth.cached = token === null ? undefined : { token, refreshAt: refreshTime(token) };
      return token;
    });
    auth.pending = pending;
    return pending;
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
    // Once per client: every call would say the same thing again.
    this.#mismatchReported = true;
    const info: SchemaMismatchInfo = { client, server: server ?? "unknown" };
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
