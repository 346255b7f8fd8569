//! TypeScript tests of the example app: the bindings of schema.example.yaml
//! generated into a scratch folder beside the test files, compiled by tsc
//! with the repository's strict tsconfig, ready for `node --test`.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};

use serde_json::json;

pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// A fresh scratch folder `target/example-app-{group}/{name}-{pid}-{call}`,
/// inside the repository so that Node finds its node_modules.
pub fn scratch(group: &str, name: &str) -> PathBuf {
    static CALLS: AtomicUsize = AtomicUsize::new(0);
    let call = CALLS.fetch_add(1, Ordering::Relaxed);
    let dir = repo_root()
        .join(format!("target/example-app-{group}"))
        .join(format!("{name}-{}-{call}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// What to compile.
#[derive(Default)]
pub struct Compile<'a> {
    /// Test files (paths from the repository root), copied beside the bindings.
    pub files: Vec<PathBuf>,
    /// Files copied beside them but not compiled on their own (helpers they import).
    pub helpers: Vec<PathBuf>,
    /// The React and Solid bindings as well.
    pub frameworks: bool,
    /// For tests that need the DOM's types (jsdom).
    pub dom: bool,
    /// node_modules packages the tests need, checked up front.
    pub packages: &'a [&'a str],
}

impl Compile<'_> {
    /// Generates the bindings into `dir/ts`, copies the files next to them
    /// and compiles everything into `dir/js`, which it returns.
    pub fn run(&self, dir: &Path) -> PathBuf {
        let root = repo_root();
        let tsc = root.join("node_modules/typescript/bin/tsc");
        for needed in [Path::new("typescript")]
            .into_iter()
            .chain(self.packages.iter().map(Path::new))
        {
            assert!(
                root.join("node_modules").join(needed).is_dir(),
                "node_modules/{} is missing: run `npm ci` in the repository root",
                needed.display()
            );
        }
        let name = "schema.example.yaml";
        let text = std::fs::read_to_string(root.join(name)).unwrap();
        let schema = schemabridge::load_str(name, &text).expect("the example schema loads");
        let targets = schemabridge::output::Targets {
            ts_out: Some(dir.join("ts")),
            frameworks: schemabridge::emit::ts::Frameworks {
                react: self.frameworks,
                solid: self.frameworks,
            },
            ..Default::default()
        };
        schemabridge::output::write(&schemabridge::output::plan(&schema, &targets)).unwrap();
        let copy = |path: &PathBuf| {
            let file = path.file_name().unwrap().to_string_lossy().into_owned();
            std::fs::copy(root.join(path), dir.join(&file)).unwrap();
            file
        };
        let files: Vec<String> = self.files.iter().map(copy).collect();
        self.helpers.iter().for_each(|path| {
            copy(path);
        });
        std::fs::write(dir.join("package.json"), "{ \"type\": \"module\" }\n").unwrap();
        let lib = if self.dom {
            json!(["ES2022", "DOM"])
        } else {
            json!(["ES2022"])
        };
        let mut options = json!({
            "noEmit": false,
            "rootDir": ".",
            "lib": lib,
            "types": ["node"],
            "typeRoots": [root.join("node_modules/@types")],
        });
        if self.frameworks {
            // solid-js's and jsdom's declarations are not ours to check.
            options["skipLibCheck"] = json!(true);
        }
        let config = json!({
            "extends": root.join("tsconfig.json"),
            "compilerOptions": options,
            "include": [],
            "files": files,
        });
        std::fs::write(dir.join("tsconfig.json"), config.to_string()).unwrap();
        let out = dir.join("js");
        let compiled = Command::new("node")
            .arg(&tsc)
            .arg("-p")
            .arg(dir.join("tsconfig.json"))
            .arg("--outDir")
            .arg(&out)
            .args(["--pretty", "false"])
            .output()
            .expect("node runs tsc");
        assert!(
            compiled.status.success(),
            "tsc:\n{}{}",
            String::from_utf8_lossy(&compiled.stdout),
            String::from_utf8_lossy(&compiled.stderr)
        );
        std::fs::write(out.join("package.json"), "{ \"type\": \"module\" }\n").unwrap();
        out
    }
}
