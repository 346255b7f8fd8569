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
