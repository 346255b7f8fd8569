//! The PostgreSQL backend, for apps that outgrow one machine (SPEC §9).
//!
//! - Connections from a deadpool-postgres pool (a small, well-kept pool
//!   made for tokio-postgres).
//! - Mutations: `BEGIN ISOLATION LEVEL SERIALIZABLE`; a serialization
//!   failure or deadlock (SQLSTATE 40001, 40P01) is a conflict, and the
//!   router runs the mutation again.
//! - Queries: `REPEATABLE READ READ ONLY`, one snapshot.
//! - Commit sequence: the last statements before `COMMIT` take a
//!   transaction-scoped advisory lock and draw `nextval`, so sequence order
//!   is commit order across every instance, without conflicts on a counter
//!   row. The same statement logs the commit's WriteSet and notifies the
//!   other instances (postgres_feed.rs).
//! - `_creationTime` comes from a row per table, advanced on a separate
//!   connection outside the transaction (like a sequence): strictly
//!   increasing across instances, and concurrent inserts into one table do
//!   not conflict on it.

use super::writes::Sequencer;
use super::{postgres_feed, Fault, Mode, Row, Scan, StoredIndex, WriteSet};
use deadpool_postgres::{Manager, ManagerConfig, Object, Pool, RecyclingMethod};
use std::sync::Arc;
use tokio::sync::Mutex;
use tokio_postgres::error::SqlState;
use tokio_postgres::{Client, NoTls};

const POOL_SIZE: usize = 16;
/// The advisory lock that orders commits (an arbitrary constant, "sbcommit").
pub(super) const COMMIT_LOCK: i64 = 0x7362_636f_6d6d_6974;
/// The session advisory lock that mutations which lost races queue on.
const TURN_LOCK: i64 = 0x7362_7475_726e_6c6b;
/// The advisory lock that serializes start-up evolution between instances.
const EVOLVE_LOCK: i64 = 0x7362_6576_6f6c_7665;

pub(super) const SETUP: &str = "
CREATE TABLE IF NOT EXISTS _sb_meta (key text PRIMARY KEY, value bigint NOT NULL);
CREATE SEQUENCE IF NOT EXISTS _sb_commit_seq;
CREATE TABLE IF NOT EXISTS _sb_tables (
    name text PRIMARY KEY, shape text NOT NULL, last_creation double precision NOT NULL
);
CREATE TABLE IF NOT EXISTS _sb_indexes (
    id bigserial PRIMARY KEY, tbl text NOT NULL, name text NOT NULL, fields text NOT NULL,
    UNIQUE (tbl, name)
);
CREATE TABLE IF NOT EXISTS _sb_documents (
    id text COLLATE \"C\" PRIMARY KEY, tbl text NOT NULL,
    creation_time double precision NOT NULL, body text NOT NULL
);
CREATE INDEX IF NOT EXISTS _sb_documents_by_table ON _sb_documents (tbl, id);
CREATE TABLE IF NOT EXISTS _sb_entries (
    idx bigint NOT NULL, key bytea NOT NULL, id text NOT NULL, PRIMARY KEY (idx, key)
);
CREATE TABLE IF NOT EXISTS _sb_idempotency (
    key text COLLATE \"C\" PRIMARY KEY, response text NOT NULL, created double precision NOT NULL
);
";

/// A PostgreSQL database.
pub(crate) struct Postgres {
    pool: Pool,
    /// Where the commit feed connects (postgres_feed.rs).
    config: tokio_postgres::Config,
    /// Outside every transaction: advances `_creationTime` clocks.
    clock: Mutex<Object>,
}

/// Server option for every store connection: plan each statement once.
const GENERIC_PLANS: &str = "-c plan_cache_mode=force_generic_plan";

