//! `examples/todo-app` generates its server code from build.rs with
//! `schemabridge::Builder`. Built here as a standalone copy: an edit to its
//! schema reaches the generated file on the next `cargo build` (cargo sees
//! `rerun-if-changed`), and a schema error fails the build with the
//! rendered diagnostics. Its manifest is the one the README tells users to
//! write, and its build script compiles only the library; the files it
//! generates are the ones the command line generates, however the schema
//! path is spelled.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

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

/// Every file under `dir`, by its path relative to `dir`, with its bytes.
fn files_under(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut files = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(folder) = stack.pop() {
        for entry in std::fs::read_dir(&folder).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else {
                let bytes = std::fs::read(&path).unwrap();
                files.insert(path.strip_prefix(dir).unwrap().to_owned(), bytes);
            }
        }
    }
    files
}

fn first_line(bytes: &[u8]) -> String {
    let text = String::from_utf8_lossy(bytes);
    text.lines().next().unwrap_or("").to_owned()
}

fn schemabridge(cwd: &Path, args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_schemabridge"))
        .current_dir(cwd)
        .args(args)
        .output()
        .unwrap()
}

/// The layout of a repository whose server is one of several folders:
/// `schema.yaml` at the root, the crate in `server/` reading
/// `../schema.yaml`, and CI running `schemabridge generate schema.yaml
/// … --check` from the root. Every way of naming the schema generates the
/// same bytes, so that check passes against the build script's output.
#[test]
fn generated_files_do_not_depend_on_how_the_schema_path_is_spelled() {
    let repo = root().join("target/build-script/monorepo");
    let _ = std::fs::remove_dir_all(&repo);
    let server = repo.join("server");
    copy_example(&server);
    std::fs::rename(server.join("schema.yaml"), repo.join("schema.yaml")).unwrap();
    let build_rs = std::fs::read_to_string(server.join("build.rs")).unwrap();
    let parent_path = build_rs.replace(
        "Builder::new(\"schema.yaml\")",
        "Builder::new(\"../schema.yaml\")",
    );
    assert_ne!(
        parent_path, build_rs,
        "the example's build.rs changed shape"
    );
    std::fs::write(server.join("build.rs"), parent_path).unwrap();
    // Cargo keys a path package's build by its name, not its folder: under
    // the other test's name the two copies would share one build script.
    let manifest = std::fs::read_to_string(server.join("Cargo.toml")).unwrap();
    std::fs::write(
        server.join("Cargo.toml"),
        manifest.replace("name = \"todo-app\"", "name = \"todo-app-monorepo\""),
    )
    .unwrap();

    let (ok, stderr, out_dir) = build(&server);
    assert!(ok, "the example does not build:\n{stderr}");
    let out_dir = out_dir.expect("the build script ran");
    let from_build_script = files_under(&out_dir);
    assert!(from_build_script.contains_key(Path::new("schema.rs")));

    let absolute = repo.join("schema.yaml").display().to_string();
    for (name, cwd, schema) in [
        ("root", &repo, "schema.yaml"),
        ("server", &server, "../schema.yaml"),
        ("absolute", &root().to_path_buf(), absolute.as_str()),
    ] {
        let out = repo.join("cli").join(name);
        let rust_out = out.join("schema.rs").display().to_string();
        let ts_out = out.join("ts").display().to_string();
        let generated = schemabridge(
            cwd,
            &[
                "generate",
                schema,
                "--rust-out",
                &rust_out,
                "--ts-out",
                &ts_out,
            ],
        );
        assert!(
            generated.status.success(),
            "{}",
            String::from_utf8_lossy(&generated.stderr)
        );
        let from_cli = files_under(&out);
        assert_eq!(
            from_cli.keys().collect::<Vec<_>>(),
            from_build_script.keys().collect::<Vec<_>>()
        );
        for (file, bytes) in &from_cli {
            assert!(
                bytes == &from_build_script[file],
                "{} generated from {schema} in {} differs from build.rs's; first lines:\n{}\n{}",
                file.display(),
                cwd.display(),
                first_line(bytes),
                first_line(&from_build_script[file]),
            );
        }
    }

    let rust_out = out_dir.join("schema.rs").display().to_string();
    let ts_out = out_dir.join("ts").display().to_string();
    let check = schemabridge(
        &repo,
        &[
            "generate",
            "schema.yaml",
            "--rust-out",
            &rust_out,
            "--ts-out",
            &ts_out,
            "--check",
        ],
    );
    assert!(
        check.status.success(),
        "the CI check from the root finds build.rs's output drifted:\n{}{}",
        String::from_utf8_lossy(&check.stdout),
        String::from_utf8_lossy(&check.stderr)
    );
}

/// A build script pays only for the library: none of the command line's
/// dependencies are in the example's build.
#[test]
fn the_build_script_compiles_without_the_command_line() {
    let dir = root().join("target/build-script/tree");
    copy_example(&dir);
    let tree = cargo_offline_first(
        &dir,
        &["tree", "--edges", "normal,build", "--prefix", "none"],
        &root().join("target/build-script-target"),
    );
    assert!(
        tree.status.success(),
        "{}",
        String::from_utf8_lossy(&tree.stderr)
    );
    let tree = String::from_utf8_lossy(&tree.stdout);
    assert!(tree.contains("schemabridge v"), "{tree}");
    for cli_only in ["clap ", "notify ", "mimalloc "] {
        assert!(
            !tree.lines().any(|line| line.starts_with(cli_only)),
            "the build depends on {cli_only}:\n{tree}"
        );
    }
}

/// `[section]` -> its lines, without comments or blank lines.
fn sections(toml: &str) -> BTreeMap<String, Vec<String>> {
    let mut sections = BTreeMap::new();
    let mut current = String::new();
    for line in toml.lines().map(str::trim) {
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        if line.starts_with('[') {
            current = line.to_owned();
        } else {
            sections
                .entry(current.clone())
                .or_insert_with(Vec::new)
                .push(line.to_owned());
        }
    }
    sections
}

/// The dependency lines the README tells a user to write are the
/// example's, with the repository checked out at `tools/schemabridge`
/// instead of two folders up, so the build above tests them.
#[test]
fn readme_dependencies_are_the_examples() {
    let readme = std::fs::read_to_string(root().join("README.md")).unwrap();
    let block = readme
        .split("```toml\n")
        .skip(1)
        .filter_map(|rest| rest.split_once("```").map(|(block, _)| block))
        .find(|block| block.contains("[build-dependencies]"))
        .expect("the README shows a Cargo.toml with [build-dependencies]");
    let readme = sections(
        &block
            .replace("\"tools/schemabridge/runtime\"", "\"../../runtime\"")
            .replace("\"tools/schemabridge\"", "\"../..\""),
    );
    let example =
        sections(&std::fs::read_to_string(root().join("examples/todo-app/Cargo.toml")).unwrap());
    for section in ["[dependencies]", "[build-dependencies]"] {
        assert_eq!(
            readme.get(section),
            example.get(section),
            "{section} in the README and in examples/todo-app/Cargo.toml"
        );
    }
}
