//! The generated TypeScript client's live queries against the real example
//! app, under Node (SPEC §7). The bindings of schema.example.yaml are
//! generated into a scratch folder next to a copy of tests/ts/, compiled
//! by tsc with the repository's strict tsconfig, and run with
//! `node --test`; the Node tests start the app binary themselves (they
//! kill and restart it in the fault test), from EXAMPLE_APP.
//!
//! Needs Node.js 20+ on PATH and `npm ci` in the repository root (tsc, ws),
//! and for the instances test SCHEMABRIDGE_TEST_POSTGRES_URL (see
//! scripts/pg-test-cluster.sh).

mod support;

use std::path::{Path, PathBuf};
use std::process::Command;

use support::typescript::{repo_root, scratch, Compile};

/// Generates the bindings into `dir/ts`, copies examples/app/tests/ts/*.ts
/// next to them and compiles everything into `dir/js`.
fn compile(dir: &Path) -> PathBuf {
    let sources = Path::new("examples/app/tests/ts");
    let mut files: Vec<PathBuf> = std::fs::read_dir(repo_root().join(sources))
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "ts"))
        .map(|path| sources.join(path.file_name().unwrap()))
        .collect();
    files.sort();
    Compile {
        files,
        packages: &["ws"],
        ..Compile::default()
    }
    .run(dir)
}

/// Compiles the tests and runs `file` (a compiled test of tests/ts/) with
/// `node --test`; returns what it printed, or panics with it.
fn run_node_test(name: &str, file: &str) -> String {
    run_node_test_with(name, file, &[])
}

/// [`run_node_test`] with more environment variables.
fn run_node_test_with(name: &str, file: &str, vars: &[(&str, String)]) -> String {
    let dir = scratch("ts-live", name);
    let out = compile(&dir);
    let run = Command::new("node")
        .arg("--test")
        .arg(out.join(file))
        .envs(vars.iter().map(|(name, value)| (*name, value)))
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

/// SPEC §9 with the TypeScript client: three instances on one PostgreSQL
/// database; a client on one sees what the others commit, in order, and a
/// writer's mutation resolves after its own instance shows it.
#[test]
fn typescript_clients_on_different_instances_follow_each_other() {
    let instances = support::instances::Instances::start("ts_instances", 3);
    let urls: Vec<String> = (0..instances.len())
        .map(|n| format!("http://{}", instances.server(n).address()))
        .collect();
    let printed = run_node_test_with(
        "instances",
        "instances.test.js",
        &[("SCHEMABRIDGE_URLS", urls.join(","))],
    );
    assert!(printed.contains("# fail 0"), "{printed}");
}