impl Postgres {
    pub(crate) async fn open(url: &str) -> Result<Postgres, Fault> {
        let mut config: tokio_postgres::Config = url
            .parse()
            .map_err(|error| Fault::Internal(format!("invalid PostgreSQL URL: {error}")))?;
        // The store's statements are few, prepared once per connection and
        // shaped so one plan (an index range) suits every parameter value.
        // Re-planning them per call (the default for the first executions and
        // whenever a custom plan looks cheaper) cost 0.47 ms of planning
        // against 0.05 ms of execution at 100k documents; a generic plan
        // costs 0.08 ms and keeps the same index scan. Options already in the
        // URL are kept.
        let options = match config.get_options() {
            Some(given) if !given.trim().is_empty() => format!("{given} {GENERIC_PLANS}"),
            _ => GENERIC_PLANS.to_string(),
        };
        config.options(&options);
        let manager = Manager::from_config(
            config.clone(),
            NoTls,
            ManagerConfig {
                recycling_method: RecyclingMethod::Fast,
            },
        );
        let pool = Pool::builder(manager)
            .max_size(POOL_SIZE)
            .build()
            .map_err(|error| Fault::Internal(format!("PostgreSQL pool: {error}")))?;
        let clock = pool.get().await.map_err(pool_fault)?;
        Ok(Postgres {
            pool,
            config,
            clock: Mutex::new(clock),
        })
    }

    /// Creates the store's tables (under a lock: instances may start together).
    pub(crate) async fn begin_evolution(&self) -> Result<PostgresTx, Fault> {
        // The lock is taken before BEGIN: a serializable transaction's
        // snapshot is taken by its first statement, so one that waited
        // inside it for another instance's evolution would not see that
        // evolution's tables and would fail.
        let tx = self
            .begin_holding(SessionLock::Evolution, "BEGIN ISOLATION LEVEL SERIALIZABLE")
            .await?;
        tx.client()?.batch_execute(SETUP).await?;
        tx.client()?.batch_execute(postgres_feed::SETUP).await?;
        Ok(tx)
    }

    pub(crate) async fn begin(&self, mode: Mode) -> Result<PostgresTx, Fault> {
        // Mutations hold the turn lock shared, and one that lost races
        // holds it alone: it then waits for the mutations in flight, and no
        // fresh one starts before it (PostgreSQL queues a shared request
        // behind a waiting exclusive one), so it cannot lose again.
        match mode {
            Mode::Read | Mode::Snapshot => {
                let client = self.pool.get().await.map_err(pool_fault)?;
                let mut tx = PostgresTx::new(client);
                let begin = "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY";
                if mode == Mode::Snapshot {
                    tx.snapshot = Some(exact_snapshot(tx.client()?, begin).await?);
                } else {
                    tx.client()?.batch_execute(begin).await?;
                }
                Ok(tx)
            }
            Mode::Write => {
                self.begin_holding(
                    SessionLock::TurnShared,
                    "BEGIN ISOLATION LEVEL SERIALIZABLE",
                )
                .await
            }
            Mode::WriteInTurn => {
                self.begin_holding(SessionLock::TurnAlone, "BEGIN ISOLATION LEVEL SERIALIZABLE")
                    .await
            }
        }
    }

    /// Takes `lock`, then runs `begin`: the snapshot comes after the
    /// commits of the previous holders. The session holds the lock until
    /// `end` (a dropped connection is closed, which releases it).
    async fn begin_holding(&self, lock: SessionLock, begin: &str) -> Result<PostgresTx, Fault> {
        let client = self.pool.get().await.map_err(pool_fault)?;
        let mut tx = PostgresTx::new(client);
        // Two round trips: in one query string the lock would open the
        // transaction, too early to set its isolation level.
        tx.client()?.batch_execute(&lock.lock()).await?;
        tx.held = Some(lock);
        tx.client()?.batch_execute(begin).await?;
        Ok(tx)
    }

    /// Starts following the commit log into `sequencer`, from the
    /// sequence it has released.
    pub(crate) fn follow(&self, sequencer: Arc<Sequencer>) -> postgres_feed::Feed {
        postgres_feed::start(self.config.clone(), sequencer)
    }

    /// The latest committed sequence: the newest row of the commit log
    /// (never pruned), or 0 without one.
    pub(crate) async fn committed(&self) -> Result<u64, Fault> {
        let client = self.pool.get().await.map_err(pool_fault)?;
        let row = client
            .query_one("SELECT coalesce(max(sequence), 0) FROM _sb_commits", &[])
            .await?;
        Ok(row.get::<_, i64>(0) as u64)
    }

