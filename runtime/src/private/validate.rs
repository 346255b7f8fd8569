//! `validate::<User>`: the check of a stored document that the generated
//! `TableSchema::validate` points at.

use crate::schema::Invalid;
use serde::de::DeserializeOwned;

/// Whether a stored body (wire JSON) reads as the row type `T`; if not,
/// where and why.
pub fn validate<T: DeserializeOwned>(body: &serde_json::Value) -> Result<(), Invalid> {
    serde_path_to_error::deserialize::<_, T>(body)
        .map(drop)
        .map_err(|error| Invalid {
            path: error.path().to_string().trim_start_matches('.').to_owned(),
            reason: error.inner().to_string(),
        })
}
