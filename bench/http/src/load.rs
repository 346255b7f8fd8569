//! The load generator: `clients` tasks, each on its own keep-alive HTTP/1.1
//! connection, calling one function back to back for a fixed time.

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::client::conn::http1;
use hyper::Request;
use hyper_util::rt::TokioIo;
use tokio::net::TcpStream;

/// What one cell of the table measured.
#[derive(Clone, Debug)]
pub struct Measured {
    pub calls: usize,
    pub errors: usize,
    pub seconds: f64,
    pub p50: Duration,
    pub p99: Duration,
    /// The first failure seen, to tell a broken cell from a slow one.
    pub first_error: Option<String>,
}

impl Measured {
    pub fn per_second(&self) -> f64 {
        self.calls as f64 / self.seconds
    }
}

/// Calls `path` for `duration` from `clients` connections. Client `i`'s
/// `k`th call sends `bodies[(i + k * clients) % bodies.len()]`: with one
/// body per client each client keeps to its own document; with many, the
/// calls spread over all of them.
pub async fn run(
    address: SocketAddr,
    path: &str,
    bodies: &[Bytes],
    clients: usize,
    duration: Duration,
) -> Measured {
    run_on(&[address], path, bodies, clients, duration).await
}

/// `run` with the clients spread over several servers: client `i` calls
/// `addresses[i % addresses.len()]`.
pub async fn run_on(
    addresses: &[SocketAddr],
    path: &str,
    bodies: &[Bytes],
    clients: usize,
    duration: Duration,
) -> Measured {
    let started = Instant::now();
    let deadline = started + duration;
    let tasks: Vec<_> = (0..clients)
        .map(|i| {
            let bodies: Vec<Bytes> = (0..bodies.len())
                .map(|k| bodies[(i + k * clients) % bodies.len()].clone())
                .collect();
            let address = addresses[i % addresses.len()];
            tokio::spawn(client(address, path.to_owned(), bodies, deadline))
        })
        .collect();
    let mut latencies = Vec::new();
    let mut errors = 0;
    let mut first_error = None;
    for task in tasks {
        let result = task.await.expect("a load task");
        latencies.extend(result.latencies);
        errors += result.errors;
        first_error = first_error.or(result.first_error);
    }
    let seconds = started.elapsed().as_secs_f64();
    latencies.sort_unstable();
    let at = |q: f64| {
        latencies
            .get(((latencies.len() as f64 * q) as usize).min(latencies.len().saturating_sub(1)))
            .copied()
            .unwrap_or_default()
    };
    Measured {
        calls: latencies.len(),
        errors,
        seconds,
        p50: at(0.50),
        p99: at(0.99),
        first_error,
    }
}

struct ClientResult {
    latencies: Vec<Duration>,
    errors: usize,
    first_error: Option<String>,
}

async fn client(
    address: SocketAddr,
    path: String,
    bodies: Vec<Bytes>,
    deadline: Instant,
) -> ClientResult {
    let mut result = ClientResult {
        latencies: Vec::new(),
        errors: 0,
        first_error: None,
    };
    let mut sender = None;
    let mut bodies = bodies.iter().cycle();
    while Instant::now() < deadline {
        if sender.is_none() {
            match connect(address).await {
                Ok(connected) => sender = Some(connected),
                Err(error) => {
                    result.fail(error);
                    tokio::time::sleep(Duration::from_millis(10)).await;
                    continue;
                }
            }
        }
        let request = Request::post(&path)
            .header("host", "127.0.0.1")
            .header("content-type", "application/json")
            .body(Full::new(bodies.next().expect("at least one body").clone()))
            .expect("a request");
        let started = Instant::now();
        let outcome = async {
            let connection = sender.as_mut().expect("connected");
            let response = connection
                .send_request(request)
                .await
                .map_err(|e| e.to_string())?;
            let status = response.status();
            let bytes = response
                .into_body()
                .collect()
                .await
                .map_err(|e| e.to_string())?
                .to_bytes();
            if status.is_success() {
                Ok(())
            } else {
                Err(format!("{status} {}", String::from_utf8_lossy(&bytes)))
            }
        }
        .await;
        match outcome {
            Ok(()) => result.latencies.push(started.elapsed()),
            Err(error) => {
                result.fail(error);
                sender = None;
            }
        }
    }
    result
}

impl ClientResult {
    fn fail(&mut self, error: String) {
        self.errors += 1;
        self.first_error.get_or_insert(error);
    }
}

async fn connect(address: SocketAddr) -> Result<http1::SendRequest<Full<Bytes>>, String> {
    let stream = TcpStream::connect(address)
        .await
        .map_err(|e| e.to_string())?;
    stream.set_nodelay(true).map_err(|e| e.to_string())?;
    let (sender, connection) = http1::handshake(TokioIo::new(stream))
        .await
        .map_err(|e| e.to_string())?;
    tokio::spawn(connection);
    Ok(sender)
}

/// One call outside the measurement (seeding, warm-up): the `value` of the
/// response, or the error text.
pub async fn call(
    address: SocketAddr,
    path: &str,
    body: String,
) -> Result<serde_json::Value, String> {
    let mut sender = connect(address).await?;
    let request = Request::post(path)
        .header("host", "127.0.0.1")
        .header("content-type", "application/json")
        .body(Full::new(Bytes::from(body)))
        .expect("a request");
    let response = sender
        .send_request(request)
        .await
        .map_err(|e| e.to_string())?;
    let status = response.status();
    let bytes = response
        .into_body()
        .collect()
        .await
        .map_err(|e| e.to_string())?
        .to_bytes();
    let mut reply: serde_json::Value =
        serde_json::from_slice(&bytes).map_err(|e| format!("{status}: {e}"))?;
    if status.is_success() {
        Ok(reply["value"].take())
    } else {
        Err(format!("{path}: {status} {reply}"))
    }
}

/// `GET path`: the parsed JSON body (the health check).
pub async fn get(address: SocketAddr, path: &str) -> Result<serde_json::Value, String> {
    let mut sender = connect(address).await?;
    let request = Request::get(path)
        .header("host", "127.0.0.1")
        .body(Full::new(Bytes::new()))
        .expect("a request");
    let response = sender
        .send_request(request)
        .await
        .map_err(|e| e.to_string())?;
    let bytes = response
        .into_body()
        .collect()
        .await
        .map_err(|e| e.to_string())?
        .to_bytes();
    serde_json::from_slice(&bytes).map_err(|e| format!("GET {path}: {e}"))
}
