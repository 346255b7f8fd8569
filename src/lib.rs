//! schemabridge: one YAML schema in; Rust server code and TypeScript client
//! bindings out, aligned end to end.
//!
//! The pipeline: [`yaml`] reads the file keeping a span on every node,
//! [`syntax`] turns nodes into a syntax tree, [`check`] resolves it into the
//! model of [`ir`], and the emitters in [`emit`] print that model.

mod builder;
pub mod check;
pub mod cli;
pub mod diagnostics;
pub mod diff;
pub mod dump;
pub mod emit;
mod error;
pub mod ir;
pub mod output;
pub mod shape;
pub mod source;
mod suggest;
pub mod syntax;
pub mod yaml;

pub use builder::Builder;
pub use error::Error;

use diagnostics::{Code, Diagnostic, Diagnostics, Severity};
use source::{SourceFile, Span};

/// What checking one file found: the model when there were no errors,
/// and every diagnostic (errors and warnings) in file order.
#[derive(Debug)]
pub struct Checked {
    pub file: SourceFile,
    pub schema: Option<ir::Schema>,
    pub diagnostics: Vec<Diagnostic>,
}

impl Checked {
    pub fn has_errors(&self) -> bool {
        self.diagnostics
            .iter()
            .any(|d| d.severity == Severity::Error)
    }

    pub fn has_warnings(&self) -> bool {
        self.diagnostics
            .iter()
            .any(|d| d.severity == Severity::Warning)
    }

    /// The model, or an error that renders every diagnostic.
    pub fn into_schema(self) -> Result<ir::Schema, Error> {
        match self.schema {
            Some(schema) => Ok(schema),
            None => Err(Error::Schema {
                file: self.file,
                diagnostics: self.diagnostics,
            }),
        }
    }
}

/// Checks schema text. `name` is how diagnostics and generated headers
/// refer to the file.
pub fn check_str(name: &str, text: &str) -> Checked {
    check_file(SourceFile::new(name, text))
}

/// Checks raw bytes, reporting text that is not UTF-8 as a diagnostic.
pub fn check_bytes(name: &str, bytes: &[u8]) -> Checked {
    check_vec(name, bytes.to_vec())
}

/// As [`check_bytes`], taking the buffer so the text need not be copied.
pub fn check_vec(name: &str, bytes: Vec<u8>) -> Checked {
    match String::from_utf8(bytes) {
        Ok(text) => check_file(SourceFile::new(name, text)),
        Err(error) => {
            let valid = error.utf8_error().valid_up_to();
            let bytes = error.into_bytes();
            let file = SourceFile::new(name, String::from_utf8_lossy(&bytes[..valid]).into_owned());
            let diagnostic = Diagnostic::error(
                Code::InvalidUtf8,
                Span::new(valid, valid),
                format!("the file is not UTF-8 text: invalid byte at offset {valid}"),
            )
            .label("invalid UTF-8 starts here")
            .help("save the schema as UTF-8");
            Checked {
                file,
                schema: None,
                diagnostics: vec![diagnostic],
            }
        }
    }
}

pub fn check_file(file: SourceFile) -> Checked {
    let mut diagnostics = Diagnostics::new();
    let root = yaml::read(&file, &mut diagnostics);
    // Without a tree (a syntax error) there is nothing more to check. Other
    // problems leave a usable tree (bad parts dropped), so the checker
    // still runs and every problem is reported at once.
    let fatal = root.is_none() && diagnostics.has_errors();
    let schema = (!fatal)
        .then(|| {
            let mut ast = syntax::parse_schema(root, file.text().len(), &mut diagnostics);
            check::check(&mut ast, &file, &mut diagnostics)
        })
        .flatten();
    let schema = schema.filter(|_| !diagnostics.has_errors());
    Checked {
        schema,
        diagnostics: diagnostics.into_sorted(),
        file,
    }
}

/// The model of a schema, or an error that renders its diagnostics.
pub fn load_str(name: &str, text: &str) -> Result<ir::Schema, Error> {
    check_str(name, text).into_schema()
}

/// Reads and checks the schema file at `path`, named in diagnostics and
/// headers as the path was given, with `/` separators so that output is
/// the same on every machine.
pub fn check_path(path: &std::path::Path) -> Result<Checked, Error> {
    let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
    let name = path.display().to_string().replace('\\', "/");
    Ok(check_vec(&name, bytes))
}
