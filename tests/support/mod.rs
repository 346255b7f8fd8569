//! What several test binaries share: the schemas every pipeline stage is
//! run on, and building the standalone crates that prove generated code
//! compiles. Each binary uses a part of it.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub fn repo_root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// The main target dir (`CARGO_TARGET_TMPDIR` is its `tmp/`).
pub fn target_dir() -> PathBuf {
    Path::new(env!("CARGO_TARGET_TMPDIR"))
        .parent()
        .expect("CARGO_TARGET_TMPDIR is inside the target dir")
        .to_owned()
}

/// Every `fixtures/valid/*.yaml` in name order, then `schema.example.yaml`.
pub fn valid_schemas() -> Vec<PathBuf> {
    let mut paths: Vec<PathBuf> = std::fs::read_dir(repo_root().join("fixtures/valid"))
        .expect("fixtures/valid exists")
        .map(|entry| entry.expect("a directory entry").path())
        .filter(|path| path.extension().is_some_and(|e| e == "yaml"))
        .collect();
    paths.sort();
    paths.push(repo_root().join("schema.example.yaml"));
    paths
}

/// Rewriting an unchanged file would only make cargo or tsc check it
/// again; a changed one is replaced through a rename, so a concurrent run
/// never reads half of it.
pub fn write_if_changed(path: &Path, contents: &str) {
    if std::fs::read_to_string(path).is_ok_and(|old| old == contents) {
        return;
    }
    std::fs::create_dir_all(path.parent().expect("a file in a folder")).unwrap();
    let temporary = path.with_extension(format!("tmp{}", std::process::id()));
    std::fs::write(&temporary, contents).unwrap();
    std::fs::rename(&temporary, path).unwrap();
}

/// Gives a standalone crate the workspace's lock, which pins its
/// dependencies to versions already downloaded. Cargo trims the copy to
/// the crate's own entries, so it is copied again only when the
/// workspace's lock changes.
pub fn copy_workspace_lock(krate: &Path) {
    let lock = std::fs::read_to_string(repo_root().join("Cargo.lock"))
        .expect("the workspace has a Cargo.lock");
    let source = krate.join("Cargo.lock.source");
    if std::fs::read_to_string(&source).ok().as_ref() != Some(&lock)
        || !krate.join("Cargo.lock").exists()
    {
        write_if_changed(&krate.join("Cargo.lock"), &lock);
        write_if_changed(&source, &lock);
    }
}

/// Runs `cargo ARGS` for the crate at `krate` with a target dir of its own
/// (the outer `cargo test` may hold the main one's lock): offline first,
/// since every dependency is normally downloaded already, and online only
/// when something is missing.
pub fn cargo_offline_first(krate: &Path, args: &[&str], target: &Path) -> Output {
    let run = |offline: bool| {
        let mut command = Command::new(env!("CARGO"));
        command
            .args(args)
            .arg("--manifest-path")
            .arg(krate.join("Cargo.toml"))
            .env("CARGO_TARGET_DIR", target);
        if offline {
            command.arg("--offline");
        }
        command.output().expect("cargo runs")
    };
    let output = run(true);
    if !output.status.success() && String::from_utf8_lossy(&output.stderr).contains("offline") {
        return run(false);
    }
    output
}
