//! The store conformance suite: every test runs on SQLite in memory, on a
//! SQLite file and on PostgreSQL (a real server, see
//! scripts/pg-test-cluster.sh).

mod concurrency;
mod durability;
mod evolution;
mod instances;
mod model;
mod ops;
mod order;

use schemabridge_runtime::{Schema, Store};
use std::ops::Deref;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

/// The one variable the PostgreSQL tests read.
pub const POSTGRES_URL_VAR: &str = "SCHEMABRIDGE_TEST_POSTGRES_URL";

#[derive(Clone, Copy, Debug)]
pub enum Backend {
    Memory,
    File,
    Postgres,
}

/// Where a test's database lives; reopening the same place sees the same data.
#[derive(Clone, Debug)]
pub struct Place {
    pub url: String,
    /// A SQLite file, deleted when the last clone of the place is dropped.
    pub file: Option<Arc<TempDb>>,
}

/// A SQLite database file of one test: dropping it deletes the file and its
/// `-wal`, `-shm` and `-journal` companions, so tests leave nothing behind.
#[derive(Debug)]
pub struct TempDb {
    path: PathBuf,
}

impl TempDb {
    /// A new, unused path in the tests' temporary folder.
    pub fn new(name: &str) -> TempDb {
        let dir = std::env::temp_dir().join("schemabridge-store-tests");
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join(format!("{name}.db"));
        let temp = TempDb { path };
        temp.remove();
        temp
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The database file and the companions SQLite may create next to it.
    pub fn files(&self) -> Vec<PathBuf> {
        let mut files = vec![self.path.clone()];
        for suffix in ["-wal", "-shm", "-journal"] {
            let mut name = self.path.clone().into_os_string();
            name.push(suffix);
            files.push(name.into());
        }
        files
    }

    fn remove(&self) {
        for file in self.files() {
            // Absent companions are the normal case.
            let _ = std::fs::remove_file(file);
        }
    }
}

impl Drop for TempDb {
    fn drop(&mut self) {
        self.remove();
    }
}

/// A store and the place it lives in: the store is dropped (closing its
/// connections) before the place's files are deleted.
pub struct TestStore {
    store: Store,
    place: Place,
}

impl TestStore {
    /// The files of a file-backed store (see `TempDb::files`); none otherwise.
    pub fn place_files(&self) -> Vec<PathBuf> {
        self.place
            .file
            .as_ref()
            .map_or_else(Vec::new, |file| file.files())
    }
}

impl Deref for TestStore {
    type Target = Store;

    fn deref(&self) -> &Store {
        &self.store
    }
}

static COUNTER: AtomicUsize = AtomicUsize::new(0);

impl Backend {
    /// A fresh, empty database for one test.
    pub async fn place(self) -> Place {
        let n = COUNTER.fetch_add(1, Ordering::SeqCst);
        let unique = format!("{}_{}_{n}", std::process::id(), nanos());
        match self {
            Backend::Memory => Place {
                url: "sqlite::memory:".to_owned(),
                file: None,
            },
            Backend::File => {
                let file = TempDb::new(&unique);
                Place {
                    url: format!("sqlite:{}", file.path().display()),
                    file: Some(Arc::new(file)),
                }
            }
            Backend::Postgres => {
                let url = std::env::var(POSTGRES_URL_VAR).unwrap_or_else(|_| {
                    panic!(
                        "{POSTGRES_URL_VAR} is not set: the PostgreSQL conformance tests need a \
                         server. Start a throwaway one with \
                         `eval \"$(scripts/pg-test-cluster.sh start)\"` (stop it with \
                         `scripts/pg-test-cluster.sh stop`), or run .ci/run, which does both."
                    )
                });
                let (client, connection) = tokio_postgres::connect(&url, tokio_postgres::NoTls)
                    .await
                    .unwrap_or_else(|error| panic!("cannot connect to {url}: {error}"));
                tokio::spawn(connection);
                let name = format!("sb_test_{unique}");
                client
                    .batch_execute(&format!("CREATE DATABASE {name}"))
                    .await
                    .unwrap();
                Place {
                    url: with_database(&url, &name),
                    file: None,
                }
            }
        }
    }

    pub async fn open(self, schema: &'static Schema) -> TestStore {
        let place = self.place().await;
        let store = Store::open(&place.url, schema)
            .await
            .unwrap_or_else(|error| panic!("{self:?}: {error}"));
        TestStore { store, place }
    }
}

fn nanos() -> u128 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos()
}

/// `url` with its database replaced by `name`.
fn with_database(url: &str, name: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((base, query)) => (base, format!("?{query}")),
        None => (url, String::new()),
    };
    let scheme_end = base.find("://").map_or(0, |i| i + 3);
    let base = match base[scheme_end..].find('/') {
        Some(slash) => &base[..scheme_end + slash],
        None => base,
    };
    format!("{base}/{name}{query}")
}

/// Instantiates each named test function once per backend.
#[macro_export]
macro_rules! conformance {
    ($($name:ident),* $(,)?) => {
        mod sqlite_memory {
            $(#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $name() {
                super::$name($crate::Backend::Memory).await
            })*
        }
        mod sqlite_file {
            $(#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $name() {
                super::$name($crate::Backend::File).await
            })*
        }
        mod postgres {
            $(#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $name() {
                super::$name($crate::Backend::Postgres).await
            })*
        }
    };
}
