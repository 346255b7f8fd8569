//! The commit feed on PostgreSQL: how a commit made through any instance
//! reaches the live queries of every instance sharing the database, in
//! commit order (SPEC §9; docs/scale-out.md has the design).
//!
//! - Every commit that wrote adds a row to `_sb_commits` (its sequence
//!   number and WriteSet) and sends `NOTIFY sb_commits, '<sequence>'`, both
//!   inside its own transaction (`LOG_COMMIT`, run by `PostgresTx::commit`
//!   under the commit lock).
//! - Each store follows the log on a connection of its own: it `LISTEN`s,
//!   and after each notification of a sequence it has not released, on
//!   every `POLL` tick and after every (re)connection, it reads the rows
//!   after the last released sequence, in order, and publishes them to the
//!   sequencer. Notifications only wake it: a lost one costs at most one
//!   `POLL`, and a burst of them one read.
//! - A missing sequence number is a gap for good once a later one is
//!   visible: the commit lock is held from drawing a number until the
//!   commit has ended, so the later commit began its own after the earlier
//!   one had ended, and a committed one would be visible too. A number
//!   drawn by a commit that failed stays missing; one at the tail (no
//!   later commit yet) is settled under the commit lock, when nothing can
//!   be in flight.
//! - Rows older than `RETAIN` are pruned (never the newest), and the last
//!   pruned sequence is kept in `_sb_meta`. A follower that finds its next
//!   rows pruned fell too far behind: their WriteSets are lost, so every
//!   live query re-runs.

use super::postgres::COMMIT_LOCK;
use super::writes::{Commit, Sequencer, WriteSet};
use super::Fault;
use std::future::poll_fn;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Arc;
use std::time::Duration;
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::sync::watch;
use tokio::task::JoinHandle;
use tokio_postgres::{AsyncMessage, Client, Config, Connection, NoTls, Statement};

/// The commit log, created with the store's other tables.
pub(super) const SETUP: &str = "
CREATE TABLE IF NOT EXISTS _sb_commits (
    sequence bigint PRIMARY KEY,
    documents text[] NOT NULL,
    key_indexes bigint[] NOT NULL,
    keys bytea[] NOT NULL,
    committed_at timestamptz NOT NULL DEFAULT now()
);
";

/// Draws the commit's sequence number, logs its WriteSet and notifies the
/// followers, in one statement, inside the committing transaction: the row
/// and the notification exist exactly when the commit does.
pub(super) const LOG_COMMIT: &str = "\
WITH c AS (
    INSERT INTO _sb_commits (sequence, documents, key_indexes, keys)
    VALUES (nextval('_sb_commit_seq'), $1, $2, $3) RETURNING sequence
)
SELECT sequence, pg_notify('sb_commits', sequence::text) FROM c";

/// Rows after `$1`, with the last pruned sequence read in the same
/// statement (one snapshot: a prune is seen whole or not at all).
const READ: &str = "\
SELECT (SELECT value FROM _sb_meta WHERE key = 'commits_pruned'),
       sequence, documents, key_indexes, keys
FROM _sb_commits WHERE sequence > $1 ORDER BY sequence LIMIT $2";

const LAST_DRAWN: &str =
    "SELECT CASE WHEN is_called THEN last_value ELSE 0 END FROM _sb_commit_seq";

/// Rows per read while catching up.
const BATCH: i64 = 1000;
/// How often a follower reads the log without a notification: the longest
/// a lost notification, or a failed commit at the tail, delays it.
const POLL: Duration = Duration::from_secs(1);
/// How long commit rows are kept: a follower cut off for longer re-runs
/// every live query when it is back.
const RETAIN: Duration = Duration::from_secs(10 * 60);
const PRUNE_EVERY: Duration = Duration::from_secs(60);
/// Reconnection delays: doubling from the first to the last, jittered.
const RECONNECT_FIRST: Duration = Duration::from_millis(50);
const RECONNECT_LAST: Duration = Duration::from_secs(5);

/// The application name of a follower's connection: `schemabridge-feed-`,
/// the process id, and a counter of the stores the process opened.
pub(crate) const APPLICATION_NAME: &str = "schemabridge-feed";

