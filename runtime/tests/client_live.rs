//! The client's live queries against a scripted server speaking the
//! WebSocket protocol (docs/protocol.md): each test plays the server's
//! side message by message, so the client's guarantees are checked at
//! the exact moments they matter — a mutation answered before its commit
//! reaches the subscriptions, a socket dropped with a mutation in flight,
//! a Transition that does not follow on.

use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use schemabridge_runtime::client::{Client, Subscription};
use schemabridge_runtime::{FunctionRef, MutationKind, QueryKind};
use serde_json::{json, Value};
use tokio::net::{TcpListener, TcpStream};
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::WebSocketStream;

const GET: FunctionRef<QueryKind, Value, i64> = FunctionRef::new_wire("counters", "get");
const ADD: FunctionRef<MutationKind, Value, i64> = FunctionRef::new_wire("counters", "add");

/// Long enough for anything the client does by itself to have happened.
const SETTLE: Duration = Duration::from_millis(150);
/// Bounds every wait of a test.
const LIMIT: Duration = Duration::from_secs(10);

struct Server {
    listener: TcpListener,
}

impl Server {
    async fn start() -> Server {
        Server {
            listener: TcpListener::bind("127.0.0.1:0").await.unwrap(),
        }
    }

    fn client(&self) -> Client {
        let address = self.listener.local_addr().unwrap();
        Client::new(&format!("http://{address}"), "fingerprint")
    }

    /// The next connection, after its `Connect` and `Authenticate`,
    /// answered with `Connected`.
    async fn accept(&self) -> Conn {
        let (stream, _) = tokio::time::timeout(LIMIT, self.listener.accept())
            .await
            .expect("the client connects")
            .unwrap();
        let socket = tokio_tungstenite::accept_async(stream).await.unwrap();
        let mut conn = Conn { socket };
        let connect = conn.recv().await;
        assert_eq!(connect["type"], "Connect");
        assert_eq!(connect["schema"], "fingerprint");
        assert_eq!(connect["sessionId"].as_str().map(str::len), Some(32));
        let auth = conn.recv().await;
        assert_eq!(auth, json!({ "type": "Authenticate", "token": null }));
        conn.send(json!({ "type": "Connected", "schema": "fingerprint" }))
            .await;
        conn
    }
}

struct Conn {
    socket: WebSocketStream<TcpStream>,
}

impl Conn {
    async fn recv(&mut self) -> Value {
        loop {
            let message = tokio::time::timeout(LIMIT, self.socket.next())
                .await
                .expect("a message from the client")
                .expect("the socket is open")
                .unwrap();
            if let Message::Text(text) = message {
                return serde_json::from_str(text.as_str()).unwrap();
            }
        }
    }

    async fn send(&mut self, message: Value) {
        self.socket
            .send(Message::Text(message.to_string().into()))
            .await
            .unwrap();
    }

    /// Reads `ModifyQuerySet`s until `count` queries were added: their ids
    /// by the `name` argument.
    async fn added(&mut self, count: usize) -> Vec<(String, u64)> {
        let mut added = Vec::new();
        while added.len() < count {
            let message = self.recv().await;
            assert_eq!(message["type"], "ModifyQuerySet", "{message}");
            for change in message["modifications"].as_array().unwrap() {
                assert_eq!(change["type"], "Add");
                assert_eq!(change["path"], "counters/get");
                let name = change["args"]["name"].as_str().unwrap().to_owned();
                added.push((name, change["queryId"].as_u64().unwrap()));
            }
        }
        added.sort();
        added
    }

    async fn transition(&mut self, from: (u64, u64), to: (u64, u64), updates: &[(u64, i64)]) {
        let modifications: Vec<Value> = updates
            .iter()
            .map(|(id, value)| {
                json!({ "type": "QueryUpdated", "queryId": id, "value": { "$int64": value.to_string() } })
            })
            .collect();
        self.send(json!({
            "type": "Transition",
            "startVersion": { "querySet": from.0, "identity": 0, "ts": from.1 },
            "endVersion": { "querySet": to.0, "identity": 0, "ts": to.1 },
            "modifications": modifications,
        }))
        .await;
    }
}

async fn next(subscription: &mut Subscription<i64>) -> i64 {
    tokio::time::timeout(LIMIT, subscription.next())
        .await
        .expect("a result")
        .expect("the stream goes on")
        .unwrap()
}

/// Whether the stream has nothing new right now.
async fn quiet(subscription: &mut Subscription<i64>) -> bool {
    tokio::time::timeout(SETTLE, subscription.next())
        .await
        .is_err()
}

fn args(name: &str) -> Value {
    json!({ "name": name })
}

