// The client half of the end-to-end test (tests/e2e.rs). The cargo test
// copies this file to target/e2e/, next to the TypeScript generated from
// schema.example.yaml (target/e2e/ts/), compiles both with the repository's
// strict tsconfig, and runs the result with Node against the Rust server
// of tests/e2e/server/main.rs, whose URL is in SCHEMABRIDGE_E2E_URL.
//
// It calls every function of the schema through the generated client and
// asserts that values come back exactly as sent (int64 beyond 2^53, bytes,
// absent vs null vs set, unions, records, documents), that bad arguments
// sent around the types are refused with the right code and path, and that
// handler errors, unknown functions and a schema mismatch reach the client
// as SPEC §3 says. A few checks read the raw wire format with `fetch`.
// Exit status 0 means every check passed.

import assert from "node:assert/strict";
import { inspect } from "node:util";

import {
  api,
  SCHEMA_FINGERPRINT,
  SchemaBridgeClient,
  SchemaBridgeError,
  type Attachment,
  type FunctionReference,
  type Id,
  type NotesAddArgs,
  type Preferences,
  type SchemaMismatchInfo,
  type TableName,
  type UserDoc,
  type UsersByClerkIdArgs,
  type UsersByClerkIdResult,
} from "./ts/index.js";

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
/** 2^53 + 1: the first integer a JavaScript number cannot hold. */
const BEYOND_DOUBLE = 9007199254740993n;

const baseUrl: string = (() => {
  const url = process.env["SCHEMABRIDGE_E2E_URL"];
  if (url === undefined || url === "") {
    throw new Error("set SCHEMABRIDGE_E2E_URL to the server's URL (tests/e2e.rs does)");
  }
  return url;
})();

/** Every mismatch the main client reports; there must be none. */
const mismatches: SchemaMismatchInfo[] = [];
const client = new SchemaBridgeClient(baseUrl, {
  headers: { authorization: "Bearer e2e" },
  onSchemaMismatch: (info) => mismatches.push(info),
});

// ---------------------------------------------------------------- helpers

/** The steps run so far, printed as they start, so a failure shows where. */
let steps = 0;
async function step(name: string, body: () => Promise<void>): Promise<void> {
  steps += 1;
  console.log(`- ${name}`);
  await body();
}

/** What a failed call must look like; `path: null` means no path at all. */
interface Expected {
  code: string;
  status: number;
  path: string | null;
  message?: RegExp;
}

/** Awaits a call that must fail, and checks its SchemaBridgeError. */
async function fails(call: Promise<unknown>, expected: Expected): Promise<SchemaBridgeError> {
  let value: unknown;
  try {
    value = await call;
  } catch (error) {
    assert.ok(error instanceof SchemaBridgeError, `not a SchemaBridgeError: ${inspect(error)}`);
    assert.ok(error instanceof Error);
    assert.equal(error.name, "SchemaBridgeError");
    const seen = { code: error.code, status: error.status, path: "path" in error ? error.path : null };
    const wanted = { code: expected.code, status: expected.status, path: expected.path };
    assert.deepEqual(seen, wanted, `unexpected error: ${error.message}`);
    if (expected.message) assert.match(error.message, expected.message);
    return error;
  }
  assert.fail(`the call succeeded with ${inspect(value)} instead of failing with ${inspect(expected)}`);
}

/** Arguments that break the types on purpose: the server must refuse them. */
function loose<T>(value: unknown): T {
  return value as T;
}

/** `array[index]`, which must exist. */
function at<T>(array: readonly T[], index: number): T {
  const item = array[index];
  assert.ok(item !== undefined, `no item ${index} in ${inspect(array)}`);
  return item;
}

/** A deterministic pseudo-random source (mulberry32), for reproducible runs. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  };
}

/** The exact bits of a double, for messages. */
function bits(value: number): string {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, value);
  return `0x${view.getBigUint64(0).toString(16).padStart(16, "0")}`;
}

