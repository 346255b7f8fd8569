//! Live queries over `{base}/api/ws` (SPEC §7, docs/protocol.md), against
//! the example app's generated router and handlers, served in this process
//! on a real loopback socket so that the tests can count query runs. Each
//! guarantee runs on a SQLite file and on PostgreSQL
//! (`SCHEMABRIDGE_TEST_POSTGRES_URL`).

mod support;

#[path = "../src/chart.rs"]
mod chart;
#[path = "../src/notes.rs"]
mod notes;
#[path = "../src/readings.rs"]
mod readings;
#[path = "../src/users.rs"]
mod users;

mod schema {
    include!(concat!(env!("OUT_DIR"), "/schema.rs"));
}

/// The example app's handler state (as in src/main.rs).
#[derive(Clone)]
pub struct App;

use futures_util::{SinkExt, StreamExt};
use schemabridge_runtime::auth::JwksSource;
use schemabridge_runtime::{Auth, AuthConfig, LiveMetrics, Provider, RouterOptions, Store};
use serde_json::{json, Value};
use std::future::Future;
use std::net::SocketAddr;
use std::time::{Duration, Instant};
use support::postgres::FreshDatabase;
use support::signer::{Signer, AUDIENCE, ISSUER};
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

const PATIENCE: Duration = Duration::from_secs(20);
/// How long "no message" is watched for.
const QUIET: Duration = Duration::from_millis(400);

// ------------------------------------------------------------------ harness

/// The example app serving live queries on 127.0.0.1.
struct Live {
    address: SocketAddr,
    metrics: LiveMetrics,
}

async fn serve(url: &str, options: RouterOptions) -> Live {
    let store = Store::open(url, &schema::SCHEMA).await.unwrap();
    let metrics = LiveMetrics::new();
    let router = schema::router_with(App, store, options.live_metrics(metrics.clone()));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let listener = {
        use schemabridge_runtime::axum::serve::ListenerExt;
        listener.tap_io(|tcp| {
            let _ = tcp.set_nodelay(true);
        })
    };
    tokio::spawn(async move {
        schemabridge_runtime::axum::serve(listener, router)
            .await
            .unwrap()
    });
    Live { address, metrics }
}

impl Live {
    async fn socket(&self) -> Socket {
        let (ws, _) = tokio_tungstenite::connect_async(format!("ws://{}/api/ws", self.address))
            .await
            .expect("a WebSocket to the app");
        let mut socket = Socket {
            ws,
            query_set: 0,
            version: json!({"querySet": 0, "identity": 0, "ts": 0}),
            next_request: 1,
            results: Default::default(),
            skipped: Default::default(),
        };
        socket
            .send(json!({"type": "Connect", "sessionId": "test", "schema": "x"}))
            .await;
        let connected = socket.next().await;
        assert_eq!(connected["type"], "Connected", "{connected}");
        assert!(connected["schema"].is_string());
        socket
    }

    /// Waits until the engine has run `runs` queries in all (and no more
    /// come within a moment).
    async fn settle_at(&self, runs: u64) {
        let started = Instant::now();
        while self.metrics.query_runs() < runs && started.elapsed() < PATIENCE {
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        tokio::time::sleep(QUIET).await;
        assert_eq!(self.metrics.query_runs(), runs, "query runs");
    }
}

struct Socket {
    ws: WebSocketStream<MaybeTlsStream<TcpStream>>,
    query_set: u32,
    /// The version of the last Transition received.
    version: Value,
    next_request: u32,
    /// Every query's latest result, as the Transitions so far left it.
    results: std::collections::HashMap<u64, Value>,
    /// Transitions that arrived while waiting for a Response (the engine may
    /// send a mutation's update before its answer), not yet returned.
    skipped: std::collections::VecDeque<Value>,
}

impl Socket {
    async fn send(&mut self, message: Value) {
        self.ws
            .send(Message::text(message.to_string()))
            .await
            .unwrap();
    }

