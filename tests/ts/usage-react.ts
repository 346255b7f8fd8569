// What using the generated React bindings looks like, type-checked: the
// cargo test `emit_ts` (tests/emit_ts/tsc.rs) copies this file next to
// bindings generated from schema.example.yaml with `--react`, and runs tsc
// against the real `react` and `@types/react`. Every `@ts-expect-error`
// line must be a type error, or tsc reports the directive as unused and the
// test fails. Never run.

import { createElement, type ReactNode } from "react";

import { api, SchemaBridgeClient, type ConnectionState, type Doc, type Id } from "./generated/index.js";
import {
  SchemaBridgeProvider,
  useConnectionState,
  useMutation,
  useQuery,
  useSchemaBridgeClient,
} from "./generated/react.js";

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
function exactly<Expected>() {
  return <Actual>(_value: Actual, ..._proof: Equal<Actual, Expected> extends true ? [] : [never]): void => {};
}

declare const userId: Id<"users">;
declare const readingId: Id<"readings">;

export function App(): ReactNode {
  const client = new SchemaBridgeClient("http://127.0.0.1:3000");
  return createElement(SchemaBridgeProvider, { client }, createElement(Profile, { userId }));
}

function Profile(props: { userId: Id<"users"> | null }): ReactNode {
  // The result, or undefined while loading.
  const profile = useQuery(api.users.getProfile, { userId: userId });
  exactly<Doc<"users"> | null | undefined>()(profile);
  exactly<bigint | undefined>()(profile?.karma);
  // "skip" subscribes to nothing; the type is the same.
  const maybe = useQuery(api.users.getProfile, props.userId === null ? "skip" : { userId: props.userId });
  exactly<Doc<"users"> | null | undefined>()(maybe);
  exactly<Doc<"readings">[] | undefined>()(useQuery(api.readings.list, { userId }));
  // A function without arguments needs no `{}`.
  exactly<Record<string, bigint> | undefined>()(useQuery(api.notes.stats));
  exactly<Record<string, bigint> | undefined>()(useQuery(api.notes.stats, {}));
  exactly<Record<string, bigint> | undefined>()(useQuery(api.notes.stats, "skip"));

  const addKarma = useMutation(api.users.addKarma);
  exactly<(args: { userId: Id<"users">; amount: bigint }) => Promise<bigint>>()(addKarma);
  void addKarma({ userId, amount: 1n });
  const updatePreferences = useMutation(api.users.updatePreferences);
  void updatePreferences({ userId, preferences: { emailFrequency: ["daily"], timezone: "UTC" } });

  exactly<ConnectionState>()(useConnectionState());
  exactly<boolean>()(useConnectionState().isWebSocketConnected);
  exactly<SchemaBridgeClient>()(useSchemaBridgeClient());
  return createElement("p", null, profile?.email ?? "loading");
}

export function misuse(): void {
  // @ts-expect-error -- `userID` is no argument of users/getProfile.
  useQuery(api.users.getProfile, { userID: userId });
  // @ts-expect-error -- an extra argument next to the right one.
  useQuery(api.users.getProfile, { userId, extra: true });
  // @ts-expect-error -- an id of another table.
  useQuery(api.users.getProfile, { userId: readingId });
  // @ts-expect-error -- the required arguments are missing.
  useQuery(api.users.getProfile);
  // @ts-expect-error -- only the string "skip" skips.
  useQuery(api.users.getProfile, "skipped");
  // @ts-expect-error -- a mutation is no query.
  useQuery(api.users.addKarma, { userId, amount: 1n });
  // @ts-expect-error -- a query is no mutation.
  useMutation(api.users.getProfile);
  // @ts-expect-error -- an action is no mutation.
  useMutation(api.readings.compute);
  const addKarma = useMutation(api.users.addKarma);
  // @ts-expect-error -- a number where an int64 (bigint) is expected.
  void addKarma({ userId, amount: 1 });
  // @ts-expect-error -- a required argument is missing.
  void addKarma({ userId });
  // @ts-expect-error -- the result is a bigint.
  const total: Promise<number> = addKarma({ userId, amount: 1n });
  // @ts-expect-error -- the provider needs a client.
  createElement(SchemaBridgeProvider, {}, null);
  void total;
}
