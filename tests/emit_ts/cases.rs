//! The schemas every TypeScript test runs on: hand-built ones, whose
//! output is snapshotted, and the checker's reading of schema.example.yaml
//! and fixtures/valid/*.yaml. Adding a hand-built case is adding a function
//! and a line in [`all`].

use schemabridge::ir::Schema;

use super::builder::Builder;
use super::{edge_cases, example_case};

pub struct Case {
    pub name: String,
    pub schema: Schema,
}

pub fn all() -> Vec<Case> {
    let cases = [
        ("example", example_case::example()),
        ("all_types", edge_cases::all_types()),
        ("hostile", edge_cases::hostile()),
        ("kinds", edge_cases::kinds()),
        ("empty", Builder::new().build()),
    ];
    cases
        .into_iter()
        .map(|(name, schema)| Case {
            name: name.to_owned(),
            schema,
        })
        .collect()
}

pub fn by_name(name: &str) -> Schema {
    all()
        .into_iter()
        .find(|case| case.name == name)
        .unwrap_or_else(|| panic!("no case {name}"))
        .schema
}

/// schema.example.yaml and every fixtures/valid/*.yaml, through the
/// checker: the whole pipeline from YAML to TypeScript.
pub fn checked() -> Vec<Case> {
    let root = crate::support::repo_root();
    let mut paths = crate::support::valid_schemas();
    // The example first: it is the case a failure is most likely to show.
    paths.rotate_right(1);
    paths
        .iter()
        .map(|path| {
            let name = path
                .strip_prefix(root)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/");
            let text = std::fs::read_to_string(path).unwrap();
            let schema = schemabridge::load_str(&name, &text)
                .unwrap_or_else(|error| panic!("{name} does not check:\n{error}"));
            Case {
                name: format!("checked-{}", path.file_stem().unwrap().to_string_lossy()),
                schema,
            }
        })
        .collect()
}
