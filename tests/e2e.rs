//! End to end: a Rust server and a TypeScript client, both generated from
//! schema.example.yaml, talk over real HTTP and agree on every value.
//!
//! 1. The bindings are generated with the library, into
//!    `target/e2e/server/src/schema.rs` and `target/e2e/ts/`.
//! 2. `target/e2e/server/` is a standalone crate (its own `[workspace]`,
//!    the workspace's Cargo.lock) whose `main.rs` is tests/e2e/server/main.rs:
//!    it implements every generated `Handlers` trait over an in-memory
//!    store. It is built with `cargo build` into `target/e2e-target/`
//!    (offline first), a target dir of its own so that it never waits for
//!    the lock of the outer `cargo test` nor of the compile test.
//! 3. tests/e2e/client.ts is compiled by tsc (the repository's strict
//!    tsconfig) together with the generated TypeScript, while the server
//!    builds.
//! 4. The server is started (it prints the port the OS gave it); Node runs
//!    the client against it; the client calls every function of the schema
//!    and asserts exact round trips and every error path. Its exit status
//!    is the verdict; its output (and the server's log) is shown on failure.
//!
//! Needs Node.js 20+ on PATH and `npm ci` run in the repository root (for
//! tsc and @types/node); without them the test fails and says so.

use std::io::{BufRead as _, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, ExitStatus, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use schemabridge::output::{plan, write, Targets};

mod support;
use support::{cargo_offline_first, copy_workspace_lock, repo_root, target_dir, write_if_changed};

/// How long the built server may take to print its port.
const PORT_TIMEOUT: Duration = Duration::from_secs(60);
/// How long the whole client run may take.
const CLIENT_TIMEOUT: Duration = Duration::from_secs(180);
/// The server's binary (the package name of its generated manifest).
const SERVER_BIN: &str = "schemabridge-e2e-server";

#[test]
fn rust_server_and_typescript_client_agree_end_to_end() {
    let started = Instant::now();
    let root = target_dir().join("e2e");
    generate(&root);
    let krate = write_server_crate(&root);
    // One output folder per process: concurrent runs must never execute
    // each other's half-written JavaScript.
    let js = Scratch(root.join(format!("js-{}", std::process::id())));

    let binary = std::thread::scope(|scope| {
        let tsc = scope.spawn(|| compile_client(&root, &js.0));
        let binary = build_server(&krate);
        if let Err(panic) = tsc.join() {
            std::panic::resume_unwind(panic);
        }
        binary
    });
    eprintln!("e2e: generated and built in {:.1?}", started.elapsed());

    let server = Server::start(
        &binary,
        &root.join(format!("server-{}.log", std::process::id())),
    );
    let (status, output) = run_client(&js.0.join("client.js"), server.port)
        .unwrap_or_else(|why| panic!("{why}\n--- server log ---\n{}", server.log()));
    assert!(
        status.success(),
        "the client failed ({status})\n--- client output ---\n{output}\n--- server log ---\n{}",
        server.log()
    );
    eprintln!("{output}");
    eprintln!("e2e: passed in {:.1?}", started.elapsed());
}

/// The Rust and TypeScript bindings of schema.example.yaml, written as
/// `generate` writes them (unchanged files keep their mtime, so cargo and
/// tsc have nothing to redo on a warm run).
fn generate(root: &Path) {
    let name = "schema.example.yaml";
    let text = std::fs::read_to_string(repo_root().join(name)).unwrap();
    let schema = schemabridge::load_str(name, &text)
        .unwrap_or_else(|error| panic!("{name} does not load: {error:?}"));
    let targets = Targets {
        rust_out: Some(root.join("server/src/schema.rs")),
        ts_out: Some(root.join("ts")),
        ..Targets::default()
    };
    write(&plan(&schema, &targets))
        .unwrap_or_else(|error| panic!("cannot write the bindings: {error:?}"));
}

/// `target/e2e/server`: the manifest, the lock and `main.rs`.
fn write_server_crate(root: &Path) -> PathBuf {
    let krate = root.join("server");
    let manifest = format!(
        "[package]\n\
         name = \"{SERVER_BIN}\"\n\
         version = \"0.0.0\"\n\
         edition = \"2021\"\n\
         publish = false\n\
         \n\
         [dependencies]\n\
         schemabridge-runtime = {{ path = {runtime:?} }}\n\
         serde = {{ version = \"1\", features = [\"derive\"] }}\n\
         serde_json = \"1\"\n\
         tokio = {{ version = \"1\", features = [\"macros\", \"rt\", \"net\"] }}\n\
         \n\
         # Not a member of the schemabridge workspace it sits in.\n\
         [workspace]\n",
        runtime = repo_root().join("runtime").display().to_string(),
    );
    write_if_changed(&krate.join("Cargo.toml"), &manifest);
    write_if_changed(
        &krate.join("src/main.rs"),
        include_str!("e2e/server/main.rs"),
    );
    copy_workspace_lock(&krate);
    krate
}

/// `cargo build` of the server crate, offline first (every dependency is
/// normally in the local registry already); the path of its binary, as
/// cargo reports it (wherever `--target` or a profile puts it).
fn build_server(krate: &Path) -> PathBuf {
    let output = cargo_offline_first(
        krate,
        &[
            "build",
            "--quiet",
            "--message-format=json-render-diagnostics",
        ],
        &target_dir().join("e2e-target"),
    );
    assert!(
        output.status.success(),
        "the e2e server ({}) does not build:\n{}",
        krate.display(),
        String::from_utf8_lossy(&output.stderr),
    );
    let messages = String::from_utf8_lossy(&output.stdout);
    messages
        .lines()
        .filter_map(|line| serde_json::from_str::<serde_json::Value>(line).ok())
        .filter(|message| message["target"]["name"] == SERVER_BIN)
        .find_map(|message| message["executable"].as_str().map(PathBuf::from))
        .unwrap_or_else(|| panic!("cargo built no {SERVER_BIN} executable:\n{messages}"))
}

/// Compiles tests/e2e/client.ts with the generated TypeScript into `out`.
fn compile_client(root: &Path, out: &Path) {
    let tsc = repo_root().join("node_modules/typescript/bin/tsc");
    assert!(
        tsc.is_file(),
        "{} is missing: run `npm ci` in {} first (the e2e test compiles its client with tsc)",
        tsc.display(),
        repo_root().display(),
    );
    write_if_changed(&root.join("client.ts"), include_str!("e2e/client.ts"));
    // `"type": "module"`: tsc (NodeNext) and node then treat the files, and
    // the JavaScript in `out` below this folder, as ES modules.
    write_if_changed(&root.join("package.json"), "{ \"type\": \"module\" }\n");
    // The repository's strict options, for a Node project (no DOM).
    let config = serde_json::json!({
        "extends": repo_root().join("tsconfig.json"),
        "compilerOptions": {
            "noEmit": false,
            "rootDir": ".",
            "lib": ["ES2022"],
            "types": ["node"],
            "typeRoots": [repo_root().join("node_modules/@types")],
        },
        "include": [],
        "files": ["client.ts"],
    });
    let config_path = root.join("tsconfig.json");
    write_if_changed(
        &config_path,
        &serde_json::to_string_pretty(&config).unwrap(),
    );
    let output = Command::new("node")
        .arg(&tsc)
        .arg("-p")
        .arg(&config_path)
        .arg("--outDir")
        .arg(out)
        .args(["--pretty", "false"])
        .output()
        .unwrap_or_else(|e| {
            panic!(
                "cannot run node {}: {e}; is Node.js 20+ on PATH?",
                tsc.display()
            )
        });
    assert!(
        output.status.success(),
        "tsc rejects tests/e2e/client.ts or the generated TypeScript ({}):\n{}{}",
        output.status,
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr),
    );
}

