//! `Store`: where documents live, on SQLite or PostgreSQL (SPEC §6).
//!
//! The generic layer (this module, `tx`, `evolve`) issues ids, computes
//! index keys, checks limits and keeps index entries in step with
//! documents; a backend only stores rows. docs/storage.md has the design.

mod evolve;
pub(crate) mod key;
pub(crate) mod limits;
mod postgres;
mod postgres_feed;
pub(crate) mod reads;
mod sqlite;
mod tx;
pub(crate) mod writes;

use crate::schema::Schema;
use postgres::{Postgres, PostgresTx};
use sqlite::{Sqlite, SqliteTx};
use std::collections::HashMap;
use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

pub(crate) use tx::{Stored, Transaction};
pub(crate) use writes::{Commit, WriteSet};

/// How much `_creationTime` advances when the clock has not: 1/1024 ms,
/// exact in a float64 for any time before the year 2248.
const CREATION_STEP: f64 = 1.0 / 1024.0;

/// The name of the index every table has, in `_creationTime` order.
pub(crate) const BY_CREATION_TIME: &str = "by_creation_time";

/// An open database with a schema's tables and indexes. Cheap to clone.
#[derive(Clone)]
pub struct Store {
    inner: Arc<Inner>,
}

struct Inner {
    backend: Backend,
    /// (table, index name) → the index's id and fields.
    indexes: HashMap<(&'static str, &'static str), Arc<IndexInfo>>,
    /// table → its indexes, `by_creation_time` first.
    table_indexes: HashMap<&'static str, Vec<Arc<IndexInfo>>>,
    /// Commits in order, for live queries.
    commits: Arc<writes::Sequencer>,
    /// On PostgreSQL: follows the commits of every instance into `commits`.
    _feed: Option<postgres_feed::Feed>,
    /// Mutation attempts that lost a race and ran again (or gave up).
    conflicts: AtomicU64,
}

enum Backend {
    Sqlite(Sqlite),
    // Boxed: one per store, and it keeps `Backend` small.
    Postgres(Box<Postgres>),
}

/// One index as stored: its id in the entry table and its fields.
#[derive(Debug)]
pub(crate) struct IndexInfo {
    pub(crate) id: i64,
    pub(crate) fields: Vec<String>,
}

impl fmt::Debug for Store {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let backend = match self.inner.backend {
            Backend::Sqlite(_) => "sqlite",
            Backend::Postgres(_) => "postgres",
        };
        f.debug_struct("Store").field("backend", &backend).finish()
    }
}

/// Where a store URL points.
#[derive(Debug, PartialEq, Eq)]
enum Location<'a> {
    Memory,
    File(&'a str),
    Postgres(&'a str),
}

fn locate(url: &str) -> Result<Location<'_>, StoreError> {
    if url == "sqlite::memory:" || url == ":memory:" {
        return Ok(Location::Memory);
    }
    if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        return Ok(Location::Postgres(url));
    }
    let path = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))
        .unwrap_or(url);
    if path.is_empty() {
        return Err(StoreError::new(format!(
            "no database in {url:?}: expected sqlite:PATH, a path, sqlite::memory: or postgres://…"
        )));
    }
    if let Some((scheme, _)) = path.split_once("://") {
        return Err(StoreError::new(format!(
            "unsupported database URL scheme `{scheme}` in {url:?}: \
             expected sqlite:PATH, a path, sqlite::memory: or postgres://…"
        )));
    }
    Ok(Location::File(path))
}