    pub(crate) async fn creation_time(&self, table: &str, now: f64) -> Result<f64, Fault> {
        let mut clock = self.clock.lock().await;
        // A connection lost with its server (a restart) is replaced once.
        if clock.is_closed() {
            *clock = self.pool.get().await.map_err(pool_fault)?;
        }
        let statement = clock
            .prepare_cached(
                "UPDATE _sb_tables SET last_creation = \
                 CASE WHEN last_creation < $2 THEN $2 ELSE last_creation + $3 END \
                 WHERE name = $1 RETURNING last_creation",
            )
            .await?;
        let row = clock
            .query_one(&statement, &[&table, &now, &super::CREATION_STEP])
            .await?;
        Ok(row.get(0))
    }
}

fn pool_fault(error: deadpool_postgres::PoolError) -> Fault {
    Fault::Internal(format!("PostgreSQL connection: {error}"))
}

/// One open transaction. Dropped unfinished (a cancelled request), its
/// connection leaves the pool and closes, which rolls it back on the server.
pub(crate) struct PostgresTx {
    client: Option<Object>,
    /// The session lock taken before it began (see `begin`).
    held: Option<SessionLock>,
    /// The exact commit sequence of a `Mode::Snapshot` transaction.
    snapshot: Option<u64>,
    /// The sequence number a failed commit drew.
    abandoned: Option<u64>,
}

/// The session advisory locks a transaction may hold from before its
/// `BEGIN` until it ends.
#[derive(Clone, Copy)]
enum SessionLock {
    /// A mutation.
    TurnShared,
    /// A mutation that lost races: it runs alone.
    TurnAlone,
    /// Start-up evolution: instances starting together take turns.
    Evolution,
}

impl SessionLock {
    fn lock(self) -> String {
        match self {
            SessionLock::TurnShared => format!("SELECT pg_advisory_lock_shared({TURN_LOCK})"),
            SessionLock::TurnAlone => format!("SELECT pg_advisory_lock({TURN_LOCK})"),
            SessionLock::Evolution => format!("SELECT pg_advisory_lock({EVOLVE_LOCK})"),
        }
    }

    fn unlock(self) -> String {
        match self {
            SessionLock::TurnShared => format!("SELECT pg_advisory_unlock_shared({TURN_LOCK})"),
            SessionLock::TurnAlone => format!("SELECT pg_advisory_unlock({TURN_LOCK})"),
            SessionLock::Evolution => format!("SELECT pg_advisory_unlock({EVOLVE_LOCK})"),
        }
    }
}

impl Drop for PostgresTx {
    fn drop(&mut self) {
        if let Some(client) = self.client.take() {
            drop(Object::take(client));
        }
    }
}

impl PostgresTx {
    fn new(client: Object) -> Self {
        PostgresTx {
            client: Some(client),
            held: None,
            snapshot: None,
            abandoned: None,
        }
    }

    fn client(&self) -> Result<&Object, Fault> {
        self.client
            .as_ref()
            .ok_or_else(|| Fault::Internal("the transaction has ended".into()))
    }

    /// Ends the transaction with `sql`; the connection goes back to the pool
    /// only when that worked.
    async fn end(&mut self, sql: &str) -> Result<(), Fault> {
        let ended = self.client()?.batch_execute(sql).await;
        if ended.is_err() {
            // A failed COMMIT has ended the transaction already; ROLLBACK
            // ends an aborted one. Then the connection is clean and goes
            // back to the pool: a conflict must not cost a reconnection.
            // If even that fails, dropping `self` discards the connection.
            self.client()?.batch_execute("ROLLBACK").await?;
        }
        if let Some(lock) = self.held.take() {
            self.client()?.batch_execute(&lock.unlock()).await?;
        }
        // Back to the pool: dropping an `Object` returns it.
        drop(self.client.take());
        Ok(ended?)
    }

    pub(crate) fn abandoned_sequence(&self) -> Option<u64> {
        self.abandoned
    }

