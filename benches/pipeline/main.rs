//! `cargo bench`: whole-process timings and peak memory of `check` and
//! `generate` on large schemas, beside the anchors (the tools users would
//! pick instead) measured on the same model in `../shared/bench`.
//!
//! Environment: `BENCH_N` (tables, default 1000), `BENCH_RUNS` (default
//! 10), `BENCH_LARGE=1` to add N = 5000.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

mod model;

fn main() {
    let runs: usize = env_or("BENCH_RUNS", 10);
    let n: usize = env_or("BENCH_N", 1000);
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("bench");
    std::fs::create_dir_all(&dir).expect("bench folder");

    println!("## schemabridge on its own model: {n} tables x 20 fields (nested objects, unions, optionals, ids, indexes)\n");
    let schema = dir.join(format!("model-{n}.yaml"));
    std::fs::write(&schema, model::schema(n, 20)).expect("write model");
    header();
    measure_check(&schema, runs);
    measure_generate(&schema, &dir.join("out-model"), runs);
    in_process(&schema);

    let mut sizes = vec![1000];
    if std::env::var_os("BENCH_LARGE").is_some() {
        sizes.push(5000);
    }
    let shared = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/bench");
    if !shared.join("make_inputs.py").exists() {
        println!("\n(../shared/bench not found: anchor comparison skipped)");
        return;
    }
    for n in sizes {
        println!("\n## The anchors' model (shared/bench/make_inputs.py {n}), beside the anchors\n");
        let inputs = dir.join(format!("anchors-{n}"));
        let status = Command::new("python3")
            .arg(shared.join("make_inputs.py"))
            .arg(n.to_string())
            .arg(&inputs)
            .status();
        if !status.is_ok_and(|s| s.success()) {
            println!("(python3 make_inputs.py failed: comparison skipped)");
            continue;
        }
        header();
        let ours = measure_generate(
            &inputs.join("schema.yaml"),
            &dir.join(format!("out-anchors-{n}")),
            runs,
        );
        anchors(&shared, n, ours);
    }
}

fn env_or(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn header() {
    println!("| command | input bytes | output bytes | median wall ms (min-max) | peak RSS MiB | RSS / input |");
    println!("|---|---:|---:|---:|---:|---:|");
}

struct Figures {
    median: Duration,
    peak_mib: f64,
}

fn measure_check(schema: &Path, runs: usize) -> Figures {
    let figures = time(runs, || {
        let mut command = Command::new(env!("CARGO_BIN_EXE_schemabridge"));
        command.arg("check").arg(schema);
        command
    });
    report("schemabridge check", schema, None, &figures);
    figures.into()
}

fn measure_generate(schema: &Path, out: &Path, runs: usize) -> Figures {
    let figures = time(runs, || {
        // Outputs are removed first: an unchanged file is not rewritten,
        // which would make later runs cheaper than a first generation.
        let _ = std::fs::remove_dir_all(out);
        let mut command = Command::new(env!("CARGO_BIN_EXE_schemabridge"));
        command
            .arg("generate")
            .arg(schema)
            .arg("--rust-out")
            .arg(out.join("schema.rs"))
            .arg("--ts-out")
            .arg(out.join("ts"));
        command
    });
    report(
        "schemabridge generate (Rust + TS)",
        schema,
        Some(out),
        &figures,
    );
    figures.into()
}

struct Runs {
    walls: Vec<Duration>,
    peaks_kib: Vec<i64>,
}

impl From<Runs> for Figures {
    fn from(runs: Runs) -> Self {
        Figures {
            median: runs.walls[runs.walls.len() / 2],
            peak_mib: median_i64(&runs.peaks_kib) as f64 / 1024.0,
        }
    }
}

/// Runs the command once to warm up, then `runs` times; wall time from
/// spawn to exit, peak RSS from the kernel's accounting of the child.
// Each child is reaped by `wait4`, which also reports its peak memory;
// `Child::wait` would not.
#[allow(clippy::zombie_processes)]
fn time(runs: usize, command: impl Fn() -> Command) -> Runs {
    let mut result = Runs {
        walls: Vec::new(),
        peaks_kib: Vec::new(),
    };
    for run in 0..=runs {
        let mut command = command();
        command
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null());
        let start = Instant::now();
        let child = command.spawn().expect("spawn schemabridge");
        let (status, peak_kib) = wait_with_rusage(child.id() as i32);
        let wall = start.elapsed();
        assert_eq!(status, 0, "schemabridge failed");
        if run > 0 {
            result.walls.push(wall);
            result.peaks_kib.push(peak_kib);
        }
    }
    result.walls.sort();
    result
}

