//! axum + tokio-postgres through a deadpool pool; mutations at
//! SERIALIZABLE, retried on serialization failures, as the store does
//! (SPEC §9).

use deadpool_postgres::{Manager, ManagerConfig, Pool, RecyclingMethod};
use tokio_postgres::error::SqlState;
use tokio_postgres::{IsolationLevel, NoTls, Row};

use super::{already_exists, not_found, now_ms, overflow, Failure, Int64, UserDoc};

const POOL_SIZE: usize = 16;
/// The store's retry policy: up to 40 attempts, jittered exponential backoff.
const ATTEMPTS: u32 = 40;

pub struct Db {
    pool: Pool,
}

const SELECT: &str = "SELECT id, creation_time, clerk_id, email, karma FROM users";

impl Db {
    pub async fn open(url: &str, seed: u64) -> Result<Db, String> {
        let config: tokio_postgres::Config = url.parse().map_err(|e| format!("{url}: {e}"))?;
        let manager = Manager::from_config(
            config,
            NoTls,
            ManagerConfig {
                recycling_method: RecyclingMethod::Fast,
            },
        );
        let pool = Pool::builder(manager)
            .max_size(POOL_SIZE)
            .build()
            .map_err(|e| e.to_string())?;
        let client = pool.get().await.map_err(|e| e.to_string())?;
        client
            .batch_execute(
                "CREATE TABLE IF NOT EXISTS users (
                    id BIGSERIAL PRIMARY KEY,
                    creation_time DOUBLE PRECISION NOT NULL,
                    clerk_id TEXT NOT NULL,
                    email TEXT NOT NULL,
                    karma BIGINT NOT NULL
                );
                CREATE INDEX IF NOT EXISTS users_by_clerk_id ON users (clerk_id COLLATE \"C\", creation_time, id);",
            )
            .await
            .map_err(|e| e.to_string())?;
        if seed > 0 {
            client
                .execute(
                    "INSERT INTO users (creation_time, clerk_id, email, karma)
                     SELECT $2::float8 + i * 0.001, 'user-' || i, 'user-' || i || '@example.com', 0
                     FROM generate_series(1, $1::bigint) AS i",
                    &[&(seed as i64), &now_ms()],
                )
                .await
                .map_err(|e| e.to_string())?;
            client
                .batch_execute("ANALYZE users")
                .await
                .map_err(|e| e.to_string())?;
        }
        Ok(Db { pool })
    }

    async fn client(&self) -> Result<deadpool_postgres::Object, Failure> {
        self.pool.get().await.map_err(Failure::internal)
    }

    pub async fn create(&self, clerk_id: &str, email: &str) -> Result<String, Failure> {
        let mut client = self.client().await?;
        for attempt in 1..=ATTEMPTS {
            let tx = serializable(&mut client).await?;
            let outcome: Result<_, tokio_postgres::Error> = async {
                let taken = tx
                    .query_opt(&tx.prepare_cached("SELECT id FROM users WHERE clerk_id = $1").await?, &[&clerk_id])
                    .await?;
                if taken.is_some() {
                    return Ok(None);
                }
                let insert = tx
                    .prepare_cached(
                        "INSERT INTO users (creation_time, clerk_id, email, karma) VALUES ($1, $2, $3, 0) RETURNING id",
                    )
                    .await?;
                let id: i64 = tx.query_one(&insert, &[&now_ms(), &clerk_id, &email]).await?.get(0);
                tx.commit().await?;
                Ok(Some(id))
            }
            .await;
            match outcome {
                Ok(Some(id)) => return Ok(id.to_string()),
                Ok(None) => return Err(already_exists()),
                Err(error) if retryable(&error) => backoff(attempt).await,
                Err(error) => return Err(Failure::internal(error)),
            }
        }
        Err(conflict())
    }

    pub async fn get(&self, id: i64) -> Result<Option<UserDoc>, Failure> {
        let client = self.client().await?;
        let select = client
            .prepare_cached(&format!("{SELECT} WHERE id = $1"))
            .await
            .map_err(Failure::internal)?;
        let row = client
            .query_opt(&select, &[&id])
            .await
            .map_err(Failure::internal)?;
        Ok(row.as_ref().map(doc))
    }

    pub async fn by_clerk_id(&self, clerk_id: &str) -> Result<Option<UserDoc>, Failure> {
        let client = self.client().await?;
        let select = client
            .prepare_cached(&format!(
                "{SELECT} WHERE clerk_id COLLATE \"C\" = $1 ORDER BY clerk_id COLLATE \"C\", creation_time, id LIMIT 1"
            ))
            .await
            .map_err(Failure::internal)?;
        let row = client
            .query_opt(&select, &[&clerk_id])
            .await
            .map_err(Failure::internal)?;
        Ok(row.as_ref().map(doc))
    }

    pub async fn add_karma(&self, id: i64, amount: i64) -> Result<i64, Failure> {
        let mut client = self.client().await?;
        for attempt in 1..=ATTEMPTS {
            let tx = serializable(&mut client).await?;
            let outcome: Result<_, tokio_postgres::Error> = async {
                let update = tx
                    .prepare_cached(
                        "UPDATE users SET karma = karma + $1 WHERE id = $2 RETURNING karma",
                    )
                    .await?;
                let total: Option<i64> = tx
                    .query_opt(&update, &[&amount, &id])
                    .await?
                    .map(|row| row.get(0));
                tx.commit().await?;
                Ok(total)
            }
            .await;
            match outcome {
                Ok(Some(total)) => return Ok(total),
                Ok(None) => return Err(not_found()),
                Err(error) if error.code() == Some(&SqlState::NUMERIC_VALUE_OUT_OF_RANGE) => {
                    return Err(overflow())
                }
                Err(error) if retryable(&error) => backoff(attempt).await,
                Err(error) => return Err(Failure::internal(error)),
            }
        }
        Err(conflict())
    }
}

async fn serializable(
    client: &mut deadpool_postgres::Object,
) -> Result<deadpool_postgres::Transaction<'_>, Failure> {
    client
        .build_transaction()
        .isolation_level(IsolationLevel::Serializable)
        .start()
        .await
        .map_err(Failure::internal)
}

fn retryable(error: &tokio_postgres::Error) -> bool {
    matches!(error.code(), Some(code) if *code == SqlState::T_R_SERIALIZATION_FAILURE || *code == SqlState::T_R_DEADLOCK_DETECTED)
}

async fn backoff(attempt: u32) {
    let ceiling_ms = 2u64 << attempt.min(5);
    tokio::time::sleep(std::time::Duration::from_micros(fastrand::u64(
        0..=ceiling_ms * 1000,
    )))
    .await;
}

fn conflict() -> Failure {
    Failure::new(
        axum::http::StatusCode::CONFLICT,
        "conflict",
        "kept conflicting",
    )
}

fn doc(row: &Row) -> UserDoc {
    UserDoc {
        id: row.get::<_, i64>(0).to_string(),
        creation_time: row.get(1),
        clerk_id: row.get(2),
        email: row.get(3),
        karma: Int64::new(row.get(4)),
    }
}
