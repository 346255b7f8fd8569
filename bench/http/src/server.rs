//! A server under test, as a child process of its own so that its peak
//! memory is its own: started on a free port, ready once it prints
//! `listening on http://ADDR`, killed on drop.

use std::io::{BufRead, BufReader};
use std::net::{SocketAddr, TcpListener};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::thread;
use std::time::Duration;

pub struct Server {
    child: Child,
    pub address: SocketAddr,
}

impl Server {
    pub fn start(binary: &Path, args: &[&str]) -> Result<Server, String> {
        let port = TcpListener::bind("127.0.0.1:0")
            .and_then(|listener| listener.local_addr())
            .map_err(|e| format!("no free port: {e}"))?
            .port();
        let listen = format!("127.0.0.1:{port}");
        let mut child = Command::new(binary)
            .args(args)
            .args(["--listen", &listen])
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .map_err(|e| format!("cannot run {}: {e}", binary.display()))?;
        let stdout = child.stdout.take().expect("a piped stdout");
        let (ready_tx, ready_rx) = mpsc::channel();
        // Keeps reading after the line, so the server never blocks on a full pipe.
        thread::spawn(move || {
            let mut ready = Some(ready_tx);
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if let Some(address) = line.trim().strip_prefix("listening on http://") {
                    if let Some(ready) = ready.take() {
                        let _ = ready.send(address.trim_end_matches('/').to_owned());
                    }
                }
            }
        });
        let address = match ready_rx.recv_timeout(Duration::from_secs(120)) {
            Ok(address) => address,
            Err(_) => {
                let _ = child.kill();
                let status = child.wait().map_err(|e| e.to_string())?;
                return Err(format!("{} did not start ({status})", binary.display()));
            }
        };
        let address = address
            .parse()
            .map_err(|e| format!("a listening line with no address {address:?}: {e}"))?;
        Ok(Server { child, address })
    }

    /// The peak resident set so far (VmHWM), in bytes.
    pub fn peak_memory(&self) -> Option<u64> {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id())).ok()?;
        let line = status.lines().find(|line| line.starts_with("VmHWM:"))?;
        let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
        Some(kib * 1024)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
