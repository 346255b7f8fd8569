//! A to-do server whose types, handler trait and router are generated from
//! `schema.yaml` by `build.rs`.

mod schema {
    include!(concat!(env!("OUT_DIR"), "/schema.rs"));
}

use schema::{tasks, Task, TaskDoc, TaskPatch};
use schemabridge_runtime::{ApiError, Id, Store, Update};

/// The app's state: none of its own, every task is in the store.
#[derive(Clone)]
struct App;

impl tasks::Handlers for App {
    async fn list(
        &self,
        ctx: schema::QueryCtx,
        _args: tasks::ListArgs,
    ) -> Result<Vec<TaskDoc>, ApiError> {
        // A scan is in `_creationTime` order: oldest first.
        ctx.db().tasks().scan().collect().await
    }

    async fn add(
        &self,
        ctx: schema::MutationCtx,
        args: tasks::AddArgs,
    ) -> Result<Id<Task>, ApiError> {
        // `new` rather than a struct literal: it keeps compiling when the
        // schema gains optional fields (docs/generated-rust.md).
        let mut task = Task::new(args.title, false);
        task.priority = args.priority.map(|p| match p {
            tasks::AddArgsPriority::Low => schema::TaskPriority::Low,
            tasks::AddArgsPriority::High => schema::TaskPriority::High,
        });
        ctx.db().tasks().insert(task).await
    }

    async fn complete(
        &self,
        ctx: schema::MutationCtx,
        args: tasks::CompleteArgs,
    ) -> Result<(), ApiError> {
        let patch = TaskPatch {
            done: Update::Set(true),
            ..Default::default()
        };
        // `not_found` when there is no such task.
        ctx.db().tasks().patch(&args.id, patch).await
    }
}

#[tokio::main]
async fn main() {
    let address = std::env::var("ADDRESS").unwrap_or_else(|_| "127.0.0.1:3000".to_string());
    let database = std::env::var("DATABASE").unwrap_or_else(|_| "todo.db".to_string());
    let store = Store::open(&database, &schema::SCHEMA)
        .await
        .unwrap_or_else(|e| panic!("cannot open {database}: {e}"));
    let listener = tokio::net::TcpListener::bind(&address)
        .await
        .expect("address is free");
    println!(
        "listening on http://{}",
        listener.local_addr().expect("bound")
    );
    schemabridge_runtime::axum::serve(listener, schema::router(App, store))
        .await
        .expect("server runs");
}

#[cfg(test)]
mod tests {
    use schemabridge_runtime::axum::body::{to_bytes, Body};
    use schemabridge_runtime::axum::http::Request;
    use tower::ServiceExt;

    use super::*;

    async fn router() -> schemabridge_runtime::axum::Router {
        let store = Store::open("sqlite::memory:", &schema::SCHEMA)
            .await
            .expect("an in-memory store");
        schema::router(App, store)
    }

    async fn call(
        router: &schemabridge_runtime::axum::Router,
        path: &str,
        body: &str,
    ) -> (u16, serde_json::Value) {
        let request = Request::post(format!("/api/tasks/{path}"))
            .header("content-type", "application/json")
            .body(Body::from(body.to_string()))
            .expect("a request");
        let response = router.clone().oneshot(request).await.expect("a response");
        let status = response.status().as_u16();
        let bytes = to_bytes(response.into_body(), usize::MAX)
            .await
            .expect("a body");
        (status, serde_json::from_slice(&bytes).expect("JSON"))
    }

    #[tokio::test]
    async fn add_complete_and_list_over_http() {
        let router = router().await;
        let (status, added) = call(
            &router,
            "add",
            r#"{"title": "write docs", "priority": "high"}"#,
        )
        .await;
        assert_eq!(status, 200);
        let id = added["value"].as_str().expect("an id").to_owned();
        call(&router, "add", r#"{"title": "then test"}"#).await;
        let (status, _) = call(&router, "complete", &format!(r#"{{"id": "{id}"}}"#)).await;
        assert_eq!(status, 200);
        let (_, listed) = call(&router, "list", "").await;
        assert_eq!(listed["value"][0]["title"], "write docs");
        assert_eq!(listed["value"][0]["done"], true);
        assert_eq!(listed["value"][0]["priority"], "high");
        assert_eq!(listed["value"][0]["_id"], id.as_str());
        assert_eq!(listed["value"][1]["title"], "then test");
        assert_eq!(listed["value"][1]["done"], false);
    }

    #[tokio::test]
    async fn errors_follow_the_wire_format() {
        let router = router().await;
        let (_, added) = call(&router, "add", r#"{"title": "x"}"#).await;
        let id = added["value"].as_str().expect("an id").to_owned();
        // A well-formed id of no stored task: one character of its random
        // part changed (the first characters encode the table).
        let other = if &id[10..11] == "A" { "B" } else { "A" };
        let absent = format!("{}{other}{}", &id[..10], &id[11..]);
        let (status, body) = call(&router, "complete", &format!(r#"{{"id": "{absent}"}}"#)).await;
        assert_eq!(
            (status, body["error"]["code"].as_str()),
            (404, Some("not_found"))
        );
        let (status, body) = call(&router, "complete", r#"{"id": "nope"}"#).await;
        assert_eq!(
            (status, body["error"]["code"].as_str()),
            (400, Some("invalid_args"))
        );
        let (status, body) = call(&router, "add", r#"{"title": 5}"#).await;
        assert_eq!(
            (status, body["error"]["code"].as_str()),
            (400, Some("invalid_args"))
        );
        assert_eq!(body["error"]["path"], "title");
    }
}
