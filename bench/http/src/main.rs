//! Issue 8's benchmark: the example app over HTTP on loopback, on SQLite
//! and on PostgreSQL, beside hand-written axum servers doing the same work
//! (the ceiling). Prints markdown tables; see docs/benchmarks.md.
//!
//!     cargo build --release -p example-app -p http-bench
//!     cargo run --release -p http-bench -- [--seconds 3] [--postgres URL]

mod baseline;
mod database;
mod instances;
mod load;
mod propagation;
mod report;
mod seed;
mod server;

use std::path::PathBuf;
use std::time::{Duration, Instant};

use bytes::Bytes;
use clap::{Parser, Subcommand};
use serde_json::json;

use database::Database;
use report::{Cell, Lookup, Report};
use server::Server;

#[derive(Parser)]
#[command(about = "Requests per second and latency of the example app beside hand-written servers")]
struct Cli {
    #[command(subcommand)]
    internal: Option<Internal>,
    /// Measured time per cell.
    #[arg(long, default_value_t = 3.0)]
    seconds: f64,
    /// Concurrent clients, one connection each.
    #[arg(long, value_delimiter = ',', default_values_t = [1, 8, 64])]
    clients: Vec<usize>,
    /// A PostgreSQL URL whose role may CREATE DATABASE; without one only SQLite runs.
    #[arg(long, env = "SCHEMABRIDGE_TEST_POSTGRES_URL")]
    postgres: Option<String>,
    /// Table sizes for the indexed lookup.
    #[arg(long, value_delimiter = ',', default_values_t = [1_000, 1_000_000])]
    lookup_sizes: Vec<u64>,
    /// Table sizes for the indexed lookup on PostgreSQL (default: --lookup-sizes).
    #[arg(long, value_delimiter = ',')]
    postgres_lookup_sizes: Option<Vec<u64>>,
    /// Only the per-call table (`calls`), only the indexed lookup
    /// (`lookups`), or only addKarma through one and two instances on one
    /// PostgreSQL database (`instances`: not part of the default run).
    #[arg(long, value_parser = ["calls", "lookups", "instances"])]
    only: Option<String>,
    /// Users `--only instances` spreads addKarma over (1: one hot row).
    #[arg(long, value_delimiter = ',', default_values_t = [64, 1])]
    instance_users: Vec<usize>,
    /// Mutations timed from instance A to a client of instance B.
    #[arg(long, default_value_t = 1000)]
    propagation_mutations: usize,
    /// Rounds of `--only instances` (each cell once per round).
    #[arg(long, default_value_t = 2)]
    instance_rounds: usize,
    /// Clients of the indexed lookup.
    #[arg(long, default_value_t = 8)]
    lookup_clients: usize,
    /// The example app binary (default: beside this one).
    #[arg(long)]
    app: Option<PathBuf>,
}

