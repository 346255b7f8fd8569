//! The generated TypeScript client's live queries against the real example
//! app, under Node (SPEC §7). The bindings of schema.example.yaml are
//! generated into a scratch folder next to a copy of tests/ts/, compiled
//! by tsc with the repository's strict tsconfig, and run with
//! `node --test`; the Node tests start the app binary themselves (they
//! kill and restart it in the fault test), from EXAMPLE_APP.
//!
//! Needs Node.js 20+ on PATH and `npm ci` in the repository root (tsc, ws).

mod support;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};

use serde_json::json;

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// A scratch folder of this test (process and call) under the workspace
/// target dir, inside the repository so that Node finds its node_modules.
fn scratch(name: &str) -> PathBuf {
    static CALLS: AtomicUsize = AtomicUsize::new(0);
    let call = CALLS.fetch_add(1, Ordering::Relaxed);
    let dir = repo_root()
        .join("target/example-app-ts-live")
        .join(format!("{name}-{}-{call}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Generates the bindings into `dir/ts`, copies tests/ts/*.ts next to them
/// and compiles everything into `dir/js`.
fn compile(dir: &Path) -> PathBuf {
    let tsc = repo_root().join("node_modules/typescript/bin/tsc");
    assert!(
        tsc.is_file() && repo_root().join("node_modules/ws").is_dir(),
        "{} or ws is missing: run `npm ci` in the repository root",
        tsc.display()
    );
    let name = "schema.example.yaml";
    let text = std::fs::read_to_string(repo_root().join(name)).unwrap();
    let schema = schemabridge::load_str(name, &text).expect("the example schema loads");
    let targets = schemabridge::output::Targets {
        rust_out: None,
        ts_out: Some(dir.join("ts")),
        ..Default::default()
    };
    schemabridge::output::write(&schemabridge::output::plan(&schema, &targets)).unwrap();
    let sources = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/ts");
    let mut files = Vec::new();
    for entry in std::fs::read_dir(&sources).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|ext| ext == "ts") {
            let file = path.file_name().unwrap().to_owned();
            std::fs::copy(&path, dir.join(&file)).unwrap();
            files.push(file.to_string_lossy().into_owned());
        }
    }
    std::fs::write(dir.join("package.json"), "{ \"type\": \"module\" }\n").unwrap();
    let config = json!({
        "extends": repo_root().join("tsconfig.json"),
        "compilerOptions": {
            "noEmit": false,
            "rootDir": ".",
            "lib": ["ES2022"],
            "types": ["node"],
            "typeRoots": [repo_root().join("node_modules/@types")],
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

/// Compiles the tests and runs `file` (a compiled test of tests/ts/) with
/// `node --test`; returns what it printed, or panics with it.
fn run_node_test(name: &str, file: &str) -> String {
    let dir = scratch(name);
    let out = compile(&dir);
    let run = Command::new("node")
        .arg("--test")
        .arg(out.join(file))
        .env("EXAMPLE_APP", support::app_binary())
        .env("SCRATCH_DIR", &dir)
        .output()
        .expect("node runs the tests");
    let printed = format!(
        "{}{}",
        String::from_utf8_lossy(&run.stdout),
        String::from_utf8_lossy(&run.stderr)
    );
    assert!(
        run.status.success(),
        "node --test {file} failed:\n{printed}"
    );
    let _ = std::fs::remove_dir_all(&dir);
    printed
}

#[test]
fn typescript_live_queries_against_the_app() {
    let printed = run_node_test("live", "live.test.js");
    assert!(printed.contains("# fail 0"), "{printed}");
}

#[test]
fn typescript_clients_survive_a_server_kill_and_restart() {
    let printed = run_node_test("fault", "fault.test.js");
    assert!(printed.contains("# fail 0"), "{printed}");
    // The measured reconnection, for the report.
    for line in printed.lines().filter(|line| line.contains("fault:")) {
        eprintln!("{line}");
    }
}
