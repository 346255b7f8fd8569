//! Heap use of each phase of `check` on one schema: bytes live, the peak so
//! far, and allocations made (`cargo run --release --example count FILE`).

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};

struct Counting;

static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);
static ALLOCATIONS: AtomicUsize = AtomicUsize::new(0);

// SAFETY: forwards to the system allocator, only counting on the way.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, Relaxed);
        let live = LIVE.fetch_add(layout.size(), Relaxed) + layout.size();
        PEAK.fetch_max(live, Relaxed);
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, pointer: *mut u8, layout: Layout) {
        LIVE.fetch_sub(layout.size(), Relaxed);
        unsafe { System.dealloc(pointer, layout) }
    }
}

#[global_allocator]
static COUNTING: Counting = Counting;

fn report(phase: &str) {
    let mib = |bytes: usize| bytes as f64 / 1_048_576.0;
    println!(
        "{phase:>10}: live {:6.1} MiB, peak {:6.1} MiB, {:8} allocations",
        mib(LIVE.load(Relaxed)),
        mib(PEAK.load(Relaxed)),
        ALLOCATIONS.load(Relaxed)
    );
}

fn main() {
    let path = std::env::args().nth(1).expect("a schema file");
    let text = String::from_utf8(std::fs::read(&path).expect("readable")).expect("UTF-8");
    let file = schemabridge::source::SourceFile::new(&path, text);
    report("text");
    let mut diagnostics = schemabridge::diagnostics::Diagnostics::new();
    let root = schemabridge::yaml::read(&file, &mut diagnostics);
    report("tree");
    let mut ast = schemabridge::syntax::parse_schema(root, 0, &mut diagnostics);
    report("syntax");
    let schema = schemabridge::check::check(&mut ast, &file, &mut diagnostics);
    report("model");
    drop(ast);
    report("end");
    std::hint::black_box(schema);
}
