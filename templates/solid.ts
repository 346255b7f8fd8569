// Solid bindings for the generated client: a provider holding one
// `SchemaBridgeClient`, and primitives that subscribe to live queries, call
// mutations and watch the connection. schemabridge copies this file into
// the TypeScript output folder when asked (`generate --solid`,
// `Builder::solid(true)`); its source (templates/solid.ts in that
// repository) is type-checked against solid-js and tested there.
//
// It uses only the client's public API (`subscribe`, `localResult`,
// `mutation`, `connectionState`, `onConnectionChange`), and no JSX, so it
// needs no Solid compiler setup of its own.

import {
  createComponent,
  createContext,
  createMemo,
  createRenderEffect,
  createSignal,
  onCleanup,
  untrack,
  useContext,
} from "solid-js";
import type { Accessor, JSX } from "solid-js";

import { encodeValue } from "./client.js";
import type {
  ArgsParameter,
  ConnectionState,
  FunctionReference,
  SchemaBridgeClient,
  SchemaBridgeError,
} from "./client.js";

const ClientContext = createContext<SchemaBridgeClient>();

/** Makes `client` the one the primitives below use, for everything inside it. */
export function SchemaBridgeProvider(props: { client: SchemaBridgeClient; children?: JSX.Element }): JSX.Element {
  return createComponent(ClientContext.Provider, {
    get value() {
      return props.client;
    },
    get children() {
      return props.children;
    },
  });
}

/** The client of the nearest `SchemaBridgeProvider`; throws outside of one. */
export function useSchemaBridgeClient(): SchemaBridgeClient {
  const client = useContext(ClientContext);
  if (client === undefined) {
    throw new Error("schemabridge: this primitive needs a <SchemaBridgeProvider client={…}> above the component");
  }
  return client;
}

/** The arguments of `createQuery`: a function returning them, or `"skip"`. */
export type QueryArgs<Args> = () => Args | "skip";

/** What one subscription holds: nothing yet, a result, or the query's error. */
type Snapshot<Result> = { readonly value: Result } | { readonly error: SchemaBridgeError } | undefined;

/**
 * The live result of a query, as an accessor: `undefined` while the first
 * result is on its way, then every new result the server sends. `args` is
 * tracked: when what it returns encodes differently the subscription moves
 * to the new arguments (and reads `undefined` until their first result); a
 * new but equal object keeps it. `"skip"` subscribes to nothing. The
 * subscription ends with the owner (component or root) that created it.
 *
 * When the query fails, reading the accessor throws the `SchemaBridgeError`,
 * for the nearest `<ErrorBoundary>` to show.
 */
export function createQuery<Args, Result>(
  ref: FunctionReference<"query", Args, Result>,
  ...args: {} extends Args ? [args?: QueryArgs<NoInfer<Args>>] : [args: QueryArgs<NoInfer<Args>>]
): Accessor<Result | undefined> {
  const client = useSchemaBridgeClient();
  const read = args[0];
  // The subscription follows the encoding of the arguments, not their identity.
  const wanted = createMemo(
    () => {
      const given = read === undefined ? ({} as Args) : read();
      if (given === "skip") return undefined;
      return { key: JSON.stringify(encodeValue(given)), args: given };
    },
    undefined,
    { equals: (a, b) => a?.key === b?.key },
  );
  const [snapshot, setSnapshot] = createSignal<Snapshot<Result>>(undefined);
  // A render effect runs at once, so a result the client already holds is
  // there for the component's first render.
  createRenderEffect(() => {
    const now = wanted();
    if (now === undefined) {
      setSnapshot(undefined);
      return;
    }
    untrack(() => {
      setSnapshot(client.localResult(ref, now.args));
      const stop = client.subscribe(
        ref,
        now.args,
        (value) => setSnapshot({ value }),
        (error) => setSnapshot({ error }),
      );
      onCleanup(stop);
    });
  });
  return () => {
    const current = snapshot();
    if (current === undefined) return undefined;
    if ("error" in current) throw current.error;
    return current.value;
  };
}

/**
 * A function calling the mutation `ref` with checked arguments; it
 * resolves to the result once every subscription of the client reflects
 * the mutation, and rejects with a `SchemaBridgeError`.
 */
export function createMutation<Args, Result>(
  ref: FunctionReference<"mutation", Args, Result>,
): (...args: ArgsParameter<NoInfer<Args>>) => Promise<Result> {
  const client = useSchemaBridgeClient();
  return (...args) => client.mutation(ref, ...args);
}

/** The client's connection state, as an accessor that follows every change. */
export function createConnectionState(): Accessor<ConnectionState> {
  const client = useSchemaBridgeClient();
  const [state, setState] = createSignal(client.connectionState(), { equals: sameState });
  onCleanup(client.onConnectionChange((now) => setState(() => now)));
  return state;
}

function sameState(a: ConnectionState, b: ConnectionState): boolean {
  const keys = Object.keys(a) as (keyof ConnectionState)[];
  return keys.length === Object.keys(b).length && keys.every((key) => Object.is(a[key], b[key]));
}