/** A raw POST, around the generated client: status, headers and parsed body. */
async function raw(
  path: string,
  body: string,
  headers: Record<string, string> = {},
  method = "POST",
): Promise<{ status: number; headers: Headers; json: unknown }> {
  const init: RequestInit = { method, headers: { "content-type": "application/json", ...headers } };
  if (method === "POST") init.body = body;
  const response = await fetch(`${baseUrl}/api/${path}`, init);
  const text = await response.text();
  return { status: response.status, headers: response.headers, json: JSON.parse(text) as unknown };
}

/**
 * Posts arguments the client itself refuses to encode (keys starting with
 * `$`), so the server's own checks are reached; expects `invalid_args` at `path`.
 */
async function rawFails(fn: string, args: Record<string, unknown>, path: string): Promise<void> {
  const answer = await raw(fn, JSON.stringify(args));
  assert.equal(answer.status, 400, JSON.stringify(answer.json));
  const error = (answer.json as { error: { code: string; path?: string } }).error;
  assert.equal(error.code, "invalid_args");
  assert.equal(error.path, path);
}

/**
 * A well-formed id of the same table as `id` that names no document: one
 * character of its random part changed (its first characters encode the
 * table, so the server reads it as an id of that table).
 */
function absent<T extends TableName>(id: Id<T>): Id<T> {
  const other = id[10] === "A" ? "B" : "A";
  return `${id.slice(0, 10)}${other}${id.slice(11)}` as Id<T>;
}

// ------------------------------------------------------------------ state

const birthDetails = { date: "1990-08-23", time: "04:05", location: "Zürich, Schweiz 🇨🇭" };
let alice = "" as Id<"users">;
let bob = "" as Id<"users">;
let aliceDoc: UserDoc | null = null;
let firstReading = "" as Id<"readings">;
let secondReading = "" as Id<"readings">;
/** Notes added, by mood, for `notes.stats`. */
const moods = { calm: 0n, curious: 0n, worried: 0n, none: 0n };
function counted(args: NotesAddArgs): NotesAddArgs {
  moods[args.mood ?? "none"] += 1n;
  return args;
}

/** What `readings.compute` writes into `tags`; `__proto__` must be an own key. */
function expectedTags(timezone: string | null): Record<string, string> {
  const tags: Record<string, string> = {
    ["__proto__"]: "an own key",
    "": "the empty key",
    date: birthDetails.date,
    location: birthDetails.location,
    "with space & ünïcødé 😀": "",
  };
  if (timezone !== null) tags["timezone"] = timezone;
  return tags;
}

function expectedReading(id: Id<"readings">, creationTime: number, score: number | null, timezone: string | null) {
  return {
    _id: id,
    _creationTime: creationTime,
    userId: alice,
    placements: [
      { body: "sun", sign: "Leo", degree: 12.5 },
      { body: "moon", sign: "Pisces ♓", degree: 0.1 + 0.2 },
      { body: "mars", sign: "Aries", degree: -1e-300 },
    ],
    summary: `A reading for ${birthDetails.time}`,
    score,
    tags: expectedTags(timezone),
  };
}

// ------------------------------------------------------------------ steps

