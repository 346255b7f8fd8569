//! One transaction at the level of JSON documents: ids, `_creationTime`,
//! limits and index entries kept in step with documents.

use super::reads::ReadSet;
use super::writes::{Commit, WriteSet};
use super::{key, limits, Conn, Fault, Mode, Row, Scan, Store};
use crate::ApiError;
use serde_json::{Map, Value};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex as SyncMutex};
use tokio::sync::Mutex;

/// A transaction shared by a handler's context and the code that ends it.
pub(crate) struct Transaction {
    store: Store,
    /// `None` once committed or rolled back.
    conn: Mutex<Option<Conn>>,
    /// A statement lost a race: the mutation must run again, whatever the
    /// handler made of the error.
    conflicted: AtomicBool,
    /// What the transaction wrote so far.
    writes: SyncMutex<WriteSet>,
    /// What it read, recorded for live queries only (`Mode::Snapshot`).
    reads: Option<SyncMutex<ReadSet>>,
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
            writes: SyncMutex::default(),
            reads: (mode == Mode::Snapshot).then(SyncMutex::default),
        })
    }

    /// What this transaction read so far (empty unless begun as a snapshot
    /// for a live query).
    pub(crate) fn reads(&self) -> ReadSet {
        self.reads
            .as_ref()
            .map(|reads| lock(reads).clone())
            .unwrap_or_default()
    }

    /// What this transaction wrote so far.
    #[cfg(test)]
    pub(crate) fn writes(&self) -> WriteSet {
        let mut writes = lock(&self.writes).clone();
        writes.dedup();
        writes
    }

    /// The commit sequence of this transaction's snapshot: every commit up
    /// to it is visible, none after it.
    pub(crate) async fn snapshot_sequence(&self) -> Result<u64, ApiError> {
        let mut guard = self.conn.lock().await;
        let conn = guard.as_mut().ok_or_else(|| ApiError::internal(ENDED))?;
        conn.sequence().await.map_err(|fault| self.fail(fault))
    }

    /// The response stored for the mutation with idempotency key `key`,
    /// when one committed.
    pub(crate) async fn idempotent_response(&self, key: &str) -> Result<Option<String>, ApiError> {
        let mut guard = self.conn.lock().await;
        let conn = guard.as_mut().ok_or_else(|| ApiError::internal(ENDED))?;
        conn.idempotency_get(key)
            .await
            .map_err(|fault| self.fail(fault))
    }

    /// Stores `response` under `key`, committed with this transaction.
    pub(crate) async fn remember(&self, key: &str, response: &str) -> Result<(), ApiError> {
        let mut guard = self.conn.lock().await;
        let conn = guard.as_mut().ok_or_else(|| ApiError::internal(ENDED))?;
        conn.idempotency_put(key, response, super::now_ms())
            .await
            .map_err(|fault| self.fail(fault))
    }

    fn wrote(&self, record: impl FnOnce(&mut WriteSet)) {
        record(&mut lock(&self.writes));
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

    /// Commits; the sequence number of the commit. A commit that wrote is
    /// published to the store's live queries.
    pub(crate) async fn commit(&self) -> Result<u64, Fault> {
        let mut conn = self.conn.lock().await.take().ok_or_else(ended)?;
        let mut writes = std::mem::take(&mut *lock(&self.writes));
        writes.dedup();
        let sequence = conn.commit(&writes).await;
        match &sequence {
            Ok(sequence) if !writes.is_empty() => self.store.publish(Commit {
                sequence: *sequence,
                writes: Arc::new(writes),
            }),
            Ok(_) => {}
            Err(fault) => {
                if let Fault::Conflict(_) = fault {
                    self.conflicted.store(true, Ordering::SeqCst);
                }
                // PostgreSQL draws a sequence number before COMMIT; when
                // COMMIT fails it is a gap, which would hold back every
                // later commit in the sequencer.
                if let Some(gap) = conn.abandoned_sequence() {
                    self.store.publish(Commit {
                        sequence: gap,
                        writes: Arc::default(),
                    });
                }
            }
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
        if let Some(reads) = &self.reads {
            lock(reads).documents.push(id.to_owned());
        }
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
        let rows = conn.scan(scan).await.map_err(|fault| self.fail(fault))?;
        if let Some(reads) = &self.reads {
            let cut_at = match rows.last() {
                Some(last) if rows.len() >= scan.limit => Some(last.key.as_slice()),
                _ => None,
            };
            lock(reads).scanned(scan.index, &scan.lo, &scan.hi, scan.desc, cut_at);
        }
        Ok(rows)
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
            // Recorded before each statement: a handler may swallow the
            // error of a failed one and commit what the others did.
            self.wrote(|writes| writes.document(&id));
            conn.insert_document(table, &id, creation_time, &text)
                .await?;
            for index in self.store.indexes_of(table) {
                let key = key::document_key(&index.fields, &body, creation_time, &id);
                self.wrote(|writes| writes.key(index.id, &key));
                conn.insert_entry(index.id, &key, &id).await?;
            }
            Ok::<(), Fault>(())
        }
        .await;
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
            self.wrote(|writes| writes.document(&old.id));
            conn.update_document(&old.id, &text).await?;
            for index in self.store.indexes_of(table) {
                let before =
                    key::document_key(&index.fields, &old.body, old.creation_time, &old.id);
                let after = key::document_key(&index.fields, &body, old.creation_time, &old.id);
                // Both, even when equal: a scan that read the old document
                // through this entry read a body that changed.
                self.wrote(|writes| {
                    writes.key(index.id, &before);
                    writes.key(index.id, &after);
                });
                if before != after {
                    conn.delete_entry(index.id, &before).await?;
                    conn.insert_entry(index.id, &after, &old.id).await?;
                }
            }
            Ok::<(), Fault>(())
        }
        .await;
        result.map_err(|fault| self.fail(fault))
    }

    pub(crate) async fn delete(&self, table: &'static str, old: &Stored) -> Result<(), ApiError> {
        let mut guard = self.conn.lock().await;
        let conn = guard.as_mut().ok_or_else(|| ApiError::internal(ENDED))?;
        let result = async {
            self.wrote(|writes| writes.document(&old.id));
            for index in self.store.indexes_of(table) {
                let key = key::document_key(&index.fields, &old.body, old.creation_time, &old.id);
                self.wrote(|writes| writes.key(index.id, &key));
                conn.delete_entry(index.id, &key).await?;
            }
            conn.delete_document(&old.id).await
        }
        .await;
        result.map_err(|fault| self.fail(fault))
    }
}