impl Store {
    /// Opens the database at `url` for `schema`: `sqlite:PATH`, a plain
    /// path, `sqlite::memory:`, or `postgres://…`.
    ///
    /// Creates tables and indexes, rebuilds changed indexes and drops
    /// removed ones. When a table's `shape` changed, every stored document
    /// of it is checked first; if one fails, nothing is changed and the
    /// error names the table, id, path and reason of the first failures.
    pub async fn open(url: &str, schema: &'static Schema) -> Result<Store, StoreError> {
        check_schema(schema)?;
        let backend = match locate(url)? {
            Location::Memory => Backend::Sqlite(Sqlite::open(None).map_err(StoreError::open)?),
            Location::File(path) => Backend::Sqlite(Sqlite::open(Some(path)).map_err(|fault| {
                StoreError::new(format!("cannot open the database file {path:?}: {fault}"))
            })?),
            Location::Postgres(url) => Backend::Postgres(Box::new(
                Postgres::open(url).await.map_err(StoreError::open)?,
            )),
        };
        let stored = evolve::run(&backend, schema).await?;
        let mut indexes = HashMap::new();
        let mut table_indexes: HashMap<&'static str, Vec<Arc<IndexInfo>>> = HashMap::new();
        for ((table, name), info) in stored {
            let info = Arc::new(info);
            let list = table_indexes.entry(table).or_default();
            if name == BY_CREATION_TIME {
                list.insert(0, info.clone());
            } else {
                list.push(info.clone());
            }
            indexes.insert((table, name), info);
        }
        // Commits made before this store opened are in the past.
        let released = exact_sequence(&backend)
            .await
            .map_err(StoreError::from_fault)?;
        let commits = Arc::new(writes::Sequencer::new(0));
        commits.start_at(released);
        let feed = match &backend {
            Backend::Sqlite(_) => None,
            Backend::Postgres(db) => Some(db.follow(commits.clone())),
        };
        Ok(Store {
            inner: Arc::new(Inner {
                backend,
                indexes,
                table_indexes,
                commits,
                _feed: feed,
                conflicts: AtomicU64::new(0),
            }),
        })
    }

    /// Hands a commit to live queries. Commits are released in sequence
    /// order with no gaps; one published twice (by its own transaction and
    /// by a reader of the commit log) is released once.
    pub(crate) fn publish(&self, commit: Commit) {
        self.inner.commits.publish(commit);
    }

    /// The commits released from now on, in order. A receiver that lagged
    /// has missed some: it must treat every subscription as changed.
    pub(crate) fn commits(&self) -> tokio::sync::broadcast::Receiver<Commit> {
        self.inner.commits.subscribe()
    }

    /// The last released commit sequence.
    pub(crate) fn released(&self) -> u64 {
        self.inner.commits.released()
    }

    /// The latest committed sequence, for the health check: on PostgreSQL
    /// the newest row of the commit log, which a commit in flight (that has
    /// drawn its number) is not yet.
    pub(crate) async fn committed(&self) -> Result<u64, Fault> {
        match &self.inner.backend {
            Backend::Postgres(db) => db.committed().await,
            // Writes are serialized: the latest number is committed.
            Backend::Sqlite(_) => self
                .sequence()
                .await
                .map_err(|error| Fault::Internal(error.to_string())),
        }
    }

    /// Counts a mutation attempt that lost a race with another one.
    pub(crate) fn conflicted(&self) {
        self.inner.conflicts.fetch_add(1, Ordering::Relaxed);
    }

    /// Mutation attempts that lost a race since the store opened.
    pub(crate) fn conflicts(&self) -> u64 {
        self.inner.conflicts.load(Ordering::Relaxed)
    }

    /// Forgets the idempotency keys of mutations older than `age`.
    pub(crate) async fn prune_idempotency_keys(
        &self,
        age: std::time::Duration,
    ) -> Result<u64, Fault> {
        let before = now_ms() - age.as_secs_f64() * 1000.0;
        let mut conn = self.begin(Mode::Write).await?;
        let pruned = conn.idempotency_prune(before).await?;
        conn.commit(&WriteSet::default()).await?;
        Ok(pruned)
    }

    /// The sequence number of the latest commit (0 before the first).
    /// Every committed mutation that wrote gets the next one, in commit order.
    pub async fn sequence(&self) -> Result<u64, StoreError> {
        let mut conn = self
            .begin(Mode::Read)
            .await
            .map_err(StoreError::from_fault)?;
        let sequence = conn.sequence().await.map_err(StoreError::from_fault)?;
        conn.rollback().await.map_err(StoreError::from_fault)?;
        Ok(sequence)
    }

    /// Runs `handler` as a query, on one snapshot, outside any router
    /// (seeding data, tests, tools). Headers are empty and there is no caller.
    pub async fn query<M, F, Fut, R>(&self, handler: F) -> Result<R, crate::ApiError>
    where
        M: crate::DataModel,
        F: FnOnce(crate::QueryCtx<M>) -> Fut,
        Fut: std::future::Future<Output = Result<R, crate::ApiError>>,
    {
        crate::__private::run::query(self, Default::default(), None, None, handler).await
    }