/// A store's follower; stops when dropped.
pub(crate) struct Feed {
    task: JoinHandle<()>,
}

impl Drop for Feed {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// Starts following the log of the database of `config` into `sequencer`,
/// from the sequence it has released.
pub(super) fn start(mut config: Config, sequencer: Arc<Sequencer>) -> Feed {
    static STORES: AtomicU32 = AtomicU32::new(0);
    let name = format!(
        "{APPLICATION_NAME}-{}-{}",
        std::process::id(),
        STORES.fetch_add(1, Ordering::Relaxed)
    );
    config.application_name(&name);
    Feed {
        task: tokio::spawn(follow(config, sequencer)),
    }
}

/// Connects, follows until the connection fails, and connects again.
async fn follow(config: Config, sequencer: Arc<Sequencer>) {
    let mut delay = RECONNECT_FIRST;
    loop {
        if let Ok((client, connection)) = config.connect(NoTls).await {
            let (sender, notified) = watch::channel(0);
            let driver = tokio::spawn(drive(connection, sender));
            let followed = listen(&client, notified, &sequencer, &mut delay).await;
            drop(client);
            driver.abort();
            // Nothing to report to: a follower that cannot read shows as an
            // instance that is not caught up (`GET /api/_health`).
            let _ = followed;
        }
        tokio::time::sleep(delay.mul_f64(0.5 + fastrand::f64() / 2.0)).await;
        delay = (delay * 2).min(RECONNECT_LAST);
    }
}

/// Runs the connection, keeping in `notified` the highest sequence
/// notified; ends (dropping the sender) when the connection does.
async fn drive<S, T>(mut connection: Connection<S, T>, notified: watch::Sender<u64>)
where
    S: AsyncRead + AsyncWrite + Unpin,
    T: AsyncRead + AsyncWrite + Unpin,
{
    while let Some(Ok(message)) = poll_fn(|cx| connection.poll_message(cx)).await {
        if let AsyncMessage::Notification(notification) = message {
            if let Ok(sequence) = notification.payload().parse::<u64>() {
                notified.send_if_modified(|highest| {
                    let higher = sequence > *highest;
                    *highest = (*highest).max(sequence);
                    higher
                });
            }
        }
    }
}

/// One connection's reader of the log.
struct Reader<'a> {
    client: &'a Client,
    read: Statement,
    last_drawn: Statement,
    sequencer: &'a Sequencer,
}

/// Listens and follows the log until an error.
async fn listen(
    client: &Client,
    mut notified: watch::Receiver<u64>,
    sequencer: &Sequencer,
    delay: &mut Duration,
) -> Result<(), Fault> {
    // LISTEN before reading: a commit after the read is notified.
    client.batch_execute("LISTEN sb_commits").await?;
    let reader = Reader {
        client,
        read: client.prepare(READ).await?,
        last_drawn: client.prepare(LAST_DRAWN).await?,
        sequencer,
    };
    reader.catch_up(true).await?;
    *delay = RECONNECT_FIRST;
    let mut poll = tokio::time::interval(POLL);
    poll.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut prune = tokio::time::interval(PRUNE_EVERY);
    prune.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            changed = notified.changed() => {
                changed.map_err(|_| Fault::Internal("the feed's connection closed".into()))?;
                // Its own commits are released already: nothing to read.
                let highest = *notified.borrow_and_update();
                if highest > sequencer.released() {
                    reader.catch_up(false).await?;
                }
            }
            _ = poll.tick() => reader.catch_up(true).await?,
            _ = prune.tick() => prune_log(client, RETAIN).await?,
        }
    }
}