fn lock<T>(mutex: &SyncMutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|poison| poison.into_inner())
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::{IndexSchema, Invalid, Schema, TableSchema};
    use crate::store::BY_CREATION_TIME;
    use serde_json::json;

    fn anything(_: &Value) -> Result<(), Invalid> {
        Ok(())
    }

    static SCHEMA: Schema = Schema {
        fingerprint: "writes",
        tables: &[TableSchema {
            name: "users",
            shape: "1",
            indexes: &[IndexSchema {
                name: "by_name",
                fields: &["name"],
            }],
            validate: anything,
        }],
    };

    fn keys(store: &Store, doc: &Stored) -> Vec<(i64, Vec<u8>)> {
        let mut keys: Vec<_> = store
            .indexes_of("users")
            .iter()
            .map(|index| {
                let key = key::document_key(&index.fields, &doc.body, doc.creation_time, &doc.id);
                (index.id, key)
            })
            .collect();
        keys.sort();
        keys
    }

    async fn stored(store: &Store, id: &str) -> Stored {
        let tx = Transaction::begin(store, Mode::Read).await.unwrap();
        let found = tx.get("users", id).await.unwrap().unwrap();
        tx.rollback().await;
        found
    }

    #[tokio::test]
    async fn a_write_set_names_exactly_what_a_mutation_changed() {
        let store = Store::open("sqlite::memory:", &SCHEMA).await.unwrap();
        let mut commits = store.commits();

        let tx = Transaction::begin(&store, Mode::Write).await.unwrap();
        let ann = tx.insert("users", json!({"name": "ann"})).await.unwrap();
        let bob = tx.insert("users", json!({"name": "bob"})).await.unwrap();
        let inserted = tx.writes();
        assert_eq!(tx.commit().await.unwrap(), 1);
        let (ann_doc, bob_doc) = (stored(&store, &ann).await, stored(&store, &bob).await);
        let mut expected = [ann.clone(), bob.clone()];
        expected.sort();
        assert_eq!(inserted.documents, expected);
        let mut both = [keys(&store, &ann_doc), keys(&store, &bob_doc)].concat();
        both.sort();
        assert_eq!(inserted.keys, both, "every entry of both documents");
        let published = commits.try_recv().unwrap();
        assert_eq!(
            (published.sequence, &*published.writes),
            (1, &inserted),
            "the commit is published with its writes"
        );

        // A rename moves ann's by_name entry: the old key and the new one,
        // and the unchanged by_creation_time entry, whose document changed.
        let tx = Transaction::begin(&store, Mode::Write).await.unwrap();
        tx.replace("users", &ann_doc, json!({"name": "amy"}))
            .await
            .unwrap();
        let renamed = tx.writes();
        tx.commit().await.unwrap();
        let amy_doc = stored(&store, &ann).await;
        let mut expected = [keys(&store, &ann_doc), keys(&store, &amy_doc)].concat();
        expected.sort();
        expected.dedup();
        assert_eq!(renamed.documents, [ann.as_str()]);
        assert_eq!(renamed.keys, expected);
        assert_eq!(renamed.keys.len(), 3);
        let by_creation = store.index("users", BY_CREATION_TIME).unwrap().id;
        assert_eq!(
            renamed
                .keys
                .iter()
                .filter(|(index, _)| *index == by_creation)
                .count(),
            1
        );

        let tx = Transaction::begin(&store, Mode::Write).await.unwrap();
        tx.delete("users", &bob_doc).await.unwrap();
        let deleted = tx.writes();
        tx.commit().await.unwrap();
        assert_eq!(deleted.documents, [bob.as_str()]);
        assert_eq!(deleted.keys, keys(&store, &bob_doc));

        // Reads alone write nothing: no sequence, nothing published.
        let tx = Transaction::begin(&store, Mode::Write).await.unwrap();
        tx.get("users", &ann).await.unwrap();
        assert!(tx.writes().is_empty());
        assert_eq!(tx.commit().await.unwrap(), 3);
        assert_eq!(
            std::iter::from_fn(|| commits.try_recv().ok())
                .map(|commit| commit.sequence)
                .collect::<Vec<_>>(),
            [2, 3]
        );
        assert_eq!(store.released(), 3);
    }

    #[tokio::test]
    async fn a_snapshot_records_what_it_read() {
        let store = Store::open("sqlite::memory:", &SCHEMA).await.unwrap();
        let tx = Transaction::begin(&store, Mode::Write).await.unwrap();
        for name in ["a", "b", "c"] {
            tx.insert("users", json!({ "name": name })).await.unwrap();
        }
        tx.commit().await.unwrap();

        let tx = Transaction::begin(&store, Mode::Snapshot).await.unwrap();
        assert_eq!(tx.snapshot_sequence().await.unwrap(), 1);
        tx.get("users", "missing").await.unwrap();
        let index = store.index("users", "by_name").unwrap().id;
        let rows = tx
            .scan(&Scan {
                index,
                lo: vec![],
                hi: vec![0xff],
                desc: false,
                limit: 2,
            })
            .await
            .unwrap();
        let reads = tx.reads();
        tx.rollback().await;
        assert_eq!(reads.documents, ["missing"]);
        let mut end = rows[1].key.clone();
        end.push(0);
        assert_eq!(reads.ranges, [(index, vec![], end)], "up to the second key");

        let tx = Transaction::begin(&store, Mode::Read).await.unwrap();
        tx.get("users", "missing").await.unwrap();
        assert_eq!(
            tx.reads(),
            ReadSet::default(),
            "plain queries record nothing"
        );
        tx.rollback().await;
    }
}
