// A stand-in for `SchemaBridgeClient` with the API the framework bindings
// use (subscribe, localResult, mutation, connectionState,
// onConnectionChange), which a test drives by hand: it decides when a
// result or an error arrives, and it counts subscriptions, so a test can
// tell one that was kept from one that was made again. Like the real
// client, a subscription whose result is held gets it synchronously inside
// `subscribe`.

import {
  encodeValue,
  SchemaBridgeError,
  type ConnectionState,
  type FunctionReference,
  type SchemaBridgeClient,
} from "../../../templates/client.js";

interface Listener {
  onUpdate: (value: unknown) => void;
  onError: ((error: SchemaBridgeError) => void) | undefined;
}

export class FakeClient {
  /** Every `subscribe` call, in order, as `path:encoded args`. */
  readonly subscribed: string[] = [];
  /** Every unsubscribe, in order, as `path:encoded args`. */
  readonly unsubscribed: string[] = [];
  /** Every mutation call, in order. */
  readonly mutations: { path: string; args: unknown }[] = [];
  readonly #held = new Map<string, { value: unknown } | { error: SchemaBridgeError }>();
  readonly #listeners = new Map<string, Set<Listener>>();
  readonly #connectionListeners = new Set<(state: ConnectionState) => void>();
  #state: ConnectionState = {
    isWebSocketConnected: false,
    hasInflightRequests: false,
    connectionRetries: 0,
    inflightMutations: 0,
  };

  /** This fake as the client type the bindings take. */
  get client(): SchemaBridgeClient {
    return this as unknown as SchemaBridgeClient;
  }

  subscribe<Args, Result>(
    ref: FunctionReference<"query", Args, Result>,
    args: Args,
    onUpdate: (result: Result) => void,
    onError?: (error: SchemaBridgeError) => void,
  ): () => void {
    const id = key(ref.path, args);
    this.subscribed.push(id);
    const listener: Listener = { onUpdate: onUpdate as (value: unknown) => void, onError };
    const set = this.#listeners.get(id) ?? new Set();
    set.add(listener);
    this.#listeners.set(id, set);
    const held = this.#held.get(id);
    if (held !== undefined) deliver(listener, held);
    return () => {
      this.unsubscribed.push(id);
      set.delete(listener);
    };
  }

  localResult<Args, Result>(
    ref: FunctionReference<"query", Args, Result>,
    args: Args,
  ): { value: Result } | { error: SchemaBridgeError } | undefined {
    return this.#held.get(key(ref.path, args)) as { value: Result } | { error: SchemaBridgeError } | undefined;
  }

  mutation<Args, Result>(ref: FunctionReference<"mutation", Args, Result>, args?: Args): Promise<Result> {
    this.mutations.push({ path: ref.path, args });
    return Promise.resolve(`${ref.path} done` as Result);
  }

  connectionState(): ConnectionState {
    // A new object on every call, as a client may return: the bindings
    // must not take that for a change.
    return { ...this.#state };
  }

  onConnectionChange(listener: (state: ConnectionState) => void): () => void {
    this.#connectionListeners.add(listener);
    return () => this.#connectionListeners.delete(listener);
  }

  /** The server sent `value` for (path, args). */
  update(path: string, args: unknown, value: unknown): void {
    this.#publish(key(path, args), { value });
  }

  /** The query (path, args) failed with `code`. */
  fail(path: string, args: unknown, code: string): void {
    const error = new SchemaBridgeError({ code, message: `${path} failed: ${code}`, status: 0 });
    this.#publish(key(path, args), { error });
  }

  /** How many subscriptions to (path, args) are active. */
  active(path: string, args: unknown): number {
    return this.#listeners.get(key(path, args))?.size ?? 0;
  }

  setConnection(change: Partial<ConnectionState>): void {
    this.#state = { ...this.#state, ...change };
    for (const listener of this.#connectionListeners) listener(this.connectionState());
  }

  #publish(id: string, held: { value: unknown } | { error: SchemaBridgeError }): void {
    this.#held.set(id, held);
    for (const listener of this.#listeners.get(id) ?? []) deliver(listener, held);
  }
}

function deliver(listener: Listener, held: { value: unknown } | { error: SchemaBridgeError }): void {
  if ("value" in held) listener.onUpdate(held.value);
  else listener.onError?.(held.error);
}

export function key(path: string, args: unknown): string {
  return `${path}:${JSON.stringify(encodeValue(args ?? {}))}`;
}

/** References as `api.users.getProfile` and friends look, without a schema. */
export const getProfile = {
  kind: "query",
  path: "users/getProfile",
  schema: "test",
} as FunctionReference<"query", { userId: string }, { name: string; karma: bigint } | null>;
export const stats = { kind: "query", path: "notes/stats", schema: "test" } as FunctionReference<
  "query",
  Record<string, never>,
  Record<string, bigint>
>;
export const addKarma = { kind: "mutation", path: "users/addKarma", schema: "test" } as FunctionReference<
  "mutation",
  { userId: string; amount: bigint },
  string
>;
