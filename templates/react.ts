// React bindings for the generated client: a provider holding one
// `SchemaBridgeClient`, and hooks that subscribe to live queries, call
// mutations and watch the connection. schemabridge copies this file into
// the TypeScript output folder when asked (`generate --react`,
// `Builder::react(true)`); its source (templates/react.ts in that
// repository) is type-checked against React 19's types and tested there.
//
// It uses only the client's public API (`subscribe`, `localResult`,
// `mutation`, `connectionState`, `onConnectionChange`), so it works with
// React 18 and 19 alike (`useSyncExternalStore`).

import { createContext, createElement, useCallback, useContext, useMemo, useSyncExternalStore } from "react";
import type { ReactNode } from "react";

import { encodeValue } from "./client.js";
import type {
  ArgsParameter,
  ConnectionState,
  FunctionReference,
  SchemaBridgeClient,
  SchemaBridgeError,
} from "./client.js";

const ClientContext = createContext<SchemaBridgeClient | undefined>(undefined);

/** Makes `client` the one the hooks below use, for everything inside it. */
export function SchemaBridgeProvider(props: { client: SchemaBridgeClient; children?: ReactNode }): ReactNode {
  return createElement(ClientContext.Provider, { value: props.client }, props.children);
}

/** The client of the nearest `SchemaBridgeProvider`; throws outside of one. */
export function useSchemaBridgeClient(): SchemaBridgeClient {
  const client = useContext(ClientContext);
  if (client === undefined) {
    throw new Error("schemabridge: this hook needs a <SchemaBridgeProvider client={…}> above the component");
  }
  return client;
}

/** What one subscription holds: nothing yet, a result, or the query's error. */
type Snapshot<Result> = { readonly value: Result } | { readonly error: SchemaBridgeError } | undefined;

/** A `useSyncExternalStore` source for one subscription of (ref, args). */
interface QueryStore<Result> {
  subscribe(onChange: () => void): () => void;
  snapshot(): Snapshot<Result>;
}

function queryStore<Args, Result>(
  client: SchemaBridgeClient,
  ref: FunctionReference<"query", Args, Result>,
  args: Args,
): QueryStore<Result> {
  // The store keeps what the callbacks delivered rather than asking
  // `localResult` on every render: `useSyncExternalStore` needs the same
  // object back until something changed, or it renders forever.
  let current: Snapshot<Result> = client.localResult(ref, args);
  return {
    subscribe(onChange) {
      // A result the client already holds arrives synchronously, inside
      // `subscribe`; React then reads the new snapshot.
      return client.subscribe(
        ref,
        args,
        (value) => {
          current = { value };
          onChange();
        },
        (error) => {
          current = { error };
          onChange();
        },
      );
    },
    snapshot: () => current,
  };
}

/** The snapshot while nothing is subscribed (`"skip"`, server rendering). */
const NOTHING: QueryStore<never> = { subscribe: () => () => {}, snapshot: () => undefined };

/**
 * The live result of a query: `undefined` while the first result is on its
 * way, then every new result the server sends. `"skip"` as the arguments
 * subscribes to nothing and returns `undefined`.
 *
 * The arguments are compared by their wire encoding, so a new object
 * literal on every render keeps the same subscription; different arguments
 * switch to a new one (and return `undefined` until its first result).
 *
 * When the query fails (a handler error, `invalid_args`, arguments that
 * cannot be encoded), the hook throws the `SchemaBridgeError` during
 * rendering, for the nearest error boundary to show, as Convex's `useQuery`
 * does.
 */
export function useQuery<Args, Result>(
  ref: FunctionReference<"query", Args, Result>,
  ...args: ArgsParameter<NoInfer<Args>> | [args: "skip"]
): Result | undefined {
  const client = useSchemaBridgeClient();
  const given = args[0];
  const key = given === "skip" ? undefined : `${ref.path}:${JSON.stringify(encodeValue(given ?? {}))}`;
  // Keyed by the encoding only: the arguments of the render that changed it
  // are the ones subscribed with.
  const store = useMemo(
    () => (key === undefined ? NOTHING : queryStore(client, ref, (given ?? {}) as Args)),
    [client, key],
  );
  const snapshot = useSyncExternalStore(store.subscribe, store.snapshot, NOTHING.snapshot);
  if (snapshot === undefined) return undefined;
  if ("error" in snapshot) throw snapshot.error;
  return snapshot.value;
}

/**
 * A function calling the mutation `ref` with checked arguments; it
 * resolves to the result once every subscription of the client reflects
 * the mutation, and rejects with a `SchemaBridgeError`. The function is
 * the same object across renders.
 */
export function useMutation<Args, Result>(
  ref: FunctionReference<"mutation", Args, Result>,
): (...args: ArgsParameter<NoInfer<Args>>) => Promise<Result> {
  const client = useSchemaBridgeClient();
  return useCallback((...args: ArgsParameter<NoInfer<Args>>) => client.mutation(ref, ...args), [client, ref]);
}

/**
 * The client's connection: `isWebSocketConnected`, `hasInflightRequests`
 * and the rest of `ConnectionState`; the component renders again on every
 * change.
 */
export function useConnectionState(): ConnectionState {
  const client = useSchemaBridgeClient();
  const store = useMemo(() => connectionStore(client), [client]);
  return useSyncExternalStore(store.subscribe, store.snapshot, store.snapshot);
}

function connectionStore(client: SchemaBridgeClient): {
  subscribe(onChange: () => void): () => void;
  snapshot(): ConnectionState;
} {
  let current = client.connectionState();
  return {
    subscribe: (onChange) => client.onConnectionChange(onChange),
    snapshot() {
      // The same object for an equal state, whatever the client returns.
      const now = client.connectionState();
      if (!sameState(now, current)) current = now;
      return current;
    },
  };
}

function sameState(a: ConnectionState, b: ConnectionState): boolean {
  const keys = Object.keys(a) as (keyof ConnectionState)[];
  return keys.length === Object.keys(b).length && keys.every((key) => Object.is(a[key], b[key]));
}