    /// Runs `handler` as a mutation, exactly as the router does: committed
    /// on `Ok`, no trace on `Err` or a panic, called again after a conflict.
    pub async fn mutation<M, F, Fut, R>(&self, handler: F) -> Result<R, crate::ApiError>
    where
        M: crate::DataModel,
        F: FnMut(crate::MutationCtx<M>) -> Fut,
        Fut: std::future::Future<Output = Result<R, crate::ApiError>>,
    {
        let (value, _sequence) =
            crate::__private::run::mutation(self, Default::default(), None, handler).await?;
        Ok(value)
    }

    pub(crate) fn index(&self, table: &'static str, name: &'static str) -> Option<&Arc<IndexInfo>> {
        self.inner.indexes.get(&(table, name))
    }

    pub(crate) fn indexes_of(&self, table: &str) -> &[Arc<IndexInfo>] {
        self.inner
            .table_indexes
            .get(table)
            .map(Vec::as_slice)
            .unwrap_or(&[])
    }

    pub(crate) async fn begin(&self, mode: Mode) -> Result<Conn, Fault> {
        Ok(match &self.inner.backend {
            Backend::Sqlite(db) => Conn::Sqlite(
                db.begin(!matches!(mode, Mode::Read | Mode::Snapshot))
                    .await?,
            ),
            Backend::Postgres(db) => Conn::Postgres(db.begin(mode).await?),
        })
    }

    /// The `_creationTime` of a document inserted now into `table`.
    pub(crate) async fn creation_time(&self, conn: &mut Conn, table: &str) -> Result<f64, Fault> {
        let now = now_ms();
        match (&self.inner.backend, conn) {
            (Backend::Postgres(db), _) => db.creation_time(table, now).await,
            (_, Conn::Sqlite(tx)) => tx.creation_time(table, now),
            (Backend::Sqlite(_), Conn::Postgres(_)) => {
                Err(Fault::Internal("a PostgreSQL transaction on SQLite".into()))
            }
        }
    }
}

/// The latest commit's sequence, exactly: on PostgreSQL read while no
/// commit is between drawing its number and ending.
async fn exact_sequence(backend: &Backend) -> Result<u64, Fault> {
    let mut conn = match backend {
        Backend::Sqlite(db) => Conn::Sqlite(db.begin(false).await?),
        Backend::Postgres(db) => Conn::Postgres(db.begin(Mode::Snapshot).await?),
    };
    let sequence = conn.sequence().await?;
    conn.rollback().await?;
    Ok(sequence)
}

/// Milliseconds since the Unix epoch.
pub(crate) fn now_ms() -> f64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0.0, |elapsed| elapsed.as_secs_f64() * 1000.0)
}

/// The same name must not serve two tables, and table tags (the table part
/// of ids) must differ, or an id could pass for one of another table.
fn check_schema(schema: &Schema) -> Result<(), StoreError> {
    let mut tags = HashMap::new();
    for table in schema.tables {
        if let Some(other) = tags.insert(crate::id::table_tag(table.name), table.name) {
            return Err(StoreError::new(format!(
                "tables `{other}` and `{}` have the same id tag; rename one",
                table.name
            )));
        }
        for index in table.indexes {
            if index.name == BY_CREATION_TIME {
                return Err(StoreError::new(format!(
                    "index `{}` of table `{}`: the name is reserved for the built-in index",
                    index.name, table.name
                )));
            }
        }
    }
    Ok(())
}

/// What a transaction may do.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Mode {
    /// A query: one snapshot.
    Read,
    /// A live query: one snapshot whose commit sequence is exact (every
    /// commit up to it visible, none after it), recording what it reads.
    Snapshot,
    /// A mutation.
    Write,
    /// A mutation that already lost races: it waits until the mutations
    /// in flight are done and runs alone, so that under contention each one
    /// gets through (PostgreSQL; SQLite mutations never conflict).
    WriteInTurn,
}

/// A failure of the database itself.
#[derive(Debug)]
pub(crate) enum Fault {
    /// The transaction lost a race with another one: run it again.
    Conflict(String),
    /// Anything else.
    Internal(String),
}

impl fmt::Display for Fault {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Fault::Conflict(message) | Fault::Internal(message) => f.write_str(message),
        }
    }
}

/// Why a store could not be opened.
#[derive(Debug)]
pub struct StoreError {
    message: String,
}

impl StoreError {
    pub(crate) fn new(message: impl Into<String>) -> Self {
        StoreError {
            message: message.into(),
        }
    }

