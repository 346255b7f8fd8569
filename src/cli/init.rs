//! `schemabridge init [PATH]`: writes a starter schema, never over an
//! existing file, and beside it the JSON Schema that the starter's
//! `# yaml-language-server` line points editors at.

use std::io::Write as _;
use std::path::{Path, PathBuf};

use super::json_schema::JSON_SCHEMA;
use super::{exit, fail_usage, Io};

/// The starter schema: small, valid, and showing each feature once. Its
/// first line names [`JSON_SCHEMA_FILE`] in the same folder.
pub const STARTER: &str = include_str!("starter.yaml");

/// The file name the starter's `yaml-language-server` line refers to.
pub const JSON_SCHEMA_FILE: &str = "schemabridge.schema.json";

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Where to write the schema; missing folders are created.
    #[arg(default_value_os_t = super::default_schema())]
    pub path: PathBuf,
}

pub fn run(args: Args, io: &mut Io<'_>) -> u8 {
    let folder = args
        .path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    if let Err(error) = std::fs::create_dir_all(folder) {
        return fail_usage(io, format!("cannot create {}: {error}", folder.display()));
    }
    match create_new(&args.path, STARTER) {
        Ok(true) => {}
        Ok(false) => {
            return fail_usage(
                io,
                format!("{} already exists; not overwriting it", args.path.display()),
            )
        }
        Err(error) => return fail_usage(io, error),
    }
    // An existing JSON Schema is the user's (perhaps from a newer
    // schemabridge, or edited): it is kept.
    let json_schema = args.path.with_file_name(JSON_SCHEMA_FILE);
    let wrote_json_schema = match create_new(&json_schema, JSON_SCHEMA) {
        Ok(wrote) => wrote,
        Err(error) => return fail_usage(io, error),
    };
    let _ = if wrote_json_schema {
        writeln!(
            io.stdout,
            "wrote {} and {}; next: schemabridge check {0}",
            args.path.display(),
            json_schema.display()
        )
    } else {
        writeln!(
            io.stdout,
            "wrote {} (kept the existing {}); next: schemabridge check {0}",
            args.path.display(),
            json_schema.display()
        )
    };
    exit::OK
}

/// Writes `contents` to a new file at `path`: `Ok(false)` when a file is
/// already there (it is left alone), an error message for anything else.
fn create_new(path: &Path, contents: &str) -> Result<bool, String> {
    let file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path);
    let mut file = match file {
        Ok(file) => file,
        Err(error) if error.kind() == std::io::ErrorKind::AlreadyExists => return Ok(false),
        Err(error) => return Err(format!("cannot create {}: {error}", path.display())),
    };
    file.write_all(contents.as_bytes())
        .map_err(|error| format!("cannot write {}: {error}", path.display()))?;
    Ok(true)
}
