//! Issue 8's guarantees, shown over HTTP against the built example app
//! (SPEC §3, §6, §11): serializable mutations, durability across SIGKILL,
//! bad input refused with nothing written, and start-up evolution. Each
//! runs on a SQLite file and on PostgreSQL (`SCHEMABRIDGE_TEST_POSTGRES_URL`).

mod support;

use std::collections::{BTreeMap, BTreeSet};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use serde_json::{json, Value};
use support::postgres::FreshDatabase;
use support::{int64, int64_of, Client, Failure, Server};

// ---------------------------------------------------------------- serializability

const CLIENTS: usize = 8;
const CALLS_PER_CLIENT: usize = 500;

/// 8 clients × 500 `addKarma(1)` on one user: every increment lands once,
/// and the totals the calls return are exactly 1..=4000, each once (two
/// calls that read the same karma would return the same total).
fn karma_is_serializable(db: &str) {
    let server = Server::app(db);
    let client = server.client();
    let user = create_user(&client, "karma", None);
    let totals = Arc::new(Mutex::new(Vec::with_capacity(CLIENTS * CALLS_PER_CLIENT)));
    let workers: Vec<_> = (0..CLIENTS)
        .map(|_| {
            let (client, user, totals) = (server.client(), user.clone(), totals.clone());
            thread::spawn(move || {
                for _ in 0..CALLS_PER_CLIENT {
                    let total = client.ok(
                        "users.addKarma",
                        json!({ "userId": user, "amount": int64(1) }),
                    );
                    totals.lock().unwrap().push(int64_of(&total));
                }
            })
        })
        .collect();
    for worker in workers {
        worker.join().expect("a client thread");
    }
    let karma = client.ok("users.getProfile", json!({ "userId": user }))["karma"].clone();
    assert_eq!(int64_of(&karma), (CLIENTS * CALLS_PER_CLIENT) as i64);
    let mut totals = totals.lock().unwrap().clone();
    totals.sort_unstable();
    let expected: Vec<i64> = (1..=(CLIENTS * CALLS_PER_CLIENT) as i64).collect();
    assert!(
        totals == expected,
        "returned totals are not 1..=4000 each once"
    );
}

#[test]
fn add_karma_is_serializable_on_sqlite() {
    let dir = support::temp_dir();
    karma_is_serializable(&format!("sqlite:{}", dir.path().join("app.db").display()));
}

#[test]
fn add_karma_is_serializable_on_postgres() {
    let db = FreshDatabase::create("karma");
    karma_is_serializable(&db.url);
}

// ---------------------------------------------------------------- crash safety

/// One mutation a writer sent: what it asked for, and the id it got back
/// when the server acknowledged it.
#[derive(Clone, Debug)]
struct Sent {
    args: Value,
    id: Option<String>,
}

/// How many acknowledged mutations to wait for before the kill, and how
/// many a writer sends at most (bounding the test when the kill is late).
const ACKS_BEFORE_KILL: usize = 300;
const WRITES_PER_WRITER: usize = 5_000;
const WRITERS: usize = 4;

