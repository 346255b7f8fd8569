//! The typed Rust client (`include_schema!(…, rust_client = true)`, the
//! runtime's `client` feature) against the example app: every public
//! function, int64 at both extremes, bytes, optional against null, and
//! each error code the app can answer, plus the ones the client makes
//! itself (`network`, `internal`, `invalid_args` before sending).

mod support;

use std::io::{Read, Write};
use std::net::TcpListener;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use schemabridge_runtime::{ApiError, FunctionRef, Id, QueryKind};
use support::signer::Signer;
use support::Server;

mod schema {
    schemabridge_macros::include_schema!("../../schema.example.yaml", rust_client = true);
}

use schema::{notes, readings, users, SchemaBridgeClient};

/// The app on a fresh in-memory database and a client of it; the server
/// is killed when the pair is dropped.
fn start() -> (Server, SchemaBridgeClient) {
    let server = Server::app("sqlite::memory:");
    let client = SchemaBridgeClient::new(&format!("http://{}", server.address()));
    (server, client)
}

#[track_caller]
fn assert_error(error: &ApiError, code: &str, status: u16, path: Option<&str>) {
    assert_eq!(
        (error.code(), error.status(), error.path()),
        (code, status, path),
        "{error:?}"
    );
}

fn birth() -> users::CreateArgsBirthDetails {
    users::CreateArgsBirthDetails::new("1990-04-01".into(), "06:30".into(), "Lyon".into())
}

/// A well-formed id of the same table that names no document: one
/// character of its random part changed (its first characters encode the table).
fn absent<T>(id: &Id<T>) -> Id<T> {
    let id = id.as_str();
    let other = if &id[10..11] == "A" { "B" } else { "A" };
    Id::new(format!("{}{other}{}", &id[..10], &id[11..]))
}

#[tokio::test]
async fn users_are_created_read_and_updated() {
    let (_server, client) = start();
    let mut args = users::CreateArgs::new("alice".into(), "a@example.com".into());
    args.birth_details = Some(birth());
    let alice = client.users().create(args).await.unwrap();

    let again = users::CreateArgs::new("alice".into(), "other@example.com".into());
    let error = client.users().create(again).await.unwrap_err();
    assert_error(&error, "already_exists", 409, None);

    let found = client
        .users()
        .by_clerk_id(users::ByClerkIdArgs::new("alice".into()))
        .await
        .unwrap()
        .expect("alice is stored");
    assert_eq!(found.id, alice);
    assert_eq!(found.email, "a@example.com");
    assert_eq!(found.karma, 0);
    assert_eq!(
        found.preferences, None,
        "an absent optional field reads as None"
    );
    assert_eq!(found.birth_details, Some(birth().into()));
    assert!(found.creation_time > 1.0e12, "{}", found.creation_time);

    let profile = client
        .users()
        .get_profile(users::GetProfileArgs::new(alice.clone()));
    assert_eq!(profile.await.unwrap(), Some(found));
    let nobody = users::GetProfileArgs::new(absent(&alice));
    assert_eq!(
        client.users().get_profile(nobody).await.unwrap(),
        None,
        "null is None"
    );
    let nobody = users::ByClerkIdArgs::new("nobody".into());
    assert_eq!(client.users().by_clerk_id(nobody).await.unwrap(), None);

    let preferences = schema::Preferences::new(
        vec![schema::PreferencesEmailFrequency::Weekly],
        "Europe/Paris".into(),
    );
    let update = users::UpdatePreferencesArgs::new(alice.clone(), preferences.clone());
    let unit: () = client.users().update_preferences(update).await.unwrap();
    assert_eq!(unit, ());
    let profile = client
        .users()
        .get_profile(users::GetProfileArgs::new(alice.clone()));
    assert_eq!(
        profile.await.unwrap().unwrap().preferences,
        Some(preferences.clone())
    );

    let update = users::UpdatePreferencesArgs::new(absent(&alice), preferences);
    let error = client.users().update_preferences(update).await.unwrap_err();
    assert_error(&error, "not_found", 404, None);
}

