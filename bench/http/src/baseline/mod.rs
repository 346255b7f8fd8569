//! The ceiling: hand-written axum servers doing what the example app's
//! `users.create`, `getProfile`, `addKarma` and `byClerkId` do, with the
//! same wire format (SPEC §3) and the same durability settings as the
//! store, but columns instead of documents and no generated code.

mod postgres;
mod sqlite;

use std::sync::Arc;

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::Router;
use bytes::Bytes;
use serde::{Deserialize, Serialize};

pub enum Backend {
    Sqlite(sqlite::Db),
    Postgres(postgres::Db),
}

impl Backend {
    /// `sqlite:PATH` or `postgres://…`; the `users` table is created and,
    /// when `seed` > 0, filled with users `user-1` … `user-N` in bulk.
    pub async fn open(db: &str, seed: u64) -> Result<Backend, String> {
        if db.starts_with("postgres://") || db.starts_with("postgresql://") {
            Ok(Backend::Postgres(postgres::Db::open(db, seed).await?))
        } else {
            let path = db.strip_prefix("sqlite:").unwrap_or(db).to_owned();
            tokio::task::spawn_blocking(move || sqlite::Db::open(&path, seed).map(Backend::Sqlite))
                .await
                .map_err(|e| e.to_string())?
        }
    }
}

/// A stored user on the wire (`doc<users>`).
#[derive(Serialize)]
pub struct UserDoc {
    #[serde(rename = "_id")]
    pub id: String,
    #[serde(rename = "_creationTime")]
    pub creation_time: f64,
    #[serde(rename = "clerkId")]
    pub clerk_id: String,
    pub email: String,
    pub karma: Int64,
}

#[derive(Serialize, Deserialize)]
pub struct Int64 {
    #[serde(rename = "$int64")]
    pub decimal: String,
}

impl Int64 {
    fn new(value: i64) -> Int64 {
        Int64 {
            decimal: value.to_string(),
        }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct CreateArgs {
    clerk_id: String,
    email: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct UserIdArgs {
    user_id: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct AddKarmaArgs {
    user_id: String,
    amount: Int64,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct ClerkIdArgs {
    clerk_id: String,
}

/// A §3 error.
pub struct Failure {
    status: StatusCode,
    code: &'static str,
    message: String,
}

impl Failure {
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Failure {
        Failure {
            status,
            code,
            message: message.into(),
        }
    }

    pub fn internal(error: impl std::fmt::Display) -> Failure {
        Failure::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            error.to_string(),
        )
    }

    fn invalid(message: impl std::fmt::Display) -> Failure {
        Failure::new(StatusCode::BAD_REQUEST, "invalid_args", message.to_string())
    }
}

impl IntoResponse for Failure {
    fn into_response(self) -> Response {
        let body = serde_json::json!({ "error": { "code": self.code, "message": self.message } });
        (
            self.status,
            [("content-type", "application/json")],
            body.to_string(),
        )
            .into_response()
    }
}

pub fn router(backend: Backend) -> Router {
    Router::new()
        .route("/api/users/{function}", post(call))
        .with_state(Arc::new(backend))
}

async fn call(
    State(backend): State<Arc<Backend>>,
    Path(function): Path<String>,
    body: Bytes,
) -> Response {
    match dispatch(&backend, &function, &body).await {
        Ok(value) => {
            let body = serde_json::to_vec(&Success { value }).expect("JSON values encode");
            ([("content-type", "application/json")], body).into_response()
        }
        Err(failure) => failure.into_response(),
    }
}

#[derive(Serialize)]
struct Success {
    value: serde_json::Value,
}

async fn dispatch(
    backend: &Backend,
    function: &str,
    body: &[u8],
) -> Result<serde_json::Value, Failure> {
    match function {
        "create" => {
            let args: CreateArgs = parse(body)?;
            let id = match backend {
                Backend::Sqlite(db) => db.create(args.clerk_id, args.email).await?,
                Backend::Postgres(db) => db.create(&args.clerk_id, &args.email).await?,
            };
            Ok(serde_json::Value::String(id))
        }
        "getProfile" => {
            let id = user_id(&parse::<UserIdArgs>(body)?.user_id)?;
            let doc = match backend {
                Backend::Sqlite(db) => db.get(id).await?,
                Backend::Postgres(db) => db.get(id).await?,
            };
            value(doc)
        }
        "addKarma" => {
            let args: AddKarmaArgs = parse(body)?;
            let id = user_id(&args.user_id)?;
            let amount: i64 = args
                .amount
                .decimal
                .parse()
                .map_err(|_| Failure::invalid("amount: not an int64"))?;
            let total = match backend {
                Backend::Sqlite(db) => db.add_karma(id, amount).await?,
                Backend::Postgres(db) => db.add_karma(id, amount).await?,
            };
            value(Int64::new(total))
        }
        "byClerkId" => {
            let args: ClerkIdArgs = parse(body)?;
            let doc = match backend {
                Backend::Sqlite(db) => db.by_clerk_id(args.clerk_id).await?,
                Backend::Postgres(db) => db.by_clerk_id(&args.clerk_id).await?,
            };
            value(doc)
        }
        _ => Err(Failure::new(
            StatusCode::NOT_FOUND,
            "not_found",
            format!("no function users.{function}"),
        )),
    }
}

fn value(value: impl Serialize) -> Result<serde_json::Value, Failure> {
    serde_json::to_value(value).map_err(Failure::internal)
}

fn parse<'a, T: Deserialize<'a>>(body: &'a [u8]) -> Result<T, Failure> {
    serde_json::from_slice(body).map_err(Failure::invalid)
}

/// Ids are the row's integer key as text.
fn user_id(text: &str) -> Result<i64, Failure> {
    text.parse()
        .map_err(|_| Failure::invalid("userId: not an id of users"))
}

fn not_found() -> Failure {
    Failure::new(StatusCode::NOT_FOUND, "not_found", "no such user")
}

fn overflow() -> Failure {
    Failure::new(
        StatusCode::BAD_REQUEST,
        "overflow",
        "karma would overflow an int64",
    )
}

fn already_exists() -> Failure {
    Failure::new(
        StatusCode::CONFLICT,
        "already_exists",
        "a user with this clerkId exists",
    )
}

/// Milliseconds since the epoch.
fn now_ms() -> f64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("a clock after 1970")
        .as_secs_f64()
        * 1000.0
}