    pub(crate) async fn commit(&mut self, writes: &WriteSet) -> Result<u64, Fault> {
        let client = self.client()?;
        let wrote = !writes.is_empty();
        let sequence: i64 = if wrote {
            // Held until the commit has ended: whoever draws the next
            // sequence number commits after this one (postgres_feed.rs
            // rests on it).
            client
                .query("SELECT pg_advisory_xact_lock($1)", &[&COMMIT_LOCK])
                .await?;
            let statement = client.prepare_cached(postgres_feed::LOG_COMMIT).await?;
            let (indexes, keys): (Vec<i64>, Vec<Vec<u8>>) = writes.keys.iter().cloned().unzip();
            client
                .query_one(&statement, &[&writes.documents, &indexes, &keys])
                .await?
                .get(0)
        } else {
            last_sequence(client).await?
        };
        if let Err(fault) = self.end("COMMIT").await {
            // The connection went back to the pool only when the server
            // answered: it refused the COMMIT, so the sequence number is a
            // gap for good. A connection lost during COMMIT leaves unknown
            // whether it committed; the commit log tells (postgres_feed.rs).
            if wrote && self.client.is_none() {
                self.abandoned = Some(sequence as u64);
            }
            return Err(fault);
        }
        Ok(sequence as u64)
    }

    pub(crate) async fn rollback(&mut self) -> Result<(), Fault> {
        self.end("ROLLBACK").await
    }

    pub(crate) async fn sequence(&mut self) -> Result<u64, Fault> {
        match self.snapshot {
            Some(sequence) => Ok(sequence),
            None => Ok(last_sequence(self.client()?).await? as u64),
        }
    }

    pub(crate) async fn get(&mut self, id: &str) -> Result<Option<(String, f64, String)>, Fault> {
        let client = self.client()?;
        let statement = client
            .prepare_cached("SELECT tbl, creation_time, body FROM _sb_documents WHERE id = $1")
            .await?;
        let row = client.query_opt(&statement, &[&id]).await?;
        Ok(row.map(|row| (row.get(0), row.get(1), row.get(2))))
    }

    pub(crate) async fn scan(&mut self, scan: &Scan) -> Result<Vec<Row>, Fault> {
        let client = self.client()?;
        let statement = client.prepare_cached(scan_sql(scan.desc)).await?;
        let limit = scan.limit as i64;
        let rows = client
            .query(&statement, &[&scan.index, &scan.lo, &scan.hi, &limit])
            .await?;
        Ok(rows
            .into_iter()
            .map(|row| Row {
                key: row.get(0),
                id: row.get(1),
                creation_time: row.get(2),
                body: row.get(3),
            })
            .collect())
    }

    pub(crate) async fn explain_scan(&mut self, scan: &Scan) -> Result<String, Fault> {
        let client = self.client()?;
        let limit = scan.limit as i64;
        // A plain `EXPLAIN` with parameters plans for their values; the
        // store's statements run as prepared statements (generic plans), so
        // the plan explained is that of a prepared statement too.
        client
            .batch_execute(&format!("PREPARE _sb_explain AS {}", scan_sql(scan.desc)))
            .await?;
        // EXECUTE takes no bind parameters: the values are written inline
        // (integers and hex-encoded bytes, nothing to escape).
        let rows = client
            .query(
                &format!(
                    "EXPLAIN EXECUTE _sb_explain({}, '\\x{}'::bytea, '\\x{}'::bytea, {limit})",
                    scan.index,
                    hex(&scan.lo),
                    hex(&scan.hi)
                ),
                &[],
            )
            .await;
        // Prepared statements outlive transactions: drop it even on failure
        // (in an aborted transaction this fails too and the error is kept).
        let dropped = client.batch_execute("DEALLOCATE _sb_explain").await;
        let rows = rows?;
        dropped?;
        Ok(rows
            .iter()
            .map(|row| row.get::<_, String>(0))
            .collect::<Vec<_>>()
            .join("\n"))
    }