#[tokio::test]
async fn int64_travels_exactly_at_both_extremes() {
    let (_server, client) = start();
    let args = users::CreateArgs::new("alice".into(), "a@x".into());
    let alice = client.users().create(args).await.unwrap();
    let add = |amount: i64| {
        client
            .users()
            .add_karma(users::AddKarmaArgs::new(alice.clone(), amount))
    };
    assert_eq!(add(i64::MIN).await.unwrap(), i64::MIN);
    // One below the minimum: the handler's own error code.
    assert_error(&add(-1).await.unwrap_err(), "overflow", 400, None);
    assert_eq!(add(i64::MAX).await.unwrap(), -1);
    assert_eq!(add(i64::MAX).await.unwrap(), i64::MAX - 1);
    assert_eq!(add(1).await.unwrap(), i64::MAX);
    assert_error(&add(1).await.unwrap_err(), "overflow", 400, None);
    let profile = client
        .users()
        .get_profile(users::GetProfileArgs::new(alice.clone()));
    assert_eq!(
        profile.await.unwrap().unwrap().karma,
        i64::MAX,
        "overflows write nothing"
    );

    let error = client
        .users()
        .add_karma(users::AddKarmaArgs::new(absent(&alice), 1))
        .await
        .unwrap_err();
    assert_error(&error, "not_found", 404, None);
}

#[tokio::test]
async fn readings_are_computed_by_an_action_and_listed() {
    let (_server, client) = start();
    let mut args = users::CreateArgs::new("alice".into(), "a@x".into());
    args.birth_details = Some(birth());
    let alice = client.users().create(args).await.unwrap();
    let bob = users::CreateArgs::new("bob".into(), "b@x".into());
    let bob = client.users().create(bob).await.unwrap();

    let compute = |user: &Id<schema::User>| {
        client
            .readings()
            .compute(readings::ComputeArgs::new(user.clone()))
    };
    assert_error(
        &compute(&bob).await.unwrap_err(),
        "no_birth_details",
        400,
        None,
    );
    assert_error(
        &compute(&absent(&bob)).await.unwrap_err(),
        "not_found",
        404,
        None,
    );
    let first = compute(&alice).await.unwrap();
    let second = compute(&alice).await.unwrap();
    assert_ne!(first, second);

    let list = client
        .readings()
        .list(readings::ListArgs::new(alice.clone()));
    let list = list.await.unwrap();
    let ids: Vec<_> = list.iter().map(|r| r.id.clone()).collect();
    assert_eq!(ids, [second, first], "newest first");
    assert_eq!(list[0].user_id, alice);
    assert_eq!(list[0].placements.len(), 5);
    assert!(list[0].score.is_some(), "a nullable field with a value");
    assert_eq!(
        list[0].tags.get("location").map(String::as_str),
        Some("Lyon")
    );
    let none = client.readings().list(readings::ListArgs::new(bob));
    assert_eq!(none.await.unwrap(), []);
}

#[tokio::test]
async fn notes_keep_bytes_optional_fields_and_null_apart() {
    let (_server, client) = start();
    let mut args = users::CreateArgs::new("alice".into(), "a@x".into());
    args.birth_details = Some(birth());
    let alice = client.users().create(args).await.unwrap();
    let compute = readings::ComputeArgs::new(alice.clone());
    let reading = client.readings().compute(compute).await.unwrap();

    let every_byte: Vec<u8> = (0..=255).collect();
    let image = schema::ImageAttachment::new("image/png".into(), every_byte.clone());
    let note = |body: &str| {
        notes::AddArgs::new(
            reading.clone(),
            alice.clone(),
            body.into(),
            vec![],
            notes::AddArgsExtra::Float64(1.5),
        )
    };
    let mut absent_pin = note("absent");
    absent_pin.attachments = vec![schema::Attachment::Image(image)];
    absent_pin.mood = Some(notes::AddArgsMood::Calm);
    let mut null_pin = note("null");
    null_pin.pinned_at = Some(None);
    null_pin.extra = notes::AddArgsExtra::String("text".into());
    let mut min_pin = note("min");
    min_pin.pinned_at = Some(Some(i64::MIN));
    let mut max_pin = note("max");
    max_pin.pinned_at = Some(Some(i64::MAX));
    let mut ids = Vec::new();
    for args in [absent_pin, null_pin, min_pin, max_pin] {
        ids.push(client.notes().add(args).await.unwrap());
    }

    let listed = client
        .notes()
        .for_reading(notes::ForReadingArgs::new(reading.clone()));
    let listed = listed.await.unwrap();
    assert_eq!(listed.iter().map(|n| n.id.clone()).collect::<Vec<_>>(), ids);
    let pins: Vec<_> = listed.iter().map(|n| n.pinned_at).collect();
    assert_eq!(
        pins,
        [None, Some(None), Some(Some(i64::MIN)), Some(Some(i64::MAX))]
    );
    match &listed[0].attachments[..] {
        [schema::Attachment::Image(image)] => assert_eq!(image.data, every_byte),
        other => panic!("{other:?}"),
    }
    assert_eq!(listed[0].mood, Some(schema::NoteMood::Calm));
    assert_eq!(listed[1].mood, None);
    assert_eq!(listed[0].extra, schema::NoteExtra::Float64(1.5));
    assert_eq!(listed[1].extra, schema::NoteExtra::String("text".into()));

    // A bare int64 map result, and a function without arguments.
    let stats = client.notes().stats().await.unwrap();
    assert_eq!(stats.get("calm"), Some(&1));
    assert_eq!(stats.get("none"), Some(&3));

    let mut lost = note("lost");
    lost.reading_id = absent(&reading);
    assert_error(
        &client.notes().add(lost).await.unwrap_err(),
        "not_found",
        404,
        None,
    );
}

