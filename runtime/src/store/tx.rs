//! One transaction at the level of JSON documents: ids, `_creationTime`,
//! limits and index entries kept in step with documents.

use super::{key, limits, Conn, Fault, Mode, Row, Scan, Store};
use crate::ApiError;
use serde_json::{Map, Value};
use std::sync::atomic::{AtomicBool, Ordering};
use tokio::sync::Mutex;

/// A transaction shared by a handler's context and the code that ends it.
pub(crate) struct Transaction {
    store: Store,
    /// `None` once committed or rolled back.
    conn: Mutex<Option<Conn>>,
    /// A statement lost a race: the mutation must run again, whatever the
    /// handler made of the error.
    conflicted: AtomicBool,
    wrote: AtomicBool,
}

/// A stored document: id, `_creationTime` and body.
pub(crate) struct Stored {
    pub(crate) id: String,
    pub(crate) creation_time: f64,
    pub(crate) body: Value,
}

impl Stored {
    /// The document as handlers see it: the body plus `_id` and `_creationTime`.
    pub(crate) fn into_document(self) -> Value {
        let mut fields = match self.body {
            Value::Object(fields) => fields,
            _ => Map::new(),
        };
        fields.insert("_id".to_owned(), Value::String(self.id));
        fields.insert(
            "_creationTime".to_owned(),
            serde_json::Number::from_f64(self.creation_time).map_or(Value::Null, Value::Number),
        );
        Value::Object(fields)
    }
}

fn parse_body(id: &str, text: &str) -> Result<Value, ApiError> {
    serde_json::from_str(text).map_err(|error| {
        ApiError::internal(format!(
            "document {id}: the stored body is no JSON: {error}"
        ))
    })
}

impl Transaction {
    pub(crate) async fn begin(store: &Store, mode: Mode) -> Result<Transaction, Fault> {
        let conn = store.begin(mode).await?;
        Ok(Transaction {
            store: store.clone(),
            conn: Mutex::new(Some(conn)),
            conflicted: AtomicBool::new(false),
            wrote: AtomicBool::new(false),
        })
    }

    pub(crate) fn store(&self) -> &Store {
        &self.store
    }

    #[cfg(test)]
    pub(crate) fn mark_conflicted(&self) {
        self.conflicted.store(true, Ordering::SeqCst);
    }

    pub(crate) fn conflicted(&self) -> bool {
        self.conflicted.load(Ordering::SeqCst)
    }

    /// Turns a backend failure into the handler's error, noting conflicts.
    fn fail(&self, fault: Fault) -> ApiError {
        match fault {
            Fault::Conflict(message) => {
                self.conflicted.store(true, Ordering::SeqCst);
                ApiError::conflict(format!(
                    "the transaction conflicted with another: {message}"
                ))
            }
            Fault::Internal(message) => ApiError::internal(message),
        }
    }

    /// Commits; the sequence number of the commit.
    pub(crate) async fn commit(&self) -> Result<u64, Fault> {
        let mut conn = self.conn.lock().await.take().ok_or_else(ended)?;
        let sequence = conn.commit(self.wrote.load(Ordering::SeqCst)).await;
        if let Err(Fault::Conflict(_)) = &sequence {
            self.conflicted.store(true, Ordering::SeqCst);
        }
        sequence
    }

    /// Rolls back (a no-op when already ended).
    pub(crate) async fn rollback(&self) {
        if let Some(mut conn) = self.conn.lock().await.take() {
            // On failure the connection is dropped, which rolls back too.
            let _ = conn.rollback().await;
        }
    }

    pub(crate) async fn get(&self, table: &str, id: &str) -> Result<Option<Stored>, ApiError> {
        let mut guard = self.conn.lock().await;
        let conn = guard.as_mut().ok_or_else(|| ApiError::internal(ENDED))?;
        let found = conn.get(id).await.map_err(|fault| self.fail(fault))?;
        match found {
            // An unchecked `Id::new` may name a document of another table.
            Some((stored_table, creation_time, body)) if stored_table == table => {
                Ok(Some(Stored {
                    id: id.to_owned(),
                    creation_time,
                    body: parse_body(id, &body)?,
                }))
            }
            _ => Ok(None),
        }
    }

