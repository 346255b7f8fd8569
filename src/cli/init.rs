//! `schemabridge init [PATH]`: writes a starter schema, never over an
//! existing file.

use std::io::Write as _;
use std::path::PathBuf;

use super::{exit, fail_usage, Io};

/// The starter schema: small, valid, and showing each feature once.
pub const STARTER: &str = include_str!("starter.yaml");

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Where to write the schema.
    #[arg(default_value_os_t = super::default_schema())]
    pub path: PathBuf,
}

pub fn run(args: Args, io: &mut Io<'_>) -> u8 {
    let file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&args.path);
    let mut file = match file {
        Ok(file) => file,
        Err(error) if error.kind() == std::io::ErrorKind::AlreadyExists => {
            return fail_usage(
                io,
                format!("{} already exists; not overwriting it", args.path.display()),
            );
        }
        Err(error) => {
            return fail_usage(
                io,
                format!("cannot create {}: {error}", args.path.display()),
            )
        }
    };
    if let Err(error) = file.write_all(STARTER.as_bytes()) {
        return fail_usage(io, format!("cannot write {}: {error}", args.path.display()));
    }
    let _ = writeln!(
        io.stdout,
        "wrote {}; next: schemabridge check {0}",
        args.path.display()
    );
    exit::OK
}
