//! The benchmark schema: N tables of F fields, each field one of ten kinds
//! (as `shared/bench/make_inputs.py` has them), with `id<>` references to
//! earlier tables, two indexes per table (one on a nested field), and a
//! query and a mutation per table. Names are unique pseudo-words, so
//! nothing can be shared between tables.

use std::fmt::Write;

const SYLLABLES: [&str; 10] = ["ba", "ce", "di", "fo", "gu", "ha", "ke", "li", "mo", "nu"];

fn word(mut n: usize) -> String {
    let mut out = String::new();
    loop {
        out.push_str(SYLLABLES[n % 10]);
        n /= 10;
        if n == 0 {
            return out;
        }
    }
}

pub fn schema(tables: usize, fields: usize) -> String {
    let mut out = String::from("version: 1\ntables:\n");
    for t in 0..tables {
        let _ = writeln!(out, "  t{t:05}:\n    doc: Table number {t}.\n    fields:");
        for f in 0..fields {
            let name = format!("{}{f}", word(t * fields + f));
            let _ = match f % 10 {
                0 => writeln!(out, "      {name}: string"),
                1 => writeln!(out, "      {name}: float64"),
                2 => writeln!(out, "      {name}: int64"),
                3 => writeln!(out, "      {name}: boolean"),
                4 => writeln!(out, "      {name}?: string"),
                5 => writeln!(out, "      {name}: string[]"),
                6 => writeln!(out, "      {name}:\n        label: string\n        weight: float64\n        flag: boolean"),
                7 => writeln!(out, "      {name}: '\"{0}a\" | \"{0}b\" | \"{0}c\"'", word(t * 7 + f)),
                8 if t > 0 => writeln!(out, "      {name}: id<t{:05}>", (7 * t + f) % t),
                8 => writeln!(out, "      {name}: string"),
                _ => writeln!(out, "      {name}?: int64 | null"),
            };
        }
        let first = format!("{}0", word(t * fields));
        let nested = format!("{}6", word(t * fields + 6));
        let _ = writeln!(
            out,
            "    indexes:\n      by_first: [{first}]\n      by_label: [{nested}.label]"
        );
    }
    out.push_str("functions:\n");
    for t in 0..tables {
        if t % 10 == 0 {
            let _ = writeln!(out, "  m{:04}:", t / 10);
        }
        let _ = writeln!(
            out,
            "    get{t}:\n      kind: query\n      args:\n        id: id<t{t:05}>\n      returns: doc<t{t:05}> | null\n    \
             put{t}:\n      kind: mutation\n      args:\n        id: id<t{t:05}>\n        note?: string\n      returns: boolean"
        );
    }
    out
}
