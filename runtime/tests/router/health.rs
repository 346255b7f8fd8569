//! `GET /api/_health`: the commit sequence the database has reached and the
//! one this instance released; on PostgreSQL, stores on one database
//! release each other's commits (the commit feed, SPEC §9).

use crate::generated::{router, SCHEMA};
use crate::{app::App, memory_store, send};
use schemabridge_runtime::axum::http::Method;
use schemabridge_runtime::axum::Router;
use schemabridge_runtime::Store;
use serde_json::{json, Value};
use std::time::{Duration, Instant};

#[tokio::test]
async fn health_reports_the_latest_commit() {
    let router = router(App::default(), memory_store().await);
    let answer = send(router.clone(), Method::GET, "/api/_health", "", &[]).await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    assert_eq!(answer.body["database"], 0, "{}", answer.body);
    let created = send(
        router.clone(),
        Method::POST,
        "/api/users/createUser",
        &json!({"name": "Ada", "then": ""}).to_string(),
        &[],
    )
    .await;
    assert_eq!(created.status, 200, "{}", created.body);
    let answer = send(router.clone(), Method::GET, "/api/_health", "", &[]).await;
    assert_eq!(answer.body["database"], 1, "{}", answer.body);
    assert!(
        answer.headers.contains_key("x-schemabridge-schema"),
        "the health answer carries the fingerprint like every other"
    );
}

#[tokio::test]
async fn health_is_read_with_get_only() {
    let router = router(App::default(), memory_store().await);
    let answer = send(router, Method::POST, "/api/_health", "{}", &[]).await;
    answer.error(405, "method_not_allowed");
    assert_eq!(answer.headers["allow"], "GET");
}

/// A fresh database on the test cluster, named after `label`.
async fn fresh_postgres(label: &str) -> (String, tokio_postgres::Client) {
    const VAR: &str = "SCHEMABRIDGE_TEST_POSTGRES_URL";
    let url = std::env::var(VAR).unwrap_or_else(|_| {
        panic!(
            "{VAR} is not set: start a throwaway PostgreSQL with \
             `eval \"$(scripts/pg-test-cluster.sh start)\"`, or run .ci/run"
        )
    });
    let (admin, connection) = tokio_postgres::connect(&url, tokio_postgres::NoTls)
        .await
        .unwrap_or_else(|error| panic!("cannot connect to {url}: {error}"));
    tokio::spawn(connection);
    let name = format!("sb_health_{label}_{}", std::process::id());
    for sql in [
        format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"),
        format!("CREATE DATABASE {name}"),
    ] {
        admin.batch_execute(&sql).await.unwrap();
    }
    let base = url.rsplit_once('/').map_or(url.as_str(), |(base, _)| base);
    (format!("{base}/{name}"), admin)
}

async fn health(router: &Router) -> Value {
    let answer = send(router.clone(), Method::GET, "/api/_health", "", &[]).await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    answer.body
}

/// Polls `router`'s health until it has released `sequence` and says it
/// is caught up; panics after `limit`.
async fn caught_up(router: &Router, sequence: u64, limit: Duration) -> Value {
    let started = Instant::now();
    loop {
        let health = health(router).await;
        if health["sequence"] == sequence && health["caughtUp"] == true {
            return health;
        }
        assert!(
            started.elapsed() < limit,
            "not caught up with {sequence} after {limit:?}: {health}"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

async fn create_user(router: &Router, name: &str) {
    let answer = send(
        router.clone(),
        Method::POST,
        "/api/users/createUser",
        &json!({"name": name, "then": ""}).to_string(),
        &[],
    )
    .await;
    assert_eq!(answer.status, 200, "{}", answer.body);
}

async fn instance(url: &str) -> Router {
    router(App::default(), Store::open(url, &SCHEMA).await.unwrap())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn every_instance_releases_the_commits_of_the_others() {
    let (url, _admin) = fresh_postgres("feed").await;
    let (a, b) = (instance(&url).await, instance(&url).await);
    for n in 0..20 {
        create_user(if n % 2 == 0 { &a } else { &b }, &format!("u{n}")).await;
    }
    for router in [&a, &b] {
        let health = caught_up(router, 20, Duration::from_secs(10)).await;
        assert_eq!(health["database"], 20, "{health}");
    }
}

/// The backend pids of the commit feeds on `database`, once there are
/// `count` (a store connects its feed in the background).
async fn feed_backends(admin: &tokio_postgres::Client, database: &str, count: usize) -> Vec<i32> {
    let started = Instant::now();
    loop {
        let pids: Vec<i32> = admin
            .query(
                "SELECT pid FROM pg_stat_activity \
                 WHERE datname = $1 AND application_name LIKE 'schemabridge-feed-%'",
                &[&database],
            )
            .await
            .unwrap()
            .iter()
            .map(|row| row.get(0))
            .collect();
        if pids.len() == count {
            return pids;
        }
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "{} feed connections on {database}, expected {count}",
            pids.len()
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_feed_whose_connection_is_cut_reconnects_and_catches_up() {
    let (url, admin) = fresh_postgres("cut").await;
    let (a, b) = (instance(&url).await, instance(&url).await);
    let database = url.rsplit_once('/').unwrap().1.to_owned();
    let before = feed_backends(&admin, &database, 2).await;
    admin
        .query(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity \
             WHERE datname = $1 AND application_name LIKE 'schemabridge-feed-%'",
            &[&database],
        )
        .await
        .unwrap();
    // Commits while both feeds reconnect: each store releases its own at
    // once, the other's only from the log.
    for n in 0..10 {
        create_user(if n % 2 == 0 { &a } else { &b }, &format!("u{n}")).await;
    }
    for router in [&a, &b] {
        caught_up(router, 10, Duration::from_secs(10)).await;
    }
    let after = feed_backends(&admin, &database, 2).await;
    assert!(
        after.iter().all(|pid| !before.contains(pid)),
        "new connections"
    );
}
