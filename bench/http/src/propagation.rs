//! How long a commit made through one instance takes to reach a live
//! client of another (docs/scale-out.md): `addKarma` over HTTP through A,
//! one at a time, while clients subscribed on B wait for the new karma.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use futures_util::{SinkExt, StreamExt};
use serde_json::{json, Value};
use tokio_tungstenite::tungstenite::Message;

use crate::load;

/// Latencies of one run, sorted.
pub struct Propagation {
    /// From sending the mutation to A until B's client has the new value.
    pub from_send: Vec<Duration>,
    /// From A's response (the commit acknowledged) until B's client has it;
    /// zero when B had it first.
    pub from_response: Vec<Duration>,
}

/// (user id, karma) → when B's client received it.
type Arrivals = Arc<Mutex<HashMap<(String, i64), Instant>>>;

pub async fn run(
    a: SocketAddr,
    b: SocketAddr,
    users: &[String],
    mutations: usize,
) -> Result<Propagation, String> {
    let arrivals: Arrivals = Arc::default();
    let (ws, _) = tokio_tungstenite::connect_async(format!("ws://{b}/api/ws"))
        .await
        .map_err(|e| format!("ws://{b}/api/ws: {e}"))?;
    let (mut sink, mut stream) = ws.split();
    let send = |value: Value| Message::text(value.to_string());
    sink.send(send(
        json!({"type": "Connect", "sessionId": "bench", "schema": "bench"}),
    ))
    .await
    .map_err(|e| e.to_string())?;
    let modifications: Vec<Value> = users
        .iter()
        .enumerate()
        .map(|(n, id)| {
            json!({"type": "Add", "queryId": n, "path": "users/getProfile", "args": {"userId": id}})
        })
        .collect();
    sink.send(send(json!({
        "type": "ModifyQuerySet", "baseVersion": 0, "newVersion": 1, "modifications": modifications,
    })))
    .await
    .map_err(|e| e.to_string())?;
    let reader = {
        let (arrivals, users) = (arrivals.clone(), users.to_vec());
        tokio::spawn(async move {
            while let Some(Ok(message)) = stream.next().await {
                let Message::Text(text) = message else {
                    continue;
                };
                let now = Instant::now();
                let Ok(message) = serde_json::from_str::<Value>(&text) else {
                    continue;
                };
                if message["type"] != "Transition" {
                    continue;
                }
                for modification in message["modifications"].as_array().into_iter().flatten() {
                    let (Some(n), Some(karma)) = (
                        modification["queryId"].as_u64(),
                        modification["value"]["karma"]["$int64"].as_str(),
                    ) else {
                        continue;
                    };
                    if let (Some(user), Ok(karma)) = (users.get(n as usize), karma.parse()) {
                        arrivals.lock().unwrap().insert((user.clone(), karma), now);
                    }
                }
            }
        })
    };
    // Every subscription has its first result before timing starts.
    wait(
        &arrivals,
        |seen| seen.len() >= users.len(),
        Duration::from_secs(30),
    )
    .await?;
    let mut propagation = Propagation {
        from_send: Vec::with_capacity(mutations),
        from_response: Vec::with_capacity(mutations),
    };
    for n in 0..mutations {
        let user = &users[n % users.len()];
        let args = json!({ "userId": user, "amount": { "$int64": "1" } });
        let sent = Instant::now();
        let total = load::call(a, "/api/users/addKarma", args.to_string()).await?;
        let answered = Instant::now();
        let karma: i64 = total["$int64"]
            .as_str()
            .and_then(|text| text.parse().ok())
            .ok_or_else(|| format!("addKarma returned {total}"))?;
        let key = (user.clone(), karma);
        wait(
            &arrivals,
            |seen| seen.contains_key(&key),
            Duration::from_secs(10),
        )
        .await?;
        let arrived = arrivals.lock().unwrap()[&key];
        propagation.from_send.push(arrived - sent);
        propagation
            .from_response
            .push(arrived.saturating_duration_since(answered));
    }
    reader.abort();
    propagation.from_send.sort_unstable();
    propagation.from_response.sort_unstable();
    Ok(propagation)
}

async fn wait(
    arrivals: &Arrivals,
    done: impl Fn(&HashMap<(String, i64), Instant>) -> bool,
    limit: Duration,
) -> Result<(), String> {
    let started = Instant::now();
    while !done(&arrivals.lock().unwrap()) {
        if started.elapsed() > limit {
            return Err(format!("no update on the other instance within {limit:?}"));
        }
        tokio::time::sleep(Duration::from_micros(200)).await;
    }
    Ok(())
}

/// The `q` quantile of sorted latencies.
pub fn quantile(sorted: &[Duration], q: f64) -> Duration {
    sorted
        .get(((sorted.len() as f64 * q) as usize).min(sorted.len().saturating_sub(1)))
        .copied()
        .unwrap_or_default()
}
