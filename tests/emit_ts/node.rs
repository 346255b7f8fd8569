//! Running Node.js tools from tests: where they are, how to run them, and
//! where their scratch files go.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub fn repo_root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// Cargo's target directory, where tsc's inputs and outputs are written.
pub fn target_dir() -> PathBuf {
    match std::env::var_os("CARGO_TARGET_DIR") {
        Some(dir) => repo_root().join(dir),
        None => repo_root().join("target"),
    }
}

/// A TypeScript compiler from node_modules.
pub enum Tsc {
    /// The pinned current version (package.json's `typescript`).
    Current,
    /// The oldest version the generated client supports (`NoInfer`).
    Oldest,
}

impl Tsc {
    /// A command running this tsc, or a panic saying to run `npm ci`.
    pub fn command(&self) -> Command {
        let (script, package) = match self {
            Tsc::Current => ("node_modules/typescript/bin/tsc", "typescript"),
            Tsc::Oldest => ("node_modules/typescript-5.4/bin/tsc", "typescript-5.4"),
        };
        let script = repo_root().join(script);
        assert!(
            script.is_file(),
            "{} is missing (npm package `{package}`): run `npm ci` in {} first",
            script.display(),
            repo_root().display(),
        );
        let mut command = node();
        command.arg(script);
        command
    }
}

pub fn node() -> Command {
    let mut command = Command::new("node");
    command.current_dir(repo_root());
    command
}

/// Runs `command`, returning its output, or panics with everything it said.
pub fn run(mut command: Command, what: &str) -> Output {
    let output = command.output().unwrap_or_else(|e| {
        panic!("cannot run {what} ({command:?}): {e}; is Node.js 20+ on PATH?")
    });
    assert_success(&output, what);
    output
}

pub fn assert_success(output: &Output, what: &str) {
    assert!(
        output.status.success(),
        "{what} failed ({}):\n{}{}",
        output.status,
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr),
    );
}

/// Writes `contents` to `path` unless it already holds them (keeping tsc's
/// caches warm), through a rename so that a concurrent test run never reads
/// a half-written file.
pub fn write_file(path: &Path, contents: &str) {
    if std::fs::read_to_string(path).is_ok_and(|old| old == contents) {
        return;
    }
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    let temporary = path.with_extension(format!("tmp{}", std::process::id()));
    std::fs::write(&temporary, contents).unwrap();
    std::fs::rename(&temporary, path).unwrap();
}
