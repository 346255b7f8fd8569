//! A to-do server whose types, handler trait and router are generated from
//! `schema.yaml` by `build.rs`.

mod schema {
    include!(concat!(env!("OUT_DIR"), "/schema.rs"));
}

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

use schema::{tasks, Task, TaskDoc};
use schemabridge_runtime::{ApiError, Id, MutationCtx, QueryCtx};

/// The app's state: tasks in memory, in insertion order.
#[derive(Clone, Default)]
struct App {
    tasks: Arc<Mutex<BTreeMap<u64, TaskDoc>>>,
}

impl tasks::Handlers for App {
    async fn list(&self, _ctx: QueryCtx, _args: tasks::ListArgs) -> Result<Vec<TaskDoc>, ApiError> {
        Ok(self
            .tasks
            .lock()
            .expect("not poisoned")
            .values()
            .cloned()
            .collect())
    }

    async fn add(&self, _ctx: MutationCtx, args: tasks::AddArgs) -> Result<Id<Task>, ApiError> {
        let mut tasks = self.tasks.lock().expect("not poisoned");
        let number = tasks.keys().next_back().map_or(1, |n| n + 1);
        let id = Id::new(format!("task{number}"));
        // `new` rather than a struct literal: it keeps compiling when the
        // schema gains optional fields (docs/generated-rust.md).
        let mut task = Task::new(args.title, false);
        task.priority = args.priority.map(|p| match p {
            tasks::AddArgsPriority::Low => schema::TaskPriority::Low,
            tasks::AddArgsPriority::High => schema::TaskPriority::High,
        });
        tasks.insert(number, TaskDoc::from_parts(id.clone(), number as f64, task));
        Ok(id)
    }

    async fn complete(&self, _ctx: MutationCtx, args: tasks::CompleteArgs) -> Result<(), ApiError> {
        let mut tasks = self.tasks.lock().expect("not poisoned");
        let task = tasks
            .values_mut()
            .find(|t| t.id == args.id)
            .ok_or_else(|| ApiError::not_found(format!("no task {}", args.id)))?;
        task.done = true;
        Ok(())
    }
}

#[tokio::main]
async fn main() {
    let address = std::env::var("ADDRESS").unwrap_or_else(|_| "127.0.0.1:3000".to_string());
    let listener = tokio::net::TcpListener::bind(&address)
        .await
        .expect("address is free");
    println!(
        "listening on http://{}",
        listener.local_addr().expect("bound")
    );
    schemabridge_runtime::axum::serve(listener, schema::router(App::default()))
        .await
        .expect("server runs");
}

#[cfg(test)]
mod tests {
    use schemabridge_runtime::axum::body::{to_bytes, Body};
    use schemabridge_runtime::axum::http::Request;
    use tower::ServiceExt;

    use super::*;

    async fn call(app: &App, path: &str, body: &str) -> (u16, serde_json::Value) {
        let request = Request::post(format!("/api/tasks/{path}"))
            .header("content-type", "application/json")
            .body(Body::from(body.to_string()))
            .expect("a request");
        let response = schema::router(app.clone())
            .oneshot(request)
            .await
            .expect("a response");
        let status = response.status().as_u16();
        let bytes = to_bytes(response.into_body(), usize::MAX)
            .await
            .expect("a body");
        (status, serde_json::from_slice(&bytes).expect("JSON"))
    }

    #[tokio::test]
    async fn add_complete_and_list_over_http() {
        let app = App::default();
        let (status, added) = call(
            &app,
            "add",
            r#"{"title": "write docs", "priority": "high"}"#,
        )
        .await;
        assert_eq!(status, 200);
        assert_eq!(added, serde_json::json!({"value": "task1"}));
        let (status, _) = call(&app, "complete", r#"{"id": "task1"}"#).await;
        assert_eq!(status, 200);
        let (_, listed) = call(&app, "list", "").await;
        assert_eq!(listed["value"][0]["title"], "write docs");
        assert_eq!(listed["value"][0]["done"], true);
        assert_eq!(listed["value"][0]["priority"], "high");
        assert_eq!(listed["value"][0]["_id"], "task1");
    }

    #[tokio::test]
    async fn errors_follow_the_wire_format() {
        let app = App::default();
        let (status, body) = call(&app, "complete", r#"{"id": "nope"}"#).await;
        assert_eq!(
            (status, body["error"]["code"].as_str()),
            (404, Some("not_found"))
        );
        let (status, body) = call(&app, "add", r#"{"title": 5}"#).await;
        assert_eq!(
            (status, body["error"]["code"].as_str()),
            (400, Some("invalid_args"))
        );
        assert_eq!(body["error"]["path"], "title");
    }
}
