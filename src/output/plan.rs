//! The pure step: the model in, the list of output files out. The CLI,
//! `--check`, `build.rs` and the benchmarks all go through it.

use std::path::{Path, PathBuf};

use crate::ir;

/// Where the outputs go; at least one is set.
#[derive(Debug, Clone, Default)]
pub struct Targets {
    /// The single generated Rust file.
    pub rust_out: Option<PathBuf>,
    /// The folder of generated TypeScript files.
    pub ts_out: Option<PathBuf>,
    /// Which framework bindings to add to the TypeScript folder.
    pub frameworks: crate::emit::ts::Frameworks,
}

/// Every file the schema generates, and the folder whose stale generated
/// files are to be removed.
#[derive(Debug, Clone)]
pub struct Planned {
    pub files: Vec<(PathBuf, String)>,
    pub owned_dir: Option<PathBuf>,
}

pub fn plan(schema: &ir::Schema, targets: &Targets) -> Planned {
    let mut files = Vec::new();
    if let Some(path) = &targets.rust_out {
        files.push((path.clone(), crate::emit::rust::emit(schema)));
    }
    if let Some(dir) = &targets.ts_out {
        for file in crate::emit::ts::emit_with(schema, targets.frameworks) {
            files.push((dir.join(&file.path), file.contents));
        }
    }
    Planned {
        files,
        owned_dir: targets.ts_out.clone(),
    }
}

impl Planned {
    pub fn contains(&self, path: &Path) -> bool {
        self.files.iter().any(|(p, _)| p == path)
    }
}
