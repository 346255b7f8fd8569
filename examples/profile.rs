use std::time::Instant;
fn main() {
    let path = std::env::args().nth(1).unwrap();
    let text = std::fs::read_to_string(&path).unwrap();
    let file = schemabridge::source::SourceFile::new(&path, text.clone());
    let t = Instant::now();
    let mut d = schemabridge::diagnostics::Diagnostics::new();
    let root = schemabridge::yaml::read(&file, &mut d);
    eprintln!("yaml {:?}", t.elapsed());
    let t = Instant::now();
    let ast = schemabridge::syntax::parse_schema(root, 0, &mut d);
    eprintln!("parse {:?}", t.elapsed());
    let t = Instant::now();
    let mut ast = ast;
    let schema = schemabridge::check::check(&mut ast, &file, &mut d).unwrap();
    eprintln!("check {:?}", t.elapsed());
    let t = Instant::now();
    let rs = schemabridge::emit::rust::emit(&schema);
    eprintln!("rust {:?} {}", t.elapsed(), rs.len());
    let t = Instant::now();
    let ts = schemabridge::emit::ts::emit(&schema);
    eprintln!(
        "ts {:?} {}",
        t.elapsed(),
        ts.iter().map(|f| f.contents.len()).sum::<usize>()
    );
    let t = Instant::now();
    let mut saphyr = 0;
    for e in saphyr_parser::Parser::new_from_str(&text) {
        let _ = e.unwrap();
        saphyr += 1;
    }
    eprintln!("raw saphyr {:?} {saphyr}", t.elapsed());
}
