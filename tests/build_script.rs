//! `examples/todo-app` generates its server code from build.rs with
//! `schemabridge::Builder`. Built here as a standalone copy: an edit to its
//! schema reaches the generated file on the next `cargo build` (cargo sees
//! `rerun-if-changed`), and a schema error fails the build with the
//! rendered diagnostics.

use std::path::{Path, PathBuf};

mod support;
use support::{cargo_offline_first, copy_workspace_lock, repo_root as root};

/// A copy of the example with absolute path dependencies and its own
/// workspace, so this build cannot touch the repository's.
fn copy_example(dir: &Path) {
    let _ = std::fs::remove_dir_all(dir);
    std::fs::create_dir_all(dir.join("src")).unwrap();
    let example = root().join("examples/todo-app");
    for file in ["build.rs", "schema.yaml", "src/main.rs"] {
        std::fs::copy(example.join(file), dir.join(file)).unwrap();
    }
    let manifest = std::fs::read_to_string(example.join("Cargo.toml"))
        .unwrap()
        .replace("edition.workspace = true", "edition = \"2021\"")
        .replace("license.workspace = true\n", "")
        .replace(
            "../../runtime",
            &root().join("runtime").display().to_string(),
        )
        .replace(
            "path = \"../..\"",
            &format!("path = {:?}", root().display().to_string()),
        );
    std::fs::write(dir.join("Cargo.toml"), format!("{manifest}\n[workspace]\n")).unwrap();
    copy_workspace_lock(dir);
}

/// Builds the copy; returns whether it succeeded, stderr, and the build
/// script's OUT_DIR.
fn build(dir: &Path) -> (bool, String, Option<PathBuf>) {
    let result = cargo_offline_first(
        dir,
        &["build", "--message-format=json-render-diagnostics"],
        &root().join("target/build-script-target"),
    );
    let stderr = String::from_utf8_lossy(&result.stderr).into_owned();
    let out_dir = String::from_utf8_lossy(&result.stdout)
        .lines()
        .rev()
        .filter_map(|line| serde_json::from_str::<serde_json::Value>(line).ok())
        .filter(|m| {
            m["reason"] == "build-script-executed"
                && m["package_id"]
                    .as_str()
                    .is_some_and(|id| id.contains("todo-app"))
        })
        .find_map(|m| m["out_dir"].as_str().map(PathBuf::from));
    (result.status.success(), stderr, out_dir)
}

#[test]
fn schema_edits_regenerate_and_errors_fail_the_build() {
    let dir = root().join("target/build-script/todo-app");
    copy_example(&dir);

    let (ok, stderr, out_dir) = build(&dir);
    assert!(ok, "the example does not build:\n{stderr}");
    let out_dir = out_dir.expect("the build script ran");
    let generated = std::fs::read_to_string(out_dir.join("schema.rs")).unwrap();
    assert!(generated.contains("/// Something to do."), "{generated}");
    assert!(out_dir.join("ts/schema.ts").exists());
    let script_output = std::fs::read_to_string(out_dir.parent().unwrap().join("output")).unwrap();
    assert!(
        script_output.contains("cargo:rerun-if-changed=schema.yaml"),
        "{script_output}"
    );

    // An edit to the schema alone is picked up by the next build.
    let schema = std::fs::read_to_string(dir.join("schema.yaml")).unwrap();
    std::fs::write(
        dir.join("schema.yaml"),
        schema.replace("doc: Something to do.", "doc: Something to get done."),
    )
    .unwrap();
    let (ok, stderr, out_dir) = build(&dir);
    assert!(ok, "{stderr}");
    let generated = std::fs::read_to_string(
        out_dir
            .expect("the build script ran again")
            .join("schema.rs"),
    )
    .unwrap();
    assert!(
        generated.contains("/// Something to get done."),
        "the edit did not reach the generated code"
    );

    // A schema error fails the build with the diagnostic and its excerpt.
    std::fs::write(
        dir.join("schema.yaml"),
        schema.replace("title: string", "title: strng"),
    )
    .unwrap();
    let (ok, stderr, _) = build(&dir);
    assert!(!ok, "a broken schema built");
    for expected in [
        "unknown type `strng`",
        "title: strng",
        "did you mean `string`?",
    ] {
        assert!(stderr.contains(expected), "{expected:?} not in:\n{stderr}");
    }
}