/// Run by the benchmark itself in child processes.
#[derive(Subcommand)]
enum Internal {
    /// Serves the hand-written baseline.
    #[command(hide = true)]
    Serve {
        #[arg(long)]
        db: String,
        #[arg(long)]
        listen: String,
    },
    /// Fills the example app's store with COUNT users through the runtime.
    #[command(hide = true)]
    SeedApp {
        #[arg(long)]
        db: String,
        #[arg(long)]
        count: u64,
    },
    /// Fills the baseline's table with COUNT users in bulk SQL.
    #[command(hide = true)]
    SeedBaseline {
        #[arg(long)]
        db: String,
        #[arg(long)]
        count: u64,
    },
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Kind {
    App,
    Baseline,
}

fn main() {
    let cli = Cli::parse();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("a tokio runtime");
    let outcome = match &cli.internal {
        Some(Internal::Serve { db, listen }) => runtime.block_on(serve(db, listen)),
        Some(Internal::SeedApp { db, count }) => runtime.block_on(seed::app(db, *count)),
        Some(Internal::SeedBaseline { db, count }) => runtime
            .block_on(baseline::Backend::open(db, *count))
            .map(drop),
        None => runtime.block_on(bench(&cli)),
    };
    if let Err(error) = outcome {
        eprintln!("error: {error}");
        std::process::exit(1);
    }
}

async fn serve(db: &str, listen: &str) -> Result<(), String> {
    let backend = baseline::Backend::open(db, 0).await?;
    let listener = tokio::net::TcpListener::bind(listen)
        .await
        .map_err(|e| format!("{listen}: {e}"))?;
    println!(
        "listening on http://{}",
        listener.local_addr().map_err(|e| e.to_string())?
    );
    axum::serve(listener, baseline::router(backend))
        .await
        .map_err(|e| e.to_string())
}

struct Binaries {
    app: PathBuf,
    me: PathBuf,
}

impl Binaries {
    fn start(&self, kind: Kind, db: &str) -> Result<Server, String> {
        match kind {
            Kind::App => Server::start(&self.app, &["--db", db]),
            Kind::Baseline => Server::start(&self.me, &["serve", "--db", db]),
        }
    }
}

async fn bench(cli: &Cli) -> Result<(), String> {
    let me = std::env::current_exe().map_err(|e| e.to_string())?;
    let app = cli
        .app
        .clone()
        .unwrap_or_else(|| me.with_file_name("example-app"));
    if !app.exists() {
        return Err(format!(
            "{} is missing: build it first (cargo build --release -p example-app)",
            app.display()
        ));
    }
    let binaries = Binaries { app, me };
    let duration = Duration::from_secs_f64(cli.seconds);
    if cli.only.as_deref() == Some("instances") {
        let admin = cli
            .postgres
            .as_deref()
            .ok_or("--only instances needs --postgres URL (or SCHEMABRIDGE_TEST_POSTGRES_URL)")?;
        let rows = instances::run(
            &binaries.app,
            admin,
            &cli.instance_users,
            &cli.clients,
            duration,
            cli.instance_rounds,
        )
        .await?;
        print!("{}", instances::markdown(&rows, cli.seconds));
        let propagation =
            instances::propagation(&binaries.app, admin, 64, cli.propagation_mutations).await?;
        print!("{}", instances::propagation_markdown(&propagation, 64));
        return Ok(());
    }
    let mut backends = vec![database::Backend::Sqlite];
    match &cli.postgres {
        Some(url) => backends.push(database::Backend::Postgres(url.clone())),
        None => eprintln!("no --postgres URL (or SCHEMABRIDGE_TEST_POSTGRES_URL): SQLite only"),
    }
    let mut report = Report::default();
    for backend in &backends {
        let calls = cli.only.as_deref() != Some("lookups");
        let lookups = cli.only.as_deref() != Some("calls");
        for kind in [Kind::App, Kind::Baseline].into_iter().filter(|_| calls) {
            let database = Database::fresh(backend).await?;
            let server = binaries.start(kind, &database.url)?;
            let ids = create_users(&server, 64).await?;
            let get: Vec<Bytes> = ids.iter().map(|id| body(json!({ "userId": id }))).collect();
            let add: Vec<Bytes> = ids
                .iter()
                .map(|id| body(json!({ "userId": id, "amount": { "$int64": "1" } })))
                .collect();
            // Warm-up: connections, caches, prepared statements.
            load::run(
                server.address,
                "/api/users/getProfile",
                &get,
                8,
                Duration::from_millis(500),
            )
            .await;
            for (function, bodies) in [("getProfile", &get), ("addKarma", &add)] {
                for &clients in &cli.clients {
                    let path = format!("/api/users/{function}");
                    let measured =
                        load::run(server.address, &path, bodies, clients, duration).await;
                    eprintln!(
                        "{} {kind:?} {function} ×{clients}: {:.0}/s",
                        backend.name(),
                        measured.per_second()
                    );
                    report.cells.push(Cell {
                        backend: backend.name(),
                        kind,
                        function,
                        clients,
                        measured,
                    });
                }
            }
            report
                .memory
                .push((backend.name(), kind, server.peak_memory()));
        }
        let sizes = match (backend, &cli.postgres_lookup_sizes) {
            (database::Backend::Postgres(_), Some(sizes)) => sizes,
            _ => &cli.lookup_sizes,
        };
        for &size in sizes.iter().filter(|_| lookups) {
            for kind in [Kind::App, Kind::Baseline] {
                let database = Database::fresh(backend).await?;
                database.synchronous_commit(false).await?;
                let started = Instant::now();
                match kind {
                    Kind::App => seed::app(&database.url, size).await?,
                    Kind::Baseline => seed_baseline(&binaries.me, &database.url, size)?,
                }
                let seeding = started.elapsed();
                database.synchronous_commit(true).await?;
                database.settle().await?;
                let server = binaries.start(kind, &database.url)?;
                let bodies: Vec<Bytes> = (0..4096)
                    .map(|_| {
                        body(json!({ "clerkId": format!("user-{}", fastrand::u64(1..=size)) }))
                    })
                    .collect();
                let check = load::call(
                    server.address,
                    "/api/users/byClerkId",
                    json!({ "clerkId": "user-1" }).to_string(),
                )
                .await?;
                if check["clerkId"] != json!("user-1") {
                    return Err(format!(
                        "{kind:?} did not find user-1 after seeding: {check}"
                    ));
                }
                load::run(
                    server.address,
                    "/api/users/byClerkId",
                    &bodies,
                    cli.lookup_clients,
                    Duration::from_millis(500),
                )
                .await;
                let measured = load::run(
                    server.address,
                    "/api/users/byClerkId",
                    &bodies,
                    cli.lookup_clients,
                    duration,
                )
                .await;
                eprintln!(
                    "{} {kind:?} byClerkId in {size}: {:.0}/s",
                    backend.name(),
                    measured.per_second()
                );
                report.lookups.push(Lookup {
                    backend: backend.name(),
                    kind,
                    size,
                    seeding,
                    measured,
                    peak_memory: server.peak_memory(),
                });
            }
        }
    }
    print!("{}", report.markdown(cli.seconds, cli.lookup_clients));
    Ok(())
}

fn body(value: serde_json::Value) -> Bytes {
    Bytes::from(value.to_string())
}

async fn create_users(server: &Server, count: usize) -> Result<Vec<String>, String> {
    let mut ids = Vec::with_capacity(count);
    for i in 0..count {
        let args =
            json!({ "clerkId": format!("bench-{i}"), "email": format!("bench-{i}@example.com") });
        let id = load::call(server.address, "/api/users/create", args.to_string()).await?;
        ids.push(
            id.as_str()
                .ok_or_else(|| format!("users.create returned {id}"))?
                .to_owned(),
        );
    }
    Ok(ids)
}

fn seed_baseline(me: &std::path::Path, db: &str, count: u64) -> Result<(), String> {
    let status = std::process::Command::new(me)
        .args(["seed-baseline", "--db", db, "--count", &count.to_string()])
        .status()
        .map_err(|e| e.to_string())?;
    status
        .success()
        .then_some(())
        .ok_or_else(|| format!("seeding the baseline failed ({status})"))
}
