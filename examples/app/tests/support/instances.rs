//! Several example-app instances on one fresh PostgreSQL database (SPEC §9):
//! started, asked for their health, killed, and their commit feed's
//! database connection cut.

use std::time::{Duration, Instant};

use serde_json::Value;

use super::postgres::{with_database, FreshDatabase, URL_VARIABLE};
use super::Server;

/// Instances of the example app sharing one database; all are killed, and
/// the database dropped, on drop.
pub struct Instances {
    // Servers first: they are dropped (killed) before the database.
    servers: Vec<Option<Server>>,
    agent: ureq::Agent,
    pub db: FreshDatabase,
}

impl Instances {
    /// `count` instances on a fresh database named after `label`.
    pub fn start(label: &str, count: usize) -> Instances {
        let db = FreshDatabase::create(label);
        // One after the other: each waits for its `listening on` line, and
        // instances take turns evolving the schema anyway.
        let servers = (0..count).map(|_| Some(Server::app(&db.url))).collect();
        let agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_global(Some(Duration::from_secs(10)))
            .build()
            .into();
        Instances { servers, agent, db }
    }

    pub fn len(&self) -> usize {
        self.servers.len()
    }

    /// Instance `n`; panics when it was killed.
    pub fn server(&self, n: usize) -> &Server {
        self.servers[n]
            .as_ref()
            .unwrap_or_else(|| panic!("instance {n} was killed"))
    }

    /// The indices of the instances still running.
    pub fn alive(&self) -> Vec<usize> {
        (0..self.servers.len())
            .filter(|n| self.servers[*n].is_some())
            .collect()
    }

    /// SIGKILL to instance `n`.
    pub fn kill(&mut self, n: usize) {
        if let Some(server) = self.servers[n].take() {
            server.kill();
        }
    }

    /// `GET /api/_health` of instance `n`.
    pub fn health(&self, n: usize) -> Value {
        let url = format!("http://{}/api/_health", self.server(n).address());
        let response = self
            .agent
            .get(&url)
            .call()
            .unwrap_or_else(|e| panic!("GET {url}: {e}"));
        let status = response.status().as_u16();
        let text = response.into_body().read_to_string().unwrap();
        assert_eq!(status, 200, "GET {url}: {text}");
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("GET {url}: {e}: {text}"))
    }

    /// Waits until every running instance has released `sequence` and says
    /// it is caught up; panics after `limit`, naming the laggards.
    pub fn wait_caught_up(&self, sequence: u64, limit: Duration) {
        let started = Instant::now();
        loop {
            let behind: Vec<(usize, Value)> = self
                .alive()
                .into_iter()
                .map(|n| (n, self.health(n)))
                .filter(|(_, health)| {
                    health["sequence"].as_u64() < Some(sequence) || health["caughtUp"] != true
                })
                .collect();
            if behind.is_empty() {
                return;
            }
            assert!(
                started.elapsed() < limit,
                "instances not caught up with {sequence} after {limit:?}: {behind:?}"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// The latest commit sequence in the database, as instance `n` reports it.
    pub fn database_sequence(&self, n: usize) -> u64 {
        self.health(n)["database"]
            .as_u64()
            .expect("a database sequence")
    }

    /// Terminates the PostgreSQL backend of instance `n`'s commit feed (found
    /// by its application name, which carries the process id); the backend
    /// pid it had. Waits for the feed to be connected first.
    pub fn cut_feed(&self, n: usize) -> i32 {
        let pid = self.wait_feed(n, None, Duration::from_secs(30));
        let terminated = self.admin_query(&format!("SELECT pg_terminate_backend({pid})"));
        assert_eq!(terminated, ["t"], "pg_terminate_backend({pid})");
        pid
    }

    /// The backend pid of instance `n`'s commit feed once it is connected
    /// (and, with `other_than`, is not that backend any more).
    pub fn wait_feed(&self, n: usize, other_than: Option<i32>, limit: Duration) -> i32 {
        let name = format!("schemabridge-feed-{}-%", self.server(n).pid());
        let started = Instant::now();
        loop {
            let pids = self.admin_query(&format!(
                "SELECT pid FROM pg_stat_activity WHERE application_name LIKE '{name}'"
            ));
            let pids: Vec<i32> = pids.iter().map(|pid| pid.parse().unwrap()).collect();
            if let [pid] = pids[..] {
                if Some(pid) != other_than {
                    return pid;
                }
            }
            assert!(
                started.elapsed() < limit,
                "instance {n}: feed backends {pids:?} after {limit:?}"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// The first column of every row of `sql`, run on the test database.
    pub fn admin_query(&self, sql: &str) -> Vec<String> {
        let url = std::env::var(URL_VARIABLE).expect("the PostgreSQL test cluster");
        let database = self.db.url.rsplit('/').next().unwrap().to_owned();
        let url = with_database(&url, &database);
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("a tokio runtime");
        runtime.block_on(async {
            let (client, connection) = tokio_postgres::connect(&url, tokio_postgres::NoTls)
                .await
                .unwrap_or_else(|e| panic!("cannot connect to {url}: {e}"));
            let connection = tokio::spawn(connection);
            let rows = client
                .simple_query(sql)
                .await
                .unwrap_or_else(|e| panic!("{sql}: {e}"));
            drop(client);
            let _ = connection.await;
            rows.into_iter()
                .filter_map(|message| match message {
                    tokio_postgres::SimpleQueryMessage::Row(row) => {
                        Some(row.get(0).unwrap_or("").to_owned())
                    }
                    _ => None,
                })
                .collect()
        })
    }
}
