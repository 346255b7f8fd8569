//! The generated React and Solid bindings with the real TypeScript client
//! against the real example app, under Node with jsdom (SPEC §7): two
//! clients follow one user's karma; a mutation called through the hooks
//! resolves after its own update is shown, and the other client follows.
//! The bindings of schema.example.yaml are generated with `--react` and
//! `--solid` into a scratch folder next to copies of tests/bindings/*.ts
//! (and the repository's tests/ts/bindings/dom.ts), compiled by tsc under
//! the repository's strict tsconfig, and run with `node --test`.
//!
//! Needs Node.js 20+ on PATH and `npm ci` in the repository root.

mod support;

use std::path::{Path, PathBuf};
use std::process::Command;

use support::typescript::{scratch, Compile};
use support::Server;

/// Generates the bindings (with React and Solid) into `dir/ts`, copies the
/// tests next to them and compiles everything into `dir/js`.
fn compile(dir: &Path) -> PathBuf {
    Compile {
        files: vec![
            "examples/app/tests/bindings/react.test.ts".into(),
            "examples/app/tests/bindings/solid.test.ts".into(),
        ],
        helpers: vec!["tests/ts/bindings/dom.ts".into()],
        frameworks: true,
        dom: true,
        packages: &["@testing-library/react", "@solidjs/testing-library", "ws"],
    }
    .run(dir)
}

/// Runs the compiled `file` with `node FLAGS --test` against a fresh app.
fn run(name: &str, file: &str, flags: &[&str]) {
    let dir = scratch("bindings", name);
    let out = compile(&dir);
    let db = support::temp_dir();
    let server = Server::app(db.path().join("app.db").to_str().unwrap());
    let run = Command::new("node")
        .args(flags)
        .arg("--test")
        .arg(out.join(file))
        .env("SCHEMABRIDGE_URL", format!("http://{}", server.address()))
        .output()
        .expect("node runs the tests");
    let printed = format!(
        "{}{}",
        String::from_utf8_lossy(&run.stdout),
        String::from_utf8_lossy(&run.stderr)
    );
    assert!(
        run.status.success() && printed.contains("# fail 0"),
        "node --test {file} failed:\n{printed}\nthe server printed:\n{}",
        server.output()
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn react_hooks_follow_the_app_live() {
    run("react", "react.test.js", &[]);
}

#[test]
fn solid_primitives_follow_the_app_live() {
    // Node's default condition picks solid-js's server build, which has no
    // reactivity. The browser condition also turns `ws` into a stub, so
    // the client takes Node's own WebSocket (behind a flag on Node 20).
    run(
        "solid",
        "solid.test.js",
        &["--conditions=browser", "--experimental-websocket"],
    );
}
