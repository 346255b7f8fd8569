//! The messages of `{base}/api/ws` (docs/protocol.md), as JSON text frames.

use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;
use serde_json::Value;

/// A client's message.
#[derive(Debug, Deserialize)]
#[serde(tag = "type", deny_unknown_fields)]
pub(crate) enum ClientMessage {
    // Both are read to check the message; the server keeps no session
    // state across sockets and answers its own fingerprint.
    #[allow(dead_code)]
    Connect {
        #[serde(rename = "sessionId")]
        session_id: String,
        #[serde(default)]
        schema: Option<String>,
    },
    Authenticate {
        token: Option<String>,
    },
    ModifyQuerySet {
        #[serde(rename = "baseVersion")]
        base_version: u32,
        #[serde(rename = "newVersion")]
        new_version: u32,
        modifications: Vec<QueryModification>,
    },
    Query {
        #[serde(rename = "requestId")]
        request_id: u32,
        path: String,
        args: Value,
    },
    Mutation {
        #[serde(rename = "requestId")]
        request_id: u32,
        path: String,
        args: Value,
        #[serde(rename = "idempotencyKey", default)]
        idempotency_key: Option<String>,
    },
    Action {
        #[serde(rename = "requestId")]
        request_id: u32,
        path: String,
        args: Value,
    },
}

#[derive(Debug, Deserialize)]
#[serde(tag = "type", deny_unknown_fields)]
pub(crate) enum QueryModification {
    Add {
        #[serde(rename = "queryId")]
        query_id: u32,
        path: String,
        args: Value,
    },
    Remove {
        #[serde(rename = "queryId")]
        query_id: u32,
    },
}

/// The state a client's results are at: its query set, its identity, and
/// the commit sequence every result reflects.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub(crate) struct Version {
    #[serde(rename = "querySet")]
    pub(crate) query_set: u32,
    pub(crate) identity: u32,
    pub(crate) ts: u64,
}

/// An error as the wire carries it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub(crate) struct ErrorBody {
    pub(crate) code: String,
    pub(crate) message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) path: Option<String>,
}

impl From<&crate::ApiError> for ErrorBody {
    fn from(error: &crate::ApiError) -> Self {
        ErrorBody {
            code: error.code().to_owned(),
            message: error.message().to_owned(),
            path: error.path().map(str::to_owned),
        }
    }
}

impl ErrorBody {
    pub(crate) fn new(code: &str, message: impl Into<String>) -> Self {
        ErrorBody {
            code: code.to_owned(),
            message: message.into(),
            path: None,
        }
    }
}

// The variant names are the wire's `type` tags.
#[allow(clippy::enum_variant_names)]
#[derive(Serialize)]
#[serde(tag = "type")]
pub(crate) enum Modification<'a> {
    QueryUpdated {
        #[serde(rename = "queryId")]
        query_id: u32,
        value: &'a RawValue,
    },
    QueryFailed {
        #[serde(rename = "queryId")]
        query_id: u32,
        error: &'a ErrorBody,
    },
    QueryRemoved {
        #[serde(rename = "queryId")]
        query_id: u32,
    },
}

/// A server's message.
#[derive(Serialize)]
#[serde(tag = "type")]
pub(crate) enum ServerMessage<'a> {
    Connected {
        schema: &'a str,
    },
    Transition {
        #[serde(rename = "startVersion")]
        start_version: Version,
        #[serde(rename = "endVersion")]
        end_version: Version,
        modifications: Vec<Modification<'a>>,
    },
    Response {
        #[serde(rename = "requestId")]
        request_id: u32,
        #[serde(skip_serializing_if = "Option::is_none")]
        value: Option<&'a RawValue>,
        #[serde(skip_serializing_if = "Option::is_none")]
        error: Option<&'a ErrorBody>,
        #[serde(skip_serializing_if = "Option::is_none")]
        ts: Option<u64>,
    },
    AuthError {
        error: &'a ErrorBody,
    },
    FatalError {
        error: &'a ErrorBody,
    },
}

impl ServerMessage<'_> {
    pub(crate) fn to_text(&self) -> String {
        // Strings, numbers and JSON already encoded: this cannot fail.
        serde_json::to_string(self).expect("a server message is always serializable")
    }
}

/// `module/function` of a path.
pub(crate) fn split_path(path: &str) -> Option<(&str, &str)> {
    let (module, function) = path.split_once('/')?;
    (!module.is_empty() && !function.is_empty() && !function.contains('/'))
        .then_some((module, function))
}

/// Encoded result bytes as a raw JSON value.
pub(crate) fn raw(value: &[u8]) -> Box<RawValue> {
    std::str::from_utf8(value)
        .ok()
        .and_then(|text| RawValue::from_string(text.to_owned()).ok())
        .unwrap_or_else(|| RawValue::from_string("null".to_owned()).expect("null is JSON"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_read_as_the_protocol_writes_them() {
        let message: ClientMessage = serde_json::from_str(
            r#"{"type":"ModifyQuerySet","baseVersion":0,"newVersion":1,"modifications":[
                {"type":"Add","queryId":3,"path":"users/get","args":{"id":"x"}},
                {"type":"Remove","queryId":2}]}"#,
        )
        .unwrap();
        match message {
            ClientMessage::ModifyQuerySet { modifications, .. } => {
                assert_eq!(modifications.len(), 2)
            }
            other => panic!("{other:?}"),
        }
        assert!(serde_json::from_str::<ClientMessage>(r#"{"type":"Nope"}"#).is_err());
        assert_eq!(split_path("users/get"), Some(("users", "get")));
        assert_eq!(split_path("users.get"), None);
        assert_eq!(split_path("a/b/c"), None);
    }

    #[test]
    fn a_transition_is_written_with_its_versions() {
        let value = raw(br#"{"$int64":"5"}"#);
        let text = ServerMessage::Transition {
            start_version: Version::default(),
            end_version: Version {
                query_set: 1,
                identity: 0,
                ts: 7,
            },
            modifications: vec![Modification::QueryUpdated {
                query_id: 4,
                value: &value,
            }],
        }
        .to_text();
        assert_eq!(
            text,
            r#"{"type":"Transition","startVersion":{"querySet":0,"identity":0,"ts":0},"endVersion":{"querySet":1,"identity":0,"ts":7},"modifications":[{"type":"QueryUpdated","queryId":4,"value":{"$int64":"5"}}]}"#
        );
    }
}
