//! A blocking client for SPEC §3: `POST /api/{module}/{function}` with the
//! arguments as JSON, `{"value": …}` back on success and
//! `{"error": {"code", "message", "path"?}}` on failure.

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
        Client { agent, base: base.to_owned() }
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

    /// The value of a call that must succeed.
    pub fn ok(&self, function: &str, args: Value) -> Value {
        let (status, body) = self.call(function, &args).unwrap_or_else(|e| panic!("{e}"));
        match (status, body) {
            (200, Value::Object(mut object)) if object.contains_key("value") && object.len() == 1 => {
                object.remove("value").unwrap()
            }
            (status, body) => panic!("{function}({args}) should succeed, got {status} {body}"),
        }
    }

    /// The §3 error of a call that must fail.
    pub fn fails(&self, function: &str, args: Value) -> Failure {
        let (status, body) = self.call(function, &args).unwrap_or_else(|e| panic!("{e}"));
        Failure::parse(status, &body)
            .unwrap_or_else(|| panic!("{function}({args}) should fail in §3's shape, got {status} {body}"))
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
        (400..600).contains(&status).then_some(Failure { status, code, message, path })
    }

    /// Panics unless this is `code` with `status` (and `path`, when given).
    pub fn expect(&self, status: u16, code: &str, path: Option<&str>) {
        assert_eq!(
            (self.status, self.code.as_str()),
            (status, code),
            "unexpected error: {self:?}"
        );
        if let Some(path) = path {
            assert_eq!(self.path.as_deref(), Some(path), "unexpected error path: {self:?}");
        }
        assert!(!self.message.is_empty(), "an error without a message: {self:?}");
    }
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
