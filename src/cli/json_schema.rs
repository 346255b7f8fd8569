//! `schemabridge json-schema`: the JSON Schema of the schema file format,
//! for YAML editors (`# yaml-language-server: $schema=…`).

use super::{exit, Io};

/// The JSON Schema, kept as a real JSON file so editors and tests can read it.
pub const JSON_SCHEMA: &str = include_str!("schema-format.json");

#[derive(Debug, clap::Args)]
pub struct Args {}

pub fn run(_args: Args, io: &mut Io<'_>) -> u8 {
    match io.stdout.write_all(JSON_SCHEMA.as_bytes()) {
        Ok(()) => exit::OK,
        Err(error) => super::fail_usage(io, error),
    }
}

#[cfg(test)]
mod tests {
    use super::JSON_SCHEMA;
    use crate::syntax::parse::{FUNCTION_KEYS, SETTINGS, TABLE_KEYS, TOP_KEYS};
    use serde_json::Value;

    fn keys(value: &Value) -> Vec<String> {
        let mut keys: Vec<String> = value
            .as_object()
            .expect("an object")
            .keys()
            .cloned()
            .collect();
        keys.sort();
        keys
    }

    fn sorted(items: &[&str]) -> Vec<String> {
        let mut items: Vec<String> = items.iter().map(|s| s.to_string()).collect();
        items.sort();
        items
    }

    /// The JSON Schema must allow exactly the keys the parser accepts, so
    /// editors and `check` never disagree about what may be written.
    #[test]
    fn allows_exactly_the_keys_the_parser_accepts() {
        let schema: Value = serde_json::from_str(JSON_SCHEMA).expect("valid JSON");
        let defs = &schema["definitions"];
        assert_eq!(keys(&schema["properties"]), sorted(TOP_KEYS));
        assert_eq!(keys(&defs["table"]["properties"]), sorted(TABLE_KEYS));
        assert_eq!(keys(&defs["function"]["properties"]), sorted(FUNCTION_KEYS));
        assert_eq!(keys(&defs["object"]["properties"]), sorted(SETTINGS));
    }

    /// The copy at the repository root, which the example schema's
    /// `yaml-language-server` line points at, is the one the command prints.
    #[test]
    fn committed_copy_is_current() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/schemabridge.schema.json");
        let committed =
            std::fs::read_to_string(path).expect("schemabridge.schema.json at the root");
        assert_eq!(
            committed, JSON_SCHEMA,
            "run `schemabridge json-schema > schemabridge.schema.json`"
        );
    }
}