    /// The next protocol message; a Transition is checked to start at the
    /// version the previous one ended at.
    async fn next(&mut self) -> Value {
        let message = self.next_raw().await.expect("a message, not the end");
        if message["type"] == "Transition" {
            assert_eq!(
                message["startVersion"], self.version,
                "a Transition starts where the last ended"
            );
            self.version = message["endVersion"].clone();
            for modification in message["modifications"].as_array().unwrap() {
                let id = modification["queryId"].as_u64().unwrap();
                match modification["type"].as_str().unwrap() {
                    "QueryUpdated" => self.results.insert(id, modification["value"].clone()),
                    "QueryFailed" => self.results.insert(id, modification["error"].clone()),
                    _ => self.results.remove(&id),
                };
            }
        }
        message
    }

    /// The next message, or None when the socket closed.
    async fn next_raw(&mut self) -> Option<Value> {
        loop {
            let frame = tokio::time::timeout(PATIENCE, self.ws.next())
                .await
                .expect("a message in time");
            match frame {
                Some(Ok(Message::Text(text))) => return Some(serde_json::from_str(&text).unwrap()),
                Some(Ok(Message::Ping(_) | Message::Pong(_))) => continue,
                Some(Ok(Message::Close(_))) | None | Some(Err(_)) => return None,
                Some(Ok(other)) => panic!("unexpected frame {other:?}"),
            }
        }
    }

    /// Asserts that nothing arrives for a moment.
    async fn quiet(&mut self) {
        if let Ok(frame) = tokio::time::timeout(QUIET, self.ws.next()).await {
            panic!("expected no message, got {frame:?}");
        }
    }

    /// Adds queries `(id, path, args)` in one ModifyQuerySet.
    async fn add(&mut self, queries: &[(u32, &str, Value)]) {
        let modifications: Vec<Value> = queries
            .iter()
            .map(|(id, path, args)| json!({"type": "Add", "queryId": id, "path": path, "args": args}))
            .collect();
        self.modify(modifications).await;
    }

    async fn remove(&mut self, id: u32) {
        self.modify(vec![json!({"type": "Remove", "queryId": id})])
            .await;
    }

    async fn modify(&mut self, modifications: Vec<Value>) {
        let message = json!({
            "type": "ModifyQuerySet",
            "baseVersion": self.query_set,
            "newVersion": self.query_set + 1,
            "modifications": modifications,
        });
        self.query_set += 1;
        self.send(message).await;
    }

    /// The next Transition (Responses before it are skipped).
    async fn transition(&mut self) -> Value {
        if let Some(skipped) = self.skipped.pop_front() {
            return skipped;
        }
        loop {
            let message = self.next().await;
            if message["type"] == "Transition" {
                return message;
            }
            assert_eq!(message["type"], "Response", "{message}");
        }
    }

    /// Sends a request; its requestId.
    async fn request(&mut self, kind: &str, path: &str, args: Value, key: Option<&str>) -> u32 {
        let id = self.next_request;
        self.next_request += 1;
        let mut message = json!({"type": kind, "requestId": id, "path": path, "args": args});
        if let Some(key) = key {
            message["idempotencyKey"] = json!(key);
        }
        self.send(message).await;
        id
    }

    /// Runs a mutation and returns its Response (Transitions meanwhile are
    /// kept track of but skipped).
    async fn mutation(&mut self, path: &str, args: Value) -> Value {
        let key = format!("{:032x}", rand_u128());
        let id = self.request("Mutation", path, args, Some(&key)).await;
        self.response(id).await
    }

    /// Reads Transitions until the version reaches `ts`; their modifications.
    async fn reach(&mut self, ts: u64) -> Vec<Value> {
        let mut modifications = Vec::new();
        for transition in std::mem::take(&mut self.skipped) {
            modifications.extend(transition["modifications"].as_array().unwrap().clone());
        }
        while self.version["ts"].as_u64().unwrap() < ts {
            let transition = self.transition().await;
            modifications.extend(transition["modifications"].as_array().unwrap().clone());
        }
        modifications
    }