/// Writers stream `users.create` and `notes.add`; the server gets SIGKILL
/// mid-stream; a new server on the same database must show every
/// acknowledged document whole, and any unacknowledged one either whole or
/// not at all.
fn acknowledged_writes_survive_sigkill(db: &str) {
    let server = Server::app(db);
    let client = server.client();
    let author = create_user(&client, "crash-author", Some(birth_details()));
    let reading = client.ok("readings.compute", json!({ "userId": author }));
    let reading = reading.as_str().expect("a reading id").to_owned();

    let users: Arc<Mutex<Vec<Sent>>> = Arc::default();
    let notes: Arc<Mutex<Vec<Sent>>> = Arc::default();
    let acks = Arc::new(AtomicUsize::new(0));
    let stop = Arc::new(AtomicBool::new(false));
    let writers: Vec<_> = (0..WRITERS)
        .map(|writer| {
            let client = server.client();
            let (users, notes, acks, stop) = (users.clone(), notes.clone(), acks.clone(), stop.clone());
            let (author, reading) = (author.clone(), reading.clone());
            thread::spawn(move || {
                for i in 0..WRITES_PER_WRITER {
                    if stop.load(Ordering::Relaxed) {
                        break;
                    }
                    let key = format!("w{writer}-{i}");
                    let (function, args, log) = if i % 2 == 0 {
                        let args = json!({ "clerkId": format!("crash-{key}"), "email": format!("{key}@example.com") });
                        ("users.create", args, &users)
                    } else {
                        ("notes.add", note_args(&reading, &author, &key, i as i64), &notes)
                    };
                    let at = {
                        let mut log = log.lock().unwrap();
                        log.push(Sent { args: args.clone(), id: None });
                        log.len() - 1
                    };
                    match client.call(function, &args) {
                        Ok((200, body)) => {
                            let id = body["value"].as_str().expect("an id").to_owned();
                            log.lock().unwrap()[at].id = Some(id);
                            acks.fetch_add(1, Ordering::Relaxed);
                        }
                        Ok((status, body)) => panic!("{function}({args}) failed: {status} {body}"),
                        Err(_) => break, // the server is gone
                    }
                }
            })
        })
        .collect();

    let started = Instant::now();
    while acks.load(Ordering::Relaxed) < ACKS_BEFORE_KILL
        && started.elapsed() < Duration::from_secs(60)
    {
        thread::sleep(Duration::from_millis(5));
    }
    server.kill();
    stop.store(true, Ordering::Relaxed);
    for writer in writers {
        writer.join().expect("a writer thread");
    }
    let (users, notes) = (users.lock().unwrap().clone(), notes.lock().unwrap().clone());
    let acknowledged = users
        .iter()
        .chain(&notes)
        .filter(|sent| sent.id.is_some())
        .count();
    assert!(
        acknowledged >= ACKS_BEFORE_KILL,
        "only {acknowledged} writes were acknowledged before the kill"
    );

    let server = Server::app(db);
    let client = server.client();
    for sent in &users {
        let clerk_id = &sent.args["clerkId"];
        let found = client.ok("users.byClerkId", json!({ "clerkId": clerk_id }));
        match &sent.id {
            Some(id) => {
                assert_eq!(
                    found["_id"],
                    json!(id),
                    "acknowledged user {clerk_id} lost: {found}"
                );
                let profile = client.ok("users.getProfile", json!({ "userId": id }));
                assert_eq!(profile, found);
            }
            None if found.is_null() => continue,
            None => {}
        }
        assert_eq!(
            fields(&found),
            expected_user(&sent.args),
            "user {clerk_id} is partial"
        );
    }

    let stored = client.ok("notes.forReading", json!({ "readingId": reading }));
    let stored = stored.as_array().expect("a list of notes");
    let by_body: BTreeMap<&str, &Sent> = notes
        .iter()
        .map(|sent| (sent.args["body"].as_str().unwrap(), sent))
        .collect();
    let mut seen = BTreeSet::new();
    for note in stored {
        let body = note["body"].as_str().expect("a note body");
        let sent = by_body
            .get(body)
            .unwrap_or_else(|| panic!("a note nobody sent: {note}"));
        assert!(seen.insert(body), "note {body} stored twice");
        if let Some(id) = &sent.id {
            assert_eq!(note["_id"], json!(id));
        }
        assert_eq!(fields(note), sent.args, "note {body} is partial");
    }
    for sent in notes.iter().filter(|sent| sent.id.is_some()) {
        let body = sent.args["body"].as_str().unwrap();
        assert!(seen.contains(body), "acknowledged note {body} lost");
    }
    let times: Vec<f64> = stored
        .iter()
        .map(|n| n["_creationTime"].as_f64().expect("a time"))
        .collect();
    assert!(
        times.windows(2).all(|w| w[0] < w[1]),
        "notes not oldest first: {times:?}"
    );
}

#[test]
fn acknowledged_writes_survive_sigkill_on_sqlite() {
    let dir = support::temp_dir();
    acknowledged_writes_survive_sigkill(&format!("sqlite:{}", dir.path().join("app.db").display()));
}

