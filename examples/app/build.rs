//! Generates the server code from the repository's `schema.example.yaml`
//! on every build where the schema changed, and builds the web page served
//! at `/`: the generated TypeScript client with its React bindings and
//! `web/app.tsx`, bundled by esbuild from the repository's node_modules
//! into `OUT_DIR/web/app.js`. Nothing built is committed.
//!
//! Without node_modules (no `npm ci`) the server still builds: a
//! `cargo:warning` says why, and `/` answers 503 with what to do.

use std::path::{Path, PathBuf};
use std::process::Command;

/// The warning when the page cannot be built (src/page.rs says the same at `/`).
const NOT_BUILT: &str =
    "the web page was not built: run `npm ci` in the repository root and rebuild";

/// The page's own files, copied next to the generated client so that their
/// `./generated/…` imports resolve.
const PAGE_FILES: [&str; 1] = ["app.tsx"];

fn main() {
    let out_dir = PathBuf::from(std::env::var("OUT_DIR").expect("cargo sets OUT_DIR"));
    let manifest_dir =
        PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"));
    let repo = manifest_dir
        .ancestors()
        .nth(2)
        .expect("examples/app sits two folders below the repository root")
        .to_path_buf();
    let web = out_dir.join("web");
    schemabridge::Builder::new("../../schema.example.yaml")
        .rust_out(out_dir.join("schema.rs"))
        .ts_out(web.join("generated"))
        .react(true)
        .generate()
        .unwrap_or_else(|e| panic!("{e:?}"));

    for name in PAGE_FILES {
        let source = manifest_dir.join("web").join(name);
        println!("cargo:rerun-if-changed={}", source.display());
        copy_if_changed(&source, &web.join(name));
    }
    // Written by `npm ci`: a build before it must run again after it. While
    // it is missing, cargo reruns this script on every build, which is what
    // makes "run `npm ci` and rebuild" work.
    println!(
        "cargo:rerun-if-changed={}",
        repo.join("node_modules/.package-lock.json").display()
    );

    let page = match bundle(&repo, &web) {
        Ok(script) => format!("Some(include_str!({:?}))", script.display().to_string()),
        Err(reason) => {
            println!("cargo:warning={NOT_BUILT} ({reason})");
            "None".to_owned()
        }
    };
    let code = format!(
        "/// The page's bundled script; `None` when it could not be built.\n\
         pub const SCRIPT: Option<&str> = {page};\n"
    );
    write_if_changed(&out_dir.join("page.rs"), &code);
}

/// Runs esbuild over `web/app.tsx`; the bundle's path, or why there is none.
/// A page that does not compile fails the build: that is a bug to fix, not
/// a missing tool.
fn bundle(repo: &Path, web: &Path) -> Result<PathBuf, String> {
    let esbuild = repo.join("node_modules/esbuild/bin/esbuild");
    if !esbuild.is_file() {
        return Err(format!("{} is missing", esbuild.display()));
    }
    let script = web.join("app.js");
    let output = Command::new(&esbuild)
        .arg(web.join("app.tsx"))
        .args([
            "--bundle",
            "--format=esm",
            "--platform=browser",
            "--target=es2022",
            "--jsx=automatic",
            "--minify",
            "--log-level=warning",
            "--define:process.env.NODE_ENV=\"production\"",
        ])
        .arg(format!("--outfile={}", script.display()))
        // `react` is imported from OUT_DIR, which need not be inside the
        // repository (CARGO_TARGET_DIR), so node_modules is named.
        .env("NODE_PATH", repo.join("node_modules"))
        .output()
        .map_err(|error| format!("cannot run {}: {error}", esbuild.display()))?;
    if !output.status.success() {
        panic!(
            "esbuild could not build the web page ({}):\n{}{}",
            output.status,
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
    }
    for line in String::from_utf8_lossy(&output.stderr).lines() {
        println!("cargo:warning=esbuild: {line}");
    }
    Ok(script)
}

fn copy_if_changed(from: &Path, to: &Path) {
    let text = std::fs::read_to_string(from)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", from.display()));
    write_if_changed(to, &text);
}

/// Leaves an unchanged file alone, so that its mtime stays and nothing
/// downstream rebuilds.
fn write_if_changed(path: &Path, text: &str) {
    if std::fs::read_to_string(path).is_ok_and(|old| old == text) {
        return;
    }
    std::fs::create_dir_all(path.parent().expect("a file in a folder"))
        .unwrap_or_else(|e| panic!("cannot create the folder of {}: {e}", path.display()));
    std::fs::write(path, text).unwrap_or_else(|e| panic!("cannot write {}: {e}", path.display()));
}
