//! The example app's live page in a real browser: Debian's `chromium`
//! (/usr/bin/chromium), driven by playwright-core from
//! tests/browser/two-windows.mjs, opens the page in two windows; users
//! created, karma added and preferences edited in one appear in the other
//! without a reload. Screenshots of both windows are kept in
//! `target/browser-artifacts/` (`failure-window-*.png` when it fails).
//!
//! Needs `npm ci` in the repository root (playwright-core, and esbuild for
//! the page itself) and `apt-get install -y chromium`; without either it
//! fails and says so, it never skips.

mod support;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use support::Server;

const CHROMIUM: &str = "/usr/bin/chromium";
/// The whole browser run: launch, two windows, three edits, screenshots.
const RUN_LIMIT: Duration = Duration::from_secs(180);

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// `target/browser-artifacts/`, beside cargo's other output.
fn artifacts() -> PathBuf {
    Path::new(env!("CARGO_TARGET_TMPDIR"))
        .parent()
        .expect("CARGO_TARGET_TMPDIR is inside the target dir")
        .join("browser-artifacts")
}

/// GET `url`: the status and the body.
fn get(url: &str) -> (u16, String) {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(Duration::from_secs(10)))
        .build()
        .into();
    let mut response = agent
        .get(url)
        .call()
        .unwrap_or_else(|e| panic!("GET {url}: {e}"));
    let status = response.status().as_u16();
    (status, response.body_mut().read_to_string().unwrap())
}

#[test]
fn two_windows_stay_in_sync_without_reloading() {
    assert!(
        Path::new(CHROMIUM).is_file(),
        "{CHROMIUM} is missing: install it: apt-get install -y chromium"
    );
    let driver = repo_root().join("node_modules/playwright-core");
    assert!(
        driver.is_dir(),
        "{} is missing: run `npm ci` in the repository root",
        driver.display()
    );
    let dir = support::temp_dir();
    let db = dir.path().join("app.db");
    let server = Server::app(db.to_str().unwrap());
    let base = format!("http://{}", server.address());
    let (status, body) = get(&format!("{base}/"));
    assert_eq!(status, 200, "the page is not served: {body}");

    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/browser/two-windows.mjs");
    let mut child = Command::new("node")
        .arg(&script)
        .current_dir(repo_root())
        .env("SCHEMABRIDGE_URL", &base)
        .env("CHROMIUM", CHROMIUM)
        .env("ARTIFACTS", artifacts())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| {
            panic!(
                "cannot run node {}: {e}; is Node.js 20+ on PATH?",
                script.display()
            )
        });
    let started = Instant::now();
    while child.try_wait().expect("the driver's status").is_none() {
        if started.elapsed() > RUN_LIMIT {
            let _ = child.kill();
            break;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    let output = child.wait_with_output().expect("the driver's output");
    let said = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(
        output.status.success(),
        "the browser run failed ({}, after {:.1?}; screenshots in {}):\n{said}\nthe server printed:\n{}",
        output.status,
        started.elapsed(),
        artifacts().display(),
        server.output()
    );
    for window in ["window-a.png", "window-b.png"] {
        let shot = artifacts().join(window);
        let size = std::fs::metadata(&shot).map(|m| m.len()).unwrap_or(0);
        assert!(
            size > 1000,
            "no screenshot at {} ({size} bytes)",
            shot.display()
        );
    }
    eprintln!("{said}");
}

#[test]
fn the_page_and_its_script_are_served() {
    let dir = support::temp_dir();
    let db = dir.path().join("app.db");
    let server = Server::app(db.to_str().unwrap());
    let base = format!("http://{}", server.address());
    let (status, page) = get(&format!("{base}/"));
    assert_eq!(status, 200, "{page}");
    assert!(
        page.contains(r#"<script type="module" src="/app.js">"#),
        "{page}"
    );
    let (status, script) = get(&format!("{base}/app.js"));
    assert_eq!(status, 200, "{script}");
    // The bundle holds the page's code and React, not imports to resolve.
    assert!(
        script.contains("users/byClerkId"),
        "the bundle lacks the page's queries"
    );
    assert!(!script.contains("from\"react\"") && !script.contains("from \"react\""));
    // The API is still there beside the page.
    let (status, body) = get(&format!("{base}/api/nothing/here"));
    assert_eq!(status, 404, "{body}");
}

/// The page's source (web/app.tsx) against the generated client and React
/// bindings build.rs put beside it, under the repository's strict tsconfig:
/// esbuild strips types without checking them.
#[test]
fn the_page_type_checks() {
    let tsc = repo_root().join("node_modules/typescript/bin/tsc");
    assert!(
        tsc.is_file(),
        "{} is missing: run `npm ci` in the repository root",
        tsc.display()
    );
    let web = Path::new(env!("OUT_DIR")).join("web");
    assert!(
        web.join("generated/react.ts").is_file(),
        "build.rs wrote no bindings into {}",
        web.display()
    );
    let config = serde_json::json!({
        "extends": repo_root().join("tsconfig.json"),
        "compilerOptions": {
            "noEmit": true,
            "jsx": "react-jsx",
            "lib": ["ES2022", "DOM", "DOM.Iterable"],
            "types": [],
            "typeRoots": [repo_root().join("node_modules/@types")],
        },
        "include": [],
        "files": [web.join("app.tsx")],
    });
    let dir = support::temp_dir();
    let path = dir.path().join("tsconfig.json");
    std::fs::write(&path, config.to_string()).unwrap();
    let output = Command::new("node")
        .arg(&tsc)
        .arg("-p")
        .arg(&path)
        .arg("--pretty")
        .arg("false")
        .current_dir(repo_root())
        .output()
        .expect("node runs tsc");
    assert!(
        output.status.success(),
        "web/app.tsx does not type-check:\n{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}
