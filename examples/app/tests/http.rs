//! The example app as a client sees it (SPEC §11): the binary is started on
//! a free port of 127.0.0.1 with an in-memory database, and every function
//! of `schema.example.yaml` is called over HTTP, each behaviour of the
//! table checked, the errors included.

mod support;

use std::process::{Command, Stdio};
use std::time::Duration;

use serde_json::{json, Value};
use support::Server;

const BINARY: &str = env!("CARGO_BIN_EXE_example-app");

/// The running app; killed when dropped.
struct App {
    // Killed when dropped.
    _server: Server,
    base: String,
    agent: ureq::Agent,
}

impl App {
    fn start() -> App {
        let server = Server::start(&support::app_binary(), &["--db", "sqlite::memory:"])
            .unwrap_or_else(|failure| panic!("the example app did not start: {failure}"));
        let base = format!("http://{}", server.address());
        let agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_global(Some(Duration::from_secs(30)))
            .build()
            .into();
        App {
            _server: server,
            base,
            agent,
        }
    }

    /// `POST /api/{path}` with `args`: the status and the JSON body.
    fn call(&self, path: &str, args: Value) -> (u16, Value) {
        let mut response = self
            .agent
            .post(format!("{}/api/{path}", self.base))
            .header("content-type", "application/json")
            .send(args.to_string())
            .unwrap_or_else(|e| panic!("POST {path}: {e}"));
        let status = response.status().as_u16();
        let text = response.body_mut().read_to_string().expect("a body");
        let body = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path}: {e}: {text}"));
        (status, body)
    }

    /// A call that must succeed: its value.
    fn ok(&self, path: &str, args: Value) -> Value {
        let (status, body) = self.call(path, args);
        assert_eq!(status, 200, "{path}: {body}");
        body["value"].clone()
    }

    /// A call that must fail with `code` and `status`.
    fn fails(&self, path: &str, args: Value, code: &str, status: u16) -> Value {
        let (actual, body) = self.call(path, args);
        assert_eq!(
            (actual, body["error"]["code"].as_str()),
            (status, Some(code)),
            "{path}: {body}"
        );
        body
    }
}

fn int(n: i64) -> Value {
    json!({ "$int64": n.to_string() })
}

/// A well-formed id of the same table as `id` that names no document: one
/// character of its random part changed (its first characters encode the
/// table).
fn absent(id: &Value) -> Value {
    let id = id.as_str().expect("an id");
    let other = if &id[10..11] == "A" { "B" } else { "A" };
    json!(format!("{}{other}{}", &id[..10], &id[11..]))
}

fn birth() -> Value {
    json!({ "date": "1990-04-01", "time": "06:30", "location": "Lyon" })
}

#[test]
fn users_are_created_once_read_and_updated() {
    let app = App::start();
    let args = json!({ "clerkId": "alice", "email": "a@example.com", "birthDetails": birth() });
    let alice = app.ok("users/create", args);

    // A clerkId already stored: 409, and the first user is untouched.
    let again = json!({ "clerkId": "alice", "email": "other@example.com" });
    app.fails("users/create", again, "already_exists", 409);
    let found = app.ok("users/byClerkId", json!({ "clerkId": "alice" }));
    assert_eq!(found["_id"], alice);
    assert_eq!(found["email"], "a@example.com");

    let profile = app.ok("users/getProfile", json!({ "userId": alice }));
    assert_eq!(profile["clerkId"], "alice");
    assert_eq!(profile["birthDetails"], birth());
    assert_eq!(profile["karma"], int(0));
    assert!(profile["_creationTime"].as_f64().is_some(), "{profile}");
    assert_eq!(profile.get("preferences"), None, "{profile}");

    let nobody = absent(&alice);
    assert_eq!(
        app.ok("users/getProfile", json!({ "userId": nobody })),
        Value::Null
    );
    assert_eq!(
        app.ok("users/byClerkId", json!({ "clerkId": "nobody" })),
        Value::Null
    );

    let preferences = json!({ "emailFrequency": ["weekly"], "timezone": "Europe/Paris" });
    let args = json!({ "userId": alice, "preferences": preferences });
    assert_eq!(app.ok("users/updatePreferences", args), Value::Null);
    let profile = app.ok("users/getProfile", json!({ "userId": alice }));
    assert_eq!(profile["preferences"], preferences);
    let args = json!({ "userId": nobody, "preferences": preferences });
    app.fails("users/updatePreferences", args, "not_found", 404);
}