impl Reader<'_> {
    /// Publishes every logged commit after the released one. With
    /// `settle`, numbers missing at the tail (drawn by commits that failed,
    /// none after them) are settled too.
    async fn catch_up(&self, settle: bool) -> Result<(), Fault> {
        while self.read_and_publish(None).await? {}
        if !settle || self.last_drawn().await? <= self.sequencer.released() {
            return Ok(());
        }
        // Under the commit lock (shared: followers do not wait for each
        // other) no commit is between drawing its number and ending, so
        // every number up to the last drawn one is logged or a gap for good.
        self.client
            .batch_execute(&format!("SELECT pg_advisory_lock_shared({COMMIT_LOCK})"))
            .await?;
        let settled = async {
            let end = self.last_drawn().await?;
            while self.read_and_publish(Some(end)).await? {}
            Ok(())
        }
        .await;
        self.client
            .batch_execute(&format!("SELECT pg_advisory_unlock_shared({COMMIT_LOCK})"))
            .await?;
        settled
    }

    /// Reads one batch after the released sequence and publishes it;
    /// whether there may be more.
    async fn read_and_publish(&self, end: Option<u64>) -> Result<bool, Fault> {
        let released = self.sequencer.released();
        let rows = self
            .client
            .query(&self.read, &[&(released as i64), &BATCH])
            .await?;
        let full = rows.len() as i64 == BATCH;
        let mut pruned = 0;
        let mut logged = Vec::with_capacity(rows.len());
        for row in &rows {
            pruned = row.get::<_, Option<i64>>(0).unwrap_or(0) as u64;
            let indexes: Vec<i64> = row.get(3);
            let keys: Vec<Vec<u8>> = row.get(4);
            logged.push(Logged {
                sequence: row.get::<_, i64>(1) as u64,
                writes: WriteSet {
                    documents: row.get(2),
                    keys: indexes.into_iter().zip(keys).collect(),
                    unknown: false,
                },
            });
        }
        // With a full batch the end of the log is beyond it.
        let end = if full { None } else { end };
        for step in plan(released, pruned, logged, end) {
            publish(self.sequencer, step);
        }
        Ok(full)
    }

    async fn last_drawn(&self) -> Result<u64, Fault> {
        let row = self.client.query_one(&self.last_drawn, &[]).await?;
        Ok(row.get::<_, i64>(0) as u64)
    }
}

/// Deletes the rows older than `retain`, never the newest, and records the
/// last one deleted. Any instance may run it; one transaction, so a reader
/// sees the rows and the record agree.
async fn prune_log(client: &Client, retain: Duration) -> Result<(), Fault> {
    let pruned = client
        .batch_execute(&format!(
            "BEGIN;
             INSERT INTO _sb_meta (key, value)
             SELECT 'commits_pruned', max(sequence) FROM _sb_commits
             WHERE committed_at < now() - interval '{} milliseconds'
               AND sequence < (SELECT max(sequence) FROM _sb_commits)
             HAVING max(sequence) IS NOT NULL
             ON CONFLICT (key) DO UPDATE SET value = greatest(_sb_meta.value, excluded.value);
             DELETE FROM _sb_commits
             WHERE sequence <= (SELECT value FROM _sb_meta WHERE key = 'commits_pruned');
             COMMIT",
            retain.as_millis()
        ))
        .await;
    if pruned.is_err() {
        // Leaves the connection usable; its own failure is reported below.
        let _ = client.batch_execute("ROLLBACK").await;
    }
    Ok(pruned?)
}

/// One logged commit.
#[derive(Debug, PartialEq)]
pub(super) struct Logged {
    pub(super) sequence: u64,
    pub(super) writes: WriteSet,
}

/// What a follower hands the sequencer for one stretch of sequence numbers.
#[derive(Debug, PartialEq)]
pub(super) enum Step {
    /// A logged commit.
    Commit(Logged),
    /// Numbers drawn by commits that failed: nothing was written.
    Gaps { from: u64, to: u64 },
    /// Commits pruned before this follower read them: what they wrote is
    /// unknown.
    Missed { from: u64, to: u64 },
}

