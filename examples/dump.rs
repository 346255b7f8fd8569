fn main() {
    let path = std::env::args().nth(1).unwrap();
    let text = std::fs::read_to_string(&path).unwrap();
    match schemabridge::load_str(&path, &text) {
        Ok(schema) => print!("{}", schemabridge::dump::dump(&schema)),
        Err(e) => eprintln!("{e:?}"),
    }
}