#[tokio::test]
async fn results_arrive_shared_consistent_and_after_a_mutation_that_caused_them() {
    let server = Server::start().await;
    let client = server.client();
    let mut a = client.subscribe(GET, args("a"));
    let mut b = client.subscribe(GET, args("b"));
    let mut conn = server.accept().await;
    let ids = conn.added(2).await;
    let (id_a, id_b) = (ids[0].1, ids[1].1);
    conn.transition((0, 0), (1, 3), &[(id_a, i64::MAX), (id_b, i64::MIN)])
        .await;
    assert_eq!(next(&mut a).await, i64::MAX);
    assert_eq!(next(&mut b).await, i64::MIN);
    assert!(client.connection_state().is_websocket_connected);

    // A second identical subscription shares the query and has its result at once.
    let mut a_again = client.subscribe(GET, args("a"));
    assert_eq!(next(&mut a_again).await, i64::MAX);

    // A mutation goes over the socket with a key; its answer (commit 4)
    // comes before the Transition to commit 4, and the mutation waits for it.
    let mutation = tokio::spawn({
        let client = client.clone();
        async move { client.mutation(ADD, json!({ "by": 1 })).await }
    });
    let sent = conn.recv().await;
    assert_eq!(sent["type"], "Mutation", "{sent}");
    assert_eq!(sent["path"], "counters/add");
    assert_eq!(sent["idempotencyKey"].as_str().map(str::len), Some(32));
    let request = sent["requestId"].clone();
    conn.send(
        json!({ "type": "Response", "requestId": request, "value": { "$int64": "7" }, "ts": 4 }),
    )
    .await;
    tokio::time::sleep(SETTLE).await;
    assert!(
        !mutation.is_finished(),
        "resolved before its commit reached the subscriptions"
    );
    assert!(client.connection_state().has_inflight_requests);
    conn.transition((1, 3), (1, 4), &[(id_a, 1), (id_b, 2)])
        .await;
    assert_eq!(mutation.await.unwrap().unwrap(), 7);
    // Read your writes: every subscription already holds commit 4.
    assert_eq!(next(&mut b).await, 2);
    assert_eq!(next(&mut a).await, 1);
    assert_eq!(next(&mut a_again).await, 1);
    assert!(quiet(&mut a).await && quiet(&mut b).await);
    assert_eq!(client.connection_state().inflight_mutations, 0);

    // A commit that changes nothing of one query moves only the other.
    conn.transition((1, 4), (1, 5), &[(id_b, 3)]).await;
    assert_eq!(next(&mut b).await, 3);
    assert!(quiet(&mut a).await);

    // The last subscriber of `b` leaving removes the query on the server.
    drop(b);
    let removed = conn.recv().await;
    assert_eq!(removed["type"], "ModifyQuerySet");
    assert_eq!(
        removed["modifications"],
        json!([{ "type": "Remove", "queryId": id_b }])
    );
    // Dropping one of the two subscribers of `a` does not.
    drop(a_again);
    assert!(tokio::time::timeout(SETTLE, conn.recv()).await.is_err());

    // A failed query is an error in its stream.
    conn.send(json!({
        "type": "Transition",
        "startVersion": { "querySet": 1, "identity": 0, "ts": 5 },
        "endVersion": { "querySet": 2, "identity": 0, "ts": 6 },
        "modifications": [{ "type": "QueryFailed", "queryId": id_a,
            "error": { "code": "not_found", "message": "gone", "path": "name" } }],
    }))
    .await;
    let error = tokio::time::timeout(LIMIT, a.next())
        .await
        .unwrap()
        .unwrap()
        .unwrap_err();
    assert_eq!(
        (error.code(), error.message(), error.path()),
        ("not_found", "gone", Some("name"))
    );

    // Dropping the client ends the streams.
    drop(client);
    assert!(tokio::time::timeout(LIMIT, a.next())
        .await
        .unwrap()
        .is_none());
}

#[tokio::test]
async fn a_dropped_socket_is_reconnected_and_the_mutation_sent_again_with_its_key() {
    let server = Server::start().await;
    let client = server.client();
    let mut a = client.subscribe(GET, args("a"));
    let mut conn = server.accept().await;
    let id = conn.added(1).await[0].1;
    conn.transition((0, 0), (1, 10), &[(id, 1)]).await;
    assert_eq!(next(&mut a).await, 1);

    let mutation = tokio::spawn({
        let client = client.clone();
        async move { client.mutation(ADD, json!({ "by": 1 })).await }
    });
    let first = conn.recv().await;
    assert_eq!(first["type"], "Mutation");
    drop(conn); // the server goes away with the mutation in flight

    let mut conn = server.accept().await;
    // The query set again, from a fresh query-set version, same query id.
    let again = conn.recv().await;
    assert_eq!(again["type"], "ModifyQuerySet");
    assert_eq!(
        (again["baseVersion"].as_u64(), again["newVersion"].as_u64()),
        (Some(0), Some(1))
    );
    assert_eq!(again["modifications"][0]["queryId"], id);
    // The same mutation, with the same key: applied exactly once.
    let resent = conn.recv().await;
    assert_eq!(resent["type"], "Mutation");
    assert_eq!(resent["idempotencyKey"], first["idempotencyKey"]);
    assert_eq!(resent["args"], first["args"]);
    conn.transition((0, 0), (1, 11), &[(id, 2)]).await;
    conn.send(json!({ "type": "Response", "requestId": resent["requestId"], "value": { "$int64": "2" }, "ts": 11 }))
        .await;
    assert_eq!(mutation.await.unwrap().unwrap(), 2);
    assert_eq!(next(&mut a).await, 2);

    // A mutation started while the server is down waits (it does not fail)
    // and is sent once a connection is back.
    drop(conn);
    let waiting = tokio::spawn({
        let client = client.clone();
        async move { client.mutation(ADD, json!({ "by": 5 })).await }
    });
    tokio::time::sleep(SETTLE).await;
    assert!(!waiting.is_finished());
    let mut conn = server.accept().await;
    conn.added(1).await;
    let sent = conn.recv().await;
    assert_eq!(
        (sent["type"].as_str(), &sent["args"]),
        (Some("Mutation"), &json!({ "by": 5 }))
    );
    // A refused mutation wrote nothing: it resolves with the error at once.
    conn.send(json!({ "type": "Response", "requestId": sent["requestId"],
        "error": { "code": "conflict", "message": "kept conflicting" } }))
        .await;
    let error = waiting.await.unwrap().unwrap_err();
    assert_eq!(
        (error.code(), error.message()),
        ("conflict", "kept conflicting")
    );
}

