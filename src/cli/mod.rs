//! The command line: argument parsing and one module per subcommand. Each
//! subcommand writes to the given streams and returns an exit code, so
//! tests drive the CLI in-process.

mod check;
mod diff;
mod generate;
mod init;
mod json_schema;
mod watch;

use std::io::Write;
use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

/// Exit codes of SPEC §2.
pub mod exit {
    /// Success.
    pub const OK: u8 = 0;
    /// The schema has errors, outputs drifted, or `diff` found a breaking change.
    pub const FAILED: u8 = 1;
    /// Usage or I/O error.
    pub const USAGE: u8 = 2;
}

#[derive(Debug, Parser)]
#[command(
    name = "schemabridge",
    version,
    about = "One YAML schema in; Rust server code and TypeScript client bindings out."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Parse and validate a schema; report every problem.
    Check(check::Args),
    /// Generate Rust and TypeScript code from a schema.
    Generate(generate::Args),
    /// Compare two versions of a schema; classify each change as breaking or safe.
    Diff(diff::Args),
    /// Write a starter schema, and the JSON Schema its editors use.
    Init(init::Args),
    /// Print the JSON Schema of the schema file format, for YAML editors.
    JsonSchema(json_schema::Args),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum Format {
    /// Rendered with source excerpts, for people.
    #[default]
    Human,
    /// One JSON array on stdout.
    Json,
    /// GitHub Actions workflow annotations on stdout.
    Github,
}

/// Where output goes, and whether it may be coloured.
pub struct Io<'a> {
    pub stdout: &'a mut dyn Write,
    pub stderr: &'a mut dyn Write,
    pub color: bool,
}

/// Runs the command line `args` (including the program name).
pub fn run<I, T>(args: I, io: &mut Io<'_>) -> u8
where
    I: IntoIterator<Item = T>,
    T: Into<std::ffi::OsString> + Clone,
{
    let cli = match Cli::try_parse_from(args) {
        Ok(cli) => cli,
        Err(error) => {
            let text = if io.color {
                error.render().ansi().to_string()
            } else {
                error.render().to_string()
            };
            let code = if error.use_stderr() {
                exit::USAGE
            } else {
                exit::OK
            };
            let stream: &mut dyn Write = if error.use_stderr() {
                io.stderr
            } else {
                io.stdout
            };
            let _ = stream.write_all(text.as_bytes());
            return code;
        }
    };
    match cli.command {
        Command::Check(args) => check::run(args, io),
        Command::Generate(args) => generate::run(args, io),
        Command::Diff(args) => diff::run(args, io),
        Command::Init(args) => init::run(args, io),
        Command::JsonSchema(args) => json_schema::run(args, io),
    }
}

/// The schema path argument's default.
pub fn default_schema() -> PathBuf {
    PathBuf::from("schema.yaml")
}

/// Reports an I/O or usage problem the way every subcommand does.
pub fn fail_usage(io: &mut Io<'_>, message: impl std::fmt::Display) -> u8 {
    let _ = writeln!(io.stderr, "error: {message}");
    exit::USAGE
}
