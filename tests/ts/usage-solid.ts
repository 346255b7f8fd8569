// What using the generated Solid bindings looks like, type-checked: the
// cargo test `emit_ts` (tests/emit_ts/tsc.rs) copies this file next to
// bindings generated from schema.example.yaml with `--solid`, and runs tsc
// against the real `solid-js`. Every `@ts-expect-error` line must be a type
// error, or tsc reports the directive as unused and the test fails. Never
// run.

import { createComponent, createSignal, type Accessor, type JSX } from "solid-js";

import { api, SchemaBridgeClient, type ConnectionState, type Doc, type Id } from "./generated/index.js";
import {
  createConnectionState,
  createMutation,
  createQuery,
  SchemaBridgeProvider,
  useSchemaBridgeClient,
} from "./generated/solid.js";

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
function exactly<Expected>() {
  return <Actual>(_value: Actual, ..._proof: Equal<Actual, Expected> extends true ? [] : [never]): void => {};
}

declare const userId: Id<"users">;
declare const readingId: Id<"readings">;

export function App(): JSX.Element {
  const client = new SchemaBridgeClient("http://127.0.0.1:3000");
  return createComponent(SchemaBridgeProvider, {
    client,
    get children() {
      return createComponent(Profile, {});
    },
  });
}

function Profile(): JSX.Element {
  const [selected] = createSignal<Id<"users"> | null>(userId);
  const profile = createQuery(api.users.getProfile, () => ({ userId }));
  exactly<Accessor<Doc<"users"> | null | undefined>>()(profile);
  exactly<bigint | undefined>()(profile()?.karma);
  const maybe = createQuery(api.users.getProfile, () => {
    const id = selected();
    return id === null ? "skip" : { userId: id };
  });
  exactly<Doc<"users"> | null | undefined>()(maybe());
  exactly<Doc<"readings">[] | undefined>()(createQuery(api.readings.list, () => ({ userId }))());
  // A function without arguments needs none.
  exactly<Record<string, bigint> | undefined>()(createQuery(api.notes.stats)());
  exactly<Record<string, bigint> | undefined>()(createQuery(api.notes.stats, () => "skip")());

  const addKarma = createMutation(api.users.addKarma);
  exactly<(args: { userId: Id<"users">; amount: bigint }) => Promise<bigint>>()(addKarma);
  void addKarma({ userId, amount: 1n });

  exactly<Accessor<ConnectionState>>()(createConnectionState());
  exactly<SchemaBridgeClient>()(useSchemaBridgeClient());
  return profile()?.email ?? "loading";
}

export function misuse(): void {
  // @ts-expect-error -- `userID` is no argument of users/getProfile.
  createQuery(api.users.getProfile, () => ({ userID: userId }));
  // @ts-expect-error -- an id of another table.
  createQuery(api.users.getProfile, () => ({ userId: readingId }));
  // @ts-expect-error -- the arguments are a function, not an object.
  createQuery(api.users.getProfile, { userId });
  // @ts-expect-error -- the required arguments are missing.
  createQuery(api.users.getProfile);
  // @ts-expect-error -- only the string "skip" skips.
  createQuery(api.users.getProfile, () => "skipped");
  // @ts-expect-error -- a mutation is no query.
  createQuery(api.users.addKarma, () => ({ userId, amount: 1n }));
  // @ts-expect-error -- a query is no mutation.
  createMutation(api.users.getProfile);
  const addKarma = createMutation(api.users.addKarma);
  // @ts-expect-error -- a number where an int64 (bigint) is expected.
  void addKarma({ userId, amount: 1 });
  // @ts-expect-error -- the provider needs a client.
  createComponent(SchemaBridgeProvider, {});
}