    pub(crate) async fn insert_document(
        &mut self,
        table: &str,
        id: &str,
        creation_time: f64,
        body: &str,
    ) -> Result<(), Fault> {
        self.execute(
            "INSERT INTO _sb_documents (id, tbl, creation_time, body) VALUES ($1, $2, $3, $4)",
            &[&id, &table, &creation_time, &body],
        )
        .await
    }

    pub(crate) async fn update_document(&mut self, id: &str, body: &str) -> Result<(), Fault> {
        self.execute(
            "UPDATE _sb_documents SET body = $2 WHERE id = $1",
            &[&id, &body],
        )
        .await
    }

    pub(crate) async fn delete_document(&mut self, id: &str) -> Result<(), Fault> {
        self.execute("DELETE FROM _sb_documents WHERE id = $1", &[&id])
            .await
    }

    pub(crate) async fn insert_entry(
        &mut self,
        index: i64,
        key: &[u8],
        id: &str,
    ) -> Result<(), Fault> {
        self.execute(
            "INSERT INTO _sb_entries (idx, key, id) VALUES ($1, $2, $3)",
            &[&index, &key, &id],
        )
        .await
    }

    pub(crate) async fn delete_entry(&mut self, index: i64, key: &[u8]) -> Result<(), Fault> {
        self.execute(
            "DELETE FROM _sb_entries WHERE idx = $1 AND key = $2",
            &[&index, &key],
        )
        .await
    }

    async fn execute(
        &mut self,
        sql: &str,
        params: &[&(dyn tokio_postgres::types::ToSql + Sync)],
    ) -> Result<(), Fault> {
        let client = self.client()?;
        let statement = client.prepare_cached(sql).await?;
        client.execute(&statement, params).await?;
        Ok(())
    }

    pub(crate) async fn idempotency_get(&mut self, key: &str) -> Result<Option<String>, Fault> {
        let client = self.client()?;
        let statement = client
            .prepare_cached("SELECT response FROM _sb_idempotency WHERE key = $1")
            .await?;
        let row = client.query_opt(&statement, &[&key]).await?;
        Ok(row.map(|row| row.get(0)))
    }

    pub(crate) async fn idempotency_put(
        &mut self,
        key: &str,
        response: &str,
        created: f64,
    ) -> Result<(), Fault> {
        self.execute(
            "INSERT INTO _sb_idempotency (key, response, created) VALUES ($1, $2, $3)",
            &[&key, &response, &created],
        )
        .await
    }

    pub(crate) async fn idempotency_prune(&mut self, before: f64) -> Result<u64, Fault> {
        Ok(self
            .client()?
            .execute("DELETE FROM _sb_idempotency WHERE created < $1", &[&before])
            .await?)
    }

    // --- Evolution (start-up only) ---

    pub(crate) async fn stored_tables(&mut self) -> Result<Vec<(String, String)>, Fault> {
        let rows = self
            .client()?
            .query("SELECT name, shape FROM _sb_tables", &[])
            .await?;
        Ok(rows.iter().map(|r| (r.get(0), r.get(1))).collect())
    }

    pub(crate) async fn stored_indexes(&mut self) -> Result<Vec<StoredIndex>, Fault> {
        let rows = self
            .client()?
            .query("SELECT id, tbl, name, fields FROM _sb_indexes", &[])
            .await?;
        Ok(rows
            .iter()
            .map(|r| StoredIndex {
                id: r.get(0),
                table: r.get(1),
                name: r.get(2),
                fields: r.get(3),
            })
            .collect())
    }

    pub(crate) async fn set_table(&mut self, name: &str, shape: &str) -> Result<(), Fault> {
        self.execute(
            "INSERT INTO _sb_tables (name, shape, last_creation) VALUES ($1, $2, 0) \
             ON CONFLICT (name) DO UPDATE SET shape = excluded.shape",
            &[&name, &shape],
        )
        .await
    }

