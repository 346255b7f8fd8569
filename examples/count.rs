use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};
struct Counting;
static CUR: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, l: Layout) -> *mut u8 {
        let p = unsafe { System.alloc(l) };
        let c = CUR.fetch_add(l.size(), Relaxed) + l.size();
        PEAK.fetch_max(c, Relaxed);
        p
    }
    unsafe fn dealloc(&self, p: *mut u8, l: Layout) {
        unsafe { System.dealloc(p, l) };
        CUR.fetch_sub(l.size(), Relaxed);
    }
}
#[global_allocator]
static A: Counting = Counting;
fn mb(x: usize) -> f64 {
    x as f64 / 1048576.0
}
fn main() {
    let path = std::env::args().nth(1).unwrap();
    let bytes = std::fs::read(&path).unwrap();
    let text = String::from_utf8(bytes).unwrap();
    let file = schemabridge::source::SourceFile::new(&path, text);
    println!(
        "text: cur {:.1} peak {:.1}",
        mb(CUR.load(Relaxed)),
        mb(PEAK.load(Relaxed))
    );
    let mut d = schemabridge::diagnostics::Diagnostics::new();
    let root = schemabridge::yaml::read(&file, &mut d);
    println!(
        "tree: cur {:.1} peak {:.1}",
        mb(CUR.load(Relaxed)),
        mb(PEAK.load(Relaxed))
    );
    let ast = schemabridge::syntax::parse_schema(root, 0, &mut d);
    println!(
        "ast: cur {:.1} peak {:.1}",
        mb(CUR.load(Relaxed)),
        mb(PEAK.load(Relaxed))
    );
    let mut ast = ast;
    let schema = schemabridge::check::check(&mut ast, &file, &mut d).unwrap();
    println!(
        "ir: cur {:.1} peak {:.1}",
        mb(CUR.load(Relaxed)),
        mb(PEAK.load(Relaxed))
    );
    drop(ast);
    println!(
        "drop ast: cur {:.1} peak {:.1}",
        mb(CUR.load(Relaxed)),
        mb(PEAK.load(Relaxed))
    );
    std::hint::black_box(schema);
}