    async fn response(&mut self, id: u32) -> Value {
        loop {
            let message = self.next().await;
            if message["type"] == "Response" && message["requestId"] == id {
                return message;
            }
            if message["type"] == "Transition" {
                self.skipped.push_back(message);
            }
        }
    }

    /// Runs a mutation that must succeed, and waits (as a client resolving
    /// it does) for the Transition reaching its commit: its value.
    async fn ok(&mut self, path: &str, args: Value) -> Value {
        let response = self.mutation(path, args).await;
        assert!(response["error"].is_null(), "{response}");
        let ts = response["ts"].as_u64().expect("a mutation's ts");
        for transition in std::mem::take(&mut self.skipped) {
            assert_eq!(
                transition["modifications"],
                json!([]),
                "a writer without subscriptions"
            );
        }
        while self.version["ts"].as_u64().unwrap() < ts {
            let transition = self.transition().await;
            assert_eq!(
                transition["modifications"],
                json!([]),
                "a writer without subscriptions"
            );
        }
        response["value"].clone()
    }
}

fn rand_u128() -> u128 {
    use std::hash::{BuildHasher, Hasher};
    let state = std::collections::hash_map::RandomState::new();
    let mut hasher = state.build_hasher();
    hasher.write_u128(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_nanos(),
    );
    (u128::from(hasher.finish()) << 64) | u128::from(state.build_hasher().finish())
}

fn int64(value: i64) -> Value {
    json!({ "$int64": value.to_string() })
}

fn karma_of(value: &Value) -> i64 {
    value["karma"]["$int64"].as_str().unwrap().parse().unwrap()
}

async fn create_user(socket: &mut Socket, clerk: &str) -> String {
    let value = socket
        .ok(
            "users/create",
            json!({"clerkId": clerk, "email": format!("{clerk}@example.com")}),
        )
        .await;
    value.as_str().unwrap().to_owned()
}

/// Each test as a pair: on a SQLite file and on PostgreSQL.
macro_rules! on_both {
    ($($name:ident),* $(,)?) => {$(
        mod $name {
            #[test]
            fn sqlite() {
                let dir = crate::support::temp_dir();
                let url = format!("sqlite:{}", dir.path().join("live.db").display());
                crate::block_on(super::$name(url));
            }

            #[test]
            fn postgres() {
                let db = crate::FreshDatabase::create(stringify!($name));
                crate::block_on(super::$name(db.url.clone()));
            }
        }
    )*};
}

fn block_on(test: impl Future<Output = ()>) {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap()
        .block_on(test);
}

on_both!(
    subscribe_update_and_unsubscribe,
    a_failing_query,
    one_commit_one_transition,
    mutations_read_their_writes,
    idempotent_resend,
    precision,
    subscription_limit,
    message_size_limit,
    slow_consumer,
    bad_token,
);

// ------------------------------------------------------------------ guarantees

/// A subscription gets its result, a new one after a commit that changes
/// it, nothing after commits that do not (another user; an equal value
/// written again, which re-runs it), and nothing after it is removed.
async fn subscribe_update_and_unsubscribe(url: String) {
    let live = serve(&url, RouterOptions::new()).await;
    let mut writer = live.socket().await;
    let ann = create_user(&mut writer, "ann").await;
    let bob = create_user(&mut writer, "bob").await;

    let mut reader = live.socket().await;
    reader
        .add(&[(1, "users/getProfile", json!({ "userId": ann }))])
        .await;
    let first = reader.transition().await;
    assert_eq!(first["endVersion"]["querySet"], 1);
    let modifications = first["modifications"].as_array().unwrap();
    assert_eq!(modifications.len(), 1, "{first}");
    assert_eq!(modifications[0]["type"], "QueryUpdated");
    assert_eq!(modifications[0]["queryId"], 1);
    assert_eq!(karma_of(&modifications[0]["value"]), 0);
    assert_eq!(modifications[0]["value"]["clerkId"], "ann");
    live.settle_at(1).await;

    writer
        .ok("users/addKarma", json!({"userId": ann, "amount": int64(5)}))
        .await;
    let update = reader.transition().await;
    assert_eq!(update["modifications"][0]["type"], "QueryUpdated");
    assert_eq!(karma_of(&update["modifications"][0]["value"]), 5);
    assert!(
        update["endVersion"]["ts"].as_u64().unwrap() > first["endVersion"]["ts"].as_u64().unwrap()
    );
    live.settle_at(2).await;

    // Another user's commit: not run again, nothing sent.
    writer
        .ok("users/addKarma", json!({"userId": bob, "amount": int64(1)}))
        .await;
    reader.quiet().await;
    live.settle_at(2).await;

    // The same value written again: run again, but nothing sent.
    writer
        .ok("users/addKarma", json!({"userId": ann, "amount": int64(0)}))
        .await;
    reader.quiet().await;
    live.settle_at(3).await;

    reader.remove(1).await;
    let removed = reader.transition().await;
    assert_eq!(
        removed["modifications"],
        json!([{"type": "QueryRemoved", "queryId": 1}])
    );
    assert_eq!(removed["endVersion"]["querySet"], 2);
    writer
        .ok("users/addKarma", json!({"userId": ann, "amount": int64(1)}))
        .await;
    reader.quiet().await;
    live.settle_at(3).await;
}

/// A query whose handler fails, one with bad arguments and an unknown
/// function each answer QueryFailed; the connection stays usable.
async fn a_failing_query(url: String) {
    let live = serve(&url, RouterOptions::new()).await;
    let mut socket = live.socket().await;
    let ann = create_user(&mut socket, "ann").await;
    socket
        .add(&[
            (1, "users/getProfile", json!({"userId": "no-id"})),
            (2, "users/nope", json!({})),
            (
                3,
                "users/addKarma",
                json!({"userId": ann, "amount": int64(1)}),
            ),
            (4, "users/getProfile", json!({"userId": ann})),
        ])
        .await;
    let transition = socket.transition().await;
    let by_id = |id: u64| {
        transition["modifications"]
            .as_array()
            .unwrap()
            .iter()
            .find(|m| m["queryId"] == id)
            .unwrap_or_else(|| panic!("query {id} in {transition}"))
            .clone()
    };
    let bad = by_id(1);
    assert_eq!(bad["type"], "QueryFailed");
    assert_eq!(bad["error"]["code"], "invalid_args");
    assert_eq!(bad["error"]["path"], "userId");
    assert_eq!(by_id(2)["error"]["code"], "not_found");
    assert_eq!(
        by_id(3)["error"]["code"],
        "invalid_args",
        "a mutation is no query"
    );
    assert_eq!(by_id(4)["type"], "QueryUpdated");
}

/// One commit that changes two subscriptions of a client (a document read
/// by id and the same document through an index range) reaches it as one
/// Transition carrying both.
async fn one_commit_one_transition(url: String) {
    let live = serve(&url, RouterOptions::new()).await;
    let mut writer = live.socket().await;
    let ann = create_user(&mut writer, "ann").await;
    let mut reader = live.socket().await;
    reader
        .add(&[
            (1, "users/getProfile", json!({ "userId": ann })),
            (2, "users/byClerkId", json!({"clerkId": "ann"})),
        ])
        .await;
    assert_eq!(
        reader.transition().await["modifications"]
            .as_array()
            .unwrap()
            .len(),
        2
    );
    writer
        .ok("users/addKarma", json!({"userId": ann, "amount": int64(3)}))
        .await;
    let both = reader.transition().await;
    let modifications = both["modifications"].as_array().unwrap();
    assert_eq!(modifications.len(), 2, "{both}");
    for modification in modifications {
        assert_eq!(karma_of(&modification["value"]), 3);
    }
    reader.quiet().await;
}

/// A mutation's Response carries its commit sequence, and a Transition
/// reaching it follows, holding the mutation's effect; also for a
/// connection without subscriptions (an empty Transition).
async fn mutations_read_their_writes(url: String) {
    let live = serve(&url, RouterOptions::new()).await;
    let mut socket = live.socket().await;
    let ann = create_user(&mut socket, "ann").await;
    // No subscriptions: the Transition reaching the create came or comes.
    let mut reached = socket.version["ts"].as_u64().unwrap();
    socket
        .add(&[(1, "users/getProfile", json!({ "userId": ann }))])
        .await;
    let first = socket.transition().await;
    assert_eq!(karma_of(&first["modifications"][0]["value"]), 0);
    for round in 1..=5 {
        let id = socket
            .request(
                "Mutation",
                "users/addKarma",
                json!({"userId": ann, "amount": int64(1)}),
                Some(&format!("ryw-{round}-{}", rand_u128())),
            )
            .await;
        let response = socket.response(id).await;
        let ts = response["ts"].as_u64().expect("a mutation's ts");
        assert!(ts > reached);
        assert_eq!(response["value"], int64(round));
        // The version reaches ts (the Transition may even come before the
        // Response), and by then the subscription shows the mutation.
        socket.reach(ts).await;
        reached = socket.version["ts"].as_u64().unwrap();
        assert_eq!(
            karma_of(&socket.results[&1]),
            round,
            "the subscription reflects the mutation"
        );
    }

    // No subscriptions at all: still a Transition reaching the mutation.
    let mut bare = live.socket().await;
    let id = bare
        .request(
            "Mutation",
            "users/addKarma",
            json!({"userId": ann, "amount": int64(1)}),
            None,
        )
        .await;
    let ts = bare.response(id).await["ts"].as_u64().unwrap();
    let transition = bare.transition().await;
    assert!(transition["endVersion"]["ts"].as_u64().unwrap() >= ts);
    assert_eq!(transition["modifications"], json!([]));
}

/// The same idempotency key sent twice (as a client resending after a
/// reconnection does): applied once, the same response both times.
async fn idempotent_resend(url: String) {
    let live = serve(&url, RouterOptions::new()).await;
    let mut first = live.socket().await;
    let ann = create_user(&mut first, "ann").await;
    let args = json!({"userId": ann, "amount": int64(10)});
    let key = format!("{:032x}", rand_u128());
    let id = first
        .request("Mutation", "users/addKarma", args.clone(), Some(&key))
        .await;
    let original = first.response(id).await;
    assert_eq!(original["value"], int64(10));
    drop(first);

    let mut second = live.socket().await;
    let id = second
        .request("Mutation", "users/addKarma", args.clone(), Some(&key))
        .await;
    let again = second.response(id).await;
    assert_eq!(again["value"], original["value"], "the stored response");
    assert!(again["ts"].as_u64().unwrap() >= original["ts"].as_u64().unwrap());
    second.reach(again["ts"].as_u64().unwrap()).await;
    second
        .add(&[(1, "users/getProfile", json!({ "userId": ann }))])
        .await;
    let profile = second.transition().await;
    assert_eq!(
        karma_of(&profile["modifications"][0]["value"]),
        10,
        "applied once"
    );
    // Another key is another mutation.
    let id = second
        .request("Mutation", "users/addKarma", args, Some("another-key"))
        .await;
    assert_eq!(second.response(id).await["value"], int64(20));
}

/// 1,000 subscriptions on 1,000 users (half by id, half through the
/// `by_clerk_id` index); a mutation of one user re-runs exactly the one
/// subscription that read it.
async fn precision(url: String) {
    const USERS: usize = 1000;
    const PER_SOCKET: usize = 100;
    let live = serve(&url, RouterOptions::new()).await;
    let mut writer = live.socket().await;
    let mut ids = Vec::with_capacity(USERS);
    for user in 0..USERS {
        ids.push(create_user(&mut writer, &format!("user{user}")).await);
    }
    let mut sockets = Vec::new();
    for chunk in 0..USERS / PER_SOCKET {
        let mut socket = live.socket().await;
        let queries: Vec<(u32, &str, Value)> = (chunk * PER_SOCKET..(chunk + 1) * PER_SOCKET)
            .map(|user| {
                if user % 2 == 0 {
                    (
                        user as u32,
                        "users/getProfile",
                        json!({"userId": ids[user]}),
                    )
                } else {
                    (
                        user as u32,
                        "users/byClerkId",
                        json!({"clerkId": format!("user{user}")}),
                    )
                }
            })
            .collect();
        socket.add(&queries).await;
        let transition = socket.transition().await;
        assert_eq!(
            transition["modifications"].as_array().unwrap().len(),
            PER_SOCKET
        );
        sockets.push(socket);
    }
    live.settle_at(USERS as u64).await;

    for (user, runs) in [(424usize, 1001u64), (777, 1002)] {
        writer
            .ok(
                "users/addKarma",
                json!({"userId": ids[user], "amount": int64(1)}),
            )
            .await;
        let socket = &mut sockets[user / PER_SOCKET];
        let transition = socket.transition().await;
        assert_eq!(
            transition["modifications"][0]["queryId"], user,
            "{transition}"
        );
        live.settle_at(runs).await;
    }
    for socket in &mut sockets {
        socket.quiet().await;
    }
}

// ------------------------------------------------------------------ limits

/// Beyond the subscription limit an Add is refused with `overloaded`; the
/// connection and its other subscriptions stay served.
async fn subscription_limit(url: String) {
    let live = serve(&url, RouterOptions::new().max_subscriptions(2)).await;
    let mut socket = live.socket().await;
    let ann = create_user(&mut socket, "ann").await;
    let profile = json!({ "userId": ann });
    socket
        .add(&[
            (1, "users/getProfile", profile.clone()),
            (2, "users/byClerkId", json!({"clerkId": "ann"})),
            (3, "users/getProfile", profile.clone()),
        ])
        .await;
    let transition = socket.transition().await;
    let refused = &transition["modifications"][2];
    assert_eq!(refused["queryId"], 3, "{transition}");
    assert_eq!(refused["type"], "QueryFailed");
    assert_eq!(refused["error"]["code"], "overloaded");
    let response = socket
        .mutation("users/addKarma", json!({"userId": ann, "amount": int64(1)}))
        .await;
    let update = socket.reach(response["ts"].as_u64().unwrap()).await;
    assert_eq!(update.len(), 2, "{update:?}");
    // Removing one makes room.
    socket.remove(1).await;
    socket.transition().await;
    socket.add(&[(4, "users/getProfile", profile)]).await;
    let added = socket.transition().await;
    assert_eq!(added["modifications"][0]["type"], "QueryUpdated", "{added}");
}

/// A message over the size limit ends that connection with a FatalError
/// (`invalid_args`); another connection is served on.
async fn message_size_limit(url: String) {
    let live = serve(&url, RouterOptions::new().max_message_bytes(4096)).await;
    let mut other = live.socket().await;
    let ann = create_user(&mut other, "ann").await;
    other
        .add(&[(1, "users/getProfile", json!({ "userId": ann }))])
        .await;
    other.transition().await;

    let mut abuser = live.socket().await;
    abuser
        .request(
            "Mutation",
            "users/create",
            json!({"clerkId": "x".repeat(5000), "email": "e"}),
            None,
        )
        .await;
    let fatal = abuser.next_raw().await.expect("a FatalError");
    assert_eq!(fatal["type"], "FatalError", "{fatal}");
    assert_eq!(fatal["error"]["code"], "invalid_args");
    assert!(fatal["error"]["message"].as_str().unwrap().contains("4096"));
    assert_eq!(abuser.next_raw().await, None, "then the socket closes");

    let response = other
        .mutation("users/addKarma", json!({"userId": ann, "amount": int64(1)}))
        .await;
    let update = other.reach(response["ts"].as_u64().unwrap()).await;
    assert_eq!(karma_of(&update[0]["value"]), 1);
}

/// A client that stops reading while its results keep changing overflows
/// its outbound buffer: it gets a FatalError (`overloaded`) and is closed,
/// while another subscriber of the same data keeps getting every update.
async fn slow_consumer(url: String) {
    let live = serve(&url, RouterOptions::new().max_outbound_bytes(256 << 10)).await;
    let mut writer = live.socket().await;
    // A large document: each change is a ~100 KB Transition.
    let big = writer
        .ok(
            "users/create",
            json!({"clerkId": "big", "email": "e".repeat(100_000)}),
        )
        .await;
    let big = big.as_str().unwrap().to_owned();
    let query = [(1, "users/getProfile", json!({ "userId": big }))];
    let mut slow = live.socket().await;
    slow.add(&query).await;
    let mut fast = live.socket().await;
    fast.add(&query).await;
    fast.transition().await;
    assert_eq!(live.metrics.connections(), 3);

    // `slow` reads nothing from here on.
    let started = Instant::now();
    let mut amount = 0;
    while live.metrics.connections() == 3 {
        assert!(
            started.elapsed() < PATIENCE,
            "the slow client was never cut off"
        );
        amount += 1;
        writer
            .ok("users/addKarma", json!({"userId": big, "amount": int64(1)}))
            .await;
        // The other subscriber is served all along.
        let mut karma = 0;
        while karma < amount {
            let transition = fast.transition().await;
            karma = karma_of(&transition["modifications"][0]["value"]);
        }
    }
    let mut last = None;
    while let Some(message) = slow.next_raw().await {
        last = Some(message);
    }
    let last = last.expect("messages before the close");
    assert_eq!(last["type"], "FatalError", "the last message");
    assert_eq!(last["error"]["code"], "overloaded");
}

/// A token that does not verify: AuthError, then the server closes the
/// socket with code 4401 (never an anonymous connection).
async fn bad_token(url: String) {
    let dir = support::temp_dir();
    let jwks = dir.path().join("jwks.json");
    let signer = Signer::new();
    std::fs::write(&jwks, signer.jwks().to_string()).unwrap();
    let provider = Provider::new(ISSUER, AUDIENCE).with_jwks(JwksSource::File(jwks));
    let auth = Auth::new(AuthConfig::new([provider])).await.unwrap();
    let live = serve(&url, RouterOptions::new().auth(auth)).await;
    let mut socket = live.socket().await;
    let forged = Signer::new().token("ann", 60);
    socket
        .send(json!({"type": "Authenticate", "token": forged}))
        .await;
    let error = socket.next_raw().await.expect("an AuthError");
    assert_eq!(error["type"], "AuthError", "{error}");
    assert_eq!(error["error"]["code"], "unauthenticated");
    let close = tokio::time::timeout(PATIENCE, socket.ws.next())
        .await
        .unwrap();
    match close {
        Some(Ok(Message::Close(Some(frame)))) => assert_eq!(u16::from(frame.code), 4401),
        other => panic!("expected a close frame, got {other:?}"),
    }

    // Anonymous (null) is no error: a required function fails as a query.
    let mut socket = live.socket().await;
    socket
        .send(json!({"type": "Authenticate", "token": null}))
        .await;
    let ann = create_user(&mut socket, "ann").await;
    socket
        .add(&[
            (1, "users/getProfile", json!({ "userId": ann })),
            (2, "users/me", json!({})),
        ])
        .await;
    let transition = socket.transition().await;
    assert_eq!(transition["endVersion"]["identity"], 1);
    assert_eq!(
        transition["modifications"][1]["error"]["code"], "unauthenticated",
        "{transition}"
    );

    // Signing in re-runs every query for the new identity: one Transition,
    // holding only what changed (`me`, now ann).
    let runs = live.metrics.query_runs();
    socket
        .send(json!({"type": "Authenticate", "token": signer.token("ann", 60)}))
        .await;
    let signed_in = socket.transition().await;
    assert_eq!(signed_in["endVersion"]["identity"], 2);
    assert_eq!(
        signed_in["modifications"],
        json!([{"type": "QueryUpdated", "queryId": 2, "value": transition["modifications"][0]["value"]}]),
    );
    live.settle_at(runs + 2).await;
}
