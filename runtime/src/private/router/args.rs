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
    let args = serde_path_to_error::deserialize(&mut deserializer)
        .map_err(|error| invalid(error, body))?;
    deserializer.end().map_err(malformed)?;
    Ok(args)
}

/// Turns a failed parse of `body` into an `invalid_args` error.
fn invalid(error: serde_path_to_error::Error<serde_json::Error>, body: &[u8]) -> ApiError {
    let mut path = JsonPath::from_serde(error.path());
    let error = error.into_inner();
    let message = if !(error.is_syntax() || error.is_eof()) {
        without_position(&error)
    } else if is_json(body) {
        // Well-formed JSON that serde_json still reports as a syntax error:
        // a number out of range (`1e400`), or a string enum given anything
        // but a string (`null`, a number), which it calls "expected value".
        // Both are bad values, with a path like any other.
        match without_position(&error) {
            message if message == "expected value" => {
                "invalid type: expected a string, one of the enum's values".to_owned()
            }
            message => message,
        }
    } else {
        return malformed(error);
    };
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

/// Whether `body` is one well-formed JSON value.
fn is_json(body: &[u8]) -> bool {
    serde_json::from_slice::<serde::de::IgnoredAny>(body).is_ok()
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

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, serde::Deserialize)]
    struct Number {
        x: f64,
    }

    #[derive(Debug, serde::Deserialize)]
    #[allow(dead_code)]
    enum Mood {
        #[serde(rename = "calm")]
        Calm,
    }

    #[derive(Debug, serde::Deserialize)]
    #[allow(dead_code)]
    struct Moods {
        moods: Vec<Mood>,
    }

    #[test]
    fn a_string_enum_given_no_string_is_a_wrong_type_with_a_path() {
        for value in ["null", "5", "[]", "true"] {
            let body = format!(r#"{{"moods": ["calm", {value}]}}"#);
            let error = parse::<Moods>(body.as_bytes()).unwrap_err();
            assert_eq!(error.code(), "invalid_args");
            assert_eq!(error.path(), Some("moods[1]"), "{value}: {error}");
            assert!(error.message().starts_with("invalid type"), "{error}");
        }
        let error = parse::<Number>(br#"{"x": -1e400}"#).unwrap_err();
        assert_eq!(error.path(), Some("x"), "{error}");
        assert_eq!(error.message(), "number out of range", "{error}");
        // Broken JSON right there is still malformed JSON, without a path.
        let error = parse::<Moods>(br#"{"moods": ["calm", nul]}"#).unwrap_err();
        assert_eq!(error.path(), None, "{error}");
        assert!(error.message().starts_with("malformed JSON"), "{error}");
    }

    #[test]
    fn float_arguments_are_read_exactly() {
        // Shortest round-trip texts (as JavaScript writes them) that
        // serde_json's default, faster float parser reads one ULP off.
        for (text, bits) in [
            ("2.526793378996835e+161", 0x6171_f8ff_5fa5_7986_u64),
            ("-8.331300596322649e-252", 0x8bce_8a6c_2450_17ff),
            ("27975629891.133522", 0x421a_0de8_f10c_88ba),
        ] {
            let body = format!(r#"{{"x": {text}}}"#);
            let parsed: Number = parse(body.as_bytes()).unwrap();
            assert_eq!(parsed.x.to_bits(), bits, "{text}");
        }
    }
}
