//! Issue 11's benchmark: `addKarma` through one and through two example-app
//! instances sharing one PostgreSQL database (docs/scale-out.md). The same
//! clients, spread over the instances; the instances' conflict counts
//! (mutation attempts that lost a race) from `GET /api/_health`.

use std::fmt::Write;
use std::net::SocketAddr;
use std::path::Path;
use std::time::Duration;

use bytes::Bytes;
use serde_json::json;

use crate::database::{Backend, Database};
use crate::load::{self, Measured};
use crate::server::Server;

/// One measured cell.
pub struct Row {
    pub instances: usize,
    pub users: usize,
    pub clients: usize,
    pub measured: Measured,
    pub conflicts: u64,
}

/// Runs `addKarma` on `users` users (1: every call on one row) from each
/// count of `clients`, through 1 and 2 instances.
pub async fn run(
    app: &Path,
    admin: &str,
    users: &[usize],
    clients: &[usize],
    duration: Duration,
    rounds: usize,
) -> Result<Vec<Row>, String> {
    let mut rows = Vec::new();
    // Rounds alternate which count goes first (1, 2, then 2, 1, …): on a
    // shared machine the load drifts, and a fixed order would favour one.
    for round in 0..rounds {
        for &users in users {
            for &clients in clients {
                let order = if round % 2 == 0 { [1, 2] } else { [2, 1] };
                for instances in order {
                    let database = Database::fresh(&Backend::Postgres(admin.to_owned())).await?;
                    let servers = (0..instances)
                        .map(|_| Server::start(app, &["--db", &database.url]))
                        .collect::<Result<Vec<_>, _>>()?;
                    let addresses: Vec<SocketAddr> = servers.iter().map(|s| s.address).collect();
                    let ids = crate::create_users(&servers[0], users).await?;
                    let bodies: Vec<Bytes> = ids
                        .iter()
                        .map(|id| {
                            Bytes::from(
                                json!({ "userId": id, "amount": { "$int64": "1" } }).to_string(),
                            )
                        })
                        .collect();
                    let path = "/api/users/addKarma";
                    // Warm-up: connections, prepared statements, the feed.
                    load::run_on(
                        &addresses,
                        path,
                        &bodies,
                        clients,
                        Duration::from_millis(500),
                    )
                    .await;
                    let before = conflicts(&addresses).await?;
                    let measured = load::run_on(&addresses, path, &bodies, clients, duration).await;
                    let conflicts = conflicts(&addresses).await? - before;
                    eprintln!(
                        "addKarma on {users} users ×{clients} through {instances}: {:.0}/s",
                        measured.per_second()
                    );
                    rows.push(Row {
                        instances,
                        users,
                        clients,
                        measured,
                        conflicts,
                    });
                }
            }
        }
    }
    rows.sort_by_key(|row| (std::cmp::Reverse(row.users), row.clients, row.instances));
    Ok(rows)
}

async fn conflicts(addresses: &[SocketAddr]) -> Result<u64, String> {
    let mut total = 0;
    for address in addresses {
        let health = load::get(*address, "/api/_health").await?;
        total += health["conflicts"]
            .as_u64()
            .ok_or_else(|| format!("no conflict count in {health}"))?;
    }
    Ok(total)
}

/// Commit through A → update on a client of B, `mutations` times, with
/// clients on B subscribed to `users` users.
pub async fn propagation(
    app: &Path,
    admin: &str,
    users: usize,
    mutations: usize,
) -> Result<crate::propagation::Propagation, String> {
    let database = Database::fresh(&Backend::Postgres(admin.to_owned())).await?;
    let a = Server::start(app, &["--db", &database.url])?;
    let b = Server::start(app, &["--db", &database.url])?;
    let ids = crate::create_users(&a, users).await?;
    // Warm-up: connections, prepared statements.
    crate::propagation::run(a.address, b.address, &ids, 50).await?;
    crate::propagation::run(a.address, b.address, &ids, mutations).await
}

/// The propagation table.
pub fn propagation_markdown(p: &crate::propagation::Propagation, users: usize) -> String {
    use crate::propagation::quantile;
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    let mut out = String::new();
    let _ = writeln!(
        out,
        "\n### A commit through instance A reaching a client of instance B ({} addKarma, one at a time, {users} subscriptions on B)\n",
        p.from_send.len()
    );
    let _ = writeln!(out, "| measured from | p50 | p99 | max |");
    let _ = writeln!(out, "|---|---:|---:|---:|");
    for (label, sorted) in [
        ("sending the mutation to A", &p.from_send),
        ("A's response (commit acknowledged)", &p.from_response),
    ] {
        let _ = writeln!(
            out,
            "| {label} | {:.2} ms | {:.2} ms | {:.2} ms |",
            ms(quantile(sorted, 0.5)),
            ms(quantile(sorted, 0.99)),
            ms(sorted.last().copied().unwrap_or_default())
        );
    }
    out
}

/// The table.
pub fn markdown(rows: &[Row], seconds: f64) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "\n### addKarma through one and two instances on one PostgreSQL ({seconds} s per cell)\n"
    );
    let _ = writeln!(
        out,
        "| users | clients | instances | calls/s | p50 | p99 | conflicts | errors |"
    );
    let _ = writeln!(out, "|---:|---:|---:|---:|---:|---:|---:|---:|");
    for row in rows {
        let m = &row.measured;
        let _ = writeln!(
            out,
            "| {} | {} | {} | {:.0} | {:.2} ms | {:.2} ms | {} | {}{} |",
            row.users,
            row.clients,
            row.instances,
            m.per_second(),
            m.p50.as_secs_f64() * 1000.0,
            m.p99.as_secs_f64() * 1000.0,
            row.conflicts,
            m.errors,
            m.first_error
                .as_deref()
                .map(|e| format!(" ({e})"))
                .unwrap_or_default()
        );
    }
    out
}