#[test]
fn acknowledged_writes_survive_sigkill_on_postgres() {
    let db = FreshDatabase::create("crash");
    acknowledged_writes_survive_sigkill(&db.url);
}

fn note_args(reading: &str, author: &str, key: &str, i: i64) -> Value {
    let mood = ["calm", "curious", "worried"][i as usize % 3];
    json!({
        "readingId": reading,
        "authorId": author,
        "body": format!("note {key}"),
        "mood": mood,
        "attachments": [
            { "kind": "link", "url": format!("https://example.com/{key}"), "title": null },
            { "kind": "image", "mimeType": "image/png", "data": { "$bytes": "iVBORw0KGgo=" } },
        ],
        "pinnedAt": int64(i),
        "extra": if i % 4 == 1 { json!(key) } else { json!(i as f64 + 0.5) },
    })
}

/// What a stored user created from `args` holds besides `_id` and `_creationTime`.
fn expected_user(args: &Value) -> Value {
    let mut user = args.clone();
    user["karma"] = int64(0);
    user
}

/// A stored document without its system fields.
fn fields(document: &Value) -> Value {
    let mut fields = document.as_object().expect("a document").clone();
    fields.remove("_id").expect("a document has _id");
    fields
        .remove("_creationTime")
        .expect("a document has _creationTime");
    Value::Object(fields)
}

// ---------------------------------------------------------------- bad input

