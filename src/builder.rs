//! The library API for build scripts, shaped like `prost_build::Config`:
//! paths first, then `generate()`.
//!
//! ```no_run
//! // The body of `fn main` in build.rs:
//! let out_dir = std::path::PathBuf::from(std::env::var("OUT_DIR").unwrap());
//! schemabridge::Builder::new("schema.yaml")
//!     .rust_out(out_dir.join("schema.rs"))
//!     .ts_out("web/src/generated")
//!     .generate()
//!     .unwrap_or_else(|e| panic!("{e:?}"));
//! ```

use std::path::{Path, PathBuf};

use crate::diagnostics::{render, Severity};
use crate::output::{self, Targets, Written};
use crate::Error;

/// Generates code from one schema file.
#[derive(Debug, Clone)]
pub struct Builder {
    schema: PathBuf,
    targets: Targets,
    rerun_if_changed: Option<bool>,
}

impl Builder {
    /// A builder for the schema at `schema` (relative paths are relative
    /// to the current directory: the package root in a build script).
    pub fn new(schema: impl AsRef<Path>) -> Self {
        Builder {
            schema: schema.as_ref().to_path_buf(),
            targets: Targets::default(),
            rerun_if_changed: None,
        }
    }

    /// Where to write the generated Rust file.
    pub fn rust_out(mut self, path: impl AsRef<Path>) -> Self {
        self.targets.rust_out = Some(path.as_ref().to_path_buf());
        self
    }

    /// The folder for the generated TypeScript files.
    pub fn ts_out(mut self, dir: impl AsRef<Path>) -> Self {
        self.targets.ts_out = Some(dir.as_ref().to_path_buf());
        self
    }

    /// Whether to write `react.ts` (`SchemaBridgeProvider`, `useQuery`,
    /// `useMutation`, `useConnectionState`) into the TypeScript folder.
    pub fn react(mut self, emit: bool) -> Self {
        self.targets.frameworks.react = emit;
        self
    }

    /// Whether to write `solid.ts` (`SchemaBridgeProvider`, `createQuery`,
    /// `createMutation`, `createConnectionState`) into the TypeScript folder.
    pub fn solid(mut self, emit: bool) -> Self {
        self.targets.frameworks.solid = emit;
        self
    }

    /// Whether to print `cargo:rerun-if-changed` for the schema. By default
    /// it is printed when running inside a build script (`OUT_DIR` is set).
    pub fn emit_rerun_if_changed(mut self, emit: bool) -> Self {
        self.rerun_if_changed = Some(emit);
        self
    }

    /// Checks the schema and writes the outputs: unchanged files are left
    /// alone, changed ones replaced atomically. Warnings are printed as
    /// `cargo:warning=` lines in a build script. The error's `Debug` shows
    /// every diagnostic with its source excerpt.
    pub fn generate(&self) -> Result<Written, Error> {
        let schema = self.load()?;
        output::write(&output::plan(&schema, &self.targets))
    }

    /// Checks that the outputs on disk are what the schema generates,
    /// writing nothing; `Error::Drift` lists those that are not.
    pub fn check(&self) -> Result<(), Error> {
        let schema = self.load()?;
        let drifts = output::drift(&output::plan(&schema, &self.targets))?;
        if drifts.is_empty() {
            Ok(())
        } else {
            Err(Error::Drift {
                files: drifts.into_iter().map(|d| d.path).collect(),
            })
        }
    }

    fn load(&self) -> Result<crate::ir::Schema, Error> {
        let in_build_script = std::env::var_os("OUT_DIR").is_some();
        if self.rerun_if_changed.unwrap_or(in_build_script) {
            println!("cargo:rerun-if-changed={}", self.schema.display());
        }
        let checked = crate::check_path(&self.schema)?;
        if in_build_script && !checked.has_errors() {
            let warnings: Vec<_> = checked
                .diagnostics
                .iter()
                .filter(|d| d.severity == Severity::Warning)
                .cloned()
                .collect();
            for line in render::human(&warnings, &checked.file, render::Style::PLAIN).lines() {
                println!("cargo:warning={line}");
            }
        }
        checked.into_schema()
    }
}