#[tokio::test]
async fn invalid_arguments_carry_their_path() {
    let (_server, client) = start();
    let args = users::CreateArgs::new("alice".into(), "a@x".into());
    let alice = client.users().create(args).await.unwrap();

    // An id the type system accepts but the server does not.
    let list = readings::ListArgs::new(Id::new("nope"));
    let error = client.readings().list(list).await.unwrap_err();
    assert_error(&error, "invalid_args", 400, Some("userId"));
    let wrong_table = notes::ForReadingArgs::new(Id::new(alice.as_str()));
    let error = client.notes().for_reading(wrong_table).await.unwrap_err();
    assert_error(&error, "invalid_args", 400, Some("readingId"));

    // NaN cannot be written as JSON: refused before anything is sent.
    let reading = Id::new("unused");
    let nan = notes::AddArgs::new(
        reading,
        alice,
        "x".into(),
        vec![],
        notes::AddArgsExtra::Float64(f64::NAN),
    );
    let error = client.notes().add(nan).await.unwrap_err();
    assert_error(&error, "invalid_args", 0, None);
    assert!(error.message().contains("`extra`"), "{error:?}");
}

#[tokio::test]
async fn failures_of_the_transport_and_of_the_answer_are_errors_not_panics() {
    let (server, client) = start();
    // An unknown function (a reference this schema does not have).
    let unknown: FunctionRef<QueryKind, users::MeArgs, ()> = FunctionRef::new("users", "nope");
    let error = client
        .query(unknown, users::MeArgs::new())
        .await
        .unwrap_err();
    assert_error(&error, "not_found", 404, None);
    // A result that does not have the declared type.
    let wrong: FunctionRef<QueryKind, notes::StatsArgs, String> =
        FunctionRef::new("notes", "stats");
    let error = client
        .query(wrong, notes::StatsArgs::new())
        .await
        .unwrap_err();
    assert_error(&error, "internal", 200, None);

    // Nothing listening any more.
    let address = server.address().to_owned();
    server.kill();
    let gone = SchemaBridgeClient::new(&format!("http://{address}"));
    let error = gone.notes().stats().await.unwrap_err();
    assert_error(&error, "network", 0, None);
    assert!(error.message().contains(&address), "{error:?}");

    // Something that is not a schemabridge server.
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let other = listener.local_addr().unwrap();
    std::thread::spawn(move || {
        let (mut stream, _) = listener.accept().unwrap();
        let mut request = [0u8; 4096];
        let _ = stream.read(&mut request);
        let body = "<html>Bad Gateway</html>";
        let response = format!(
            "HTTP/1.1 502 Bad Gateway\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
            body.len()
        );
        stream.write_all(response.as_bytes()).unwrap();
    });
    let proxy = SchemaBridgeClient::new(&format!("http://{other}/"));
    let error = proxy.notes().stats().await.unwrap_err();
    assert_error(&error, "internal", 502, None);
    assert!(
        error
            .message()
            .ends_with("(HTTP 502): <html>Bad Gateway</html>"),
        "{error:?}"
    );
}

