//! `schemabridge generate [SCHEMA] --rust-out FILE --ts-out DIR [--react] [--solid] [--check] [--watch]`

use std::path::PathBuf;
use std::time::Instant;

use super::{exit, fail_usage, Format, Io};
use crate::emit::ts::Frameworks;
use crate::output::{self, Targets};

#[derive(Debug, clap::Args)]
#[command(group = clap::ArgGroup::new("outputs").required(true).multiple(true).args(["rust_out", "ts_out"]))]
pub struct Args {
    /// The schema file.
    #[arg(default_value_os_t = super::default_schema())]
    pub schema: PathBuf,
    /// The generated Rust file.
    #[arg(long, value_name = "FILE")]
    pub rust_out: Option<PathBuf>,
    /// The folder of generated TypeScript files.
    #[arg(long, value_name = "DIR")]
    pub ts_out: Option<PathBuf>,
    /// Also write `react.ts` (provider and hooks) into the TypeScript folder.
    #[arg(long, requires = "ts_out")]
    pub react: bool,
    /// Also write `solid.ts` (provider and primitives) into the TypeScript folder.
    #[arg(long, requires = "ts_out")]
    pub solid: bool,
    /// Write nothing; exit 1 and print a diff if any output is out of date.
    #[arg(long, conflicts_with = "watch")]
    pub check: bool,
    /// Regenerate whenever the schema changes, until interrupted.
    #[arg(long)]
    pub watch: bool,
    /// How to print diagnostics.
    #[arg(long, value_enum, default_value_t)]
    pub format: Format,
}

impl Args {
    fn targets(&self) -> Targets {
        Targets {
            rust_out: self.rust_out.clone(),
            ts_out: self.ts_out.clone(),
            frameworks: Frameworks {
                react: self.react,
                solid: self.solid,
            },
        }
    }

    /// The command line that regenerates the outputs, for messages.
    fn command_line(&self) -> String {
        let mut line = format!("schemabridge generate {}", self.schema.display());
        if let Some(path) = &self.rust_out {
            line.push_str(&format!(" --rust-out {}", path.display()));
        }
        if let Some(path) = &self.ts_out {
            line.push_str(&format!(" --ts-out {}", path.display()));
        }
        for (flag, on) in [(" --react", self.react), (" --solid", self.solid)] {
            if on {
                line.push_str(flag);
            }
        }
        line
    }
}

pub fn run(args: Args, io: &mut Io<'_>) -> u8 {
    if args.watch {
        return super::watch::run(&args, io);
    }
    generate_once(&args, io)
}

/// One check-and-write pass; the exit code says how it went.
pub(super) fn generate_once(args: &Args, io: &mut Io<'_>) -> u8 {
    let started = Instant::now();
    let checked = match crate::check_path(&args.schema) {
        Ok(checked) => checked,
        Err(error) => return fail_usage(io, format!("cannot read {error}")),
    };
    super::check::report(&checked, args.format, io);
    let Some(schema) = checked.schema else {
        return exit::FAILED;
    };
    let planned = output::plan(&schema, &args.targets());
    if args.check {
        return check_drift(args, &planned, io);
    }
    match output::write(&planned) {
        Ok(written) => {
            let _ = writeln!(
                io.stderr,
                "schemabridge: {} files up to date ({} written, {} unchanged, {} removed) in {} ms",
                planned.files.len(),
                written.created.len() + written.updated.len(),
                written.unchanged.len(),
                written.removed.len(),
                started.elapsed().as_millis()
            );
            exit::OK
        }
        Err(error) => fail_usage(io, error),
    }
}

fn check_drift(args: &Args, planned: &output::Planned, io: &mut Io<'_>) -> u8 {
    let drifts = match output::drift(planned) {
        Ok(drifts) => drifts,
        Err(error) => return fail_usage(io, error),
    };
    if drifts.is_empty() {
        return exit::OK;
    }
    for drift in &drifts {
        let _ = io.stdout.write_all(drift.unified_diff().as_bytes());
    }
    let list: Vec<String> = drifts
        .iter()
        .map(|d| format!("{} ({})", d.path.display(), d.describe()))
        .collect();
    let _ = writeln!(
        io.stderr,
        "error: {} generated file{} out of date: {}\n  run `{}` to update them",
        drifts.len(),
        if drifts.len() == 1 { " is" } else { "s are" },
        list.join(", "),
        args.command_line()
    );
    exit::FAILED
}
