//! `generate --watch`: regenerate whenever the schema file changes,
//! reporting each run (diagnostics, or a one-line summary with timing)
//! and never exiting because the schema has errors.

use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::Duration;

use notify::{RecursiveMode, Watcher};

use super::generate::{generate_once, Args};
use super::{exit, fail_usage, Io};

/// Editors save in bursts (write, rename, chmod); changes closer together
/// than this are one save.
const SETTLE: Duration = Duration::from_millis(75);

pub fn run(args: &Args, io: &mut Io<'_>) -> u8 {
    // Watch the folder, not the file: editors often save by writing a new
    // file and renaming it over the old one, which ends a watch on the file.
    let schema = absolute(&args.schema);
    let dir = schema
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from("."));
    let (sender, events) = mpsc::channel();
    let mut watcher = match notify::recommended_watcher(sender) {
        Ok(watcher) => watcher,
        Err(error) => return fail_usage(io, format!("cannot watch for changes: {error}")),
    };
    if let Err(error) = watcher.watch(&dir, RecursiveMode::NonRecursive) {
        return fail_usage(io, format!("cannot watch {}: {error}", dir.display()));
    }
    generate_once(args, io);
    let _ = writeln!(
        io.stderr,
        "schemabridge: watching {} (Ctrl-C to stop)",
        args.schema.display()
    );
    let _ = io.stderr.flush();
    loop {
        let Ok(event) = events.recv() else {
            return exit::OK;
        };
        if !touches(&event, &schema) {
            continue;
        }
        // Let the burst of events from one save settle.
        while events.recv_timeout(SETTLE).is_ok() {}
        if schema.exists() {
            generate_once(args, io);
        } else {
            let _ = writeln!(
                io.stderr,
                "schemabridge: {} was removed; waiting for it",
                args.schema.display()
            );
        }
        let _ = io.stderr.flush();
        let _ = io.stdout.flush();
    }
}

fn touches(event: &notify::Result<notify::Event>, schema: &Path) -> bool {
    match event {
        // Reading the schema is an event too (an access); only changes count.
        Ok(event) if event.kind.is_access() || event.kind.is_other() => false,
        Ok(event) => event.paths.iter().any(|path| absolute(path) == schema),
        // A failed event may have hidden a change: regenerate to be safe.
        Err(_) => true,
    }
}

fn absolute(path: &Path) -> PathBuf {
    std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf())
}