#[tokio::test]
async fn a_transition_that_does_not_follow_on_or_a_fatal_error_starts_a_new_socket() {
    let server = Server::start().await;
    let client = server.client();
    let mut a = client.subscribe(GET, args("a"));
    let mut conn = server.accept().await;
    let id = conn.added(1).await[0].1;
    conn.transition((0, 0), (1, 3), &[(id, 1)]).await;
    assert_eq!(next(&mut a).await, 1);

    // From commit 5, but the client is at 3: a gap it must not paper over.
    conn.transition((1, 5), (1, 6), &[(id, 9)]).await;
    let mut conn = server.accept().await;
    let id = conn.added(1).await[0].1;
    conn.transition((0, 0), (1, 6), &[(id, 9)]).await;
    assert_eq!(
        next(&mut a).await,
        9,
        "the gap's value was never delivered out of order"
    );
    assert!(quiet(&mut a).await);

    conn.send(
        json!({ "type": "FatalError", "error": { "code": "overloaded", "message": "too slow" } }),
    )
    .await;
    let error = tokio::time::timeout(LIMIT, a.next())
        .await
        .unwrap()
        .unwrap()
        .unwrap_err();
    assert_eq!(error.code(), "overloaded");
    let mut conn = server.accept().await;
    let id = conn.added(1).await[0].1;
    conn.transition((0, 0), (1, 7), &[(id, 10)]).await;
    assert_eq!(next(&mut a).await, 10);
}

#[tokio::test]
async fn without_a_server_the_client_backs_off_and_keeps_its_results() {
    // Nothing listens on this port once the listener is dropped.
    let address = TcpListener::bind("127.0.0.1:0")
        .await
        .unwrap()
        .local_addr()
        .unwrap();
    let client = Client::new(&format!("http://{address}"), "fingerprint");
    let mut a = client.subscribe(GET, args("a"));
    tokio::time::sleep(Duration::from_millis(700)).await;
    let state = client.connection_state();
    assert!(!state.is_websocket_connected);
    // Attempts at about 0, 0.1, 0.3, 0.7 s with jitter: a few, not hundreds.
    assert!((1..=6).contains(&state.connection_retries), "{state:?}");
    assert!(quiet(&mut a).await);

    // Arguments that cannot be written as JSON: one error, then the end.
    #[derive(serde::Serialize)]
    struct Point {
        x: f64,
    }
    let at: FunctionRef<QueryKind, Point, i64> = FunctionRef::new_wire("points", "at");
    let mut nan = client.subscribe(at, Point { x: f64::NAN });
    let error = nan.next().await.unwrap().unwrap_err();
    assert_eq!((error.code(), error.status()), ("invalid_args", 0));
    assert!(
        error.message().contains("points.at") && error.message().contains("`x`"),
        "{error:?}"
    );
    assert!(nan.next().await.is_none());
}

#[test]
fn subscribing_outside_a_runtime_is_an_error_not_a_panic() {
    let client = Client::new("http://127.0.0.1:9", "fingerprint");
    let mut subscription = client.subscribe(GET, args("a"));
    let item = futures_util::FutureExt::now_or_never(subscription.next());
    let error = item.flatten().unwrap().unwrap_err();
    assert!(error.message().contains("Tokio runtime"), "{error:?}");
}

/// The first `Add` and `Connected` race inside the client; whichever comes
/// first, the server hears of each query once (a second `Add` of one id is
/// refused by the server as `invalid_args`).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_query_is_added_once_however_the_start_races() {
    for _ in 0..30 {
        let server = Server::start().await;
        let client = server.client();
        let _a = client.subscribe(GET, args("a"));
        let mut conn = server.accept().await;
        // `Connected` is on its way; `b` is added before the client reads it.
        let _b = client.subscribe(GET, args("b"));
        let added = conn.added(2).await;
        assert_eq!((added[0].0.as_str(), added[1].0.as_str()), ("a", "b"));
        let extra = tokio::time::timeout(Duration::from_millis(50), conn.recv()).await;
        assert!(extra.is_err(), "a query was added twice: {extra:?}");
    }
}
