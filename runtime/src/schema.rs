//! The schema as the store sees it: tables, their indexes and a check for
//! stored documents. Generated code emits one `pub static SCHEMA: Schema`.

use std::fmt;

/// The storage view of a schema.
#[derive(Debug)]
pub struct Schema {
    /// The schema fingerprint (the same as the router's).
    pub fingerprint: &'static str,
    /// Every table of the schema.
    pub tables: &'static [TableSchema],
}

/// One table: its name, the shape of its documents and its indexes.
#[derive(Debug)]
pub struct TableSchema {
    /// The wire table name, e.g. `"users"`.
    pub name: &'static str,
    /// A hash of the meaning of the table's document type (fields and their
    /// types, not docs). When it differs from the stored one, every stored
    /// document is checked again at start-up.
    pub shape: &'static str,
    /// The table's indexes.
    pub indexes: &'static [IndexSchema],
    /// Checks a stored document body (wire JSON, without `_id` and
    /// `_creationTime`). Generated as
    /// `::schemabridge_runtime::__private::validate::<User>`.
    pub validate: fn(&serde_json::Value) -> Result<(), Invalid>,
}

/// One index: a name and the wire paths (dotted) of its fields.
#[derive(Debug)]
pub struct IndexSchema {
    /// The index name, e.g. `"by_email"`.
    pub name: &'static str,
    /// The indexed fields, as dotted wire paths (`"preferences.timezone"`).
    pub fields: &'static [&'static str],
}

/// Why a stored document does not match its table's type.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Invalid {
    /// The JSON path of the offending value (empty for the whole document).
    pub path: String,
    /// What is wrong there.
    pub reason: String,
}

impl fmt::Display for Invalid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.path.is_empty() {
            f.write_str(&self.reason)
        } else {
            write!(f, "at `{}`: {}", self.path, self.reason)
        }
    }
}
