//! The SQLite backend: the embedded default, compiled in.
//!
//! - WAL journal, `synchronous = NORMAL`: a commit is in the WAL file (the
//!   operating system's page cache) before the mutation answers, so it
//!   survives the process being killed; a power loss may lose the last
//!   commits, never corrupt the database (SQLite's guarantee for WAL mode).
//! - One writer connection behind an async mutex; a mutation holds it from
//!   `BEGIN IMMEDIATE` to `COMMIT`, so mutations run one at a time and never
//!   conflict (serializable by construction).
//! - A few reader connections for queries, each reading one WAL snapshot.
//!   `sqlite::memory:` has no WAL and one connection: queries share it with
//!   mutations, one transaction at a time.
//!
//! rusqlite is synchronous. Statements touch a local file and take
//! microseconds, so they run on the async worker directly rather than
//! through `spawn_blocking`, whose hand-off would cost more than most
//! statements (see docs/storage.md).

use super::{Fault, Row, Scan, StoredIndex, WriteSet};
use rusqlite::{params, Connection, OpenFlags, OptionalExtension};
use std::sync::{Arc, Mutex as SyncMutex};
use std::time::Duration;
use tokio::sync::{Mutex, OwnedMutexGuard, OwnedSemaphorePermit, Semaphore};

const READERS: usize = 4;

