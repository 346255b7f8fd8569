//! Handlers on a real store through the router: transactions, ids checked
//! before handlers run, internal functions, serializable increments.

use crate::generated::{router, SCHEMA};
use crate::{app::App, memory_store, send, Answer};
use schemabridge_runtime::axum::http::Method;
use schemabridge_runtime::axum::Router;
use schemabridge_runtime::Store;
use serde_json::{json, Value};

async fn post(router: &Router, function: &str, body: Value) -> Answer {
    let path = format!("/api/users/{function}");
    send(router.clone(), Method::POST, &path, &body.to_string(), &[]).await
}

async fn create(router: &Router, name: &str) -> String {
    let answer = post(router, "createUser", json!({"name": name, "then": ""})).await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    answer.body["value"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn a_mutation_commits_and_a_query_reads_it() {
    let router = router(App::default(), memory_store().await);
    let id = create(&router, "Ada").await;
    let answer = post(&router, "getUser", json!({ "id": id })).await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    let user = &answer.body["value"];
    assert_eq!(user["_id"], id.as_str());
    assert_eq!(user["name"], "Ada");
    assert_eq!(user["karma"], json!({"$int64": "0"}));
    assert!(user["_creationTime"].as_f64().unwrap() > 1.7e12, "{user}");
}

#[tokio::test]
async fn an_id_that_is_none_or_of_another_table_is_invalid_args() {
    let router = router(App::default(), memory_store().await);
    let id = create(&router, "Ada").await;
    // A well-formed id of another table: same shape, other table tag.
    let mut other = id.clone().into_bytes();
    other[0] = if other[0] == b'A' { b'B' } else { b'A' };
    let other = String::from_utf8(other).unwrap();
    for bad in [json!("u1"), json!(other), json!(42)] {
        post(&router, "getUser", json!({ "id": bad }))
            .await
            .invalid_at(Some("id"), "");
    }
}

#[tokio::test]
async fn err_and_panic_leave_no_trace_and_the_server_keeps_serving() {
    let router = router(App::default(), memory_store().await);
    let answer = post(&router, "createUser", json!({"name": "x", "then": "error"})).await;
    answer.error(400, "handler");
    let answer = post(&router, "createUser", json!({"name": "y", "then": "panic"})).await;
    answer.error(500, "internal");
    let answer = post(&router, "countViaAction", json!({})).await;
    assert_eq!(answer.body, json!({"value": {"$int64": "0"}}));
    create(&router, "z").await;
    let answer = post(&router, "countViaAction", json!({})).await;
    assert_eq!(answer.body, json!({"value": {"$int64": "1"}}));
}

#[tokio::test]
async fn actions_run_mutations_and_queries_by_reference() {
    let router = router(App::default(), memory_store().await);
    let answer = post(&router, "createViaAction", json!({"name": "a", "then": ""})).await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    let id = answer.body["value"].as_str().unwrap().to_owned();
    let answer = post(&router, "getUser", json!({ "id": id })).await;
    assert_eq!(answer.body["value"]["name"], "a");
    // The mutation's own failure reaches the action's caller, rolled back.
    let answer = post(
        &router,
        "createViaAction",
        json!({"name": "b", "then": "error"}),
    )
    .await;
    answer.error(400, "handler");
    let answer = post(&router, "countViaAction", json!({})).await;
    assert_eq!(answer.body, json!({"value": {"$int64": "1"}}));
}

#[tokio::test]
async fn internal_functions_are_not_served_over_http() {
    let router = router(App::default(), memory_store().await);
    post(&router, "countUsers", json!({}))
        .await
        .error(404, "not_found");
}

/// Eight clients increment one document concurrently, `each` times each;
/// every increment counts.
async fn concurrent_increments(store: Store, each: usize) {
    let router = router(App::default(), store);
    let id = create(&router, "counter").await;
    let clients = 8;
    let tasks: Vec<_> = (0..clients)
        .map(|_| {
            let (router, id) = (router.clone(), id.clone());
            tokio::spawn(async move {
                for _ in 0..each {
                    let answer = post(&router, "bump", json!({ "id": id })).await;
                    assert_eq!(answer.status, 200, "{}", answer.body);
                }
            })
        })
        .collect();
    for task in tasks {
        task.await.unwrap();
    }
    let answer = post(&router, "getUser", json!({ "id": id })).await;
    let total = (clients * each).to_string();
    assert_eq!(answer.body["value"]["karma"], json!({ "$int64": total }));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_increments_on_sqlite_memory() {
    concurrent_increments(memory_store().await, 50).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_increments_on_postgres() {
    let store = Store::open(&crate::postgres_database().await, &SCHEMA)
        .await
        .unwrap();
    // 500 each: enough contention that retries with backoff alone lost
    // some increments (40 conflicts in a row) before mutations took turns.
    concurrent_increments(store, 500).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_increments_on_sqlite_file() {
    let dir = std::env::temp_dir().join(format!("sb-router-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("increments.db");
    let _ = std::fs::remove_file(&path);
    let store = Store::open(path.to_str().unwrap(), &SCHEMA).await.unwrap();
    concurrent_increments(store, 50).await;
}
