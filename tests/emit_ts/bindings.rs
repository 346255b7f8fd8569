//! templates/react.ts and templates/solid.ts at run time: compiled by tsc
//! with their tests (tsconfig.bindings-test.json), then run by `node --test`
//! in jsdom with React Testing Library and Solid Testing Library. Solid's
//! tests run with `--conditions=browser`: Node's default condition picks
//! solid-js's server build, which has no reactivity.

use std::path::Path;

use super::node::{assert_success, node, repo_root, run, target_dir, write_file, Tsc};

/// Compiles the templates and their tests into a folder of this process's
/// own (concurrent runs must not run each other's half-written output) and
/// runs `test`.
fn compile_and_run(test: &str, conditions: &[&str]) {
    let out = target_dir().join(format!("ts-bindings-test-{}-{test}", std::process::id()));
    let mut compile = Tsc::Current.command();
    compile
        .arg("-p")
        .arg(repo_root().join("tsconfig.bindings-test.json"))
        .arg("--outDir")
        .arg(&out)
        .arg("--pretty")
        .arg("false");
    run(compile, "tsc -p tsconfig.bindings-test.json");
    write_file(&out.join("package.json"), "{ \"type\": \"module\" }\n");
    let script = out
        .join("tests/ts/bindings")
        .join(format!("{test}.test.js"));
    let output = node_test(&script, conditions);
    let _ = std::fs::remove_dir_all(&out);
    assert_success(
        &output,
        &format!("node --test (tests/ts/bindings/{test}.test.ts)"),
    );
}

fn node_test(script: &Path, conditions: &[&str]) -> std::process::Output {
    let mut command = node();
    for condition in conditions {
        command.arg(format!("--conditions={condition}"));
    }
    command.arg("--test").arg(script);
    command.output().expect("cannot run node")
}

#[test]
fn react_bindings_pass_their_tests() {
    compile_and_run("react", &[]);
}

#[test]
fn solid_bindings_pass_their_tests() {
    compile_and_run("solid", &["browser"]);
}