const SETUP: &str = "
CREATE TABLE IF NOT EXISTS _sb_meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL) WITHOUT ROWID;
INSERT OR IGNORE INTO _sb_meta (key, value) VALUES ('commit_seq', 0);
CREATE TABLE IF NOT EXISTS _sb_tables (
    name TEXT PRIMARY KEY, shape TEXT NOT NULL, last_creation REAL NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS _sb_indexes (
    id INTEGER PRIMARY KEY, tbl TEXT NOT NULL, name TEXT NOT NULL, fields TEXT NOT NULL,
    UNIQUE (tbl, name)
);
CREATE TABLE IF NOT EXISTS _sb_documents (
    id TEXT PRIMARY KEY, tbl TEXT NOT NULL, creation_time REAL NOT NULL, body TEXT NOT NULL
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS _sb_documents_by_table ON _sb_documents (tbl, id);
CREATE TABLE IF NOT EXISTS _sb_entries (
    idx INTEGER NOT NULL, key BLOB NOT NULL, id TEXT NOT NULL, PRIMARY KEY (idx, key)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS _sb_idempotency (
    key TEXT PRIMARY KEY, response TEXT NOT NULL, created REAL NOT NULL
) WITHOUT ROWID;
";

/// An open SQLite database.
pub(crate) struct Sqlite {
    writer: Arc<Mutex<Connection>>,
    readers: Option<Arc<Readers>>,
}

/// Idle reader connections; the semaphore counts them.
struct Readers {
    idle: SyncMutex<Vec<Connection>>,
    available: Arc<Semaphore>,
}

impl Sqlite {
    /// Opens `path`, or a private in-memory database for `None`.
    pub(crate) fn open(path: Option<&str>) -> Result<Sqlite, Fault> {
        let writer = match path {
            None => Connection::open_in_memory()?,
            Some(path) => {
                let connection = Connection::open(path)?;
                connection.pragma_update(None, "journal_mode", "WAL")?;
                connection
            }
        };
        configure(&writer)?;
        writer.execute_batch(SETUP)?;
        let readers = match path {
            None => None,
            Some(path) => {
                let mut idle = Vec::with_capacity(READERS);
                for _ in 0..READERS {
                    let reader = Connection::open_with_flags(
                        path,
                        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
                    )?;
                    configure(&reader)?;
                    idle.push(reader);
                }
                Some(Arc::new(Readers {
                    idle: SyncMutex::new(idle),
                    available: Arc::new(Semaphore::new(READERS)),
                }))
            }
        };
        Ok(Sqlite {
            writer: Arc::new(Mutex::new(writer)),
            readers,
        })
    }

    /// Starts a transaction: a write one holds the writer until it ends.
    pub(crate) async fn begin(&self, write: bool) -> Result<SqliteTx, Fault> {
        let lease = match (&self.readers, write) {
            (Some(readers), false) => {
                let permit = readers
                    .available
                    .clone()
                    .acquire_owned()
                    .await
                    .map_err(|_| Fault::Internal("the reader pool is closed".into()))?;
                let connection = readers
                    .idle
                    .lock()
                    .unwrap_or_else(|poisoned| poisoned.into_inner())
                    .pop()
                    .ok_or_else(|| Fault::Internal("no idle reader connection".into()))?;
                Lease::Reader {
                    connection: Some(connection),
                    readers: readers.clone(),
                    _permit: permit,
                }
            }
            _ => Lease::Writer(self.writer.clone().lock_owned().await),
        };
        lease.execute_batch(if write { "BEGIN IMMEDIATE" } else { "BEGIN" })?;
        Ok(SqliteTx { lease, open: true })
    }
}

fn configure(connection: &Connection) -> Result<(), Fault> {
    connection.pragma_update(None, "synchronous", "NORMAL")?;
    // Another process holding the file (a backup, the sqlite3 shell) makes
    // us wait a little rather than fail at once.
    connection.busy_timeout(Duration::from_secs(5))?;
    connection.set_prepared_statement_cache_capacity(64);
    Ok(())
}

/// A connection borrowed for one transaction.
enum Lease {
    Writer(OwnedMutexGuard<Connection>),
    Reader {
        connection: Option<Connection>,
        readers: Arc<Readers>,
        _permit: OwnedSemaphorePermit,
    },
}

impl std::ops::Deref for Lease {
    type Target = Connection;
    fn deref(&self) -> &Connection {
        match self {
            Lease::Writer(guard) => guard,
            Lease::Reader { connection, .. } => connection
                .as_ref()
                .expect("a leased reader holds its connection until dropped"),
        }
    }
}

impl Drop for Lease {
    fn drop(&mut self) {
        if let Lease::Reader {
            connection,
            readers,
            ..
        } = self
        {
            if let Some(connection) = connection.take() {
                readers
                    .idle
                    .lock()
                    .unwrap_or_else(|poisoned| poisoned.into_inner())
                    .push(connection);
            }
        }
    }
}

/// One open transaction; rolled back when dropped unfinished (a panic, a
/// cancelled request), so its connection goes back clean.
pub(crate) struct SqliteTx {
    lease: Lease,
    open: bool,
}

impl Drop for SqliteTx {
    fn drop(&mut self) {
        if self.open {
            let _ = self.lease.execute_batch("ROLLBACK");
        }
    }
}

fn row(statement_row: &rusqlite::Row<'_>) -> rusqlite::Result<Row> {
    Ok(Row {
        key: statement_row.get(0)?,
        id: statement_row.get(1)?,
        creation_time: statement_row.get(2)?,
        body: statement_row.get(3)?,
    })
}

impl SqliteTx {
    pub(crate) fn commit(&mut self, writes: &WriteSet) -> Result<u64, Fault> {
        let sequence: i64 = if !writes.is_empty() {
            self.lease.query_row(
                "UPDATE _sb_meta SET value = value + 1 WHERE key = 'commit_seq' RETURNING value",
                [],
                |r| r.get(0),
            )?
        } else {
            self.lease.query_row(
                "SELECT value FROM _sb_meta WHERE key = 'commit_seq'",
                [],
                |r| r.get(0),
            )?
        };
        self.lease.execute_batch("COMMIT")?;
        self.open = false;
        Ok(sequence as u64)
    }

    pub(crate) fn rollback(&mut self) -> Result<(), Fault> {
        self.open = false;
        self.lease.execute_batch("ROLLBACK")?;
        Ok(())
    }

    pub(crate) fn sequence(&mut self) -> Result<u64, Fault> {
        let sequence: i64 = self.lease.query_row(
            "SELECT value FROM _sb_meta WHERE key = 'commit_seq'",
            [],
            |r| r.get(0),
        )?;
        Ok(sequence as u64)
    }

    pub(crate) fn get(&mut self, id: &str) -> Result<Option<(String, f64, String)>, Fault> {
        let mut statement = self
            .lease
            .prepare_cached("SELECT tbl, creation_time, body FROM _sb_documents WHERE id = ?1")?;
        Ok(statement
            .query_row([id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .optional()?)
    }

    pub(crate) fn scan(&mut self, scan: &Scan) -> Result<Vec<Row>, Fault> {
        let mut statement = self.lease.prepare_cached(scan_sql(scan.desc))?;
        let rows = statement.query_map(
            params![scan.index, scan.lo, scan.hi, scan.limit as i64],
            row,
        )?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    pub(crate) fn insert_document(
        &mut self,
        table: &str,
        id: &str,
        creation_time: f64,
        body: &str,
    ) -> Result<(), Fault> {
        self.lease
            .prepare_cached(
                "INSERT INTO _sb_documents (id, tbl, creation_time, body) VALUES (?1, ?2, ?3, ?4)",
            )?
            .execute(params![id, table, creation_time, body])?;
        Ok(())
    }

    pub(crate) fn update_document(&mut self, id: &str, body: &str) -> Result<(), Fault> {
        self.lease
            .prepare_cached("UPDATE _sb_documents SET body = ?2 WHERE id = ?1")?
            .execute(params![id, body])?;
        Ok(())
    }

    pub(crate) fn delete_document(&mut self, id: &str) -> Result<(), Fault> {
        self.lease
            .prepare_cached("DELETE FROM _sb_documents WHERE id = ?1")?
            .execute([id])?;
        Ok(())
    }

    pub(crate) fn insert_entry(&mut self, index: i64, key: &[u8], id: &str) -> Result<(), Fault> {
        self.lease
            .prepare_cached("INSERT INTO _sb_entries (idx, key, id) VALUES (?1, ?2, ?3)")?
            .execute(params![index, key, id])?;
        Ok(())
    }

    pub(crate) fn delete_entry(&mut self, index: i64, key: &[u8]) -> Result<(), Fault> {
        self.lease
            .prepare_cached("DELETE FROM _sb_entries WHERE idx = ?1 AND key = ?2")?
            .execute(params![index, key])?;
        Ok(())
    }

    /// The next `_creationTime` of `table`: now, or just after the last one
    /// when the clock has not moved on (or went back).
    pub(crate) fn creation_time(&mut self, table: &str, now: f64) -> Result<f64, Fault> {
        Ok(self
            .lease
            .prepare_cached(
                "UPDATE _sb_tables SET last_creation = \
                 CASE WHEN last_creation < ?2 THEN ?2 ELSE last_creation + ?3 END \
                 WHERE name = ?1 RETURNING last_creation",
            )?
            .query_row(params![table, now, super::CREATION_STEP], |r| r.get(0))?)
    }

    pub(crate) fn idempotency_get(&mut self, key: &str) -> Result<Option<String>, Fault> {
        Ok(self
            .lease
            .prepare_cached("SELECT response FROM _sb_idempotency WHERE key = ?1")?
            .query_row([key], |r| r.get(0))
            .optional()?)
    }

    pub(crate) fn idempotency_put(
        &mut self,
        key: &str,
        response: &str,
        created: f64,
    ) -> Result<(), Fault> {
        self.lease
            .prepare_cached(
                "INSERT INTO _sb_idempotency (key, response, created) VALUES (?1, ?2, ?3)",
            )?
            .execute(params![key, response, created])?;
        Ok(())
    }

    pub(crate) fn idempotency_prune(&mut self, before: f64) -> Result<u64, Fault> {
        Ok(self
            .lease
            .execute("DELETE FROM _sb_idempotency WHERE created < ?1", [before])? as u64)
    }

    // --- Evolution (start-up only) ---

    pub(crate) fn stored_tables(&mut self) -> Result<Vec<(String, String)>, Fault> {
        let mut statement = self.lease.prepare("SELECT name, shape FROM _sb_tables")?;
        let rows = statement.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    pub(crate) fn stored_indexes(&mut self) -> Result<Vec<StoredIndex>, Fault> {
        let mut statement = self
            .lease
            .prepare("SELECT id, tbl, name, fields FROM _sb_indexes")?;
        let rows = statement.query_map([], |r| {
            Ok(StoredIndex {
                id: r.get(0)?,
                table: r.get(1)?,
                name: r.get(2)?,
                fields: r.get(3)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    pub(crate) fn set_table(&mut self, name: &str, shape: &str) -> Result<(), Fault> {
        self.lease.execute(
            "INSERT INTO _sb_tables (name, shape, last_creation) VALUES (?1, ?2, 0) \
             ON CONFLICT (name) DO UPDATE SET shape = excluded.shape",
            params![name, shape],
        )?;
        Ok(())
    }

    pub(crate) fn documents(
        &mut self,
        table: &str,
        after: &str,
        limit: usize,
    ) -> Result<Vec<(String, f64, String)>, Fault> {
        let mut statement = self.lease.prepare_cached(
            "SELECT id, creation_time, body FROM _sb_documents \
             WHERE tbl = ?1 AND id > ?2 ORDER BY id LIMIT ?3",
        )?;
        let rows = statement.query_map(params![table, after, limit as i64], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?))
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    pub(crate) fn create_index(
        &mut self,
        table: &str,
        name: &str,
        fields: &str,
    ) -> Result<i64, Fault> {
        Ok(self.lease.query_row(
            "INSERT INTO _sb_indexes (tbl, name, fields) VALUES (?1, ?2, ?3) RETURNING id",
            params![table, name, fields],
            |r| r.get(0),
        )?)
    }

    pub(crate) fn drop_index(&mut self, index: i64) -> Result<(), Fault> {
        self.lease
            .execute("DELETE FROM _sb_entries WHERE idx = ?1", [index])?;
        self.lease
            .execute("DELETE FROM _sb_indexes WHERE id = ?1", [index])?;
        Ok(())
    }

    /// The query plan of an index scan, for the test that shows ranges use
    /// the index.
    pub(crate) fn explain_scan(&mut self, scan: &Scan) -> Result<String, Fault> {
        let sql = format!("EXPLAIN QUERY PLAN {}", scan_sql(scan.desc));
        let mut statement = self.lease.prepare(&sql)?;
        let rows = statement.query_map(
            params![scan.index, scan.lo, scan.hi, scan.limit as i64],
            |r| r.get::<_, String>(3),
        )?;
        Ok(rows.collect::<Result<Vec<_>, _>>()?.join("\n"))
    }
}

fn scan_sql(desc: bool) -> &'static str {
    if desc {
        "SELECT e.key, e.id, d.creation_time, d.body FROM _sb_entries e \
         JOIN _sb_documents d ON d.id = e.id \
         WHERE e.idx = ?1 AND e.key >= ?2 AND e.key < ?3 \
         ORDER BY e.key DESC LIMIT ?4"
    } else {
        "SELECT e.key, e.id, d.creation_time, d.body FROM _sb_entries e \
         JOIN _sb_documents d ON d.id = e.id \
         WHERE e.idx = ?1 AND e.key >= ?2 AND e.key < ?3 \
         ORDER BY e.key LIMIT ?4"
    }
}

impl From<rusqlite::Error> for Fault {
    fn from(error: rusqlite::Error) -> Self {
        match error.sqlite_error_code() {
            // Only another process can hold the file: worth a retry.
            Some(rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked) => {
                Fault::Conflict(error.to_string())
            }
            _ => Fault::Internal(format!("SQLite: {error}")),
        }
    }
}
