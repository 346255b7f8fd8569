//! templates/client.ts against its tests (tests/ts/client.test.ts, and
//! tests/ts/live.test.ts for the live connection against a scripted socket):
//! compiled by tsc (with lib ES2022 and @types/node but no DOM, so the
//! template is known to build in a Node-only project too), then run by
//! `node --test`.

use super::node::{assert_success, node, repo_root, run, target_dir, write_file, Tsc};

#[test]
fn client_template_passes_its_node_tests() {
    // One folder per process: concurrent test runs must not run each
    // other's half-written JavaScript.
    let out = target_dir().join(format!("ts-client-test-{}", std::process::id()));
    let mut compile = Tsc::Current.command();
    compile
        .arg("-p")
        .arg(repo_root().join("tsconfig.test.json"))
        .arg("--outDir")
        .arg(&out)
        .arg("--pretty")
        .arg("false");
    run(compile, "tsc -p tsconfig.test.json");
    write_file(&out.join("package.json"), "{ \"type\": \"module\" }\n");
    let output = node()
        .arg("--test")
        .arg(out.join("tests/ts/client.test.js"))
        .arg(out.join("tests/ts/live.test.js"))
        .output()
        .expect("cannot run node");
    let _ = std::fs::remove_dir_all(&out);
    assert_success(
        &output,
        "node --test (tests/ts/client.test.ts, live.test.ts)",
    );
}
