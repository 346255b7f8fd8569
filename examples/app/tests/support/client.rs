//! A blocking client for SPEC §3: `POST /api/{module}/{function}` with the
//! arguments as JSON, `{"value": …}` back on success and
//! `{"error": {"code", "message", "path"?}}` on failure.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::Duration;

use serde_json::{json, Value};

/// No call of these tests should take long; a hung server fails the test
/// instead of hanging it.
const CALL_TIMEOUT: Duration = Duration::from_secs(60);

#[derive(Clone)]
pub struct Client {
    agent: ureq::Agent,
    base: String,
}

/// A §3 error response.
#[derive(Debug)]
pub struct Failure {
    pub status: u16,
    pub code: String,
    pub message: String,
    pub path: Option<String>,
}

impl Client {
    pub fn new(base: &str) -> Client {
        let agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_global(Some(CALL_TIMEOUT))
            .build()
            .into();
        Client {
            agent,
            base: base.to_owned(),
        }
    }

    /// Calls `module.function`: the status and the parsed body, or Err when
    /// the call did not get a response (the server is gone).
    pub fn call(&self, function: &str, args: &Value) -> Result<(u16, Value), String> {
        self.call_raw(function, args.to_string())
    }

    pub fn call_raw(&self, function: &str, body: String) -> Result<(u16, Value), String> {
        let (module, name) = function.split_once('.').expect("module.function");
        let url = format!("{}/api/{module}/{name}", self.base);
        let response = self
            .agent
            .post(&url)
            .header("content-type", "application/json")
            .send(body)
            .map_err(|e| format!("POST {url}: {e}"))?;
        let status = response.status().as_u16();
        let text = response
            .into_body()
            .read_to_string()
            .map_err(|e| format!("POST {url}: reading the response: {e}"))?;
        let body = serde_json::from_str(&text).map_err(|e| {
            format!("POST {url}: status {status}, a body that is no JSON ({e}): {text:?}")
        })?;
        Ok((status, body))
    }

    /// Sends a body the server may refuse before reading it all (too
    /// large): the request is written from another thread while this one
    /// reads, so an early response is seen even when the server closes the
    /// connection mid-upload (which makes clients that write first, ureq
    /// among them, report only a broken pipe).
    pub fn call_oversized(&self, function: &str, body: Vec<u8>) -> Result<(u16, Value), String> {
        let (module, name) = function.split_once('.').expect("module.function");
        let address = self.base.strip_prefix("http://").expect("an http:// base");
        let mut stream =
            TcpStream::connect(address).map_err(|e| format!("connect {address}: {e}"))?;
        stream
            .set_read_timeout(Some(CALL_TIMEOUT))
            .map_err(|e| e.to_string())?;
        let head = format!(
            "POST /api/{module}/{name} HTTP/1.1\r\nhost: {address}\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n",
            body.len()
        );
        let mut writer = stream.try_clone().map_err(|e| e.to_string())?;
        // Errors are expected once the server has answered and closed.
        let upload = std::thread::spawn(move || {
            let _ = writer
                .write_all(head.as_bytes())
                .and_then(|()| writer.write_all(&body));
        });
        let mut response = Vec::new();
        let mut buffer = [0; 16 * 1024];
        let parsed = loop {
            match stream.read(&mut buffer) {
                Ok(0) => {
                    break parse_response(&response).ok_or("the connection closed mid-response")?
                }
                Ok(n) => response.extend_from_slice(&buffer[..n]),
                Err(e) if !response.is_empty() => {
                    break parse_response(&response)
                        .ok_or_else(|| format!("reading the response: {e}"))?
                }
                Err(e) => return Err(format!("reading the response: {e}")),
            }
            if let Some(parsed) = parse_response(&response) {
                break parsed;
            }
        };
        let _ = stream.shutdown(std::net::Shutdown::Both);
        upload.join().expect("the upload thread");
        Ok(parsed)
    }

    /// The value of a call that must succeed.
    pub fn ok(&self, function: &str, args: Value) -> Value {
        let (status, body) = self.call(function, &args).unwrap_or_else(|e| panic!("{e}"));
        match (status, body) {
            (200, Value::Object(mut object))
                if object.contains_key("value") && object.len() == 1 =>
            {
                object.remove("value").unwrap()
            }
            (status, body) => panic!("{function}({args}) should succeed, got {status} {body}"),
        }
    }

    /// The §3 error of a call that must fail.
    pub fn fails(&self, function: &str, args: Value) -> Failure {
        let (status, body) = self.call(function, &args).unwrap_or_else(|e| panic!("{e}"));
        Failure::parse(status, &body).unwrap_or_else(|| {
            panic!("{function}({args}) should fail in §3's shape, got {status} {body}")
        })
    }
}

impl Failure {
    /// `{"error": {"code", "message", "path"?}}` with a 4xx/5xx status.
    pub fn parse(status: u16, body: &Value) -> Option<Failure> {
        let error = body.as_object().filter(|o| o.len() == 1)?.get("error")?;
        let code = error.get("code")?.as_str()?.to_owned();
        let message = error.get("message")?.as_str()?.to_owned();
        let path = match error.get("path") {
            None => None,
            Some(path) => Some(path.as_str()?.to_owned()),
        };
        (400..600).contains(&status).then_some(Failure {
            status,
            code,
            message,
            path,
        })
    }

    /// Panics unless this is `code` with `status` (and `path`, when given).
    pub fn expect(&self, status: u16, code: &str, path: Option<&str>) {
        assert_eq!(
            (self.status, self.code.as_str()),
            (status, code),
            "unexpected error: {self:?}"
        );
        if let Some(path) = path {
            assert_eq!(
                self.path.as_deref(),
                Some(path),
                "unexpected error path: {self:?}"
            );
        }
        assert!(
            !self.message.is_empty(),
            "an error without a message: {self:?}"
        );
    }
}

/// A complete HTTP/1.1 response with a content-length body: its status
/// and JSON body; None while more bytes are needed.
fn parse_response(bytes: &[u8]) -> Option<(u16, Value)> {
    let end = bytes.windows(4).position(|w| w == b"\r\n\r\n")?;
    let head = std::str::from_utf8(&bytes[..end]).ok()?;
    let mut lines = head.split("\r\n");
    let status = lines.next()?.split(' ').nth(1)?.parse().ok()?;
    let length: usize = lines
        .filter_map(|line| line.split_once(':'))
        .find(|(name, _)| name.eq_ignore_ascii_case("content-length"))?
        .1
        .trim()
        .parse()
        .ok()?;
    let body = bytes.get(end + 4..end + 4 + length)?;
    Some((status, serde_json::from_slice(body).ok()?))
}

/// An int64 on the wire.
pub fn int64(n: i64) -> Value {
    json!({ "$int64": n.to_string() })
}

/// The number of a wire int64; panics on anything else.
pub fn int64_of(value: &Value) -> i64 {
    value
        .get("$int64")
        .and_then(Value::as_str)
        .and_then(|text| text.parse().ok())
        .unwrap_or_else(|| panic!("not a wire int64: {value}"))
}