/// Each bad call gets its own error, the server keeps answering, and the
/// database is as before (checked by querying).
fn bad_input_is_refused(db: &str, other_db: &str) {
    let server = Server::app(db);
    let client = server.client();
    let user = create_user(&client, "bad-input", Some(birth_details()));
    let reading = client.ok("readings.compute", json!({ "userId": user }));
    let before = client.ok("users.getProfile", json!({ "userId": user }));
    let unchanged = |client: &Client| {
        assert_eq!(
            client.ok("users.getProfile", json!({ "userId": user })),
            before,
            "the user changed"
        );
    };

    // A wrong type deep inside the arguments.
    let mut preferences = json!({
        "emailFrequency": ["weekly"],
        "timezone": "Europe/Paris",
        "quietHours": { "from": "22", "to": int64(7) },
    });
    client
        .fails(
            "users.updatePreferences",
            json!({ "userId": user, "preferences": preferences }),
        )
        .expect(400, "invalid_args", Some("preferences.quietHours.from"));
    unchanged(&client);
    client
        .fails("users.updatePreferences", json!({ "userId": user, "preferences": { "emailFrequency": ["hourly"], "timezone": "UTC" } }))
        .expect(400, "invalid_args", Some("preferences.emailFrequency[0]"));
    unchanged(&client);
    client
        .fails("users.addKarma", json!({ "userId": user, "amount": 1 }))
        .expect(400, "invalid_args", Some("amount"));
    unchanged(&client);

    // Unknown fields, at the top and deep inside.
    client
        .fails(
            "users.create",
            json!({ "clerkId": "new-1", "email": "a@example.com", "nickname": "x" }),
        )
        .expect(400, "invalid_args", None);
    assert_eq!(
        client.ok("users.byClerkId", json!({ "clerkId": "new-1" })),
        Value::Null
    );
    preferences["quietHours"] = json!({ "from": int64(22), "to": int64(7), "weekends": true });
    client
        .fails(
            "users.updatePreferences",
            json!({ "userId": user, "preferences": preferences }),
        )
        .expect(400, "invalid_args", None);
    unchanged(&client);

    // Ids of another table, and strings that are no id.
    for not_a_user in [reading.clone(), json!("nonsense"), json!("")] {
        client
            .fails(
                "users.addKarma",
                json!({ "userId": not_a_user, "amount": int64(1) }),
            )
            .expect(400, "invalid_args", Some("userId"));
        client
            .fails("users.getProfile", json!({ "userId": not_a_user }))
            .expect(400, "invalid_args", Some("userId"));
    }
    client
        .fails("notes.add", json!({ "readingId": user, "authorId": user, "body": "b", "attachments": [], "extra": "e" }))
        .expect(400, "invalid_args", Some("readingId"));
    unchanged(&client);

    // An id of the right table that names no document.
    let missing = missing_user_id(&client, other_db);
    assert_eq!(
        client.ok("users.getProfile", json!({ "userId": missing })),
        Value::Null
    );
    client
        .fails(
            "users.addKarma",
            json!({ "userId": missing, "amount": int64(1) }),
        )
        .expect(404, "not_found", None);
    client
        .fails("users.updatePreferences", json!({ "userId": missing, "preferences": { "emailFrequency": [], "timezone": "UTC" } }))
        .expect(404, "not_found", None);
    client
        .fails("notes.add", json!({ "readingId": reading, "authorId": missing, "body": "orphan", "attachments": [], "extra": "e" }))
        .expect(404, "not_found", None);
    assert_eq!(
        client.ok("notes.forReading", json!({ "readingId": reading })),
        json!([])
    );
    assert_eq!(
        client.ok("users.getProfile", json!({ "userId": missing })),
        Value::Null
    );

    // A 10 MB body.
    let huge = json!({ "clerkId": "huge", "email": "x".repeat(10 * 1024 * 1024) }).to_string();
    let (status, body) = client
        .call_oversized("users.create", huge.into_bytes())
        .expect("a response to a 10 MB body");
    let failure = Failure::parse(status, &body)
        .unwrap_or_else(|| panic!("a 10 MB body should get a §3 error, got {status} {body}"));
    assert!(
        (400..500).contains(&failure.status),
        "a 10 MB body is the client's fault: {failure:?}"
    );
    assert!(!failure.message.is_empty());
    assert_eq!(
        client.ok("users.byClerkId", json!({ "clerkId": "huge" })),
        Value::Null
    );

    // A clerkId already stored.
    let clerk_id = before["clerkId"].clone();
    client
        .fails(
            "users.create",
            json!({ "clerkId": clerk_id, "email": "someone-else@example.com" }),
        )
        .expect(409, "already_exists", None);
    assert_eq!(
        client.ok("users.byClerkId", json!({ "clerkId": clerk_id })),
        before
    );

    // int64 overflow both ways.
    client.ok(
        "users.addKarma",
        json!({ "userId": user, "amount": int64(5) }),
    );
    let before = client.ok("users.getProfile", json!({ "userId": user }));
    client
        .fails(
            "users.addKarma",
            json!({ "userId": user, "amount": int64(i64::MAX) }),
        )
        .expect(400, "overflow", None);
    client.ok(
        "users.addKarma",
        json!({ "userId": user, "amount": int64(-10) }),
    );
    client
        .fails(
            "users.addKarma",
            json!({ "userId": user, "amount": int64(i64::MIN) }),
        )
        .expect(400, "overflow", None);
    client.ok(
        "users.addKarma",
        json!({ "userId": user, "amount": int64(10) }),
    );
    assert_eq!(
        client.ok("users.getProfile", json!({ "userId": user })),
        before
    );

    // A good call still works, and the process is still the one we started.
    let total = client.ok(
        "users.addKarma",
        json!({ "userId": user, "amount": int64(1) }),
    );
    assert_eq!(int64_of(&total), 6);
    assert!(
        server
            .output()
            .lines()
            .all(|line| !line.contains("panicked")),
        "{}",
        server.output()
    );
}

#[test]
fn bad_input_is_refused_on_sqlite() {
    let dir = support::temp_dir();
    let db = |name: &str| format!("sqlite:{}", dir.path().join(name).display());
    bad_input_is_refused(&db("app.db"), &db("other.db"));
}

#[test]
fn bad_input_is_refused_on_postgres() {
    let (db, other) = (
        FreshDatabase::create("bad_input"),
        FreshDatabase::create("other"),
    );
    bad_input_is_refused(&db.url, &other.url);
}