    pub(crate) async fn scan(&self, scan: &Scan) -> Result<Vec<Row>, ApiError> {
        let mut guard = self.conn.lock().await;
        let conn = guard.as_mut().ok_or_else(|| ApiError::internal(ENDED))?;
        conn.scan(scan).await.map_err(|fault| self.fail(fault))
    }

    pub(crate) async fn explain(&self, scan: &Scan) -> Result<String, ApiError> {
        let mut guard = self.conn.lock().await;
        let conn = guard.as_mut().ok_or_else(|| ApiError::internal(ENDED))?;
        conn.explain_scan(scan)
            .await
            .map_err(|fault| self.fail(fault))
    }

    pub(crate) async fn insert(
        &self,
        table: &'static str,
        body: Value,
    ) -> Result<String, ApiError> {
        let text = checked_text(table, &body)?;
        let id = crate::id::generate(table)
            .map_err(|error| ApiError::internal(format!("no randomness for an id: {error}")))?;
        let mut guard = self.conn.lock().await;
        let conn = guard.as_mut().ok_or_else(|| ApiError::internal(ENDED))?;
        let result = async {
            let creation_time = self.store.creation_time(conn, table).await?;
            conn.insert_document(table, &id, creation_time, &text)
                .await?;
            for index in self.store.indexes_of(table) {
                let key = key::document_key(&index.fields, &body, creation_time, &id);
                conn.insert_entry(index.id, &key, &id).await?;
            }
            Ok::<(), Fault>(())
        }
        .await;
        self.wrote.store(true, Ordering::SeqCst);
        result.map_err(|fault| self.fail(fault))?;
        Ok(id)
    }

    /// Replaces the body of `old` (read in this transaction) with `body`.
    pub(crate) async fn replace(
        &self,
        table: &'static str,
        old: &Stored,
        body: Value,
    ) -> Result<(), ApiError> {
        let text = checked_text(table, &body)?;
        let mut guard = self.conn.lock().await;
        let conn = guard.as_mut().ok_or_else(|| ApiError::internal(ENDED))?;
        let result = async {
            conn.update_document(&old.id, &text).await?;
            for index in self.store.indexes_of(table) {
                let before =
                    key::document_key(&index.fields, &old.body, old.creation_time, &old.id);
                let after = key::document_key(&index.fields, &body, old.creation_time, &old.id);
                if before != after {
                    conn.delete_entry(index.id, &before).await?;
                    conn.insert_entry(index.id, &after, &old.id).await?;
                }
            }
            Ok::<(), Fault>(())
        }
        .await;
        self.wrote.store(true, Ordering::SeqCst);
        result.map_err(|fault| self.fail(fault))
    }

    pub(crate) async fn delete(&self, table: &'static str, old: &Stored) -> Result<(), ApiError> {
        let mut guard = self.conn.lock().await;
        let conn = guard.as_mut().ok_or_else(|| ApiError::internal(ENDED))?;
        let result = async {
            for index in self.store.indexes_of(table) {
                let key = key::document_key(&index.fields, &old.body, old.creation_time, &old.id);
                conn.delete_entry(index.id, &key).await?;
            }
            conn.delete_document(&old.id).await
        }
        .await;
        self.wrote.store(true, Ordering::SeqCst);
        result.map_err(|fault| self.fail(fault))
    }
}

const ENDED: &str = "the transaction has ended: a context was used after its handler returned";

fn ended() -> Fault {
    Fault::Internal(ENDED.to_owned())
}

/// The JSON text of a body within the limits, or a clear error.
fn checked_text(table: &str, body: &Value) -> Result<String, ApiError> {
    if !body.is_object() {
        return Err(ApiError::internal(format!(
            "a document of `{table}` must be a JSON object"
        )));
    }
    let text = serde_json::to_string(body)
        .map_err(|error| ApiError::internal(format!("the document cannot be encoded: {error}")))?;
    limits::check(body, text.len()).map_err(|message| {
        ApiError::new(
            "limit_exceeded",
            format!("a document of `{table}` is over a limit: {message}"),
        )
    })?;
    Ok(text)
}
