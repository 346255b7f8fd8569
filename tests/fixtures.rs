//! Every fixture under `fixtures/`: valid ones snapshot the resolved
//! model, invalid and warning ones their rendered and JSON diagnostics.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use schemabridge::diagnostics::render::{self, Style};
use schemabridge::diagnostics::{Code, Severity};

fn fixtures(dir: &str) -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures")
        .join(dir);
    let mut paths: Vec<PathBuf> = std::fs::read_dir(&root)
        .unwrap_or_else(|e| panic!("{}: {e}", root.display()))
        .map(|entry| entry.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        .collect();
    paths.sort();
    assert!(!paths.is_empty(), "no fixtures in {}", root.display());
    paths
}

fn check(path: &Path) -> schemabridge::Checked {
    let name = format!(
        "fixtures/{}/{}",
        path.parent()
            .unwrap()
            .file_name()
            .unwrap()
            .to_string_lossy(),
        path.file_name().unwrap().to_string_lossy()
    );
    schemabridge::check_bytes(&name, &std::fs::read(path).unwrap())
}

fn stem(path: &Path) -> String {
    path.file_stem().unwrap().to_string_lossy().into_owned()
}

fn settings() -> insta::Settings {
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path(Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/snapshots"));
    settings.set_prepend_module_to_snapshot(false);
    settings
}

fn diagnostics_snapshot(checked: &schemabridge::Checked) -> String {
    let human = render::human(&checked.diagnostics, &checked.file, Style::PLAIN);
    let json = render::json(&checked.diagnostics, &checked.file);
    format!("{human}\n--- json ---\n{json}")
}

#[test]
fn valid_fixtures_resolve_and_match_their_model() {
    let mut paths = fixtures("valid");
    paths.push(Path::new(env!("CARGO_MANIFEST_DIR")).join("schema.example.yaml"));
    for path in paths {
        let checked = check(&path);
        assert!(
            checked.diagnostics.is_empty(),
            "{}:\n{}",
            path.display(),
            render::human(&checked.diagnostics, &checked.file, Style::PLAIN)
        );
        let schema = checked.schema.expect("a model");
        settings().bind(|| {
            insta::assert_snapshot!(
                format!("valid__{}", stem(&path)),
                schemabridge::dump::dump(&schema)
            )
        });
    }
}

#[test]
fn invalid_fixtures_fail_with_their_diagnostics() {
    for path in fixtures("invalid") {
        let checked = check(&path);
        assert!(checked.has_errors(), "{} has no errors", path.display());
        assert!(checked.schema.is_none());
        settings().bind(|| {
            insta::assert_snapshot!(
                format!("invalid__{}", stem(&path)),
                diagnostics_snapshot(&checked)
            )
        });
    }
}

#[test]
fn warning_fixtures_pass_with_their_warnings() {
    for path in fixtures("warning") {
        let checked = check(&path);
        assert!(!checked.has_errors(), "{} has errors", path.display());
        assert!(checked.has_warnings(), "{} has no warnings", path.display());
        settings().bind(|| {
            insta::assert_snapshot!(
                format!("warning__{}", stem(&path)),
                diagnostics_snapshot(&checked)
            )
        });
    }
}

/// Each code must be produced by at least one fixture, and each fixture
/// named after a code must produce it, so no check goes untested.
#[test]
fn every_code_has_a_fixture() {
    let mut produced = BTreeSet::new();
    for path in fixtures("invalid").into_iter().chain(fixtures("warning")) {
        let checked = check(&path);
        let codes: BTreeSet<Code> = checked.diagnostics.iter().map(|d| d.code).collect();
        if let Some(code) = Code::ALL.iter().find(|c| stem(&path) == c.short_name()) {
            assert!(
                codes.contains(code),
                "{} does not produce {}",
                path.display(),
                code.as_str()
            );
        }
        produced.extend(codes);
    }
    let missing: Vec<&str> = Code::ALL
        .iter()
        .filter(|c| !produced.contains(c))
        .map(|c| c.as_str())
        .collect();
    assert!(missing.is_empty(), "codes without a fixture: {missing:?}");
}

/// Diagnostics come in file order, and JSON positions count from 1.
#[test]
fn diagnostics_are_in_file_order() {
    let checked =
        check(&Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/invalid/many_errors.yaml"));
    let starts: Vec<usize> = checked.diagnostics.iter().map(|d| d.span.start).collect();
    let mut sorted = starts.clone();
    sorted.sort();
    assert_eq!(starts, sorted);
    assert!(checked.diagnostics.len() >= 5, "{:?}", checked.diagnostics);
    assert!(checked
        .diagnostics
        .iter()
        .all(|d| d.severity == Severity::Error));
}