fn wait_with_rusage(pid: i32) -> (i32, i64) {
    let mut status = 0;
    // SAFETY: `rusage` is plain data; wait4 fills it for our own child.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    let waited = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
    assert_eq!(waited, pid, "wait4");
    (libc::WEXITSTATUS(status), usage.ru_maxrss)
}

fn median_i64(values: &[i64]) -> i64 {
    let mut sorted = values.to_vec();
    sorted.sort();
    sorted[sorted.len() / 2]
}

fn report(label: &str, input: &Path, output: Option<&Path>, runs: &Runs) {
    let input_bytes = size(input);
    let output_bytes = output.map_or(0, size);
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    let peak = median_i64(&runs.peaks_kib) as f64 / 1024.0;
    println!(
        "| {label} | {input_bytes} | {output_bytes} | {:.1} ({:.1}-{:.1}) | {peak:.1} | {:.1}x |",
        ms(runs.walls[runs.walls.len() / 2]),
        ms(runs.walls[0]),
        ms(runs.walls[runs.walls.len() - 1]),
        peak * 1024.0 * 1024.0 / input_bytes as f64,
    );
}

fn size(path: &Path) -> u64 {
    if path.is_dir() {
        std::fs::read_dir(path)
            .map(|entries| {
                entries
                    .filter_map(Result::ok)
                    .map(|e| size(&e.path()))
                    .sum()
            })
            .unwrap_or(0)
    } else {
        std::fs::metadata(path).map_or(0, |m| m.len())
    }
}

/// The anchors' recorded medians for this N, with our time as a ratio.
fn anchors(shared: &Path, n: usize, ours: Figures) {
    let Some(tsv) = std::fs::read_dir(shared)
        .ok()
        .and_then(|entries| {
            let mut files: Vec<PathBuf> = entries
                .filter_map(Result::ok)
                .map(|e| e.path())
                .filter(|p| p.extension().is_some_and(|e| e == "tsv"))
                .collect();
            files.sort();
            files.pop()
        })
        .and_then(|p| std::fs::read_to_string(p).ok())
    else {
        return;
    };
    println!("\n| anchor (recorded in shared/bench) | N | median wall s | peak RSS MiB | anchor time / schemabridge generate |");
    println!("|---|---:|---:|---:|---:|");
    let ours_s = ours.median.as_secs_f64();
    for line in tsv.lines().filter(|l| !l.starts_with('#')) {
        let columns: Vec<&str> = line.split('\t').collect();
        if columns.len() < 10
            || columns[1] != n.to_string()
            || columns[0].starts_with("floor")
            || columns[0].starts_with("startup")
        {
            continue;
        }
        let wall: f64 = columns[6].parse().unwrap_or(f64::NAN);
        println!(
            "| {} | {n} | {wall:.3} | {} | {:.1}x |",
            columns[0],
            columns[9],
            wall / ours_s
        );
    }
    println!(
        "| **schemabridge generate** | {n} | {ours_s:.3} | {:.1} | 1.0x |",
        ours.peak_mib
    );
}

/// Phase timings inside one process (median of 5), to see where time goes.
fn in_process(schema: &Path) {
    let text = std::fs::read_to_string(schema).expect("read model");
    let mut check = Vec::new();
    let mut rust = Vec::new();
    let mut ts = Vec::new();
    for _ in 0..5 {
        let start = Instant::now();
        let model = schemabridge::load_str("model.yaml", &text).expect("valid model");
        check.push(start.elapsed());
        let start = Instant::now();
        let rust_text = schemabridge::emit::rust::emit(&model);
        rust.push(start.elapsed());
        let start = Instant::now();
        let ts_files = schemabridge::emit::ts::emit(&model);
        ts.push(start.elapsed());
        std::hint::black_box((rust_text, ts_files));
    }
    let median = |mut v: Vec<Duration>| {
        v.sort();
        v[v.len() / 2].as_secs_f64() * 1000.0
    };
    println!(
        "\nIn-process medians: check {:.1} ms, Rust emitter {:.1} ms, TypeScript emitter {:.1} ms.",
        median(check),
        median(rust),
        median(ts)
    );
}