/// A well-formed users id that names no document of this database: made
/// by a second server on `other_db`, after more inserts than this one has
/// seen, so sequential and random ids both miss.
fn missing_user_id(client: &Client, other_db: &str) -> Value {
    let other_server = Server::app(other_db);
    let other = other_server.client();
    let mut last = Value::Null;
    for i in 0..20 {
        last = json!(create_user(&other, &format!("elsewhere-{i}"), None));
    }
    assert_eq!(
        client.ok("users.getProfile", json!({ "userId": last })),
        Value::Null
    );
    last
}

// ---------------------------------------------------------------- helpers

fn create_user(client: &Client, clerk_id: &str, birth_details: Option<Value>) -> String {
    let mut args = json!({ "clerkId": clerk_id, "email": format!("{clerk_id}@example.com") });
    if let Some(details) = birth_details {
        args["birthDetails"] = details;
    }
    let id = client.ok("users.create", args);
    id.as_str()
        .unwrap_or_else(|| panic!("users.create returned no id: {id}"))
        .to_owned()
}

fn birth_details() -> Value {
    json!({ "date": "1990-04-12", "time": "06:30", "location": "Lyon" })
}

// ---------------------------------------------------------------- start-up evolution

/// The example app stores users; a server built from a schema that makes
/// them invalid refuses to start, names table, id, path and reason, and
/// changes nothing; one built from a compatible schema (an optional field,
/// a new index) starts and its new index finds the stored users; the
/// example app then starts again on the same data.
fn evolution_at_start_up(db: &str) {
    let breaking = support::probe::build(support::probe::Change::RequiredField);
    let compatible = support::probe::build(support::probe::Change::OptionalField);

    let server = Server::app(db);
    let client = server.client();
    let ids: Vec<String> = (0..3)
        .map(|i| {
            create_user(
                &client,
                &format!("evolve-{i}"),
                (i == 0).then(birth_details),
            )
        })
        .collect();
    let stored: Vec<Value> = ids
        .iter()
        .map(|id| client.ok("users.getProfile", json!({ "userId": id })))
        .collect();
    server.kill();

    let (status, output) = Server::run_to_exit(&breaking, &["--db", db], Duration::from_secs(120));
    assert!(
        !status.success(),
        "a schema that invalidates stored users started:\n{output}"
    );
    assert!(!output.contains("listening on"), "{output}");
    assert!(
        output.contains("users"),
        "the refusal does not name the table:\n{output}"
    );
    assert!(
        ids.iter().any(|id| output.contains(id.as_str())),
        "the refusal names none of the stored ids {ids:?}:\n{output}"
    );
    assert!(
        output.contains("level"),
        "the refusal does not name the path:\n{output}"
    );
    assert!(!output.contains("panicked"), "{output}");

    // Nothing changed: the original app reads the same documents and writes.
    let server = Server::app(db);
    let client = server.client();
    for (id, before) in ids.iter().zip(&stored) {
        assert_eq!(
            &client.ok("users.getProfile", json!({ "userId": id })),
            before
        );
    }
    create_user(&client, "evolve-after-refusal", None);
    server.kill();

    let probe = Server::start(&compatible, &["--db", db])
        .unwrap_or_else(|failure| panic!("a compatible schema did not start: {failure}"));
    let probe_client = probe.client();
    for (i, before) in stored.iter().enumerate() {
        let found = probe_client.ok(
            "probe.byEmail",
            json!({ "email": format!("evolve-{i}@example.com") }),
        );
        assert_eq!(&found, before, "the new index does not find user {i}");
    }
    assert_eq!(
        probe_client.ok("probe.byEmail", json!({ "email": "nobody@example.com" })),
        Value::Null
    );
    probe.kill();

    let server = Server::app(db);
    let client = server.client();
    for (id, before) in ids.iter().zip(&stored) {
        assert_eq!(
            &client.ok("users.getProfile", json!({ "userId": id })),
            before
        );
    }
}

#[test]
fn evolution_at_start_up_on_sqlite() {
    let dir = support::temp_dir();
    evolution_at_start_up(&format!("sqlite:{}", dir.path().join("app.db").display()));
}

#[test]
fn evolution_at_start_up_on_postgres() {
    let db = FreshDatabase::create("evolution");
    evolution_at_start_up(&db.url);
}
