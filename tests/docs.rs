//! The documentation a clone of the repository carries: README.md and
//! docs/ link only to files that exist in the repository (and to headings
//! that exist in them), and nothing a user reads points at the product
//! contract outside the repository or at a crates.io page that does not
//! exist.

use std::path::{Component, Path, PathBuf};

mod support;
use support::repo_root;

/// README.md and every Markdown file under docs/.
fn markdown_files() -> Vec<PathBuf> {
    let mut files = vec![repo_root().join("README.md")];
    let mut stack = vec![repo_root().join("docs")];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).expect("docs/ exists") {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "md") {
                files.push(path);
            }
        }
    }
    files.sort();
    files
}

/// The targets of inline Markdown links, outside fenced code blocks.
fn link_targets(markdown: &str) -> Vec<String> {
    let mut targets = Vec::new();
    let mut fenced = false;
    for line in markdown.lines() {
        if line.trim_start().starts_with("```") {
            fenced = !fenced;
            continue;
        }
        if fenced {
            continue;
        }
        let mut rest = line;
        while let Some(start) = rest.find("](") {
            let after = &rest[start + 2..];
            let Some(end) = after.find(')') else { break };
            targets.push(after[..end].to_owned());
            rest = &after[end..];
        }
    }
    targets
}

/// GitHub's anchor for a heading: lower case, punctuation dropped, spaces
/// as hyphens.
fn slug(heading: &str) -> String {
    heading
        .trim()
        .to_lowercase()
        .chars()
        .filter(|c| c.is_alphanumeric() || *c == ' ' || *c == '-' || *c == '_')
        .map(|c| if c == ' ' { '-' } else { c })
        .collect()
}

fn anchors(markdown: &str) -> Vec<String> {
    let mut fenced = false;
    let mut anchors = Vec::new();
    for line in markdown.lines() {
        if line.trim_start().starts_with("```") {
            fenced = !fenced;
        } else if !fenced && line.starts_with('#') {
            anchors.push(slug(line.trim_start_matches('#')));
        }
    }
    anchors
}

/// `path` with `.` and `..` resolved without touching the file system,
/// so a link that climbs out of the repository is seen as such.
fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            Component::ParentDir => {
                out.pop();
            }
            Component::CurDir => {}
            other => out.push(other),
        }
    }
    out
}

#[test]
fn links_stay_inside_the_repository_and_resolve() {
    let mut problems = Vec::new();
    for file in markdown_files() {
        let text = std::fs::read_to_string(&file).unwrap();
        let shown = file
            .strip_prefix(repo_root())
            .unwrap()
            .display()
            .to_string();
        for target in link_targets(&text) {
            if target.starts_with("https://") || target.starts_with("http://") {
                continue;
            }
            let (path, anchor) = match target.split_once('#') {
                Some((path, anchor)) => (path, Some(anchor)),
                None => (target.as_str(), None),
            };
            let resolved = if path.is_empty() {
                file.clone()
            } else {
                normalize(&file.parent().unwrap().join(path))
            };
            if !resolved.starts_with(repo_root()) {
                problems.push(format!("{shown}: {target} leaves the repository"));
                continue;
            }
            if !resolved.exists() {
                problems.push(format!("{shown}: {target} does not exist"));
                continue;
            }
            if let Some(anchor) = anchor {
                let target_text = std::fs::read_to_string(&resolved).unwrap_or_default();
                if !anchors(&target_text).iter().any(|a| a == anchor) {
                    problems.push(format!("{shown}: {target} names no heading"));
                }
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// What users read: the docs, the client copied into their projects, the
/// starter schema, and the runtime crate's documentation.
#[test]
fn nothing_points_outside_the_repository() {
    let mut files = markdown_files();
    for file in [
        "templates/client.ts",
        "src/cli/starter.yaml",
        "runtime/src/lib.rs",
        "runtime/Cargo.toml",
        "Cargo.toml",
    ] {
        files.push(repo_root().join(file));
    }
    let mut problems = Vec::new();
    for file in files {
        let text = std::fs::read_to_string(&file).unwrap();
        let shown = file
            .strip_prefix(repo_root())
            .unwrap()
            .display()
            .to_string();
        for (number, line) in text.lines().enumerate() {
            // The contract lives outside the repository; neither it nor
            // crates.io (where schemabridge is not published) can be read
            // from a clone.
            for outside in ["../shared", "SPEC.md", "SPEC §", "crates.io/crates/"] {
                if line.contains(outside) {
                    problems.push(format!("{shown}:{}: {line}", number + 1));
                }
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// The generated client says where its wire format is described, by a
/// path inside the schemabridge repository.
#[test]
fn the_client_names_the_wire_format_page() {
    let client = std::fs::read_to_string(repo_root().join("templates/client.ts")).unwrap();
    let page = "docs/reference/wire-format.md";
    assert!(
        client.contains(page),
        "templates/client.ts does not cite {page}"
    );
    assert!(repo_root().join(page).is_file());
}
