//! The client's side of the live-query protocol on `{base}/api/ws`
//! (docs/protocol.md): what it sends and what it reads.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::ApiError;

/// A client message.
#[derive(Serialize)]
#[serde(tag = "type")]
pub(super) enum Outgoing<'a> {
    Connect {
        #[serde(rename = "sessionId")]
        session_id: &'a str,
        schema: &'a str,
    },
    Authenticate {
        token: Option<&'a str>,
    },
    ModifyQuerySet {
        #[serde(rename = "baseVersion")]
        base_version: u32,
        #[serde(rename = "newVersion")]
        new_version: u32,
        modifications: Vec<Change<'a>>,
    },
    Mutation {
        #[serde(rename = "requestId")]
        request_id: u32,
        path: &'a str,
        args: &'a Value,
        #[serde(rename = "idempotencyKey")]
        idempotency_key: &'a str,
    },
}

impl Outgoing<'_> {
    pub(super) fn to_text(&self) -> String {
        // Strings, numbers and JSON values: this cannot fail.
        serde_json::to_string(self).unwrap_or_default()
    }
}

/// One change of the query set.
#[derive(Serialize)]
#[serde(tag = "type")]
pub(super) enum Change<'a> {
    Add {
        #[serde(rename = "queryId")]
        query_id: u32,
        path: &'a str,
        args: &'a Value,
    },
    Remove {
        #[serde(rename = "queryId")]
        query_id: u32,
    },
}

/// Where a client's results are: its query set, its identity, and the
/// commit sequence every result reflects.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize)]
pub(super) struct Version {
    #[serde(rename = "querySet")]
    pub query_set: u32,
    pub identity: u32,
    pub ts: u64,
}

/// A server message.
#[derive(Debug, Deserialize)]
#[serde(tag = "type")]
pub(super) enum Incoming {
    Connected {
        #[allow(dead_code)]
        schema: Option<String>,
    },
    Transition {
        #[serde(rename = "startVersion")]
        start_version: Version,
        #[serde(rename = "endVersion")]
        end_version: Version,
        modifications: Vec<Modification>,
    },
    Response {
        #[serde(rename = "requestId")]
        request_id: u32,
        #[serde(default)]
        value: Value,
        #[serde(default)]
        error: Option<ErrorBody>,
        #[serde(default)]
        ts: Option<u64>,
    },
    AuthError {
        error: ErrorBody,
    },
    FatalError {
        error: ErrorBody,
    },
}

#[derive(Debug, Deserialize)]
#[serde(tag = "type")]
pub(super) enum Modification {
    #[serde(rename = "QueryUpdated")]
    Updated {
        #[serde(rename = "queryId")]
        query_id: u32,
        value: Value,
    },
    #[serde(rename = "QueryFailed")]
    Failed {
        #[serde(rename = "queryId")]
        query_id: u32,
        error: ErrorBody,
    },
    /// Only ever an answer to the client's own `Remove`.
    #[serde(rename = "QueryRemoved")]
    Removed {},
}

/// An error as the wire carries it.
#[derive(Debug, Deserialize)]
pub(super) struct ErrorBody {
    code: String,
    message: String,
    #[serde(default)]
    path: Option<String>,
}

impl ErrorBody {
    /// The error, with status 0: it came over the socket, not HTTP.
    pub(super) fn into_error(self) -> ApiError {
        let error = ApiError::new(self.code, self.message).with_status(0);
        match self.path {
            Some(path) => error.with_path(path),
            None => error,
        }
    }
}

/// Reads a server message; `Ok(None)` for a message type this client does
/// not know (a newer server's), which it ignores.
pub(super) fn read(text: &str) -> Result<Option<Incoming>, String> {
    const KNOWN: [&str; 5] = [
        "Connected",
        "Transition",
        "Response",
        "AuthError",
        "FatalError",
    ];
    let value: Value = serde_json::from_str(text).map_err(|e| format!("not JSON: {e}"))?;
    let known = value
        .get("type")
        .and_then(Value::as_str)
        .is_some_and(|kind| KNOWN.contains(&kind));
    if !known {
        return Ok(None);
    }
    serde_json::from_value(value)
        .map(Some)
        .map_err(|e| format!("a malformed message: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_are_written_as_the_protocol_says() {
        let args = serde_json::json!({ "userId": "u1", "amount": { "$int64": "5" } });
        let add = Outgoing::ModifyQuerySet {
            base_version: 0,
            new_version: 1,
            modifications: vec![
                Change::Add {
                    query_id: 3,
                    path: "users/getProfile",
                    args: &args,
                },
                Change::Remove { query_id: 2 },
            ],
        };
        assert_eq!(
            add.to_text(),
            r#"{"type":"ModifyQuerySet","baseVersion":0,"newVersion":1,"modifications":[{"type":"Add","queryId":3,"path":"users/getProfile","args":{"amount":{"$int64":"5"},"userId":"u1"}},{"type":"Remove","queryId":2}]}"#
        );
        let mutation = Outgoing::Mutation {
            request_id: 7,
            path: "users/addKarma",
            args: &args,
            idempotency_key: "k",
        };
        assert!(mutation
            .to_text()
            .starts_with(r#"{"type":"Mutation","requestId":7,"path":"users/addKarma","args":"#));
        assert!(mutation.to_text().ends_with(r#","idempotencyKey":"k"}"#));
    }

    #[test]
    fn server_messages_are_read_and_unknown_ones_skipped() {
        let transition = r#"{"type":"Transition","startVersion":{"querySet":0,"identity":0,"ts":0},
            "endVersion":{"querySet":1,"identity":0,"ts":9},"modifications":[
            {"type":"QueryUpdated","queryId":1,"value":null},
            {"type":"QueryFailed","queryId":2,"error":{"code":"not_found","message":"m","path":"a"}},
            {"type":"QueryRemoved","queryId":3}]}"#;
        match read(transition).unwrap() {
            Some(Incoming::Transition {
                end_version,
                modifications,
                ..
            }) => {
                assert_eq!(
                    end_version,
                    Version {
                        query_set: 1,
                        identity: 0,
                        ts: 9
                    }
                );
                assert_eq!(modifications.len(), 3);
            }
            other => panic!("{other:?}"),
        }
        // `value: null` is a result, not a missing one.
        match read(r#"{"type":"Response","requestId":1,"value":null,"ts":4}"#).unwrap() {
            Some(Incoming::Response {
                value,
                error: None,
                ts: Some(4),
                ..
            }) => assert!(value.is_null()),
            other => panic!("{other:?}"),
        }
        assert!(read(r#"{"type":"Pong"}"#).unwrap().is_none());
        assert!(read("[").is_err());
        assert!(read(r#"{"type":"Transition"}"#).is_err());
    }
}
