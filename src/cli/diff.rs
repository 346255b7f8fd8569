//! `schemabridge diff OLD NEW [--format human|json|github]`
//!
//! OLD and NEW are schema files; either may also be `REV:PATH`, read with
//! `git show REV:PATH`, so CI can run
//! `schemabridge diff origin/main:schema.yaml schema.yaml`. A path that
//! exists on disk is always read as a file, even if it holds a `:`.

use std::path::{Path, PathBuf};
use std::process::Command;

use super::{exit, fail_usage, Format, Io};
use crate::diagnostics::render::{self, Style};
use crate::diff;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The old schema: a file, or `REV:PATH` to read it from git.
    pub old: String,
    /// The new schema: a file, or `REV:PATH`.
    pub new: String,
    /// How to print the changes.
    #[arg(long, value_enum, default_value_t)]
    pub format: Format,
}

/// Where a schema version is read from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    File(PathBuf),
    /// `git show REV:PATH`.
    Git {
        rev: String,
        path: String,
    },
}

impl Source {
    /// Reads `arg` as a file when `is_file(arg)`, else as `REV:PATH` when
    /// it has a `:` with text on both sides, else as a (missing) file.
    pub fn parse(arg: &str, is_file: impl Fn(&Path) -> bool) -> Source {
        if is_file(Path::new(arg)) {
            return Source::File(PathBuf::from(arg));
        }
        // A revision never starts with `-` (it would be read as an option);
        // a one-letter "revision" on Windows is a drive.
        let drive = |rev: &str| cfg!(windows) && rev.len() == 1;
        match arg.split_once(':') {
            Some((rev, path))
                if !rev.is_empty() && !path.is_empty() && !rev.starts_with('-') && !drive(rev) =>
            {
                Source::Git {
                    rev: rev.to_string(),
                    path: path.to_string(),
                }
            }
            _ => Source::File(PathBuf::from(arg)),
        }
    }

    /// The path to annotate in the working tree (GitHub annotations).
    fn path(&self) -> String {
        match self {
            Source::File(path) => path.display().to_string(),
            Source::Git { path, .. } => path.clone(),
        }
    }

    fn read(&self) -> Result<Vec<u8>, String> {
        match self {
            Source::File(path) => {
                std::fs::read(path).map_err(|e| format!("cannot read {}: {e}", path.display()))
            }
            Source::Git { rev, path } => {
                let object = format!("{rev}:{path}");
                let output = Command::new("git")
                    .arg("show")
                    .arg(&object)
                    .output()
                    .map_err(|e| format!("cannot run `git show {object}`: {e}"))?;
                if output.status.success() {
                    Ok(output.stdout)
                } else {
                    let stderr = String::from_utf8_lossy(&output.stderr);
                    Err(format!("`git show {object}` failed: {}", stderr.trim()))
                }
            }
        }
    }
}

pub fn run(args: Args, io: &mut Io<'_>) -> u8 {
    let is_file = |p: &Path| p.is_file();
    let (old_source, new_source) = (
        Source::parse(&args.old, is_file),
        Source::parse(&args.new, is_file),
    );
    let (old_bytes, new_bytes) = match (old_source.read(), new_source.read()) {
        (Ok(old), Ok(new)) => (old, new),
        (Err(error), _) | (_, Err(error)) => return fail_usage(io, error),
    };
    let old = crate::check_vec(&args.old, old_bytes);
    let new = crate::check_vec(&args.new, new_bytes);
    let (Some(old_schema), Some(new_schema)) = (&old.schema, &new.schema) else {
        report_errors(&[&old, &new], args.format, io);
        return exit::FAILED;
    };
    let changes = diff::diff(old_schema, new_schema);
    let style = Style {
        color: io.color,
        ..Style::PLAIN
    };
    let text = match args.format {
        Format::Human => diff::render::human(&changes, &old.file, &new.file, style),
        Format::Json => diff::render::json(&changes, &old.file, &new.file),
        Format::Github => diff::render::github(&changes, &old.file, &new.file, &new_source.path()),
    };
    let _ = io.stdout.write_all(text.as_bytes());
    if diff::is_breaking(&changes) {
        exit::FAILED
    } else {
        exit::OK
    }
}

/// Prints the diagnostics of each schema that has errors, as `check` would
/// (JSON: one array holding both files' diagnostics).
fn report_errors(checked: &[&crate::Checked], format: Format, io: &mut Io<'_>) {
    let failed: Vec<&crate::Checked> = checked.iter().copied().filter(|c| c.has_errors()).collect();
    let _ = match format {
        Format::Json => {
            let entries: Vec<_> = failed
                .iter()
                .flat_map(|c| render::json_entries(&c.diagnostics, &c.file))
                .collect();
            let mut text = serde_json::to_string_pretty(&entries).expect("diagnostics serialize");
            text.push('\n');
            io.stdout.write_all(text.as_bytes())
        }
        Format::Github => failed.iter().try_for_each(|c| {
            io.stdout
                .write_all(render::github(&c.diagnostics, &c.file).as_bytes())
        }),
        Format::Human => failed.iter().try_for_each(|c| {
            let style = Style {
                color: io.color,
                ..Style::PLAIN
            };
            let text = render::human(&c.diagnostics, &c.file, style);
            io.stderr.write_all(text.as_bytes())?;
            writeln!(
                io.stderr,
                "{}: {}",
                c.file.name(),
                render::summary(&c.diagnostics)
            )
        }),
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    fn git(rev: &str, path: &str) -> Source {
        Source::Git {
            rev: rev.into(),
            path: path.into(),
        }
    }

    #[test]
    fn rev_path_is_read_from_git_unless_the_file_exists() {
        let none = |_: &Path| false;
        assert_eq!(
            Source::parse("origin/main:schema.yaml", none),
            git("origin/main", "schema.yaml")
        );
        assert_eq!(
            Source::parse("HEAD~2:api/schema.yaml", none),
            git("HEAD~2", "api/schema.yaml")
        );
        // Only the first `:` separates: a path may hold one.
        assert_eq!(
            Source::parse("v1.0:a:b.yaml", none),
            git("v1.0", "a:b.yaml")
        );
        let file = |s: &str| Source::File(PathBuf::from(s));
        assert_eq!(Source::parse("schema.yaml", none), file("schema.yaml"));
        assert_eq!(Source::parse("HEAD:", none), file("HEAD:"));
        assert_eq!(Source::parse(":schema.yaml", none), file(":schema.yaml"));
        assert_eq!(
            Source::parse("-x:schema.yaml", none),
            file("-x:schema.yaml")
        );
        // A file that exists wins over the git reading.
        let exists = |p: &Path| p == Path::new("odd:name.yaml");
        assert_eq!(
            Source::parse("odd:name.yaml", exists),
            file("odd:name.yaml")
        );
        assert_eq!(git("HEAD", "sub/s.yaml").path(), "sub/s.yaml");
    }
}
