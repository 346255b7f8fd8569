//! A second build of a server from a changed copy of `schema.example.yaml`,
//! for the start-up evolution tests: `tests/evolution-probe/` (a store
//! opened through `Store::open`, which is where the check happens, and one
//! query on a new index) built as a standalone crate with
//! `schemabridge::Builder`. Only the probe itself compiles after the first
//! time.

use std::path::{Path, PathBuf};
use std::process::Command;

/// How the probe's schema differs from `schema.example.yaml`. Both add the
/// index `by_email: [email]` to `users` (the probe's query needs it).
#[derive(Clone, Copy, Debug)]
pub enum Change {
    /// `level: int64` on users: every stored user becomes invalid.
    RequiredField,
    /// `nickname?: string` on users: stored users stay valid.
    OptionalField,
}

impl Change {
    fn name(self) -> &'static str {
        match self {
            Change::RequiredField => "required-field",
            Change::OptionalField => "optional-field",
        }
    }

    fn field(self) -> &'static str {
        match self {
            Change::RequiredField => "      level: int64\n",
            Change::OptionalField => "      nickname?: string\n",
        }
    }
}

/// The repository (the example app is at `examples/app`).
pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .expect("the repository root")
}

/// `schema.example.yaml` with `change`, and with its functions replaced by
/// the probe's one query.
pub fn changed_schema(change: Change) -> String {
    let example = std::fs::read_to_string(repo_root().join("schema.example.yaml"))
        .expect("schema.example.yaml");
    let (tables, _functions) = example
        .split_once("\nfunctions:\n")
        .expect("schema.example.yaml has functions");
    let replace_once = |text: &str, anchor: &str, with: &str| {
        assert_eq!(
            text.matches(anchor).count(),
            1,
            "schema.example.yaml changed: no single {anchor:?}"
        );
        text.replacen(anchor, with, 1)
    };
    let karma = "      karma: int64\n";
    let tables = replace_once(tables, karma, &format!("{karma}{}", change.field()));
    let index = "      by_clerk_id: [clerkId]\n";
    let tables = replace_once(&tables, index, &format!("{index}      by_email: [email]\n"));
    format!(
        "{tables}\nfunctions:\n  probe:\n    byEmail:\n      kind: query\n      args:\n        email: string\n      returns: doc<users> | null\n"
    )
}

/// Builds the probe for `change` (debug profile) and returns its binary.
pub fn build(change: Change) -> PathBuf {
    let root = repo_root();
    let name = format!("evolution-probe-{}", change.name());
    let target = root.join("target/evolution-probe-target");
    let krate = root.join("target/evolution-probe").join(&name);
    let sources = root.join("examples/app/tests/evolution-probe");
    let manifest = format!(
        r#"[package]
name = "{name}"
version = "0.0.0"
edition = "2021"
publish = false

[[bin]]
name = "{name}"
path = "probe.rs"

[dependencies]
schemabridge-runtime = {{ path = {runtime:?} }}
serde = {{ version = "1", features = ["derive"] }}
serde_json = "1"
tokio = {{ version = "1", features = ["rt-multi-thread", "macros", "net"] }}

[build-dependencies]
schemabridge = {{ path = {root:?} }}

[workspace]
"#,
        runtime = root.join("runtime").display().to_string(),
        root = root.display().to_string(),
    );
    write_if_changed(&krate.join("Cargo.toml"), &manifest);
    write_if_changed(&krate.join("schema.yaml"), &changed_schema(change));
    for file in ["build.rs", "probe.rs"] {
        let text = std::fs::read_to_string(sources.join(file)).expect("a probe source");
        write_if_changed(&krate.join(file), &text);
    }
    // The workspace's lock pins every dependency to a version already downloaded.
    let lock =
        std::fs::read_to_string(root.join("Cargo.lock")).expect("the workspace's Cargo.lock");
    if !krate.join("Cargo.lock").exists() {
        write_if_changed(&krate.join("Cargo.lock"), &lock);
    }
    let cargo = |offline: bool| {
        let mut command = Command::new(env!("CARGO"));
        command
            .args(["build", "--quiet", "--manifest-path"])
            .arg(krate.join("Cargo.toml"))
            // Its own target dir: the outer `cargo test` may hold the main one's lock.
            .env("CARGO_TARGET_DIR", &target);
        if offline {
            command.arg("--offline");
        }
        command.output().expect("cargo runs")
    };
    let mut output = cargo(true);
    if !output.status.success() && String::from_utf8_lossy(&output.stderr).contains("offline") {
        output = cargo(false);
    }
    assert!(
        output.status.success(),
        "the {name} probe does not build:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    target.join("debug").join(&name)
}

/// An unchanged file is not rewritten, so cargo does not rebuild; a changed
/// one is replaced through a rename, so a concurrent test never reads half.
fn write_if_changed(path: &Path, contents: &str) {
    if std::fs::read_to_string(path).is_ok_and(|old| old == contents) {
        return;
    }
    std::fs::create_dir_all(path.parent().expect("a file in a folder")).unwrap();
    let temporary = path.with_extension(format!("tmp{}", std::process::id()));
    std::fs::write(&temporary, contents).unwrap();
    std::fs::rename(&temporary, path).unwrap();
}
