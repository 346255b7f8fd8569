//! trybuild: a crate that uses `include_schema!` with the example schema
//! compiles under `#![deny(warnings)]` and runs, and schemas with errors
//! fail to compile with the rendered diagnostic pointed at the path
//! literal (each `tests/ui/fail/*.stderr` shows what a user sees).

use std::path::{Path, PathBuf};

/// trybuild builds the cases as a crate in
/// `<target>/tests/trybuild/schemabridge-macros`, which is the
/// `CARGO_MANIFEST_DIR` their paths are relative to; the schemas are
/// copied there so that the cases read as a user's crate would.
fn trybuild_crate_dir() -> PathBuf {
    Path::new(env!("CARGO_TARGET_TMPDIR"))
        .parent()
        .expect("CARGO_TARGET_TMPDIR is inside the target dir")
        .join("tests/trybuild")
        .join(env!("CARGO_PKG_NAME"))
}

fn copy_schemas() {
    let manifest_dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    let schemas = trybuild_crate_dir().join("schemas");
    std::fs::create_dir_all(&schemas).unwrap();
    let mut sources = vec![(
        manifest_dir.join("../schema.example.yaml"),
        "example.yaml".to_owned(),
    )];
    for entry in std::fs::read_dir(manifest_dir.join("tests/ui/schemas")).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        sources.push((path, name));
    }
    for (from, name) in sources {
        let text = std::fs::read(&from).unwrap_or_else(|e| panic!("{}: {e}", from.display()));
        let to = schemas.join(name);
        // Rewriting an unchanged schema would make cargo rebuild every case.
        if std::fs::read(&to).ok().as_deref() != Some(&text[..]) {
            std::fs::write(&to, text).unwrap();
        }
    }
}

#[test]
fn ui() {
    copy_schemas();
    let cases = trybuild::TestCases::new();
    cases.pass("tests/ui/pass/*.rs");
    cases.compile_fail("tests/ui/fail/*.rs");
}
