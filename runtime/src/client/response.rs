//! Turning a response body into the call's value, or into the error the
//! server answered (SPEC §3): `{"value": V}` or
//! `{"error": {"code", "message", "path"?}}`.

use serde_json::Value;

use crate::ApiError;

/// Longest piece of an unexpected body quoted in an error.
const QUOTED: usize = 200;

/// The wire JSON of the value, or the server's error with its status.
pub(super) fn read(url: &str, status: u16, body: &[u8]) -> Result<Vec<u8>, ApiError> {
    let payload: Option<Value> = serde_json::from_slice(body).ok();
    if let Some(error) = payload.as_ref().and_then(|p| p.get("error")) {
        let text = |key: &str| error.get(key).and_then(Value::as_str);
        if let (Some(code), Some(message)) = (text("code"), text("message")) {
            let mut error = ApiError::new(code, message).with_status(status);
            if let Some(path) = text("path") {
                error = error.with_path(path);
            }
            return Err(error);
        }
    }
    if (200..300).contains(&status) {
        if let Some(value) = payload.as_ref().and_then(|p| p.get("value")) {
            // Writing a parsed value cannot fail: its keys are strings.
            return Ok(serde_json::to_vec(value).unwrap_or_default());
        }
    }
    let text = String::from_utf8_lossy(body);
    let shown: String = text.chars().take(QUOTED).collect();
    let ellipsis = if shown.len() < text.len() { "…" } else { "" };
    Err(ApiError::internal(format!(
        "{url}: unexpected response (HTTP {status}): {shown}{ellipsis}"
    ))
    .with_status(status))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_value_is_returned_as_its_wire_json() {
        let value = read(
            "u",
            200,
            br#"{"value": {"$int64": "-9223372036854775808"}}"#,
        )
        .unwrap();
        assert_eq!(value, br#"{"$int64":"-9223372036854775808"}"#);
        assert_eq!(read("u", 200, br#"{"value": null}"#).unwrap(), b"null");
    }

    #[test]
    fn an_error_keeps_code_message_path_and_status() {
        let body = br#"{"error": {"code": "invalid_args", "message": "bad", "path": "a.b"}}"#;
        let error = read("u", 400, body).unwrap_err();
        assert_eq!(
            (error.code(), error.message(), error.path(), error.status()),
            ("invalid_args", "bad", Some("a.b"), 400)
        );
    }

    #[test]
    fn anything_else_is_an_internal_error_quoting_the_body() {
        let error = read("http://x/api/a/b", 502, b"<html>Bad Gateway</html>").unwrap_err();
        assert_eq!((error.code(), error.status()), ("internal", 502));
        assert_eq!(
            error.message(),
            "http://x/api/a/b: unexpected response (HTTP 502): <html>Bad Gateway</html>"
        );
        // A 200 without a value is not a result either.
        assert_eq!(read("u", 200, b"{}").unwrap_err().code(), "internal");
        let long = "x".repeat(1_000);
        let error = read("u", 500, long.as_bytes()).unwrap_err();
        assert!(error
            .message()
            .ends_with(&format!("{}…", "x".repeat(QUOTED))));
    }
}
