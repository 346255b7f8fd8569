//! `validate::<User>`: the check of a stored document that the generated
//! `TableSchema::validate` points at.

use crate::schema::Invalid;
use serde::de::DeserializeOwned;

/// Whether a stored body (wire JSON) reads as the row type `T`; if not,
/// where and why.
pub fn validate<T: DeserializeOwned>(body: &serde_json::Value) -> Result<(), Invalid> {
    serde_path_to_error::deserialize::<_, T>(body)
        .map(drop)
        .map_err(|error| {
            let mut path = error.path().to_string();
            if path == "." {
                path.clear();
            }
            let reason = error.inner().to_string();
            // serde reports a missing field at the object that lacks it;
            // name the field itself.
            if let Some(field) = reason
                .strip_prefix("missing field `")
                .and_then(|rest| rest.strip_suffix('`'))
            {
                if !path.is_empty() {
                    path.push('.');
                }
                path.push_str(field);
            }
            Invalid { path, reason }
        })
}

#[cfg(test)]
mod tests {
    use super::validate;
    use serde::Deserialize;
    use serde_json::json;

    #[derive(Deserialize)]
    #[allow(dead_code)] // read by serde only
    struct Preferences {
        level: String,
    }

    #[derive(Deserialize)]
    #[allow(dead_code)] // read by serde only
    struct User {
        level: Option<String>,
        preferences: Option<Preferences>,
        friends: Vec<Preferences>,
    }

    #[derive(Deserialize)]
    #[allow(dead_code)] // read by serde only
    struct Top {
        level: String,
    }

    fn path(body: serde_json::Value) -> (String, String) {
        let invalid = validate::<User>(&body).unwrap_err();
        (invalid.path, invalid.reason)
    }

    #[test]
    fn a_missing_field_is_named_by_its_path() {
        let invalid = validate::<Top>(&json!({})).unwrap_err();
        assert_eq!(invalid.path, "level");
        assert_eq!(invalid.reason, "missing field `level`");
        assert_eq!(
            path(json!({ "preferences": {}, "friends": [] })),
            ("preferences.level".into(), "missing field `level`".into())
        );
        assert_eq!(
            path(json!({ "friends": [{ "level": "a" }, {}] })),
            ("friends[1].level".into(), "missing field `level`".into())
        );
    }

    #[test]
    fn a_wrong_value_is_named_by_its_path() {
        assert_eq!(path(json!({ "level": 3, "friends": [] })).0, "level");
    }
}
