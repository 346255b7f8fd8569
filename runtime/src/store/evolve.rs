//! Start-up evolution: bring the stored tables and indexes in line with the
//! schema, in one transaction, or refuse and change nothing.

use super::{key, Backend, Conn, Fault, IndexInfo, StoreError, BY_CREATION_TIME};
use crate::schema::{Invalid, Schema, TableSchema};
use std::collections::HashMap;
use std::fmt::Write as _;

/// How many failing documents a refusal names.
const REPORTED_FAILURES: usize = 10;
/// Documents read per statement while checking or indexing a table.
const BATCH: usize = 500;
/// Part of every index's stored description: a change of the key encoding
/// makes every index differ from the stored one, so all are rebuilt.
const KEY_ENCODING: &str = "v1";

type Indexes = Vec<((&'static str, &'static str), IndexInfo)>;

/// Evolves the database to `schema`; returns every index of the schema.
pub(super) async fn run(backend: &Backend, schema: &'static Schema) -> Result<Indexes, StoreError> {
    let mut conn = match backend {
        Backend::Sqlite(db) => Conn::Sqlite(db.begin(true).await.map_err(fault)?),
        Backend::Postgres(db) => Conn::Postgres(db.begin_evolution().await.map_err(fault)?),
    };
    let result = evolve(&mut conn, schema).await;
    match result {
        Ok(indexes) => {
            conn.commit(&super::WriteSet::default())
                .await
                .map_err(fault)?;
            Ok(indexes)
        }
        Err(error) => {
            // Best effort: dropping the transaction rolls it back too.
            let _ = conn.rollback().await;
            Err(error)
        }
    }
}

fn fault(fault: Fault) -> StoreError {
    StoreError::new(format!("cannot prepare the database: {fault}"))
}

/// A stored document that no longer matches its table's type.
struct Failure {
    table: &'static str,
    id: String,
    invalid: Invalid,
}

async fn evolve(conn: &mut Conn, schema: &'static Schema) -> Result<Indexes, StoreError> {
    let shapes: HashMap<String, String> = conn
        .stored_tables()
        .await
        .map_err(fault)?
        .into_iter()
        .collect();
    let mut failures = Vec::new();
    for table in schema.tables {
        let changed = shapes
            .get(table.name)
            .is_some_and(|shape| shape != table.shape);
        if changed {
            check_documents(conn, table, &mut failures).await?;
        }
    }
    if !failures.is_empty() {
        return Err(refusal(&failures));
    }
    for table in schema.tables {
        if shapes.get(table.name).map(String::as_str) != Some(table.shape) {
            conn.set_table(table.name, table.shape)
                .await
                .map_err(fault)?;
        }
    }
    update_indexes(conn, schema).await
}

/// Checks every document of `table`, collecting the first failures.
async fn check_documents(
    conn: &mut Conn,
    table: &'static TableSchema,
    failures: &mut Vec<Failure>,
) -> Result<(), StoreError> {
    let mut after = String::new();
    loop {
        let batch = conn
            .documents(table.name, &after, BATCH)
            .await
            .map_err(fault)?;
        let Some(last) = batch.last() else {
            return Ok(());
        };
        after = last.0.clone();
        for (id, _, body) in batch {
            let checked = serde_json::from_str(&body)
                .map_err(|error| Invalid {
                    path: String::new(),
                    reason: format!("the stored body is no JSON: {error}"),
                })
                .and_then(|value| (table.validate)(&value));
            if let Err(invalid) = checked {
                failures.push(Failure {
                    table: table.name,
                    id,
                    invalid,
                });
                if failures.len() >= REPORTED_FAILURES {
                    return Ok(());
                }
            }
        }
    }
}

fn refusal(failures: &[Failure]) -> StoreError {
    let mut message = format!(
        "the schema changed and stored documents no longer match it; nothing was changed. \
         Migrate or delete these documents first (showing the first {}):",
        failures.len()
    );
    for failure in failures {
        let path = if failure.invalid.path.is_empty() {
            "(the document)"
        } else {
            &failure.invalid.path
        };
        let _ = write!(
            message,
            "\n  table `{}`, id {}, at `{}`: {}",
            failure.table, failure.id, path, failure.invalid.reason
        );
    }
    StoreError::new(message)
}

/// Creates, rebuilds and drops indexes; returns the schema's indexes.
async fn update_indexes(conn: &mut Conn, schema: &'static Schema) -> Result<Indexes, StoreError> {
    let mut stored: HashMap<(String, String), (i64, String)> = conn
        .stored_indexes()
        .await
        .map_err(fault)?
        .into_iter()
        .map(|index| ((index.table, index.name), (index.id, index.fields)))
        .collect();
    let mut result = Vec::new();
    for table in schema.tables {
        let wanted = std::iter::once((BY_CREATION_TIME, &[][..]))
            .chain(table.indexes.iter().map(|index| (index.name, index.fields)));
        for (name, fields) in wanted {
            let description = describe(fields);
            let id = match stored.remove(&(table.name.to_owned(), name.to_owned())) {
                Some((id, old)) if old == description => id,
                other => {
                    if let Some((id, _)) = other {
                        conn.drop_index(id).await.map_err(fault)?;
                    }
                    let id = conn
                        .create_index(table.name, name, &description)
                        .await
                        .map_err(fault)?;
                    build(conn, table.name, id, fields).await?;
                    id
                }
            };
            let fields = fields.iter().map(|field| (*field).to_owned()).collect();
            result.push(((table.name, name), IndexInfo { id, fields }));
        }
    }
    // What is left belongs to removed indexes or tables. The documents of a
    // removed table stay (a table added back finds them, checked against
    // its shape); only its index entries go.
    for (id, _) in stored.into_values() {
        conn.drop_index(id).await.map_err(fault)?;
    }
    Ok(result)
}

fn describe(fields: &[&str]) -> String {
    let fields = serde_json::to_string(fields).unwrap_or_default();
    format!("{KEY_ENCODING}:{fields}")
}

/// Adds an entry for every document of `table` to index `id`.
async fn build(conn: &mut Conn, table: &str, id: i64, fields: &[&str]) -> Result<(), StoreError> {
    let fields: Vec<String> = fields.iter().map(|field| (*field).to_owned()).collect();
    let mut after = String::new();
    loop {
        let batch = conn.documents(table, &after, BATCH).await.map_err(fault)?;
        let Some(last) = batch.last() else {
            return Ok(());
        };
        after = last.0.clone();
        for (document, creation_time, body) in batch {
            let body: serde_json::Value = serde_json::from_str(&body).map_err(|error| {
                StoreError::new(format!(
                    "table `{table}`, id {document}: the stored body is no JSON: {error}"
                ))
            })?;
            let key = key::document_key(&fields, &body, creation_time, &document);
            conn.insert_entry(id, &key, &document)
                .await
                .map_err(fault)?;
        }
    }
}
