//! The markdown tables the benchmark prints.

use std::fmt::Write;
use std::time::Duration;

use crate::load::Measured;
use crate::Kind;

pub struct Cell {
    pub backend: &'static str,
    pub kind: Kind,
    pub function: &'static str,
    pub clients: usize,
    pub measured: Measured,
}

pub struct Lookup {
    pub backend: &'static str,
    pub kind: Kind,
    pub size: u64,
    pub seeding: Duration,
    pub measured: Measured,
    pub peak_memory: Option<u64>,
}

#[derive(Default)]
pub struct Report {
    pub cells: Vec<Cell>,
    pub memory: Vec<(&'static str, Kind, Option<u64>)>,
    pub lookups: Vec<Lookup>,
}

fn server(backend: &str, kind: Kind) -> String {
    match (kind, backend) {
        (Kind::App, _) => "example-app".to_owned(),
        (Kind::Baseline, "SQLite") => "axum + rusqlite".to_owned(),
        (Kind::Baseline, _) => "axum + tokio-postgres".to_owned(),
    }
}

fn ms(duration: Duration) -> String {
    format!("{:.2}", duration.as_secs_f64() * 1000.0)
}

fn mib(bytes: Option<u64>) -> String {
    bytes.map_or("?".to_owned(), |b| {
        format!("{:.1}", b as f64 / (1024.0 * 1024.0))
    })
}

fn errors(measured: &Measured) -> String {
    match &measured.first_error {
        None => "0".to_owned(),
        Some(first) => format!(
            "{} (first: {})",
            measured.errors,
            first.chars().take(80).collect::<String>()
        ),
    }
}

impl Report {
    pub fn markdown(&self, seconds: f64, lookup_clients: usize) -> String {
        let mut out = String::new();
        let mut backends: Vec<&str> = self.cells.iter().map(|c| c.backend).collect();
        backends.dedup();
        for backend in backends {
            let baseline = server(backend, Kind::Baseline);
            let _ = writeln!(
                out,
                "\n### {backend}: calls per second and latency ({seconds} s per cell)\n"
            );
            let _ = writeln!(
                out,
                "| function | clients | example-app calls/s | p50 ms | p99 ms | {baseline} calls/s | p50 ms | p99 ms | app / baseline | errors (app, baseline) |"
            );
            let _ = writeln!(out, "|---|---:|---:|---:|---:|---:|---:|---:|---:|---|");
            let cells: Vec<&Cell> = self.cells.iter().filter(|c| c.backend == backend).collect();
            for app in cells.iter().filter(|c| c.kind == Kind::App) {
                let Some(base) = cells.iter().find(|c| {
                    c.kind == Kind::Baseline
                        && c.function == app.function
                        && c.clients == app.clients
                }) else {
                    continue;
                };
                let (a, b) = (&app.measured, &base.measured);
                let _ = writeln!(
                    out,
                    "| {} | {} | {:.0} | {} | {} | {:.0} | {} | {} | {:.0}% | {}, {} |",
                    app.function,
                    app.clients,
                    a.per_second(),
                    ms(a.p50),
                    ms(a.p99),
                    b.per_second(),
                    ms(b.p50),
                    ms(b.p99),
                    100.0 * a.per_second() / b.per_second(),
                    errors(a),
                    errors(b),
                );
            }
        }
        if !self.memory.is_empty() {
            let _ = writeln!(out, "\n### Peak memory (VmHWM) after those runs\n");
            let _ = writeln!(out, "| backend | server | peak MiB |");
            let _ = writeln!(out, "|---|---|---:|");
            for (backend, kind, peak) in &self.memory {
                let _ = writeln!(
                    out,
                    "| {backend} | {} | {} |",
                    server(backend, *kind),
                    mib(*peak)
                );
            }
        }
        if !self.lookups.is_empty() {
            let _ = writeln!(out, "\n### users.byClerkId: indexed lookup by table size ({lookup_clients} clients, random keys)\n");
            let _ = writeln!(out, "| backend | server | documents | seeding s | calls/s | p50 ms | p99 ms | peak MiB | errors |");
            let _ = writeln!(out, "|---|---|---:|---:|---:|---:|---:|---:|---|");
            for lookup in &self.lookups {
                let m = &lookup.measured;
                let _ = writeln!(
                    out,
                    "| {} | {} | {} | {:.1} | {:.0} | {} | {} | {} | {} |",
                    lookup.backend,
                    server(lookup.backend, lookup.kind),
                    lookup.size,
                    lookup.seeding.as_secs_f64(),
                    m.per_second(),
                    ms(m.p50),
                    ms(m.p99),
                    mib(lookup.peak_memory),
                    errors(m),
                );
            }
        }
        out
    }
}