    pub(crate) async fn documents(
        &mut self,
        table: &str,
        after: &str,
        limit: usize,
    ) -> Result<Vec<(String, f64, String)>, Fault> {
        let limit = limit as i64;
        let rows = self
            .client()?
            .query(
                "SELECT id, creation_time, body FROM _sb_documents \
                 WHERE tbl = $1 AND id > $2 ORDER BY id LIMIT $3",
                &[&table, &after, &limit],
            )
            .await?;
        Ok(rows
            .iter()
            .map(|r| (r.get(0), r.get(1), r.get(2)))
            .collect())
    }

    pub(crate) async fn create_index(
        &mut self,
        table: &str,
        name: &str,
        fields: &str,
    ) -> Result<i64, Fault> {
        let row = self
            .client()?
            .query_one(
                "INSERT INTO _sb_indexes (tbl, name, fields) VALUES ($1, $2, $3) RETURNING id",
                &[&table, &name, &fields],
            )
            .await?;
        Ok(row.get(0))
    }

    pub(crate) async fn drop_index(&mut self, index: i64) -> Result<(), Fault> {
        let client = self.client()?;
        client
            .execute("DELETE FROM _sb_entries WHERE idx = $1", &[&index])
            .await?;
        client
            .execute("DELETE FROM _sb_indexes WHERE id = $1", &[&index])
            .await?;
        Ok(())
    }
}

async fn last_sequence(client: &Client) -> Result<i64, Fault> {
    let row = client
        .query_one(
            "SELECT CASE WHEN is_called THEN last_value ELSE 0 END FROM _sb_commit_seq",
            &[],
        )
        .await?;
    Ok(row.get(0))
}

/// Begins a read-only transaction with `begin` and returns the sequence of
/// its snapshot, exactly. `nextval` is no transactional read: a commit may
/// have drawn its number and not be visible yet. Committers hold
/// `COMMIT_LOCK` from drawing to committing, so taking it shared while the
/// snapshot is taken (the first statement after BEGIN) sees each commit
/// either with its number or with neither.
async fn exact_snapshot(client: &Client, begin: &str) -> Result<u64, Fault> {
    client
        .batch_execute(&format!("SELECT pg_advisory_lock_shared({COMMIT_LOCK})"))
        .await?;
    let rows = client
        .simple_query(&format!(
            "{begin}; \
             SELECT CASE WHEN is_called THEN last_value ELSE 0 END FROM _sb_commit_seq; \
             SELECT pg_advisory_unlock_shared({COMMIT_LOCK})"
        ))
        .await;
    let sequence = rows?
        .iter()
        .find_map(|message| match message {
            tokio_postgres::SimpleQueryMessage::Row(row) => row.get(0).map(str::to_owned),
            _ => None,
        })
        .and_then(|text| text.parse::<u64>().ok())
        .ok_or_else(|| Fault::Internal("no commit sequence in the snapshot".into()))?;
    Ok(sequence)
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|byte| format!("{byte:02x}")).collect()
}

fn scan_sql(desc: bool) -> &'static str {
    if desc {
        "SELECT e.key, e.id, d.creation_time, d.body FROM _sb_entries e \
         JOIN _sb_documents d ON d.id = e.id \
         WHERE e.idx = $1 AND e.key >= $2 AND e.key < $3 \
         ORDER BY e.key DESC LIMIT $4"
    } else {
        "SELECT e.key, e.id, d.creation_time, d.body FROM _sb_entries e \
         JOIN _sb_documents d ON d.id = e.id \
         WHERE e.idx = $1 AND e.key >= $2 AND e.key < $3 \
         ORDER BY e.key LIMIT $4"
    }
}

impl From<tokio_postgres::Error> for Fault {
    fn from(error: tokio_postgres::Error) -> Self {
        // A server error's `Display` is only "db error"; the message is in
        // the `DbError`.
        let message = match error.as_db_error() {
            Some(db) => format!("PostgreSQL: {}: {}", db.code().code(), db.message()),
            None => format!("PostgreSQL: {error}"),
        };
        match error.code() {
            Some(code)
                if *code == SqlState::T_R_SERIALIZATION_FAILURE
                    || *code == SqlState::T_R_DEADLOCK_DETECTED =>
            {
                Fault::Conflict(message)
            }
            _ => Fault::Internal(message),
        }
    }
}