async function main(): Promise<void> {
  const started = Date.now();

  await step("notes.stats: a function without arguments, called with none and with {}", async () => {
    const zero = { calm: 0n, curious: 0n, worried: 0n, none: 0n };
    assert.deepEqual(await client.query(api.notes.stats), zero);
    assert.deepEqual(await client.query(api.notes.stats, {}), zero);
  });

  await step("users.create: ids come back as strings; optional objects are optional", async () => {
    alice = await client.mutation(api.users.create, {
      clerkId: "user_2aLiCe 😀",
      email: "alice@example.com",
      birthDetails,
    });
    bob = await client.mutation(api.users.create, { clerkId: "user_bob", email: "bob@example.com" });
    assert.equal(typeof alice, "string");
    assert.equal(typeof bob, "string");
    assert.notEqual(alice, bob);
  });

  await step("users.create: handler errors with their own code and status", async () => {
    // Without the authorization header the handler reads from its context.
    const anonymous = new SchemaBridgeClient(baseUrl);
    await fails(anonymous.mutation(api.users.create, { clerkId: "user_eve", email: "eve@example.com" }), {
      code: "unauthorized",
      status: 401,
      path: null,
      message: /sign in first/,
    });
    await fails(client.mutation(api.users.create, { clerkId: "user_bob", email: "other@example.com" }), {
      code: "clerk_id_taken",
      status: 409,
      path: null,
      message: /user_bob/,
    });
    assert.equal(await client.query(api.users.byClerkId, { clerkId: "user_eve" }), null);
  });

  await step("users.getProfile / byClerkId: documents with _id and _creationTime, absent fields absent", async () => {
    const profile = await client.query(api.users.getProfile, { userId: alice });
    assert.ok(profile !== null);
    assert.equal(typeof profile._creationTime, "number");
    assert.ok(
      profile._creationTime > started - 60_000 && profile._creationTime <= Date.now() + 60_000,
      `_creationTime ${profile._creationTime} is not a time of this run (ms since the epoch)`,
    );
    assert.deepEqual(profile, {
      _id: alice,
      _creationTime: profile._creationTime,
      clerkId: "user_2aLiCe 😀",
      email: "alice@example.com",
      birthDetails,
      karma: 0n,
    });
    assert.ok(!("preferences" in profile), "preferences was never set: it must be absent");
    aliceDoc = profile;

    const bobDoc = await client.query(api.users.getProfile, { userId: bob });
    assert.ok(bobDoc !== null);
    assert.deepEqual(Object.keys(bobDoc).sort(), ["_creationTime", "_id", "clerkId", "email", "karma"]);
    assert.ok(bobDoc._creationTime >= profile._creationTime);

    // The same document through another function: equal to the last bit.
    assert.deepEqual(await client.query(api.users.byClerkId, { clerkId: "user_2aLiCe 😀" }), profile);
    // Null results.
    assert.equal(await client.query(api.users.getProfile, { userId: absent(alice) }), null);
    assert.equal(await client.query(api.users.byClerkId, { clerkId: "nobody" }), null);
  });

  await step("readings: list, compute (an action), nullable score null, records with odd keys", async () => {
    assert.deepEqual(await client.query(api.readings.list, { userId: alice }), []);
    firstReading = await client.action(api.readings.compute, { userId: alice });
    const [reading] = await client.query(api.readings.list, { userId: alice });
    assert.ok(reading !== undefined);
    assert.deepEqual(reading, expectedReading(firstReading, reading._creationTime, null, null));
    assert.ok("score" in reading, "a required nullable field is present, as null");
    assert.equal(Object.getPrototypeOf(reading.tags), Object.prototype);
    assert.ok(Object.keys(reading.tags).includes("__proto__"));

    await fails(client.action(api.readings.compute, { userId: bob }), {
      code: "no_birth_details",
      status: 400,
      path: null,
    });
    await fails(client.action(api.readings.compute, { userId: absent(alice) }), {
      code: "not_found",
      status: 404,
      path: null,
      message: new RegExp(`no user ${absent(alice)}`),
    });
  });

  await step("users.updatePreferences: nested objects, string enums, optional objects, null result", async () => {
    const preferences: Preferences = { emailFrequency: ["daily", "never"], timezone: "Europe/Paris" };
    assert.equal(await client.mutation(api.users.updatePreferences, { userId: alice, preferences }), null);
    let profile = await client.query(api.users.getProfile, { userId: alice });
    assert.deepEqual(profile?.preferences, preferences);
    assert.ok(profile?.preferences !== undefined && !("quietHours" in profile.preferences));

    const extremes: Preferences = {
      emailFrequency: [],
      timezone: "America/Argentina/ComodRivadavia",
      quietHours: { from: INT64_MIN, to: INT64_MAX },
    };
    await client.mutation(api.users.updatePreferences, { userId: alice, preferences: extremes });
    profile = await client.query(api.users.getProfile, { userId: alice });
    assert.deepEqual(profile?.preferences, extremes);

    await fails(
      client.mutation(api.users.updatePreferences, { userId: absent(alice), preferences }),
      { code: "unknown_user", status: 404, path: null, message: new RegExp(`no user ${absent(alice)}`) },
    );
  });

  await step("readings.compute again: score set, list of two documents", async () => {
    secondReading = await client.action(api.readings.compute, { userId: alice });
    const list = await client.query(api.readings.list, { userId: alice });
    assert.equal(list.length, 2);
    const timezone = "America/Argentina/ComodRivadavia";
    assert.deepEqual(list, [
      expectedReading(firstReading, at(list, 0)._creationTime, null, null),
      expectedReading(secondReading, at(list, 1)._creationTime, 1 / 3, timezone),
    ]);
    assert.deepEqual(await client.query(api.readings.list, { userId: bob }), []);
  });

  await step("users.addKarma: int64 beyond 2^53, negative, the extremes, overflow", async () => {
    assert.equal(await client.mutation(api.users.addKarma, { userId: alice, amount: BEYOND_DOUBLE }), BEYOND_DOUBLE);
    assert.equal(
      await client.mutation(api.users.addKarma, { userId: alice, amount: -2n * BEYOND_DOUBLE }),
      -BEYOND_DOUBLE,
    );
    assert.equal((await client.query(api.users.getProfile, { userId: alice }))?.karma, -BEYOND_DOUBLE);
    await fails(client.mutation(api.users.addKarma, { userId: alice, amount: INT64_MIN }), {
      code: "karma_overflow",
      status: 422,
      path: null,
      message: /overflows int64/,
    });
    assert.equal((await client.query(api.users.getProfile, { userId: alice }))?.karma, -BEYOND_DOUBLE);

    assert.equal(await client.mutation(api.users.addKarma, { userId: bob, amount: INT64_MAX }), INT64_MAX);
    await fails(client.mutation(api.users.addKarma, { userId: bob, amount: 1n }), {
      code: "karma_overflow",
      status: 422,
      path: null,
    });
    assert.equal(await client.mutation(api.users.addKarma, { userId: bob, amount: INT64_MIN }), -1n);
    assert.equal(await client.mutation(api.users.addKarma, { userId: bob, amount: 0n }), -1n);
    // ApiError::handler: the generic code, the default status.
    await fails(client.mutation(api.users.addKarma, { userId: absent(alice), amount: 1n }), {
      code: "handler",
      status: 400,
      path: null,
      message: /no user/,
    });
  });

  await step("notes.add / forReading: absent vs null vs set, tagged and untagged unions, bytes", async () => {
    const everyByte = new Uint8Array(256).map((_, i) => i);
    const big = new Uint8Array(70_000).map((_, i) => (i * 7919 + (i >> 8)) & 0xff);
    const sent: NotesAddArgs[] = [
      // mood and pinnedAt absent; a string that looks like a number stays a string.
      { readingId: firstReading, authorId: alice, body: "plain", attachments: [], extra: "42" },
      {
        readingId: firstReading,
        authorId: alice,
        body: "pinned: null",
        mood: "calm",
        attachments: [
          { kind: "image", mimeType: "application/octet-stream", data: new Uint8Array() },
          { kind: "image", mimeType: "application/octet-stream", data: everyByte },
          { kind: "link", url: "https://example.com/absent" },
          { kind: "link", url: "https://example.com/null", title: null },
          { kind: "link", url: "https://example.com/set", title: "ünïcødé 😀" },
        ],
        pinnedAt: null,
        extra: 42,
      },
      {
        readingId: firstReading,
        authorId: bob,
        body: 'line\nbreak "quotes" \\ tab\t nul\u0000 \u2028 emoji 😀 é',
        mood: "worried",
        attachments: [
          { kind: "image", mimeType: "a", data: new Uint8Array([0xff]) },
          { kind: "image", mimeType: "b", data: new Uint8Array([0xfe, 0x00]) },
          { kind: "image", mimeType: "c", data: new Uint8Array([0xe2, 0x82, 0xac]) },
          { kind: "image", mimeType: "d", data: new TextEncoder().encode("€ ünï 😀") },
        ],
        pinnedAt: BEYOND_DOUBLE,
        extra: -0.5,
      },
      {
        readingId: firstReading,
        authorId: alice,
        body: "",
        attachments: [],
        pinnedAt: INT64_MIN,
        extra: 1.7976931348623157e308,
      },
      {
        readingId: firstReading,
        authorId: alice,
        body: "big",
        mood: "curious",
        attachments: [{ kind: "image", mimeType: "image/png", data: big }],
        pinnedAt: INT64_MAX,
        extra: 5e-324,
      },
      {
        readingId: firstReading,
        authorId: alice,
        body: "negative",
        attachments: [],
        pinnedAt: -BEYOND_DOUBLE,
        extra: "",
      },
    ];
    const ids: Id<"notes">[] = [];
    for (const args of sent) ids.push(await client.mutation(api.notes.add, counted(args)));
    assert.equal(new Set(ids).size, ids.length);

    const notes = await client.query(api.notes.forReading, { readingId: firstReading });
    assert.equal(notes.length, sent.length);
    sent.forEach((args, i) => {
      const note = at(notes, i);
      assert.deepEqual(note, { _id: at(ids, i), _creationTime: note._creationTime, ...args }, `note ${i}`);
      assert.equal("pinnedAt" in note, "pinnedAt" in args, `note ${i}: pinnedAt present iff sent`);
      assert.equal("mood" in note, "mood" in args, `note ${i}: mood present iff sent`);
    });
    // The three states of `pinnedAt?: int64 | null`, distinct.
    assert.ok(!("pinnedAt" in at(notes, 0)));
    assert.equal(at(notes, 1).pinnedAt, null);
    assert.equal(at(notes, 2).pinnedAt, BEYOND_DOUBLE);
    // The three states of `title?: string | null`, distinct.
    const links = at(notes, 1).attachments.filter((a): a is Extract<Attachment, { kind: "link" }> => a.kind === "link");
    assert.deepEqual(
      links.map((link) => ("title" in link ? link.title : "absent")),
      ["absent", null, "ünïcødé 😀"],
    );
    // The untagged union keeps its member: "42" and 42 differ.
    assert.equal(at(notes, 0).extra, "42");
    assert.equal(at(notes, 1).extra, 42);
    const image = at(at(notes, 1).attachments, 1);
    assert.ok(image.kind === "image" && image.data instanceof Uint8Array && image.data.length === 256);

    assert.deepEqual(await client.query(api.notes.forReading, { readingId: absent(firstReading) }), []);
    // An id of another table, or no id at all, is refused before the handler.
    await rawFails("notes/forReading", { readingId: alice }, "readingId");
    await rawFails("notes/forReading", { readingId: "readings:1" }, "readingId");
    // The internal mutation behind `readings.compute` is not served.
    const save = await raw("readings/save", JSON.stringify({ userId: alice }));
    assert.equal(save.status, 404, JSON.stringify(save.json));
  });

  await step("notes: 300 random doubles and strings survive the round trip exactly", async () => {
    const next = random(0x5eed);
    const view = new DataView(new ArrayBuffer(8));
    const doubles: number[] = [0.1, 0.2, 0.1 + 0.2, 1 / 3, 2 ** 53 + 2, 1e21, 1e-7, 2.2250738585072014e-308, 4.9e-324];
    while (doubles.length < 300) {
      view.setUint32(0, next());
      view.setUint32(4, next());
      const value = view.getFloat64(0);
      // JSON has no NaN or infinities, and writes -0 as 0.
      if (Number.isFinite(value) && !Object.is(value, -0)) doubles.push(value);
    }
    const strings = doubles.map(() => {
      let text = "";
      const length = next() % 12;
      for (let i = 0; i < length; i++) {
        const roll = next();
        const ranges: [number, number][] = [[0x0, 0x7f], [0x80, 0x7ff], [0x800, 0xd7ff], [0xe000, 0xffff], [0x10000, 0x10ffff]];
        const [low, high] = at(ranges, roll % ranges.length);
        text += String.fromCodePoint(low + (next() % (high - low + 1)));
      }
      return text;
    });
    const ids = new Map<Id<"notes">, number>();
    for (const [i, extra] of doubles.entries()) {
      const body = at(strings, i);
      const id = await client.mutation(api.notes.add, counted({ readingId: secondReading, authorId: bob, body, attachments: [], extra }));
      ids.set(id, i);
    }
    const notes = await client.query(api.notes.forReading, { readingId: secondReading });
    assert.equal(notes.length, doubles.length);
    const wrong: string[] = [];
    for (const note of notes) {
      const i = ids.get(note._id);
      assert.ok(i !== undefined, `unknown note ${note._id}`);
      const extra = at(doubles, i);
      if (!Object.is(note.extra, extra)) {
        wrong.push(`${extra} (${bits(extra)}) came back as ${String(note.extra)} (${typeof note.extra === "number" ? bits(note.extra) : "a string"})`);
      }
      assert.equal(note.body, at(strings, i), `string ${i}`);
    }
    assert.deepEqual(wrong, [], `${wrong.length} of ${doubles.length} float64 values changed on the way`);
  });

  await step("notes.add: handler not_found, a panicking handler is internal/500", async () => {
    const args: NotesAddArgs = { readingId: absent(firstReading), authorId: alice, body: "x", attachments: [], extra: 1 };
    await fails(client.mutation(api.notes.add, args), {
      code: "not_found",
      status: 404,
      path: null,
      message: new RegExp(`no reading ${absent(firstReading)}`),
    });
    await fails(client.mutation(api.notes.add, { ...args, readingId: firstReading, body: "panic" }), {
      code: "internal",
      status: 500,
      path: null,
    });
    // The server is still serving.
    assert.ok((await client.query(api.users.getProfile, { userId: alice })) !== null);
  });

  await step("notes.stats: a record of int64 counts", async () => {
    const stats = await client.query(api.notes.stats);
    assert.deepEqual(stats, moods);
    for (const count of Object.values(stats)) assert.equal(typeof count, "bigint");
  });

  await step("invalid_args: values that break the types, with the JSON path of the culprit", async () => {
    const userId = alice;
    const update = (preferences: unknown) =>
      client.mutation(api.users.updatePreferences, loose({ userId, preferences }));
    const bad = (path: string | null) => ({ code: "invalid_args", status: 400, path });

    await fails(update({ emailFrequency: [], timezone: 42 }), bad("preferences.timezone"));
    await fails(update({ emailFrequency: [] }), bad("preferences.timezone"));
    await fails(update({ emailFrequency: ["daily", "hourly"], timezone: "UTC" }), bad("preferences.emailFrequency[1]"));
    await fails(update({ emailFrequency: "daily", timezone: "UTC" }), bad("preferences.emailFrequency"));
    await fails(
      update({ emailFrequency: [], timezone: "UTC", quietHours: { from: 1n, to: 2n, until: 3n } }),
      bad("preferences.quietHours.until"),
    );
    await fails(update({ emailFrequency: [], timezone: "UTC", quietHours: { from: 1, to: 2n } }), bad("preferences.quietHours.from"));
    await fails(update(null), bad("preferences"));
    // Nothing was stored by the refused calls.
    const profile = await client.query(api.users.getProfile, { userId });
    assert.equal(profile?.preferences?.timezone, "America/Argentina/ComodRivadavia");

    // Unknown fields, at the top and nested.
    await fails(client.query(api.users.getProfile, loose({ userId, userID: userId })), bad("userID"));
    await fails(
      client.mutation(api.users.create, loose({ clerkId: "c", email: "e", birthDetails: { ...birthDetails, planet: "mars" } })),
      bad("birthDetails.planet"),
    );
    // Missing and mistyped fields.
    await fails(client.mutation(api.users.create, loose({ clerkId: "c" })), bad("email"));
    await fails(client.query(api.users.getProfile, loose({ userId: 5 })), bad("userId"));
    await fails(client.query(api.users.getProfile, loose({})), bad("userId"));

    // int64 must travel as {"$int64": "<decimal>"}.
    // The client refuses to send a key starting with `$` (it would read as
    // an encoded value); sent raw, the server refuses a malformed one.
    const karma = (amount: unknown) => client.mutation(api.users.addKarma, loose({ userId, amount }));
    await fails(karma({ $int64: "12" }), { code: "invalid_args", status: 0, path: "amount.$int64", message: /reserves/ });
    for (const amount of [{ $int64: "12x" }, { $int64: "9223372036854775808" }, { $int64: "-9223372036854775809" }, { $int64: 12 }, { $int64: "1", extra: "2" }]) {
      await rawFails("users/addKarma", { userId, amount }, "amount");
    }
    await fails(karma(12), bad("amount"));
    await fails(karma("12"), bad("amount"));

    // bytes must travel as {"$bytes": "<base64>"}; tagged unions need a known tag.
    const note = (fields: Record<string, unknown>) =>
      client.mutation(
        api.notes.add,
        loose({ readingId: firstReading, authorId: userId, body: "b", attachments: [], extra: 1, ...fields }),
      );
    const image = (data: unknown) => ({ kind: "image", mimeType: "m", data });
    const rawNote = (attachments: unknown[]) =>
      rawFails("notes/add", { readingId: firstReading, authorId: userId, body: "b", attachments, extra: 1 }, "attachments[0]");
    await rawNote([image({ $bytes: "abc" })]);
    await rawNote([image({ $bytes: "ab$=" })]);
    await fails(note({ attachments: [image([1, 2, 3])] }), bad("attachments[0]"));
    await fails(note({ attachments: [{ kind: "video", url: "u" }] }), bad("attachments[0].kind"));
    await fails(note({ attachments: [{ url: "u" }] }), bad("attachments[0].kind"));
    await fails(note({ attachments: [{ kind: "link", url: "u" }, { kind: "link", url: 5 }] }), bad("attachments[1]"));
    await fails(note({ mood: "angry" }), bad("mood"));
    await fails(note({ mood: null }), bad("mood"));
    await fails(note({ pinnedAt: 5 }), bad("pinnedAt"));
    await fails(note({ extra: true }), bad("extra"));
    await fails(note({ extra: null }), bad("extra"));

    // Text that JSON can carry but Rust's String cannot: a lone surrogate.
    await fails(client.query(api.users.byClerkId, { clerkId: "\ud800" }), bad("clerkId"));
    // Not an arguments object at all: no path.
    await fails(client.query(api.users.byClerkId, loose([])), bad(null));
  });

  await step("invalid_args refused by the client itself (nothing sent, status 0)", async () => {
    const local = (path: string) => ({ code: "invalid_args", status: 0, path });
    await fails(client.mutation(api.users.addKarma, { userId: alice, amount: INT64_MAX + 1n }), local("amount"));
    await fails(client.mutation(api.users.addKarma, { userId: alice, amount: INT64_MIN - 1n }), local("amount"));
    const args: NotesAddArgs = { readingId: firstReading, authorId: alice, body: "", attachments: [], extra: NaN };
    await fails(client.mutation(api.notes.add, args), local("extra"));
    await fails(client.mutation(api.notes.add, { ...args, extra: -Infinity }), local("extra"));
  });

  await step("not_found: a function the server does not have", async () => {
    const missing = (path: string) => ({ kind: "query", path, schema: SCHEMA_FINGERPRINT }) as FunctionReference<"query", Record<string, never>, null>;
    for (const path of ["users/deleteEverything", "nobody/getProfile", "users/GetProfile", "users"]) {
      await fails(client.query(missing(path)), { code: "not_found", status: 404, path: null });
    }
  });

  await step("schema mismatch: reported once, with both fingerprints; calls still succeed", async () => {
    const reports: SchemaMismatchInfo[] = [];
    const other = new SchemaBridgeClient(baseUrl, { onSchemaMismatch: (info) => reports.push(info) });
    const stale = "0123456789abcdef";
    assert.notEqual(stale, SCHEMA_FINGERPRINT);
    const byClerkId: FunctionReference<"query", UsersByClerkIdArgs, UsersByClerkIdResult> = {
      kind: "query",
      path: "users/byClerkId",
      schema: stale,
    };
    // A matching call first: nothing to report.
    assert.equal(await other.query(api.users.byClerkId, { clerkId: "nobody" }), null);
    assert.deepEqual(reports, []);
    const expected = { ...aliceDoc, karma: -BEYOND_DOUBLE, preferences: (await client.query(api.users.getProfile, { userId: alice }))?.preferences };
    assert.deepEqual(await other.query(byClerkId, { clerkId: "user_2aLiCe 😀" }), expected);
    assert.deepEqual(await other.query(byClerkId, { clerkId: "user_2aLiCe 😀" }), expected);
    await fails(other.query({ ...byClerkId, path: "users/nope" }, { clerkId: "x" }), { code: "not_found", status: 404, path: null });
    assert.deepEqual(reports, [{ client: stale, server: SCHEMA_FINGERPRINT }]);
  });

  await step("the wire itself (raw fetch): $int64, $bytes, absent keys, headers, methods", async () => {
    const profile = await raw("users/getProfile", JSON.stringify({ userId: bob }));
    assert.equal(profile.status, 200);
    assert.equal(profile.headers.get("content-type"), "application/json");
    assert.equal(profile.headers.get("x-schemabridge-schema"), SCHEMA_FINGERPRINT);
    assert.equal(profile.headers.get("x-schemabridge-schema-mismatch"), null);
    const value = (profile.json as { value: Record<string, unknown> }).value;
    assert.deepEqual(Object.keys(value).sort(), ["_creationTime", "_id", "clerkId", "email", "karma"]);
    assert.deepEqual(value["karma"], { $int64: "-1" });
    assert.equal(typeof value["_creationTime"], "number");
    assert.equal(value["_id"], bob);

    const karma = await raw("users/addKarma", JSON.stringify({ userId: alice, amount: { $int64: "0" } }));
    assert.deepEqual(karma.json, { value: { $int64: "-9007199254740993" } });

    const notes = await raw("notes/forReading", JSON.stringify({ readingId: firstReading }));
    const [absent, nulled, set] = (notes.json as { value: Record<string, unknown>[] }).value;
    assert.ok(absent && nulled && set);
    assert.ok(!("pinnedAt" in absent) && !("mood" in absent));
    assert.equal(nulled["pinnedAt"], null);
    assert.deepEqual(set["pinnedAt"], { $int64: "9007199254740993" });
    const attachments = set["attachments"] as { data: unknown }[];
    assert.deepEqual(
      attachments.map((a) => a.data),
      [{ $bytes: "/w==" }, { $bytes: "/gA=" }, { $bytes: "4oKs" }, { $bytes: Buffer.from("€ ünï 😀").toString("base64") }],
    );
    assert.deepEqual((nulled["attachments"] as { data?: unknown }[])[0]?.data, { $bytes: "" });

    // An empty body is no arguments; a mismatching fingerprint is flagged.
    const stats = await raw("notes/stats", "", { "x-schemabridge-schema": "other" });
    assert.equal(stats.status, 200);
    assert.equal(stats.headers.get("x-schemabridge-schema-mismatch"), "true");
    // Functions are POST only.
    const get = await raw("notes/stats", "", {}, "GET");
    assert.equal(get.status, 404);
    assert.equal((get.json as { error: { code: string } }).error.code, "not_found");
    // A plain JSON number where an int64 belongs is refused, even when it is exact.
    const plain = await raw("users/addKarma", JSON.stringify({ userId: alice, amount: 1 }));
    assert.equal(plain.status, 400);
    assert.deepEqual((plain.json as { error: { code: string; path: string } }).error.path, "amount");
  });

  assert.deepEqual(mismatches, [], "the main client shares the server's schema");
  console.log(`all ${steps} steps passed in ${Date.now() - started} ms`);
}

try {
  await main();
} catch (error) {
  // With its stack and, for assertions, the difference of the values.
  console.error(error);
  process.exitCode = 1;
}
