// What using the generated client looks like, type-checked: the cargo test
// `emit_ts` (tests/emit_ts/tsc.rs) copies this file to
// target/ts-compile/usage/, next to the bindings it generates from
// schema.example.yaml, and runs tsc. Every `@ts-expect-error` line must be
// a type error, or tsc reports the directive as unused and the test fails.
// Never run.

import {
  api,
  SchemaBridgeClient,
  SchemaBridgeError,
  type Attachment,
  type Doc,
  type FunctionReference,
  type Id,
  type UserDoc,
} from "./generated/index.js";

/** `exactly<T>()(value)` compiles only when `value`'s type is exactly T. */
type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
function exactly<Expected>() {
  return <Actual>(_value: Actual, ..._proof: Equal<Actual, Expected> extends true ? [] : [never]): void => {};
}

declare const userId: Id<"users">;
declare const readingId: Id<"readings">;
declare const noteId: Id<"notes">;

const client = new SchemaBridgeClient("http://127.0.0.1:3000", {
  headers: { authorization: "Bearer token" },
  onSchemaMismatch: ({ client, server }) => console.info(`regenerate: ${client} != ${server}`),
});

export async function correctUsage(): Promise<void> {
  // References carry their kind, path, argument and result types.
  exactly<"query">()(api.users.getProfile.kind);
  exactly<string>()(api.users.getProfile.path);
  const getProfile: FunctionReference<"query", { userId: Id<"users"> }, UserDoc | null> = api.users.getProfile;

  const profile = await client.query(getProfile, { userId });
  exactly<Doc<"users"> | null>()(profile);
  exactly<UserDoc | null>()(profile);
  exactly<string | undefined>()(profile?.birthDetails?.date);
  exactly<Id<"users"> | undefined>()(profile?._id);
  exactly<number | undefined>()(profile?._creationTime);
  exactly<bigint | undefined>()(profile?.karma);
  exactly<("daily" | "weekly" | "never")[] | undefined>()(profile?.preferences?.emailFrequency);

  await client.mutation(api.users.updatePreferences, {
    userId,
    preferences: { emailFrequency: ["weekly"], timezone: "Europe/Paris", quietHours: { from: 22n, to: 7n } },
  });
  exactly<null>()(await client.mutation(api.users.updatePreferences, {
    userId,
    preferences: { emailFrequency: [], timezone: "UTC" },
  }));
  exactly<bigint>()(await client.mutation(api.users.addKarma, { userId, amount: 2n ** 60n }));
  exactly<Id<"users">>()(await client.mutation(api.users.create, { clerkId: "c", email: "e@example.com" }));
  exactly<Doc<"readings">[]>()(await client.query(api.readings.list, { userId }));
  exactly<Id<"readings">>()(await client.action(api.readings.compute, { userId }));

  // A function without arguments may be called without `{}`, or with it.
  exactly<Record<string, bigint>>()(await client.query(api.notes.stats));
  await client.query(api.notes.stats, {});

  // Optional is not nullable: `pinnedAt?: bigint | null` takes both, `mood?` only absence.
  const attachments: Attachment[] = [
    { kind: "image", mimeType: "image/png", data: new Uint8Array([137, 80]) },
    { kind: "link", url: "https://example.com", title: null },
  ];
  exactly<Id<"notes">>()(await client.mutation(api.notes.add, {
    readingId,
    authorId: userId,
    body: "text",
    attachments,
    pinnedAt: null,
    extra: 1.5,
  }));
  await client.mutation(api.notes.add, {
    readingId,
    authorId: userId,
    body: "text",
    mood: "calm",
    attachments: [],
    pinnedAt: 5n,
    extra: "x",
  });

  // Tagged unions narrow on their tag.
  for (const note of await client.query(api.notes.forReading, { readingId })) {
    exactly<Id<"notes">>()(note._id);
    for (const attachment of note.attachments) {
      if (attachment.kind === "image") exactly<Uint8Array>()(attachment.data);
      else exactly<string | null | undefined>()(attachment.title);
    }
  }

  try {
    await client.query(api.users.byClerkId, { clerkId: "c" });
  } catch (error) {
    if (error instanceof SchemaBridgeError) {
      exactly<string>()(error.code);
      exactly<number>()(error.status);
      exactly<string | undefined>()(error.path);
    }
  }
}

export async function misuse(profile: Doc<"users">): Promise<void> {
  // @ts-expect-error -- `userID` is no argument of users/getProfile.
  await client.query(api.users.getProfile, { userID: userId });
  // @ts-expect-error -- an extra argument next to the right one.
  await client.query(api.users.getProfile, { userId, extra: true });
  // @ts-expect-error -- an id of `readings` where one of `users` is expected.
  await client.query(api.users.getProfile, { userId: readingId });
  // @ts-expect-error -- an id of `users` where one of `readings` is expected.
  await client.query(api.notes.forReading, { readingId: userId });
  // @ts-expect-error -- a plain string is no id.
  await client.query(api.users.getProfile, { userId: "k57abc" });
  // @ts-expect-error -- ids of different tables do not mix.
  const wrongTable: Id<"notes"> = profile._id;
  // @ts-expect-error -- documents have no unknown fields.
  profile.nickname;
  // @ts-expect-error -- nor do nested objects.
  profile.birthDetails?.planet;
  // @ts-expect-error -- a number where an int64 (bigint) is expected.
  await client.mutation(api.users.addKarma, { userId, amount: 5 });
  // @ts-expect-error -- an int64 result is a bigint, not a number.
  const total: number = await client.mutation(api.users.addKarma, { userId, amount: 5n });
  // @ts-expect-error -- a query is not a mutation.
  await client.mutation(api.users.getProfile, { userId });
  // @ts-expect-error -- an action is not a query.
  await client.query(api.readings.compute, { userId });
  // @ts-expect-error -- a mutation is not an action.
  await client.action(api.users.addKarma, { userId, amount: 1n });
  // @ts-expect-error -- the required arguments are missing.
  await client.query(api.users.getProfile);
  // @ts-expect-error -- a required argument is missing.
  await client.mutation(api.users.addKarma, { userId });
  // @ts-expect-error -- a function without arguments takes none.
  await client.query(api.notes.stats, { mood: "calm" });
  // @ts-expect-error -- not one of the string literals.
  await client.mutation(api.users.updatePreferences, { userId, preferences: { emailFrequency: ["hourly"], timezone: "UTC" } });
  // @ts-expect-error -- an optional field is not nullable.
  await client.mutation(api.notes.add, { readingId, authorId: userId, body: "", mood: null, attachments: [], extra: "" });
  // @ts-expect-error -- a tagged union member needs the fields of its tag.
  const attachment: Attachment = { kind: "image", url: "https://example.com" };
  // @ts-expect-error -- bytes are a Uint8Array, not base64 text.
  const image: Attachment = { kind: "image", mimeType: "image/png", data: "iVBORw0KGgo=" };
  // @ts-expect-error -- there is no such function.
  api.users.deleteEverything;
  // @ts-expect-error -- references are read-only.
  api.users.getProfile.path = "users/other";
  // @ts-expect-error -- `_creationTime` is a float64 (number).
  const created: bigint = profile._creationTime;
  // @ts-expect-error -- a note id is no user id, even in a document.
  exactly<Id<"users">>()(noteId);
  void [wrongTable, total, attachment, image, created];
}
