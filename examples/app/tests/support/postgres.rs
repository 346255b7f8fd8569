//! A fresh PostgreSQL database per test, so tests running at once never
//! see each other's tables, created through the cluster named by
//! `SCHEMABRIDGE_TEST_POSTGRES_URL` and dropped afterwards.

use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

pub const URL_VARIABLE: &str = "SCHEMABRIDGE_TEST_POSTGRES_URL";

const HOW_TO_START: &str = "start a throwaway cluster with \
`eval \"$(scripts/pg-test-cluster.sh start)\"` (stop it with `scripts/pg-test-cluster.sh stop`), \
or run .ci/run, which does both; any role that may CREATE DATABASE works \
(SCHEMABRIDGE_TEST_POSTGRES_URL=postgres://USER@HOST:PORT/postgres)";

pub struct FreshDatabase {
    pub url: String,
    admin_url: String,
    name: String,
}

impl FreshDatabase {
    /// A new empty database; panics with how to start a cluster when the
    /// variable is missing or the cluster does not answer.
    pub fn create(label: &str) -> FreshDatabase {
        let admin_url = std::env::var(URL_VARIABLE).unwrap_or_else(|_| {
            panic!("{URL_VARIABLE} is not set: this test needs PostgreSQL;\n{HOW_TO_START}")
        });
        static COUNTER: AtomicU32 = AtomicU32::new(0);
        let nanos = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap()
            .subsec_nanos();
        let name = format!(
            "sb_apptests_{label}_{}_{}_{nanos}",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::Relaxed)
        );
        execute(&admin_url, &format!("CREATE DATABASE \"{name}\""));
        let url = with_database(&admin_url, &name);
        FreshDatabase {
            url,
            admin_url,
            name,
        }
    }
}

impl Drop for FreshDatabase {
    fn drop(&mut self) {
        // FORCE: a server killed by the test may leave sessions behind for a moment.
        execute(
            &self.admin_url,
            &format!("DROP DATABASE IF EXISTS \"{}\" WITH (FORCE)", self.name),
        );
    }
}

fn execute(url: &str, statement: &str) {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a tokio runtime");
    runtime.block_on(async {
        let (client, connection) = tokio_postgres::connect(url, tokio_postgres::NoTls)
            .await
            .unwrap_or_else(|e| {
                panic!("cannot connect to {URL_VARIABLE}={url}: {e};\n{HOW_TO_START}")
            });
        let connection = tokio::spawn(connection);
        client
            .batch_execute(statement)
            .await
            .unwrap_or_else(|e| panic!("{statement} on {url}: {e}"));
        drop(client);
        let _ = connection.await;
    });
}

/// `url` with its database replaced by `database` (query parameters kept).
pub fn with_database(url: &str, database: &str) -> String {
    let (scheme, rest) = url
        .split_once("://")
        .unwrap_or_else(|| panic!("{URL_VARIABLE} is no postgres:// URL: {url}"));
    let authority_end = rest.find(['/', '?']).unwrap_or(rest.len());
    let (authority, tail) = rest.split_at(authority_end);
    let query = tail.find('?').map_or("", |at| &tail[at..]);
    format!("{scheme}://{authority}/{database}{query}")
}

#[test]
fn database_replaced_in_urls() {
    for (url, expected) in [
        ("postgres://u@h:5/postgres", "postgres://u@h:5/x"),
        ("postgres://u@h:5", "postgres://u@h:5/x"),
        (
            "postgresql://u:p@h/db?sslmode=disable",
            "postgresql://u:p@h/x?sslmode=disable",
        ),
        ("postgres://h?user=u", "postgres://h/x?user=u"),
    ] {
        assert_eq!(with_database(url, "x"), expected);
    }
}
