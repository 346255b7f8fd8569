//! axum + rusqlite: one writer connection and four readers (WAL lets them
//! read while it writes), each behind an async mutex, statements run on the
//! async worker: the store's layout (its docs/storage.md), without its
//! documents, index entries and commit sequence.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use rusqlite::{params, Connection, OptionalExtension};
use tokio::sync::Mutex;

use super::{already_exists, not_found, now_ms, overflow, Failure, Int64, UserDoc};

const READERS: usize = 4;

#[derive(Clone)]
pub struct Db(Arc<Inner>);

struct Inner {
    writer: Mutex<Connection>,
    readers: Vec<Mutex<Connection>>,
    next_reader: AtomicUsize,
}

/// The store's settings: write-ahead log with `synchronous = NORMAL` (a
/// commit is in the WAL before it is acknowledged, so it survives the
/// process being killed), and a 5 s busy timeout.
fn configure(connection: &Connection) -> rusqlite::Result<()> {
    connection.pragma_update(None, "journal_mode", "WAL")?;
    connection.pragma_update(None, "synchronous", "NORMAL")?;
    connection.busy_timeout(std::time::Duration::from_secs(5))
}

const SELECT: &str = "SELECT id, creation_time, clerk_id, email, karma FROM users";

impl Db {
    pub fn open(path: &str, seed: u64) -> Result<Db, String> {
        let connect = || -> Result<Connection, String> {
            let connection = Connection::open(path).map_err(|e| format!("{path}: {e}"))?;
            configure(&connection).map_err(|e| e.to_string())?;
            Ok(connection)
        };
        let writer = connect()?;
        writer
            .execute_batch(
                "CREATE TABLE IF NOT EXISTS users (
                    id INTEGER PRIMARY KEY,
                    creation_time REAL NOT NULL,
                    clerk_id TEXT NOT NULL,
                    email TEXT NOT NULL,
                    karma INTEGER NOT NULL
                );
                CREATE INDEX IF NOT EXISTS users_by_clerk_id ON users (clerk_id, creation_time, id);",
            )
            .map_err(|e| e.to_string())?;
        if seed > 0 {
            // One transaction, one statement: the bulk path a hand-written
            // server would use to load data.
            writer
                .execute(
                    "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?1)
                     INSERT INTO users (creation_time, clerk_id, email, karma)
                     SELECT ?2 + i * 0.001, 'user-' || i, 'user-' || i || '@example.com', 0 FROM n",
                    params![seed as i64, now_ms()],
                )
                .map_err(|e| e.to_string())?;
        }
        let readers = (0..READERS)
            .map(|_| connect().map(Mutex::new))
            .collect::<Result<_, _>>()?;
        Ok(Db(Arc::new(Inner {
            writer: Mutex::new(writer),
            readers,
            next_reader: AtomicUsize::new(0),
        })))
    }

    async fn read<T>(
        &self,
        work: impl FnOnce(&Connection) -> rusqlite::Result<T>,
    ) -> Result<T, Failure> {
        let at = self.0.next_reader.fetch_add(1, Ordering::Relaxed) % self.0.readers.len();
        let connection = self.0.readers[at].lock().await;
        work(&connection).map_err(Failure::internal)
    }

    async fn write<T>(
        &self,
        work: impl FnOnce(&rusqlite::Transaction) -> Result<T, Failure>,
    ) -> Result<T, Failure> {
        let mut connection = self.0.writer.lock().await;
        let transaction = connection
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
            .map_err(Failure::internal)?;
        let value = work(&transaction)?;
        transaction.commit().map_err(Failure::internal)?;
        Ok(value)
    }

    pub async fn create(&self, clerk_id: String, email: String) -> Result<String, Failure> {
        self.write(move |tx| {
            let taken: Option<i64> = tx
                .query_row(
                    "SELECT id FROM users WHERE clerk_id = ?1",
                    [&clerk_id],
                    |row| row.get(0),
                )
                .optional()
                .map_err(Failure::internal)?;
            if taken.is_some() {
                return Err(already_exists());
            }
            tx.prepare_cached(
                "INSERT INTO users (creation_time, clerk_id, email, karma) VALUES (?1, ?2, ?3, 0)",
            )
            .and_then(|mut insert| insert.execute(params![now_ms(), clerk_id, email]))
            .map_err(Failure::internal)?;
            Ok(tx.last_insert_rowid().to_string())
        })
        .await
    }

    pub async fn get(&self, id: i64) -> Result<Option<UserDoc>, Failure> {
        self.read(move |connection| {
            connection
                .prepare_cached(&format!("{SELECT} WHERE id = ?1"))?
                .query_row([id], doc)
                .optional()
        })
        .await
    }

    pub async fn by_clerk_id(&self, clerk_id: String) -> Result<Option<UserDoc>, Failure> {
        self.read(move |connection| {
            connection
                .prepare_cached(&format!(
                    "{SELECT} WHERE clerk_id = ?1 ORDER BY creation_time, id LIMIT 1"
                ))?
                .query_row([clerk_id], doc)
                .optional()
        })
        .await
    }

    pub async fn add_karma(&self, id: i64, amount: i64) -> Result<i64, Failure> {
        self.write(move |tx| {
            let karma: i64 = tx
                .prepare_cached("SELECT karma FROM users WHERE id = ?1")
                .and_then(|mut select| select.query_row([id], |row| row.get(0)).optional())
                .map_err(Failure::internal)?
                .ok_or_else(not_found)?;
            let total = karma.checked_add(amount).ok_or_else(overflow)?;
            tx.prepare_cached("UPDATE users SET karma = ?1 WHERE id = ?2")
                .and_then(|mut update| update.execute(params![total, id]))
                .map_err(Failure::internal)?;
            Ok(total)
        })
        .await
    }
}

fn doc(row: &rusqlite::Row) -> rusqlite::Result<UserDoc> {
    Ok(UserDoc {
        id: row.get::<_, i64>(0)?.to_string(),
        creation_time: row.get(1)?,
        clerk_id: row.get(2)?,
        email: row.get(3)?,
        karma: Int64::new(row.get(4)?),
    })
}