#[tokio::test]
async fn set_auth_signs_calls_in_and_refreshes_a_refused_token() {
    let signer = Signer::new();
    let dir = support::temp_dir();
    let server = signer.start_app(dir.path());
    let client = SchemaBridgeClient::new(&format!("http://{}", server.address()));

    let error = client.users().me().await.unwrap_err();
    assert_error(&error, "unauthenticated", 401, None);

    // The first token is refused (it expired long ago); after the 401 the
    // client asks for a fresh one, once, and the call succeeds.
    let fetches = Arc::new(AtomicUsize::new(0));
    let (count, signer) = (fetches.clone(), Arc::new(signer));
    client.set_auth(move |options| {
        let n = count.fetch_add(1, Ordering::SeqCst);
        let token = if n == 0 {
            assert!(!options.force_refresh);
            signer.token("user_alice", -3600)
        } else {
            assert!(options.force_refresh);
            signer.token("user_alice", 3600)
        };
        async move { Some(token) }
    });
    let register = users::RegisterArgs::new("alice@example.com".into());
    let alice = client.users().register(register).await.unwrap();
    assert_eq!(fetches.load(Ordering::SeqCst), 2);
    let me = client
        .users()
        .me()
        .await
        .unwrap()
        .expect("alice is registered");
    assert_eq!((me.id, me.clerk_id.as_str()), (alice, "user_alice"));
    assert_eq!(fetches.load(Ordering::SeqCst), 2, "a fresh token is reused");

    client.clear_auth();
    let error = client.users().me().await.unwrap_err();
    assert_error(&error, "unauthenticated", 401, None);
}

// ------------------------------------------------------------ subscriptions

/// A TCP forwarder on a fixed port to whichever app process is current, so
/// that the client keeps one base URL across a server restart (the app
/// picks a fresh port each start). Connections end when the app's end does.
struct Forwarder {
    address: std::net::SocketAddr,
    target: Arc<std::sync::Mutex<String>>,
}

impl Forwarder {
    async fn start(target: &str) -> Forwarder {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let address = listener.local_addr().unwrap();
        let target = Arc::new(std::sync::Mutex::new(target.to_owned()));
        let current = target.clone();
        tokio::spawn(async move {
            while let Ok((mut inbound, _)) = listener.accept().await {
                let to = current.lock().unwrap().clone();
                tokio::spawn(async move {
                    if let Ok(mut outbound) = tokio::net::TcpStream::connect(to).await {
                        let _ = tokio::io::copy_bidirectional(&mut inbound, &mut outbound).await;
                    }
                });
            }
        });
        Forwarder { address, target }
    }

    fn point_at(&self, target: &str) {
        *self.target.lock().unwrap() = target.to_owned();
    }
}

/// The next result of a subscription, within a bound.
async fn next_of<T>(stream: &mut schemabridge_runtime::client::Subscription<T>) -> T {
    use futures_util::StreamExt;
    tokio::time::timeout(std::time::Duration::from_secs(20), stream.next())
        .await
        .expect("a result in time")
        .expect("the stream goes on")
        .expect("a result, not an error")
}

/// The result a subscription holds right now, without waiting: what read
/// your writes promises once a mutation has resolved.
fn ready<T: std::fmt::Debug>(stream: &mut schemabridge_runtime::client::Subscription<T>) -> T {
    use futures_util::{FutureExt, StreamExt};
    match stream.next().now_or_never() {
        Some(Some(Ok(value))) => value,
        other => panic!("no result ready: {other:?}"),
    }
}