/// The steps that release `logged` (rows after `released`, in order) and
/// the numbers missing before them; with `end` (nothing in flight up to
/// it), also the numbers missing after them up to `end`.
pub(super) fn plan(released: u64, pruned: u64, logged: Vec<Logged>, end: Option<u64>) -> Vec<Step> {
    let mut steps = Vec::new();
    let mut next = released + 1;
    let missing = |steps: &mut Vec<Step>, from: u64, to: u64| {
        // [from, to] is missing: up to `pruned` it was pruned, after it the
        // numbers were never committed.
        if from <= pruned.min(to) {
            steps.push(Step::Missed {
                from,
                to: pruned.min(to),
            });
        }
        let gaps_from = from.max(pruned + 1);
        if gaps_from <= to {
            steps.push(Step::Gaps {
                from: gaps_from,
                to,
            });
        }
    };
    for row in logged {
        if row.sequence < next {
            continue;
        }
        if row.sequence > next {
            missing(&mut steps, next, row.sequence - 1);
        }
        next = row.sequence + 1;
        steps.push(Step::Commit(row));
    }
    if let Some(end) = end {
        if end >= next {
            missing(&mut steps, next, end);
        }
    }
    steps
}

fn publish(sequencer: &Sequencer, step: Step) {
    match step {
        Step::Commit(Logged { sequence, writes }) => sequencer.publish(Commit {
            sequence,
            writes: Arc::new(writes),
        }),
        Step::Gaps { from, to } => {
            for sequence in from..=to {
                sequencer.publish(Commit {
                    sequence,
                    writes: Arc::default(),
                });
            }
        }
        Step::Missed { from, to } => missed(sequencer, from, to),
    }
}

