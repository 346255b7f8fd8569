//! The library's error: I/O problems, or a schema with errors whose
//! diagnostics render with their source excerpts.

use std::fmt;
use std::path::PathBuf;

use crate::diagnostics::{render, Diagnostic};
use crate::source::SourceFile;

pub enum Error {
    /// A file could not be read or written.
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    /// The schema has errors.
    Schema {
        file: SourceFile,
        diagnostics: Vec<Diagnostic>,
    },
    /// `--check` found outputs that differ from what would be generated.
    Drift { files: Vec<PathBuf> },
}

impl Error {
    pub(crate) fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Error::Io {
            path: path.into(),
            source,
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Io { path, source } => write!(f, "{}: {source}", path.display()),
            Error::Schema { file, diagnostics } => {
                write!(
                    f,
                    "{} has errors ({})",
                    file.name(),
                    render::summary(diagnostics)
                )
            }
            Error::Drift { files } => {
                let names: Vec<String> = files.iter().map(|p| p.display().to_string()).collect();
                write!(f, "generated files are out of date: {}", names.join(", "))
            }
        }
    }
}

/// `{:?}` shows the full diagnostics, so `build.rs` can
/// `panic!("{e:?}")` and cargo prints every problem with its excerpt.
impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Schema { file, diagnostics } => {
                f.write_str(&render::human(diagnostics, file, render::Style::PLAIN))?;
                write!(f, "{self}")
            }
            other => write!(f, "{other}"),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Io { source, .. } => Some(source),
            _ => None,
        }
    }
}
