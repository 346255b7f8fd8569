//! Start-up evolution on a database that outlives the process: indexes
//! created, built, dropped; documents checked when a table's shape
//! changed, and a refusal that changes nothing.

use crate::model::{self, MutationCtx, QueryCtx, User, SCHEMA};
use crate::Backend;
use schemabridge_runtime::__private::validate;
use schemabridge_runtime::{ApiError, IndexSchema, Schema, Store, TableSchema};
use serde::{Deserialize, Serialize};

/// Version 2: `users` gains the index `by_name`, `notes` and `items` are gone.
static SCHEMA_V2: Schema = Schema {
    fingerprint: "v2",
    tables: &[TableSchema {
        name: "users",
        shape: "users-1",
        indexes: &[
            IndexSchema {
                name: "by_email",
                fields: &["email"],
            },
            IndexSchema {
                name: "by_name",
                fields: &["name"],
            },
        ],
        validate: validate::<User>,
    }],
};

/// Version 3: every user needs a `score`, which stored users lack.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct UserV3 {
    name: String,
    email: String,
    #[serde(with = "schemabridge_runtime::__private::wire")]
    karma: i64,
    score: f64,
    tags: Vec<String>,
}

static SCHEMA_V3: Schema = Schema {
    fingerprint: "v3",
    tables: &[TableSchema {
        name: "users",
        shape: "users-3",
        indexes: model::USER_INDEXES,
        validate: validate::<UserV3>,
    }],
};

/// Version 4: a new shape that stored users still match.
static SCHEMA_V4: Schema = Schema {
    fingerprint: "v4",
    tables: &[TableSchema {
        name: "users",
        shape: "users-4",
        indexes: model::USER_INDEXES,
        validate: validate::<User>,
    }],
};

macro_rules! persistent {
    ($($name:ident),*) => {
        mod sqlite_file {
            $(#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $name() {
                super::$name($crate::Backend::File).await
            })*
        }
        mod postgres {
            $(#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $name() {
                super::$name($crate::Backend::Postgres).await
            })*
        }
    };
}

persistent!(
    indexes_follow_the_schema,
    a_breaking_change_is_refused_changing_nothing
);

fn user(name: &str) -> User {
    User {
        name: name.into(),
        email: format!("{name}@x"),
        karma: 1,
        age: None,
        avatar: None,
        prefs: None,
        tags: vec![],
    }
}

async fn seed(store: &Store) {
    for name in ["b", "a", "c"] {
        store
            .mutation(|ctx: MutationCtx| async move { ctx.db().users().insert(user(name)).await })
            .await
            .unwrap();
    }
}

async fn names_by_name(store: &Store) -> Result<Vec<String>, ApiError> {
    store
        .query(|ctx: QueryCtx| async move {
            let users = ctx.db().users();
            // The v2 index, reached the way generated code would.
            let docs = users
                .0
                .index::<(schemabridge_runtime::key::Plain<String>, ()), _>("by_name", |q| q);
            Ok(docs.collect().await?.into_iter().map(|d| d.name).collect())
        })
        .await
}

async fn indexes_follow_the_schema(backend: Backend) {
    let place = backend.place().await;
    let store = Store::open(&place.url, &SCHEMA).await.unwrap();
    seed(&store).await;
    drop(store);
    // A new index is built over the stored documents.
    let store = Store::open(&place.url, &SCHEMA_V2).await.unwrap();
    assert_eq!(names_by_name(&store).await.unwrap(), ["a", "b", "c"]);
    drop(store);
    // Back to v1: `by_name` is dropped, `by_karma` rebuilt, data intact.
    let store = Store::open(&place.url, &SCHEMA).await.unwrap();
    let error = names_by_name(&store).await.unwrap_err();
    assert!(error.message().contains("no index `by_name`"), "{error}");
    let by_karma = store
        .query(
            |ctx: QueryCtx| async move { ctx.db().users().by_karma(|q| q.eq(&1)).collect().await },
        )
        .await
        .unwrap();
    assert_eq!(by_karma.len(), 3);
}

async fn a_breaking_change_is_refused_changing_nothing(backend: Backend) {
    let place = backend.place().await;
    let store = Store::open(&place.url, &SCHEMA).await.unwrap();
    seed(&store).await;
    drop(store);
    let error = Store::open(&place.url, &SCHEMA_V3)
        .await
        .unwrap_err()
        .to_string();
    assert!(error.contains("nothing was changed"), "{error}");
    assert!(error.contains("table `users`"), "{error}");
    assert!(
        error.contains("at `score`: missing field `score`"),
        "{error}"
    );
    assert_eq!(error.matches("table `users`, id ").count(), 3, "{error}");
    // Nothing changed: v1 opens as before (the shape is still v1's, so no
    // check runs), and v4, whose type the documents match, is accepted.
    let store = Store::open(&place.url, &SCHEMA).await.unwrap();
    let all = store
        .query(|ctx: QueryCtx| async move { ctx.db().users().scan().collect().await })
        .await
        .unwrap();
    assert_eq!(all.len(), 3);
    drop(store);
    Store::open(&place.url, &SCHEMA_V4).await.unwrap();
}
