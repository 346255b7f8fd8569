//! A server process on a free loopback port: started, waited for until it
//! prints `listening on http://ADDR`, and killed with SIGKILL on drop, so
//! a failing test never leaves one behind.

use std::io::{BufRead, BufReader, Read};
use std::net::TcpListener;
use std::path::Path;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use super::Client;

/// Generous: a debug build opening a PostgreSQL database on a busy machine.
const START_TIMEOUT: Duration = Duration::from_secs(90);
const LISTENING: &str = "listening on http://";

pub struct Server {
    child: Child,
    address: String,
    output: Arc<Mutex<String>>,
}

impl Server {
    /// The example app on `db`; panics with its output when it does not start.
    pub fn app(db: &str) -> Server {
        Server::start(&super::app_binary(), &["--db", db])
            .unwrap_or_else(|failure| panic!("the example app did not start on {db}: {failure}"))
    }

    /// Runs `binary ARGS --listen 127.0.0.1:PORT` and waits for its
    /// `listening on` line. Err carries how it ended and what it printed.
    pub fn start(binary: &Path, args: &[&str]) -> Result<Server, String> {
        let listen = format!("127.0.0.1:{}", free_port());
        let mut child = Command::new(binary)
            .args(args)
            .args(["--listen", &listen])
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot run {}: {e}", binary.display()));
        let output = Arc::new(Mutex::new(String::new()));
        let (address_tx, address_rx) = mpsc::channel();
        collect(
            child.stdout.take().unwrap(),
            output.clone(),
            Some(address_tx),
        );
        collect(child.stderr.take().unwrap(), output.clone(), None);
        let started = Instant::now();
        loop {
            match address_rx.recv_timeout(Duration::from_millis(100)) {
                Ok(address) => {
                    return Ok(Server {
                        child,
                        address,
                        output,
                    });
                }
                Err(mpsc::RecvTimeoutError::Timeout) if started.elapsed() < START_TIMEOUT => {
                    if let Some(status) = child.try_wait().expect("a child status") {
                        return Err(ended(status, &output));
                    }
                }
                Err(_) => {
                    // Its stdout closed (it is exiting) or it took too long.
                    let status = exit_within(&mut child, Duration::from_secs(5));
                    return Err(ended(status, &output));
                }
            }
        }
    }

    /// Runs `binary ARGS` expecting it to exit by itself within `limit`
    /// (killed after that): its status and everything it printed.
    pub fn run_to_exit(binary: &Path, args: &[&str], limit: Duration) -> (ExitStatus, String) {
        let listen = format!("127.0.0.1:{}", free_port());
        let mut child = Command::new(binary)
            .args(args)
            .args(["--listen", &listen])
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot run {}: {e}", binary.display()));
        let output = Arc::new(Mutex::new(String::new()));
        let readers = [
            collect(child.stdout.take().unwrap(), output.clone(), None),
            collect(child.stderr.take().unwrap(), output.clone(), None),
        ];
        let started = Instant::now();
        let status = loop {
            if let Some(status) = child.try_wait().expect("a child status") {
                break status;
            }
            if started.elapsed() > limit {
                let _ = child.kill();
                let _ = child.wait();
                panic!(
                    "{} was still running after {limit:?}; it printed:\n{}",
                    binary.display(),
                    output.lock().unwrap()
                );
            }
            thread::sleep(Duration::from_millis(50));
        };
        for reader in readers {
            reader.join().expect("an output reader");
        }
        let text = output.lock().unwrap().clone();
        (status, text)
    }

    pub fn client(&self) -> Client {
        Client::new(&format!("http://{}", self.address))
    }

    pub fn address(&self) -> &str {
        &self.address
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Everything the process printed so far, for failure messages.
    pub fn output(&self) -> String {
        self.output.lock().unwrap().clone()
    }

    /// SIGKILL: no shutdown code runs, as in a power cut of the process.
    pub fn kill(mut self) {
        self.kill_now();
    }

    fn kill_now(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.kill_now();
    }
}

/// A port the OS just handed out and released: another process could take
/// it before the server binds, but the window is a few milliseconds.
fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .expect("a free loopback port")
        .port()
}

/// Copies a pipe into `output` line by line; the first `listening on` line
/// sends its address.
fn collect(
    pipe: impl Read + Send + 'static,
    output: Arc<Mutex<String>>,
    address: Option<mpsc::Sender<String>>,
) -> thread::JoinHandle<()> {
    thread::spawn(move || {
        let mut address = address;
        for line in BufReader::new(pipe).lines() {
            let Ok(line) = line else { break };
            if let Some(rest) = line.trim().strip_prefix(LISTENING) {
                if let Some(sender) = address.take() {
                    let _ = sender.send(rest.trim_end_matches('/').to_owned());
                }
            }
            let mut output = output.lock().unwrap();
            output.push_str(&line);
            output.push('\n');
        }
    })
}

/// The child's status once it exits, killing it after `limit`.
fn exit_within(child: &mut Child, limit: Duration) -> ExitStatus {
    let started = Instant::now();
    while started.elapsed() < limit {
        if let Some(status) = child.try_wait().expect("a child status") {
            return status;
        }
        thread::sleep(Duration::from_millis(20));
    }
    let _ = child.kill();
    child.wait().expect("the killed child ends")
}

fn ended(status: ExitStatus, output: &Mutex<String>) -> String {
    format!(
        "it ended ({status}) after printing:\n{}",
        output.lock().unwrap()
    )
}
