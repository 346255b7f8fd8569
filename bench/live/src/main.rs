//! Live queries under load (docs/benchmarks.md, "Live queries"): the
//! example app's router and handlers served in this process on a loopback
//! port, clients on real WebSockets.
//!
//! ```sh
//! cargo run --release -p live-bench                       # SQLite file
//! cargo run --release -p live-bench -- --db postgres://…  # a fresh database
//! ```

#[path = "../../../examples/app/src/chart.rs"]
mod chart;
#[path = "../../../examples/app/src/notes.rs"]
mod notes;
#[path = "../../../examples/app/src/readings.rs"]
mod readings;
#[path = "../../../examples/app/src/users.rs"]
mod users;

mod schema {
    include!(concat!(env!("OUT_DIR"), "/schema.rs"));
}

/// The example app's handler state.
#[derive(Clone)]
pub struct App;

use clap::Parser;
use futures_util::stream::{SplitSink, SplitStream};
use futures_util::{SinkExt, StreamExt};
use schemabridge_runtime::{LiveMetrics, RouterOptions, Store};
use serde_json::{json, Value};
use std::net::SocketAddr;
use std::time::{Duration, Instant};
use tokio::net::TcpStream;
use tokio::sync::mpsc;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

#[derive(Parser)]
struct Args {
    /// The database (default: a SQLite file in a temporary folder).
    #[arg(long)]
    db: Option<String>,
    /// Live connections.
    #[arg(long, default_value_t = 100)]
    connections: usize,
    /// Subscriptions per connection.
    #[arg(long, default_value_t = 100)]
    per_connection: usize,
    /// Mutations measured per stage.
    #[arg(long, default_value_t = 300)]
    mutations: usize,
}

type Ws = WebSocketStream<MaybeTlsStream<TcpStream>>;

async fn open(address: SocketAddr) -> Ws {
    // Nagle's algorithm would hold small frames back for a delayed ACK.
    let (mut ws, _) =
        tokio_tungstenite::connect_async_with_config(format!("ws://{address}/api/ws"), None, true)
            .await
            .expect("a WebSocket");
    send(
        &mut ws,
        json!({"type": "Connect", "sessionId": "bench", "schema": ""}),
    )
    .await;
    let connected = next(&mut ws).await;
    assert_eq!(connected["type"], "Connected");
    ws
}

async fn send(ws: &mut (impl SinkExt<Message> + Unpin), message: Value) {
    if ws.send(Message::text(message.to_string())).await.is_err() {
        panic!("the socket closed");
    }
}

async fn next(
    ws: &mut (impl StreamExt<Item = Result<Message, impl std::fmt::Debug>> + Unpin),
) -> Value {
    loop {
        match ws.next().await {
            Some(Ok(Message::Text(text))) => return serde_json::from_str(&text).unwrap(),
            Some(Ok(Message::Ping(_) | Message::Pong(_))) => continue,
            other => panic!("the socket ended: {other:?}"),
        }
    }
}

/// The writer: runs mutations one after the other.
struct Writer {
    ws: Ws,
    request: u32,
}

impl Writer {
    async fn mutation(&mut self, path: &str, args: Value) -> Value {
        self.request += 1;
        let id = self.request;
        send(
            &mut self.ws,
            json!({"type": "Mutation", "requestId": id, "path": path, "args": args}),
        )
        .await;
        loop {
            let message = next(&mut self.ws).await;
            if message["type"] == "Response" && message["requestId"] == id {
                assert!(message["error"].is_null(), "{message}");
                return message["value"].clone();
            }
        }
    }
}

/// A subscriber connection: where to send its ModifyQuerySets (a task
/// reads its Transitions).
struct Subscriber {
    sink: SplitSink<Ws, Message>,
    query_set: u32,
}

fn rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|status| {
            status
                .lines()
                .find(|line| line.starts_with("VmRSS:"))
                .and_then(|line| line.split_whitespace().nth(1)?.parse().ok())
        })
        .unwrap_or(0)
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

fn ms(duration: Duration) -> String {
    format!("{:.2}", duration.as_secs_f64() * 1000.0)
}