/// Releases commits whose writes are unknown (pruned before this follower
/// read them): the live engine then re-runs every subscription.
fn missed(sequencer: &Sequencer, from: u64, to: u64) {
    let unknown = Arc::new(WriteSet::unknown());
    for sequence in from..=to {
        sequencer.publish(Commit {
            sequence,
            writes: unknown.clone(),
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn logged(sequence: u64) -> Logged {
        let mut writes = WriteSet::default();
        writes.document(&format!("d{sequence}"));
        Logged { sequence, writes }
    }

    fn commit(sequence: u64) -> Step {
        Step::Commit(logged(sequence))
    }

    #[test]
    fn consecutive_rows_are_published_in_order() {
        let steps = plan(4, 0, vec![logged(5), logged(6), logged(7)], None);
        assert_eq!(steps, [commit(5), commit(6), commit(7)]);
    }

    #[test]
    fn a_number_missing_before_a_later_row_is_a_gap() {
        let steps = plan(4, 0, vec![logged(6), logged(9)], None);
        assert_eq!(
            steps,
            [
                Step::Gaps { from: 5, to: 5 },
                commit(6),
                Step::Gaps { from: 7, to: 8 },
                commit(9)
            ]
        );
    }

    #[test]
    fn numbers_at_the_tail_are_gaps_only_when_settled() {
        assert_eq!(plan(4, 0, vec![logged(5)], None), [commit(5)]);
        assert_eq!(
            plan(4, 0, vec![logged(5)], Some(7)),
            [commit(5), Step::Gaps { from: 6, to: 7 }]
        );
        assert_eq!(plan(4, 0, vec![], Some(4)), []);
        assert_eq!(plan(4, 0, vec![], Some(5)), [Step::Gaps { from: 5, to: 5 }]);
    }

    #[test]
    fn pruned_rows_are_missed_and_later_holes_are_gaps() {
        // Released 4; rows up to 10 were pruned; 12 was never committed.
        let steps = plan(4, 10, vec![logged(11), logged(13)], None);
        assert_eq!(
            steps,
            [
                Step::Missed { from: 5, to: 10 },
                commit(11),
                Step::Gaps { from: 12, to: 12 },
                commit(13)
            ]
        );
        // Pruning behind the follower costs it nothing.
        assert_eq!(plan(12, 10, vec![logged(13)], None), [commit(13)]);
    }

    #[test]
    fn rows_already_released_are_skipped() {
        assert_eq!(plan(6, 0, vec![logged(5), logged(7)], None), [commit(7)]);
    }

    /// A fresh database with the store's tables, and a client on it.
    async fn database(label: &str) -> Client {
        const VAR: &str = "SCHEMABRIDGE_TEST_POSTGRES_URL";
        let url = std::env::var(VAR).unwrap_or_else(|_| {
            panic!("{VAR} is not set: start a throwaway PostgreSQL with scripts/pg-test-cluster.sh")
        });
        let connect = |url: String| async move {
            let (client, connection) = tokio_postgres::connect(&url, NoTls).await.unwrap();
            tokio::spawn(connection);
            client
        };
        let admin = connect(url.clone()).await;
        let name = format!("sb_feed_{label}_{}", std::process::id());
        // Two statements: CREATE DATABASE cannot share a transaction block.
        for sql in [
            format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"),
            format!("CREATE DATABASE {name}"),
        ] {
            admin
                .batch_execute(&sql)
                .await
                .unwrap_or_else(|e| panic!("{sql}: {e}"));
        }
        let base = url.rsplit_once('/').map_or(url.as_str(), |(base, _)| base);
        let client = connect(format!("{base}/{name}")).await;
        client
            .batch_execute(super::super::postgres::SETUP)
            .await
            .unwrap();
        client.batch_execute(SETUP).await.unwrap();
        client
    }

    /// Logs `sequence` as a commit `age_minutes` old (and draws numbers up to it).
    async fn log(client: &Client, sequence: i64, age_minutes: i64) {
        client
            .execute(
                "INSERT INTO _sb_commits (sequence, documents, key_indexes, keys, committed_at) \
                 VALUES ($1, ARRAY[$2], '{}', '{}', now() - make_interval(mins => $3))",
                &[&sequence, &format!("d{sequence}"), &(age_minutes as i32)],
            )
            .await
            .unwrap();
        client
            .execute("SELECT setval('_sb_commit_seq', $1)", &[&sequence])
            .await
            .unwrap();
    }

    async fn reader<'a>(client: &'a Client, sequencer: &'a Sequencer) -> Reader<'a> {
        Reader {
            client,
            read: client.prepare(READ).await.unwrap(),
            last_drawn: client.prepare(LAST_DRAWN).await.unwrap(),
            sequencer,
        }
    }

    #[tokio::test]
    async fn pruning_keeps_the_newest_row_and_a_follower_behind_it_misses_the_rest() {
        let client = database("prune").await;
        for sequence in 1..=4 {
            log(&client, sequence, 30).await;
        }
        prune_log(&client, RETAIN).await.unwrap();
        let left: i64 = client
            .query_one("SELECT count(*) FROM _sb_commits", &[])
            .await
            .unwrap()
            .get(0);
        assert_eq!(left, 1, "everything old but the newest row is pruned");
        log(&client, 5, 0).await;
        let sequencer = Sequencer::new(0);
        let mut commits = sequencer.subscribe();
        reader(&client, &sequencer)
            .await
            .catch_up(false)
            .await
            .unwrap();
        assert_eq!(sequencer.released(), 5);
        let mut released = Vec::new();
        while let Ok(commit) = commits.try_recv() {
            released.push((
                commit.sequence,
                commit.writes.documents.clone(),
                commit.writes.unknown,
            ));
        }
        // 1..=3 were pruned: released with unknown writes, so that the live
        // engine re-runs everything; 4 and 5 read from the log.
        assert_eq!(released.len(), 5);
        for (sequence, documents, unknown) in &released[..3] {
            assert!(documents.is_empty() && *unknown, "commit {sequence}");
        }
        assert_eq!(released[3], (4, vec!["d4".to_owned()], false));
        assert_eq!(released[4], (5, vec!["d5".to_owned()], false));
    }

    #[tokio::test]
    async fn numbers_missing_at_the_tail_are_settled_on_the_poll() {
        let client = database("tail").await;
        log(&client, 1, 0).await;
        log(&client, 3, 0).await;
        // Drawn by commits that failed, none after them.
        client
            .execute("SELECT setval('_sb_commit_seq', 5)", &[])
            .await
            .unwrap();
        let sequencer = Sequencer::new(0);
        let reader = reader(&client, &sequencer).await;
        reader.catch_up(false).await.unwrap();
        assert_eq!(sequencer.released(), 3, "2 is a gap: 3 is visible");
        reader.catch_up(true).await.unwrap();
        assert_eq!(sequencer.released(), 5, "4 and 5 settled under the lock");
    }

    #[test]
    fn the_commit_statement_notifies_the_channel_followers_listen_on() {
        assert!(LOG_COMMIT.contains("pg_notify('sb_commits'"));
    }
}