/// Runs the compiled client against the server at `port`: its exit status
/// and everything it printed, or why it could not finish.
fn run_client(script: &Path, port: u16) -> Result<(ExitStatus, String), String> {
    // Output into a file rather than a pipe: nothing to drain while waiting.
    let log = Scratch(script.with_extension("log"));
    let file = std::fs::File::create(&log.0).unwrap();
    let mut child = Command::new("node")
        .arg(script)
        .env("SCHEMABRIDGE_E2E_URL", format!("http://127.0.0.1:{port}"))
        .stdin(Stdio::null())
        .stdout(file.try_clone().unwrap())
        .stderr(file)
        .spawn()
        .map_err(|e| format!("cannot run node: {e}; is Node.js 20+ on PATH?"))?;
    let deadline = Instant::now() + CLIENT_TIMEOUT;
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break Ok(status);
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            break Err(format!("the client did not finish in {CLIENT_TIMEOUT:?}"));
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let output = std::fs::read_to_string(&log.0).unwrap_or_default();
    match status {
        Ok(status) => Ok((status, output)),
        Err(why) => Err(format!("{why}\n--- client output ---\n{output}")),
    }
}

/// The running server; killed when dropped, on success and on panic alike.
struct Server {
    child: Child,
    /// Held open: the server exits when it is closed (see its `main`).
    _stdin: ChildStdin,
    port: u16,
    log: PathBuf,
}

impl Server {
    fn start(binary: &Path, log: &Path) -> Server {
        let log_file = std::fs::File::create(log).unwrap();
        let mut child = Command::new(binary)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(log_file)
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {}: {e}", binary.display()));
        let stdin = child.stdin.take().unwrap();
        let stdout = child.stdout.take().unwrap();
        // Guarded from here on: a panic below still kills the child.
        let mut server = Server {
            child,
            _stdin: stdin,
            port: 0,
            log: log.to_owned(),
        };
        let (sender, receiver) = mpsc::channel();
        std::thread::spawn(move || {
            let mut line = String::new();
            let read = BufReader::new(stdout).read_line(&mut line);
            let _ = sender.send(read.map(|_| line));
        });
        let line = match receiver.recv_timeout(PORT_TIMEOUT) {
            Ok(Ok(line)) => line,
            Ok(Err(error)) => panic!("cannot read the server's port: {error}"),
            Err(_) => panic!(
                "the server printed no port in {PORT_TIMEOUT:?}; its log:\n{}",
                server.log()
            ),
        };
        server.port = line.trim().parse().unwrap_or_else(|_| {
            panic!(
                "the server printed {line:?} instead of its port; its log:\n{}",
                server.log()
            )
        });
        server
    }

    /// What the server wrote to stderr so far.
    fn log(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        if !std::thread::panicking() {
            let _ = std::fs::remove_file(&self.log);
        }
    }
}

/// A scratch file or folder of this process, removed when dropped.
struct Scratch(PathBuf);

impl Drop for Scratch {
    fn drop(&mut self) {
        if self.0.is_dir() {
            let _ = std::fs::remove_dir_all(&self.0);
        } else {
            let _ = std::fs::remove_file(&self.0);
        }
    }
}