    fn open(fault: Fault) -> Self {
        StoreError::new(format!("cannot open the database: {fault}"))
    }

    pub(crate) fn from_fault(fault: Fault) -> Self {
        StoreError::new(fault.to_string())
    }
}

impl fmt::Display for StoreError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for StoreError {}

/// One document row of an index scan.
pub(crate) struct Row {
    pub(crate) key: Vec<u8>,
    pub(crate) id: String,
    pub(crate) creation_time: f64,
    pub(crate) body: String,
}

/// An index scan: entries of `index` with `lo <= key < hi`.
#[derive(Clone, Debug)]
pub(crate) struct Scan {
    pub(crate) index: i64,
    pub(crate) lo: Vec<u8>,
    pub(crate) hi: Vec<u8>,
    pub(crate) desc: bool,
    pub(crate) limit: usize,
}

/// An index as recorded in the database.
pub(crate) struct StoredIndex {
    pub(crate) id: i64,
    pub(crate) table: String,
    pub(crate) name: String,
    pub(crate) fields: String,
}

/// A transaction on one backend.
pub(crate) enum Conn {
    Sqlite(SqliteTx),
    Postgres(PostgresTx),
}

/// Forwards a method to the backend; SQLite's are synchronous.
macro_rules! forward {
    ($(fn $name:ident(&mut self $(, $arg:ident: $ty:ty)*) -> $ret:ty;)*) => {
        impl Conn {
            $(pub(crate) async fn $name(&mut self $(, $arg: $ty)*) -> Result<$ret, Fault> {
                match self {
                    Conn::Sqlite(tx) => tx.$name($($arg),*),
                    Conn::Postgres(tx) => tx.$name($($arg),*).await,
                }
            })*
        }
    };
}

impl Conn {
    /// The sequence number a failed commit drew and left unused.
    pub(crate) fn abandoned_sequence(&self) -> Option<u64> {
        match self {
            Conn::Sqlite(_) => None,
            Conn::Postgres(tx) => tx.abandoned_sequence(),
        }
    }
}

forward! {
    fn commit(&mut self, writes: &WriteSet) -> u64;
    fn rollback(&mut self) -> ();
    fn sequence(&mut self) -> u64;
    fn get(&mut self, id: &str) -> Option<(String, f64, String)>;
    fn scan(&mut self, scan: &Scan) -> Vec<Row>;
    fn explain_scan(&mut self, scan: &Scan) -> String;
    fn insert_document(&mut self, table: &str, id: &str, creation_time: f64, body: &str) -> ();
    fn update_document(&mut self, id: &str, body: &str) -> ();
    fn delete_document(&mut self, id: &str) -> ();
    fn insert_entry(&mut self, index: i64, key: &[u8], id: &str) -> ();
    fn delete_entry(&mut self, index: i64, key: &[u8]) -> ();
    fn stored_tables(&mut self) -> Vec<(String, String)>;
    fn stored_indexes(&mut self) -> Vec<StoredIndex>;
    fn set_table(&mut self, name: &str, shape: &str) -> ();
    fn documents(&mut self, table: &str, after: &str, limit: usize) -> Vec<(String, f64, String)>;
    fn create_index(&mut self, table: &str, name: &str, fields: &str) -> i64;
    fn drop_index(&mut self, index: i64) -> ();
    fn idempotency_get(&mut self, key: &str) -> Option<String>;
    fn idempotency_put(&mut self, key: &str, response: &str, created: f64) -> ();
    fn idempotency_prune(&mut self, before: f64) -> u64;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_pick_a_backend() {
        assert_eq!(locate("sqlite::memory:").unwrap(), Location::Memory);
        assert_eq!(
            locate("sqlite:data/app.db").unwrap(),
            Location::File("data/app.db")
        );
        assert_eq!(
            locate("sqlite:///tmp/a.db").unwrap(),
            Location::File("/tmp/a.db")
        );
        assert_eq!(locate("app.db").unwrap(), Location::File("app.db"));
        assert_eq!(
            locate("postgres://u@h/db").unwrap(),
            Location::Postgres("postgres://u@h/db")
        );
        assert!(locate("mysql://h/db")
            .unwrap_err()
            .to_string()
            .contains("`mysql`"));
        assert!(locate("sqlite:").is_err());
    }
}
