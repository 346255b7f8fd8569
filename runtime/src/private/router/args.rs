//! The request body → the generated `…Args` struct, or an `invalid_args`
//! error that says what is wrong and where.

use super::json_path::JsonPath;
use crate::ApiError;
use serde::de::DeserializeOwned;

/// Parses the arguments object.
pub(super) fn parse<A: DeserializeOwned>(body: &[u8]) -> Result<A, ApiError> {
    // No body is no arguments, so a function without arguments can be called
    // with an empty POST.
    let body: &[u8] = if body.iter().all(u8::is_ascii_whitespace) {
        b"{}"
    } else {
        body
    };
    // A derived struct would also read a JSON array, field by field in
    // order; the wire format only knows arguments objects.
    if body.iter().find(|b| !b.is_ascii_whitespace()) != Some(&b'{') {
        return Err(ApiError::new(
            "invalid_args",
            "the arguments must be a JSON object",
        ));
    }
    let mut deserializer = serde_json::Deserializer::from_slice(body);
    let args = serde_path_to_error::deserialize(&mut deserializer).map_err(invalid)?;
    deserializer.end().map_err(malformed)?;
    Ok(args)
}

/// Turns a failed parse into an `invalid_args` error.
fn invalid(error: serde_path_to_error::Error<serde_json::Error>) -> ApiError {
    let mut path = JsonPath::from_serde(error.path());
    let error = error.into_inner();
    if error.is_syntax() || error.is_eof() {
        return malformed(error);
    }
    let message = without_position(&error);
    // serde reports a missing field at the object that lacks it; point at
    // the field itself, where a form shows the problem.
    if let Some(field) = missing_field(&message) {
        path.push_key(field);
    }
    let error = ApiError::new("invalid_args", message);
    if path.is_root() {
        error
    } else {
        error.with_path(path.render())
    }
}

/// Invalid JSON text has no path: the line and column say where it broke.
fn malformed(error: serde_json::Error) -> ApiError {
    ApiError::new("invalid_args", format!("malformed JSON: {error}"))
}

/// The message without serde_json's " at line 1 column 42": the path says
/// where, in terms of the client's own data.
fn without_position(error: &serde_json::Error) -> String {
    let message = error.to_string();
    let position = format!(" at line {} column {}", error.line(), error.column());
    match message.strip_suffix(&position) {
        Some(message) => message.to_owned(),
        None => message,
    }
}

/// The field name of serde's "missing field `name`" message.
fn missing_field(message: &str) -> Option<&str> {
    message.strip_prefix("missing field `")?.strip_suffix('`')
}
