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

use serde_json::json;
use support::Server;

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// A scratch folder inside the repository's target dir, so that Node finds
/// the repository's node_modules from it.
fn scratch(name: &str) -> PathBuf {
    let dir = repo_root()
        .join("target/example-app-bindings")
        .join(format!("{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Generates the bindings into `dir/ts`, copies the tests next to them and
/// compiles everything into `dir/js`.
fn compile(dir: &Path) -> PathBuf {
    let tsc = repo_root().join("node_modules/typescript/bin/tsc");
    assert!(
        tsc.is_file()
            && repo_root()
                .join("node_modules/@testing-library/react")
                .is_dir(),
        "{} or @testing-library/react is missing: run `npm ci` in the repository root",
        tsc.display()
    );
    let name = "schema.example.yaml";
    let text = std::fs::read_to_string(repo_root().join(name)).unwrap();
    let schema = schemabridge::load_str(name, &text).expect("the example schema loads");
    let targets = schemabridge::output::Targets {
        ts_out: Some(dir.join("ts")),
        frameworks: schemabridge::emit::ts::Frameworks {
            react: true,
            solid: true,
        },
        ..Default::default()
    };
    schemabridge::output::write(&schemabridge::output::plan(&schema, &targets)).unwrap();
    let tests = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/bindings");
    let files = ["react.test.ts", "solid.test.ts"];
    for file in files {
        std::fs::copy(tests.join(file), dir.join(file)).unwrap();
    }
    std::fs::copy(
        repo_root().join("tests/ts/bindings/dom.ts"),
        dir.join("dom.ts"),
    )
    .unwrap();
    std::fs::write(dir.join("package.json"), "{ \"type\": \"module\" }\n").unwrap();
    let config = json!({
        "extends": repo_root().join("tsconfig.json"),
        "compilerOptions": {
            "noEmit": false,
            "rootDir": ".",
            "lib": ["ES2022", "DOM"],
            "types": ["node"],
            "typeRoots": [repo_root().join("node_modules/@types")],
            // solid-js's and jsdom's declarations are not ours to check.
            "skipLibCheck": true,
        },
        "include": [],
        "files": files,
    });
    std::fs::write(dir.join("tsconfig.json"), config.to_string()).unwrap();
    let out = dir.join("js");
    let compiled = Command::new("node")
        .arg(&tsc)
        .arg("-p")
        .arg(dir.join("tsconfig.json"))
        .arg("--outDir")
        .arg(&out)
        .args(["--pretty", "false"])
        .output()
        .expect("node runs tsc");
    assert!(
        compiled.status.success(),
        "tsc:\n{}{}",
        String::from_utf8_lossy(&compiled.stdout),
        String::from_utf8_lossy(&compiled.stderr)
    );
    std::fs::write(out.join("package.json"), "{ \"type\": \"module\" }\n").unwrap();
    out
}

/// Runs the compiled `file` with `node FLAGS --test` against a fresh app.
fn run(name: &str, file: &str, flags: &[&str]) {
    let dir = scratch(name);
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