#[tokio::main]
async fn main() {
    let args = Args::parse();
    let dir = tempfile::tempdir().unwrap();
    let url = args
        .db
        .clone()
        .unwrap_or_else(|| format!("sqlite:{}", dir.path().join("live.db").display()));
    let backend = if url.starts_with("postgres") {
        "PostgreSQL"
    } else {
        "SQLite"
    };
    let store = Store::open(&url, &schema::SCHEMA).await.expect("the store");
    let metrics = LiveMetrics::new();
    let router = schema::router_with(
        App,
        store,
        RouterOptions::new()
            .live_metrics(metrics.clone())
            .max_subscriptions(args.per_connection.max(1000)),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let listener = {
        use schemabridge_runtime::axum::serve::ListenerExt;
        listener.tap_io(|tcp| {
            let _ = tcp.set_nodelay(true);
        })
    };
    tokio::spawn(async move { schemabridge_runtime::axum::serve(listener, router).await });

    let users = args.connections * args.per_connection;
    eprintln!("creating {users} users on {backend}…");
    let mut writer = Writer {
        ws: open(address).await,
        request: 0,
    };
    let mut ids = Vec::with_capacity(users);
    for user in 0..users {
        let id = writer
            .mutation(
                "users/create",
                json!({"clerkId": format!("u{user}"), "email": format!("u{user}@example.com")}),
            )
            .await;
        ids.push(id.as_str().unwrap().to_owned());
    }

    // Every subscriber's updates, as (query id, when received).
    let (updates, mut updated) = mpsc::unbounded_channel::<(u32, Instant)>();
    let mut subscribers = Vec::new();
    for _ in 0..args.connections {
        let (sink, stream): (SplitSink<Ws, Message>, SplitStream<Ws>) = open(address).await.split();
        let updates = updates.clone();
        tokio::spawn(async move {
            let mut stream = stream;
            loop {
                let message = next(&mut stream).await;
                if message["type"] != "Transition" {
                    continue;
                }
                let now = Instant::now();
                for modification in message["modifications"].as_array().unwrap() {
                    let id = modification["queryId"].as_u64().unwrap() as u32;
                    let _ = updates.send((id, now));
                }
            }
        });
        subscribers.push(Subscriber { sink, query_set: 0 });
    }
    tokio::time::sleep(Duration::from_millis(200)).await;
    let rss_before = rss_kib();

    // Stages of 100, 1,000 and 10,000 subscriptions (one per user, spread
    // over the connections): each stage waits for the new ones' first
    // results, then measures mutations of random subscribed users.
    let mut subscribed = 0usize;
    let mut stages = Vec::new();
    for target in [100usize, 1_000, 10_000] {
        let target = target.min(users);
        if target <= subscribed {
            continue;
        }
        let mut per_socket: Vec<Vec<Value>> = vec![Vec::new(); args.connections];
        for user in subscribed..target {
            per_socket[user % args.connections].push(json!({
                "type": "Add", "queryId": user as u32, "path": "users/getProfile",
                "args": {"userId": ids[user]},
            }));
        }
        for (socket, adds) in subscribers.iter_mut().zip(per_socket) {
            if adds.is_empty() {
                continue;
            }
            let message = json!({"type": "ModifyQuerySet", "baseVersion": socket.query_set,
                "newVersion": socket.query_set + 1, "modifications": adds});
            socket.query_set += 1;
            send(&mut socket.sink, message).await;
        }
        let mut first = 0;
        while first < target - subscribed {
            updated.recv().await.unwrap();
            first += 1;
        }
        subscribed = target;
        let rss = rss_kib();

        // Mutations on subscribed users: latency from sending the mutation to
        // the subscriber receiving the new result; query runs per mutation.
        let runs_before = metrics.query_runs();
        let mut latencies = Vec::with_capacity(args.mutations);
        let started = Instant::now();
        for _ in 0..args.mutations {
            let user = fastrand::usize(..subscribed);
            let sent = Instant::now();
            writer
                .mutation(
                    "users/addKarma",
                    json!({"userId": ids[user], "amount": {"$int64": "1"}}),
                )
                .await;
            loop {
                let (id, at) = updated.recv().await.unwrap();
                if id as usize == user {
                    latencies.push(at - sent);
                    break;
                }
            }
        }
        let elapsed = started.elapsed();
        let runs = metrics.query_runs() - runs_before;
        latencies.sort();
        stages.push((
            subscribed,
            percentile(&latencies, 0.5),
            percentile(&latencies, 0.99),
            runs as f64 / args.mutations as f64,
            elapsed / args.mutations as u32,
            rss,
        ));
        eprintln!("{subscribed} subscriptions measured");
    }

    println!(
        "## Live queries on {backend}: {} connections\n",
        args.connections
    );
    println!("| subscriptions | unaffected per mutation | mutation → client p50 (ms) | p99 (ms) | query runs per mutation | round trip per mutation (ms) |");
    println!("|---:|---:|---:|---:|---:|---:|");
    for (subscriptions, p50, p99, runs, each, _) in &stages {
        println!(
            "| {subscriptions} | {} | {} | {} | {runs:.2} | {} |",
            subscriptions - 1,
            ms(*p50),
            ms(*p99),
            ms(*each)
        );
    }
    if let Some((subscriptions, .., rss)) = stages.last() {
        let per = (*rss as f64 - rss_before as f64) * 1024.0 / *subscriptions as f64;
        println!(
            "\nMemory: resident set {} MiB with {} idle connections, {} MiB with {subscriptions} subscriptions: {per:.0} bytes per subscription (server and client in one process).",
            rss_before / 1024,
            args.connections,
            rss / 1024
        );
    }
}