#[test]
fn karma_adds_up_and_refuses_overflow_and_unknown_users() {
    let app = App::start();
    let alice = app.ok(
        "users/create",
        json!({ "clerkId": "alice", "email": "a@x" }),
    );
    let add = |amount: i64| json!({ "userId": alice, "amount": int(amount) });
    assert_eq!(app.ok("users/addKarma", add(5)), int(5));
    assert_eq!(app.ok("users/addKarma", add(-7)), int(-2));

    app.fails("users/addKarma", add(i64::MIN), "overflow", 400);
    let profile = app.ok("users/getProfile", json!({ "userId": alice }));
    assert_eq!(profile["karma"], int(-2), "an overflow writes nothing");

    let args = json!({ "userId": absent(&alice), "amount": int(1) });
    app.fails("users/addKarma", args, "not_found", 404);
}

#[test]
fn readings_are_computed_stored_and_listed_newest_first() {
    let app = App::start();
    let args = json!({ "clerkId": "alice", "email": "a@x", "birthDetails": birth() });
    let alice = app.ok("users/create", args);
    let bob = app.ok("users/create", json!({ "clerkId": "bob", "email": "b@x" }));

    app.fails(
        "readings/compute",
        json!({ "userId": bob }),
        "no_birth_details",
        400,
    );
    app.fails(
        "readings/compute",
        json!({ "userId": absent(&bob) }),
        "not_found",
        404,
    );

    let first = app.ok("readings/compute", json!({ "userId": alice }));
    let second = app.ok("readings/compute", json!({ "userId": alice }));
    assert_ne!(first, second);

    let list = app.ok("readings/list", json!({ "userId": alice }));
    let list = list.as_array().expect("a list");
    let ids: Vec<&Value> = list.iter().map(|r| &r["_id"]).collect();
    assert_eq!(ids, [&second, &first], "newest first");
    // Deterministic: the same birth details give the same chart.
    for field in ["placements", "summary", "score", "tags"] {
        assert_eq!(list[0][field], list[1][field], "{field}");
    }
    let reading = &list[0];
    assert_eq!(reading["userId"], alice);
    assert_eq!(reading["placements"].as_array().map(Vec::len), Some(5));
    assert_eq!(reading["placements"][0]["body"], "sun");
    assert!(reading["summary"]
        .as_str()
        .is_some_and(|s| s.starts_with("Sun in ")));
    assert!(reading["score"].as_f64().is_some(), "{reading}");
    assert_eq!(reading["tags"]["location"], "Lyon");

    assert_eq!(app.ok("readings/list", json!({ "userId": bob })), json!([]));

    // The internal mutation that stored them is not served.
    let save = json!({
        "userId": alice, "placements": [], "summary": "forged", "score": null, "tags": {}
    });
    app.fails("readings/save", save, "not_found", 404);
    let list = app.ok("readings/list", json!({ "userId": alice }));
    assert_eq!(list.as_array().map(Vec::len), Some(2));
}

