//! The JSON Schema that `schemabridge json-schema` prints (and that
//! `schemabridge.schema.json` is a copy of) through a real validator: Ajv,
//! from the repository's npm dev dependencies, in strict mode. It must
//! compile as draft-07, accept every valid schema, and reject a schema
//! with unknown keys, as a YAML editor would show it.
//!
//! Needs Node.js 20+ on PATH and `npm ci` run in the repository root.

use std::path::{Path, PathBuf};
use std::process::Command;

mod support;
use support::{repo_root, valid_schemas};

/// Runs tests/json-schema/validate.mjs: one `valid FILE` or
/// `invalid FILE: …` line per file.
fn validate(files: &[PathBuf]) -> Vec<String> {
    assert!(
        repo_root().join("node_modules/ajv").is_dir(),
        "node_modules/ajv is missing: run `npm ci` in {} first",
        repo_root().display()
    );
    let output = Command::new("node")
        .current_dir(repo_root())
        .arg("tests/json-schema/validate.mjs")
        .arg("schemabridge.schema.json")
        .args(files)
        .output()
        .unwrap_or_else(|e| panic!("cannot run node: {e}; is Node.js 20+ on PATH?"));
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    assert!(
        output.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&output.stderr)
    );
    stdout.lines().map(str::to_owned).collect()
}

fn valid_line(path: &Path) -> String {
    format!("valid {}", path.display())
}

#[test]
fn every_valid_schema_and_the_starter_are_valid() {
    let mut files = valid_schemas();
    files.push(repo_root().join("src/cli/starter.yaml"));
    let expected: Vec<String> = files.iter().map(|f| valid_line(f)).collect();
    assert_eq!(validate(&files), expected);
}

#[test]
fn unknown_keys_are_rejected() {
    let file = repo_root().join("fixtures/invalid/unknown_key.yaml");
    let lines = validate(std::slice::from_ref(&file));
    let [line] = &lines[..] else {
        panic!("one line expected: {lines:?}")
    };
    let prefix = format!("invalid {}: ", file.display());
    assert!(line.starts_with(&prefix), "{line}");
    // `tabels:` at the top and `feilds:` in a table are both reported.
    assert!(
        line.contains("/ must NOT have additional properties"),
        "{line}"
    );
    assert!(line.contains("/tables/users must"), "{line}");
}

#[test]
fn auth_values_other_than_required_and_optional_are_rejected() {
    let file = repo_root().join("fixtures/invalid/invalid_auth.yaml");
    let lines = validate(std::slice::from_ref(&file));
    let [line] = &lines[..] else {
        panic!("one line expected: {lines:?}")
    };
    assert!(
        line.starts_with(&format!("invalid {}: ", file.display())),
        "{line}"
    );
    assert!(
        line.contains("/functions/users/me/auth must be equal to one of the allowed values"),
        "{line}"
    );
}
