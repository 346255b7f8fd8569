//! `schemabridge check [SCHEMA] [--format human|json|github] [--deny-warnings]`

use std::path::PathBuf;

use super::{exit, fail_usage, Format, Io};
use crate::diagnostics::render::{self, Style};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The schema file.
    #[arg(default_value_os_t = super::default_schema())]
    pub schema: PathBuf,
    /// How to print diagnostics.
    #[arg(long, value_enum, default_value_t)]
    pub format: Format,
    /// Fail (exit 1) on warnings too.
    #[arg(long)]
    pub deny_warnings: bool,
}

pub fn run(args: Args, io: &mut Io<'_>) -> u8 {
    let checked = match crate::check_path(&args.schema) {
        Ok(checked) => checked,
        Err(error) => return fail_usage(io, format!("cannot read {error}")),
    };
    let failed = checked.has_errors() || (args.deny_warnings && checked.has_warnings());
    report(&checked, args.format, io);
    // The process ends next: freeing a large model piece by piece would
    // only cost time (about a tenth of a run on big schemas).
    std::mem::forget(checked);
    if failed {
        exit::FAILED
    } else {
        exit::OK
    }
}

/// Prints diagnostics in the chosen format (shared with `generate`).
pub(super) fn report(checked: &crate::Checked, format: Format, io: &mut Io<'_>) {
    let diagnostics = &checked.diagnostics;
    let file = &checked.file;
    let _ = match format {
        Format::Json => io
            .stdout
            .write_all(render::json(diagnostics, file).as_bytes()),
        Format::Github => io
            .stdout
            .write_all(render::github(diagnostics, file).as_bytes()),
        Format::Human if diagnostics.is_empty() => Ok(()),
        Format::Human => {
            let style = Style {
                color: io.color,
                ..Style::PLAIN
            };
            let text = render::human(diagnostics, file, style);
            io.stderr.write_all(text.as_bytes()).and_then(|()| {
                writeln!(
                    io.stderr,
                    "{}: {}",
                    file.name(),
                    render::summary(diagnostics)
                )
            })
        }
    };
}