#[test]
fn notes_are_added_listed_oldest_first_and_counted() {
    let app = App::start();
    let args = json!({ "clerkId": "alice", "email": "a@x", "birthDetails": birth() });
    let alice = app.ok("users/create", args);
    let bob = app.ok("users/create", json!({ "clerkId": "bob", "email": "b@x" }));
    let reading = app.ok("readings/compute", json!({ "userId": alice }));
    let other = app.ok("readings/compute", json!({ "userId": alice }));

    // `by_reading` is [readingId, authorId]: the author with the greater id
    // writes first, so an index-ordered answer would come out reversed.
    let (early, late) = if alice.as_str() > bob.as_str() {
        (&alice, &bob)
    } else {
        (&bob, &alice)
    };
    let note = |reading: &Value, author: &Value, body: &str, mood: Option<&str>| {
        let mut args = json!({
            "readingId": reading, "authorId": author, "body": body,
            "attachments": [], "extra": 1.5,
        });
        if let Some(mood) = mood {
            args["mood"] = json!(mood);
        }
        args
    };
    let n1 = app.ok("notes/add", note(&reading, early, "first", Some("calm")));
    let n2 = app.ok("notes/add", note(&reading, late, "second", None));
    let n3 = app.ok("notes/add", note(&other, &alice, "third", Some("worried")));

    let notes = app.ok("notes/forReading", json!({ "readingId": reading }));
    let ids: Vec<&Value> = notes
        .as_array()
        .expect("a list")
        .iter()
        .map(|n| &n["_id"])
        .collect();
    assert_eq!(ids, [&n1, &n2], "oldest first");
    assert_eq!(notes[0]["mood"], "calm");
    assert_eq!(notes[1].get("mood"), None);
    let notes = app.ok("notes/forReading", json!({ "readingId": other }));
    assert_eq!(notes[0]["_id"], n3);

    let stats = json!({ "calm": int(1), "none": int(1), "worried": int(1) });
    assert_eq!(app.ok("notes/stats", json!({})), stats);

    // An unknown reading or author: 404, and nothing is written.
    let args = note(&absent(&reading), &alice, "lost", Some("curious"));
    app.fails("notes/add", args, "not_found", 404);
    let args = note(&reading, &absent(&alice), "lost", Some("curious"));
    app.fails("notes/add", args, "not_found", 404);
    assert_eq!(app.ok("notes/stats", json!({})), stats);
}

#[test]
fn ids_of_another_table_are_invalid_arguments() {
    let app = App::start();
    let alice = app.ok(
        "users/create",
        json!({ "clerkId": "alice", "email": "a@x" }),
    );
    let body = app.fails(
        "readings/list",
        json!({ "userId": "nope" }),
        "invalid_args",
        400,
    );
    assert_eq!(body["error"]["path"], "userId");
    let args = json!({ "readingId": alice });
    let body = app.fails("notes/forReading", args, "invalid_args", 400);
    assert_eq!(body["error"]["path"], "readingId");
}

/// Runs the binary with `args` until it exits: its status and stderr.
fn run_to_exit(args: &[&str]) -> (std::process::ExitStatus, String) {
    let output = Command::new(BINARY)
        .args(args)
        .stdin(Stdio::null())
        .output()
        .expect("the example app runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(!stdout.contains("listening"), "{stdout}");
    (
        output.status,
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

#[test]
fn a_database_that_cannot_be_opened_is_a_clear_failure() {
    let dir = std::env::temp_dir().join(format!("example-app-{}", std::process::id()));
    let path = dir.join("no/such/folder/app.db");
    let db = path.to_str().expect("a UTF-8 path");
    let (status, stderr) = run_to_exit(&["--listen", "127.0.0.1:0", "--db", db]);
    assert!(!status.success());
    assert!(stderr.contains("cannot open the database"), "{stderr}");
    assert!(stderr.contains(db), "{stderr}");
}

#[test]
fn an_address_that_cannot_be_bound_is_a_clear_failure() {
    let taken = std::net::TcpListener::bind("127.0.0.1:0").expect("a free port");
    let address = taken.local_addr().expect("bound").to_string();
    let (status, stderr) = run_to_exit(&["--listen", &address, "--db", "sqlite::memory:"]);
    assert!(!status.success());
    assert!(
        stderr.contains(&format!("cannot listen on {address}")),
        "{stderr}"
    );
}
