//! From the model to files on disk: what the outputs should be (`plan`),
//! how they differ from what is there (`drift`), and writing them so that
//! unchanged files keep their mtime and changed ones are replaced
//! atomically (`write`).

mod drift;
mod plan;
mod write;

pub use drift::{drift, Drift};
pub use plan::{plan, Planned, Targets};
pub use write::{write, Written};

use std::path::Path;

use crate::emit::HEADER_MARKER;

/// Whether `text` starts with the header of a generated file, so that a
/// stale one can be recognised and removed without touching anything else.
pub fn is_generated(text: &str) -> bool {
    text.lines().next().is_some_and(|line| {
        line.trim_start_matches(['/', ' ', '#'])
            .starts_with(HEADER_MARKER)
    })
}

/// Reads a file as text, treating "not there" as `None`.
fn read_existing(path: &Path) -> std::io::Result<Option<String>> {
    match std::fs::read(path) {
        Ok(bytes) => Ok(Some(String::from_utf8_lossy(&bytes).into_owned())),
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(error) => Err(error),
    }
}