fn karma(profile: Option<schema::UserDoc>) -> i64 {
    profile.expect("the user exists").karma
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn subscriptions_update_together_and_mutations_resolve_after_their_update() {
    let (_server, client) = start();
    let alice = users::CreateArgs::new("alice".into(), "a@x".into());
    let alice = client.users().create(alice).await.unwrap();

    // Two queries reading the same document, through two streams.
    let mut by_id = client
        .users()
        .subscribe_get_profile(users::GetProfileArgs::new(alice.clone()));
    let mut by_clerk = client
        .users()
        .subscribe_by_clerk_id(users::ByClerkIdArgs::new("alice".into()));
    assert_eq!(karma(next_of(&mut by_id).await), 0);
    assert_eq!(karma(next_of(&mut by_clerk).await), 0);
    // A second identical subscription has the result at once.
    let mut again = client
        .users()
        .subscribe_get_profile(users::GetProfileArgs::new(alice.clone()));
    assert_eq!(karma(next_of(&mut again).await), 0);
    assert!(client.connection_state().is_websocket_connected);

    for (amount, total) in [(5, 5), (i64::MAX - 5, i64::MAX), (i64::MIN, -1)] {
        let add = users::AddKarmaArgs::new(alice.clone(), amount);
        assert_eq!(client.users().add_karma(add).await.unwrap(), total);
        // Resolved only once every subscription holds the commit: no waiting.
        assert_eq!(karma(ready(&mut by_id)), total);
        assert_eq!(karma(ready(&mut by_clerk)), total);
        assert_eq!(karma(ready(&mut again)), total);
    }

    // A write elsewhere changes nothing here: no new result.
    let bob = users::CreateArgs::new("bob".into(), "b@x".into());
    client.users().create(bob).await.unwrap();
    use futures_util::{FutureExt, StreamExt};
    assert!(by_id.next().now_or_never().is_none());

    // A refused mutation resolves with its error and changes nothing.
    let overflow = users::AddKarmaArgs::new(alice.clone(), i64::MIN);
    let error = client.users().add_karma(overflow).await.unwrap_err();
    assert_eq!(error.code(), "overflow");
    assert!(by_id.next().now_or_never().is_none());
    assert_eq!(client.connection_state().inflight_mutations, 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn after_a_server_restart_the_client_reconnects_and_a_waiting_mutation_applies_once() {
    let dir = support::temp_dir();
    let db = dir.path().join("app.db");
    let db = db.to_str().unwrap();
    let server = Server::app(db);
    let forwarder = Forwarder::start(server.address()).await;
    let client = SchemaBridgeClient::new(&format!("http://{}", forwarder.address));
    let alice = users::CreateArgs::new("alice".into(), "a@x".into());
    let alice = client.users().create(alice).await.unwrap();
    let mut profile = client
        .users()
        .subscribe_get_profile(users::GetProfileArgs::new(alice.clone()));
    assert_eq!(karma(next_of(&mut profile).await), 0);

    server.kill();
    // Started while the server is down: it waits, it does not fail.
    let add = tokio::spawn({
        let args = users::AddKarmaArgs::new(alice.clone(), 5);
        let client = SchemaBridgeClient::with_client((*client).clone());
        async move { client.users().add_karma(args).await }
    });
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    assert!(!add.is_finished());
    assert!(!client.connection_state().is_websocket_connected);

    let server = Server::app(db);
    forwarder.point_at(server.address());
    assert_eq!(add.await.unwrap().unwrap(), 5);
    // The subscription is back, at the mutation's commit, without a
    // repeat of the result it already had.
    assert_eq!(karma(ready(&mut profile)), 5);
    assert!(client.connection_state().is_websocket_connected);
    let stored = client
        .users()
        .get_profile(users::GetProfileArgs::new(alice));
    assert_eq!(karma(stored.await.unwrap()), 5, "applied exactly once");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn set_auth_re_authenticates_a_live_socket_without_dropping_its_subscriptions() {
    let signer = Signer::new();
    let dir = support::temp_dir();
    let server = signer.start_app(dir.path());
    let client = SchemaBridgeClient::new(&format!("http://{}", server.address()));

    // Anonymous: the signed-in query fails in its stream.
    let mut me = client.users().subscribe_me();
    use futures_util::StreamExt;
    let first = tokio::time::timeout(std::time::Duration::from_secs(20), me.next());
    let error = first.await.unwrap().unwrap().unwrap_err();
    assert_eq!(error.code(), "unauthenticated", "{error:?}");

    // Signed in on the same socket: the query runs again for alice.
    let signer = Arc::new(signer);
    let signing = signer.clone();
    client.set_auth(move |_| {
        let token = signing.token("user_alice", 3600);
        async move { Some(token) }
    });
    assert_eq!(
        next_of(&mut me).await,
        None,
        "signed in, not registered yet"
    );
    let register = users::RegisterArgs::new("alice@example.com".into());
    let alice = client.users().register(register).await.unwrap();
    let current = ready(&mut me).expect("registered");
    assert_eq!(
        (current.id, current.clerk_id.as_str()),
        (alice, "user_alice")
    );
    assert_eq!(client.connection_state().connection_retries, 0);

    client.clear_auth();
    let error = tokio::time::timeout(std::time::Duration::from_secs(20), me.next());
    assert_eq!(
        error.await.unwrap().unwrap().unwrap_err().code(),
        "unauthenticated"
    );
}
