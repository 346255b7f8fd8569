//! Writing planned files: skip what is unchanged (its mtime stays, so
//! cargo and tsc caches stay warm), replace what changed atomically
//! (write a temporary file beside it, then rename), and remove generated
//! files that the schema no longer produces.

use std::io::Write as _;
use std::path::{Path, PathBuf};

use super::{is_generated, read_existing, Planned};
use crate::Error;

/// What writing did, file by file.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Written {
    pub created: Vec<PathBuf>,
    pub updated: Vec<PathBuf>,
    pub unchanged: Vec<PathBuf>,
    pub removed: Vec<PathBuf>,
}

impl Written {
    pub fn changed(&self) -> usize {
        self.created.len() + self.updated.len() + self.removed.len()
    }
}

pub fn write(planned: &Planned) -> Result<Written, Error> {
    let mut written = Written::default();
    for (path, contents) in &planned.files {
        match read_existing(path).map_err(|e| Error::io(path, e))? {
            Some(existing) if existing == *contents => written.unchanged.push(path.clone()),
            existing => {
                replace_atomically(path, contents)?;
                if existing.is_some() {
                    written.updated.push(path.clone());
                } else {
                    written.created.push(path.clone());
                }
            }
        }
    }
    if let Some(dir) = &planned.owned_dir {
        for stale in stale_files(dir, planned)? {
            std::fs::remove_file(&stale).map_err(|e| Error::io(&stale, e))?;
            written.removed.push(stale);
        }
    }
    Ok(written)
}

/// Generated files in `dir` (by their header) that the plan does not list.
pub(super) fn stale_files(dir: &Path, planned: &Planned) -> Result<Vec<PathBuf>, Error> {
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(error) => return Err(Error::io(dir, error)),
    };
    let mut stale = Vec::new();
    for entry in entries {
        let path = entry.map_err(|e| Error::io(dir, e))?.path();
        if !path.is_file() || planned.contains(&path) {
            continue;
        }
        // Only the first line matters; a large foreign file is not read whole.
        let mut head = [0u8; 256];
        let read =
            std::fs::File::open(&path).and_then(|mut f| std::io::Read::read(&mut f, &mut head));
        if let Ok(n) = read {
            if is_generated(&String::from_utf8_lossy(&head[..n])) {
                stale.push(path);
            }
        }
    }
    stale.sort();
    Ok(stale)
}

fn replace_atomically(path: &Path, contents: &str) -> Result<(), Error> {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let temp = dir.join(format!(".{name}.{}.tmp", std::process::id()));
    let result = std::fs::File::create(&temp)
        .and_then(|mut file| {
            file.write_all(contents.as_bytes())?;
            file.sync_all()
        })
        .and_then(|()| std::fs::rename(&temp, path));
    if let Err(error) = result {
        let _ = std::fs::remove_file(&temp);
        return Err(Error::io(path, error));
    }
    Ok(())
}
