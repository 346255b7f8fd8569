//! A fresh database per server: a SQLite file in a temporary folder, or a
//! PostgreSQL database created for the run and dropped afterwards.

use std::time::{SystemTime, UNIX_EPOCH};

use tokio_postgres::NoTls;

pub enum Backend {
    Sqlite,
    /// The URL of a role that may CREATE DATABASE.
    Postgres(String),
}

impl Backend {
    pub fn name(&self) -> &'static str {
        match self {
            Backend::Sqlite => "SQLite",
            Backend::Postgres(_) => "PostgreSQL",
        }
    }
}

pub struct Database {
    pub url: String,
    _folder: Option<tempfile::TempDir>,
    postgres: Option<(String, String)>,
}

impl Database {
    pub async fn fresh(backend: &Backend) -> Result<Database, String> {
        match backend {
            Backend::Sqlite => {
                let folder = tempfile::Builder::new()
                    .prefix("http-bench-")
                    .tempdir()
                    .map_err(|e| e.to_string())?;
                let url = format!("sqlite:{}", folder.path().join("bench.db").display());
                Ok(Database {
                    url,
                    _folder: Some(folder),
                    postgres: None,
                })
            }
            Backend::Postgres(admin) => {
                let nanos = SystemTime::now()
                    .duration_since(UNIX_EPOCH)
                    .unwrap()
                    .as_nanos();
                let name = format!("http_bench_{}_{nanos}", std::process::id());
                execute(admin, &format!("CREATE DATABASE {name}")).await?;
                let url = with_database(admin, &name)?;
                Ok(Database {
                    url,
                    _folder: None,
                    postgres: Some((admin.clone(), name)),
                })
            }
        }
    }

    /// PostgreSQL only: whether commits wait for the WAL to reach the disk.
    /// Off while seeding (a setting of this database alone, taken by new
    /// connections), so that a million inserts do not wait a million
    /// fsyncs; on again before a server is measured.
    pub async fn synchronous_commit(&self, on: bool) -> Result<(), String> {
        if let Some((admin, name)) = &self.postgres {
            let statement = if on {
                format!("ALTER DATABASE {name} RESET synchronous_commit")
            } else {
                format!("ALTER DATABASE {name} SET synchronous_commit = off")
            };
            execute(admin, &statement).await?;
        }
        Ok(())
    }
}

impl Database {
    /// After seeding, before measuring: the same settled state for both
    /// servers. PostgreSQL: `VACUUM ANALYZE` (statistics, visibility map and
    /// hint bits, instead of whatever autovacuum happens to be doing during
    /// the measurement); SQLite: the WAL checkpointed into the database.
    pub async fn settle(&self) -> Result<(), String> {
        match &self.postgres {
            Some(_) => execute(&self.url, "VACUUM ANALYZE").await,
            None => {
                let path = self
                    .url
                    .strip_prefix("sqlite:")
                    .unwrap_or(&self.url)
                    .to_owned();
                tokio::task::spawn_blocking(move || {
                    let connection =
                        rusqlite::Connection::open(&path).map_err(|e| e.to_string())?;
                    connection
                        .query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))
                        .map_err(|e| e.to_string())
                })
                .await
                .map_err(|e| e.to_string())?
            }
        }
    }
}

impl Drop for Database {
    fn drop(&mut self) {
        if let Some((admin, name)) = self.postgres.take() {
            // Dropped from a thread of its own: Drop may run inside the runtime.
            let _ = std::thread::spawn(move || {
                let runtime = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build();
                if let Ok(runtime) = runtime {
                    let statement = format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)");
                    if let Err(error) = runtime.block_on(execute(&admin, &statement)) {
                        eprintln!("warning: {error}");
                    }
                }
            })
            .join();
        }
    }
}

async fn execute(url: &str, statement: &str) -> Result<(), String> {
    let (client, connection) = tokio_postgres::connect(url, NoTls)
        .await
        .map_err(|e| format!("{url}: {e}"))?;
    let connection = tokio::spawn(connection);
    client
        .batch_execute(statement)
        .await
        .map_err(|e| format!("{statement}: {e}"))?;
    drop(client);
    let _ = connection.await;
    Ok(())
}

/// `url` with its database replaced (query parameters kept).
fn with_database(url: &str, database: &str) -> Result<String, String> {
    let (scheme, rest) = url
        .split_once("://")
        .ok_or_else(|| format!("no postgres:// URL: {url}"))?;
    let authority_end = rest.find(['/', '?']).unwrap_or(rest.len());
    let (authority, tail) = rest.split_at(authority_end);
    let query = tail.find('?').map_or("", |at| &tail[at..]);
    Ok(format!("{scheme}://{authority}/{database}{query}"))
}
