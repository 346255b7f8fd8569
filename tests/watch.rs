//! `generate --watch`: an edit regenerates the outputs; a schema error is
//! reported and the watcher keeps running.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::{self, Receiver};
use std::time::{Duration, Instant};

/// Kills the watcher even when an assertion fails.
struct Watcher(Child);

impl Drop for Watcher {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Waits for a stderr line containing `needle`, returning all lines read.
fn wait_for(lines: &Receiver<String>, needle: &str) -> Vec<String> {
    let deadline = Instant::now() + Duration::from_secs(30);
    let mut seen = Vec::new();
    while let Some(left) = deadline.checked_duration_since(Instant::now()) {
        match lines.recv_timeout(left) {
            Ok(line) => {
                let found = line.contains(needle);
                seen.push(line);
                if found {
                    return seen;
                }
            }
            Err(_) => break,
        }
    }
    panic!("no line with {needle:?}; saw:\n{}", seen.join("\n"));
}

#[test]
fn regenerates_on_change_and_survives_errors() {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("watch");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let schema = dir.join("schema.yaml");
    std::fs::write(
        &schema,
        "version: 1\ntables:\n  notes:\n    fields:\n      body: string\n",
    )
    .unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_schemabridge"))
        .current_dir(&dir)
        .args(["generate", "--watch", "--ts-out", "ts"])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let stderr = child.stderr.take().unwrap();
    let mut watcher = Watcher(child);
    let (sender, lines) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            if sender.send(line).is_err() {
                break;
            }
        }
    });

    wait_for(&lines, "watching schema.yaml");
    let generated = dir.join("ts/schema.ts");
    assert!(std::fs::read_to_string(&generated)
        .unwrap()
        .contains("body: string;"));

    std::fs::write(
        &schema,
        "version: 1\ntables:\n  notes:\n    fields:\n      body: string\n      pinned: boolean\n",
    )
    .unwrap();
    let seen = wait_for(&lines, "written");
    assert!(
        seen.iter().any(|l| l.contains(" ms")),
        "summary without timing: {seen:?}"
    );
    assert!(std::fs::read_to_string(&generated)
        .unwrap()
        .contains("pinned: boolean;"));

    std::fs::write(
        &schema,
        "version: 1\ntables:\n  notes:\n    fields:\n      body: strng\n",
    )
    .unwrap();
    let seen = wait_for(&lines, "1 error");
    assert!(
        seen.iter().any(|l| l.contains("unknown type `strng`")),
        "{seen:?}"
    );
    assert!(
        watcher.0.try_wait().unwrap().is_none(),
        "the watcher exited on a schema error"
    );
    // The outputs of the last good schema stay in place.
    assert!(std::fs::read_to_string(&generated)
        .unwrap()
        .contains("pinned: boolean;"));

    std::fs::write(
        &schema,
        "version: 1\ntables:\n  notes:\n    fields:\n      title: string\n",
    )
    .unwrap();
    wait_for(&lines, "written");
    assert!(std::fs::read_to_string(&generated)
        .unwrap()
        .contains("title: string;"));
}
