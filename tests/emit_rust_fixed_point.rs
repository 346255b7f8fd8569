//! The Rust emitter builds its text directly, laid out as prettyplease
//! lays out Rust. These tests hold it to that: the generated file parses
//! (`syn::parse_file`), and printing the parsed file with prettyplease
//! gives the same text, blank lines aside (prettyplease prints none between
//! items; the emitter puts one between items and between trait methods).
//!
//! Inputs: every snapshot case, every valid fixture, the example schema,
//! the benchmark model at a reduced size, models whose names grow one
//! character at a time across every width where a line starts to wrap, and
//! random models with names and docs of every length and shape.
//!
//! Module items are laid out as if at the top of the file and then indented
//! (the emitter has always printed them so), which lets a line inside a
//! module run four columns past prettyplease's margin; the `modules`
//! snapshot has one. So the check lays out each item on its own, as the
//! emitter does ([`reprint`]); where no module line comes near the margin,
//! it also checks the whole file at once.

#[path = "rust-compile/builder.rs"]
mod builder;
#[path = "rust-compile/cases.rs"]
mod cases;

use std::fmt::Write;

use builder::*;
use schemabridge::emit::rust::emit;

mod support;
use schemabridge::ir::{FunctionKind, Schema, Scope, Ty};

/// Asserts that `rust`, generated from a model called `name`, is a fixed
/// point of prettyplease; returns whether that was checked for the whole
/// file at once too.
fn assert_fixed_point(name: &str, rust: &str) -> bool {
    let file = syn::parse_file(rust)
        .unwrap_or_else(|e| panic!("{name}: the generated Rust does not parse: {e}\n{rust}"));
    let ours = without_blank_lines(rust.split_once('\n').expect("a header line").1);
    let theirs = without_blank_lines(&reprint(&file));
    if ours != theirs {
        panic!(
            "{name}: the generated Rust is not laid out as prettyplease lays it out\n{}",
            first_difference(&ours, &theirs)
        );
    }
    for line in rust.lines() {
        assert_eq!(line.trim_end(), line, "{name}: trailing whitespace");
    }
    if !module_lines_fit(rust) {
        return false;
    }
    let whole = without_blank_lines(&prettyplease::unparse(&file));
    if ours != whole {
        panic!(
            "{name}: the generated Rust is not prettyplease's layout of the whole file\n{}",
            first_difference(&ours, &whole)
        );
    }
    true
}

/// As [`assert_fixed_point`], for the whole file at once.
fn assert_whole_file_fixed_point(name: &str, rust: &str) {
    assert!(
        assert_fixed_point(name, rust),
        "{name}: a line inside a module runs past the margin"
    );
}

/// prettyplease's layout of `file` item by item, as the emitter lays it
/// out: a module's items each on their own, then indented.
fn reprint(file: &syn::File) -> String {
    let unparse = |item: syn::Item| {
        prettyplease::unparse(&syn::File {
            shebang: None,
            attrs: Vec::new(),
            items: vec![item],
        })
    };
    let mut out = String::new();
    for item in &file.items {
        match item {
            syn::Item::Mod(module) if module.content.is_some() => {
                let mut shell = module.clone();
                let items = std::mem::take(&mut shell.content.as_mut().unwrap().1);
                let shell = unparse(syn::Item::Mod(shell));
                out.push_str(shell.strip_suffix("{}\n").expect("an empty module"));
                out.push_str("{\n");
                for item in items {
                    for line in unparse(item).lines() {
                        if !line.is_empty() {
                            let _ = writeln!(out, "    {line}");
                        }
                    }
                }
                out.push_str("}\n");
            }
            item => out.push_str(&unparse(item.clone())),
        }
    }
    out
}

/// Whether every line inside a module ends within prettyplease's margin
/// (89 columns, counted in bytes as prettyplease counts them) as indented.
/// Then the whole file is what prettyplease makes of it at once: whatever
/// fits on a line laid out at column 0 fits four columns further right,
/// and what does not fit there does not fit with less room either. (Doc
/// comments do not count: a line break always comes before and after
/// them.) The snapshots `modules` and `shadowing` already have longer
/// lines in modules.
fn module_lines_fit(rust: &str) -> bool {
    let mut in_module = false;
    for line in rust.lines() {
        if line.starts_with("pub mod ") {
            in_module = true;
        } else if line == "}" {
            in_module = false;
        } else if in_module && line.len() > 89 && !line.trim_start().starts_with("///") {
            return false;
        }
    }
    true
}

fn without_blank_lines(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for line in text.lines().filter(|line| !line.is_empty()) {
        out.push_str(line);
        out.push('\n');
    }
    out
}

fn first_difference(ours: &str, theirs: &str) -> String {
    let ours = ours.lines().collect::<Vec<_>>();
    let theirs = theirs.lines().collect::<Vec<_>>();
    let at = (0..ours.len().max(theirs.len()))
        .find(|&i| ours.get(i) != theirs.get(i))
        .unwrap_or(0);
    let context = |lines: &[&str]| {
        lines[at.saturating_sub(3)..(at + 4).min(lines.len())]
            .iter()
            .map(|line| format!("    {line}\n"))
            .collect::<String>()
    };
    format!(
        "at line {} (blank lines removed):\nemitted:\n{}prettyplease:\n{}",
        at + 1,
        context(&ours),
        context(&theirs)
    )
}

fn load(name: &str, yaml: &str) -> Schema {
    schemabridge::load_str(name, yaml).unwrap_or_else(|e| panic!("{name} does not load: {e:?}"))
}

#[test]
fn snapshot_cases() {
    for (name, schema) in cases::all() {
        assert_fixed_point(name, &emit(&schema));
    }
}

#[test]
fn fixtures_and_example() {
    for path in support::valid_schemas() {
        let name = path.display().to_string();
        let schema = load(&name, &std::fs::read_to_string(&path).unwrap());
        assert_fixed_point(&name, &emit(&schema));
    }
}

/// The typed client (`--rust-client`) is laid out as prettyplease lays it
/// out too, also where names are long enough to wrap its signatures.
#[test]
fn with_the_rust_client() {
    let client = schemabridge::emit::rust::Options { client: true };
    for path in support::valid_schemas() {
        let name = path.display().to_string();
        let schema = load(&name, &std::fs::read_to_string(&path).unwrap());
        let rust = schemabridge::emit::rust::emit_with(&schema, client);
        assert!(rust.contains("pub struct SchemaBridgeClient("), "{name}");
        assert_fixed_point(&name, &rust);
    }
    for len in [1, 30, 60, 90, 120] {
        let rust = schemabridge::emit::rust::emit_with(&long_names_model(len), client);
        assert_fixed_point(
            &format!("names of {len} characters, with the client"),
            &rust,
        );
    }
}

/// The benchmark model of `shared/bench/make_inputs.py` (N tables of 20
/// fields, every field kind twice), at N = 50.
#[test]
fn benchmark_model() {
    let yaml = bench_model(50);
    let rust = emit(&load("bench.yaml", &yaml));
    assert!(rust.len() > 300_000, "the model is the benchmark's");
    assert_whole_file_fixed_point("bench.yaml", &rust);
}

/// `make_inputs.py`'s `build_model` and `write_yaml`.
fn bench_model(tables: usize) -> String {
    const FIELDS: usize = 20;
    const SUFFIX: [&str; 10] = [
        "Name", "Score", "Count", "Enabled", "Note", "Tags", "Meta", "Status", "Ref", "Limit",
    ];
    const SYLLABLES: [&str; 16] = [
        "ba", "ce", "di", "fo", "gu", "ha", "ke", "li", "mo", "nu", "pa", "re", "si", "to", "vu",
        "za",
    ];
    let word = |n: usize| {
        let mut n = n + 16;
        let mut syllables = Vec::new();
        loop {
            syllables.push(SYLLABLES[n % 16]);
            n /= 16;
            if n == 0 {
                break;
            }
        }
        syllables.reverse();
        syllables.concat()
    };
    let mut out = String::from("version: 1\ntables:\n");
    for i in 0..tables {
        let _ = writeln!(out, "  Table{i:05}:\n    fields:");
        for j in 0..FIELDS {
            let kind = j % 10;
            let name = format!("{}{}{j}", word(i * FIELDS + j), SUFFIX[kind]);
            let base = (i * FIELDS + j) * 3;
            let _ = match kind {
                0 => writeln!(out, "      {name}: string"),
                1 => writeln!(out, "      {name}: float64"),
                2 => writeln!(out, "      {name}: int64"),
                3 => writeln!(out, "      {name}: boolean"),
                4 => writeln!(out, "      {name}?: string"),
                5 => writeln!(out, "      {name}: array<string>"),
                6 => writeln!(
                    out,
                    "      {name}:\n        {}Label: string\n        {}Weight: float64\n        {}Flag: boolean",
                    word(base),
                    word(base + 1),
                    word(base + 2)
                ),
                7 => writeln!(
                    out,
                    "      {name}: '\"{}_draft\" | \"{}_live\" | \"{}_gone\"'",
                    word(base),
                    word(base + 1),
                    word(base + 2)
                ),
                8 if i == 0 => writeln!(out, "      {name}: string"),
                8 => writeln!(out, "      {name}: doc<Table{:05}>", (7 * i + j) % i),
                _ => writeln!(out, "      {name}?: int64"),
            };
        }
    }
    out
}

/// A name of `len` characters made of `seed` and the alphabet (one more
/// when that would be a keyword, such as `use`).
fn long_name(seed: &str, len: usize) -> String {
    let mut name = seed
        .chars()
        .chain("abcdefghijklmnopqrstuvwxyz".chars().cycle())
        .take(len.max(1))
        .collect::<String>();
    if syn::parse_str::<syn::Ident>(&name).is_err() {
        name.push('x');
    }
    name
}

/// One model that puts a name of `len` characters in every place that can
/// make a line wrap: type, field, variant, module and function names, wire
/// names in attributes and routes, and docs.
fn long_names_model(len: usize) -> Schema {
    let mut b = Builder::new();
    let type_name = |seed: &str| {
        let mut name = long_name(seed, len);
        name[..1].make_ascii_uppercase();
        name
    };
    let users = b.table("users", &type_name("User"), None);
    b.table_fields(
        users,
        vec![
            field(&long_name("name", len), Ty::String),
            field(
                &long_name("tags", len),
                record(Ty::Id(users), array(Ty::Int64)),
            )
            .optional(),
        ],
    );
    b.index(
        users,
        &long_name("by_name", len),
        &[&long_name("name", len), &long_name("tags", len)],
    );
    let point = b.named(
        &type_name("Point"),
        object(vec![
            field("x", Ty::Float64),
            field(&long_name("owner", len), nullable(Ty::Id(users))),
        ]),
    );
    let status = b.named(
        &type_name("Status"),
        string_enum_named(&[(&long_name("wire", len), &type_name("Wire")), ("b", "B")]),
    );
    let tree = b.declare(
        &type_name("Tree"),
        Scope::Root,
        schemabridge::ir::Origin::Named,
    );
    b.define(tree, alias(array(Ty::Named(tree)), true));
    let ints = b.named(&type_name("Ints"), alias(array(Ty::Int64), true));
    b.named(
        &type_name("Alias"),
        alias(record(Ty::String, array(Ty::Named(point))), false),
    );
    b.named(
        &type_name("Either"),
        untagged(vec![
            (&type_name("Points"), array(Ty::Named(point)), false),
            (&type_name("Ints"), Ty::Named(ints), false),
            ("Bytes", record(Ty::Id(users), Ty::Bytes), false),
        ]),
    );
    b.tagged(
        "Shape",
        "kind",
        vec![
            Member {
                tag_value: "circle",
                type_name: "Circle",
                doc: None,
                fields: vec![
                    field(&long_name("radius", len), Ty::Float64),
                    field("center", Ty::Named(point)).optional(),
                ],
            },
            Member {
                tag_value: "dot",
                type_name: "Dot",
                doc: None,
                fields: vec![field(&long_name("at", len), Ty::Named(status))],
            },
        ],
    );
    let module = b.module(&long_name("module", len));
    b.function(
        module,
        &long_name("get", len),
        FunctionKind::Query,
        vec![field(&long_name("user", len), Ty::Id(users))],
        nullable(Ty::Doc(users)),
    )
    .doc = Some(long_name("Gets ", len));
    b.function(
        module,
        "count",
        FunctionKind::Mutation,
        vec![],
        record(Ty::Id(users), Ty::Named(tree)),
    )
    .internal = true;
    b.function(module, "ping", FunctionKind::Action, vec![], Ty::Int64);
    // Deep enough that lines get the least room prettyplease gives one.
    let mut deep = Ty::Doc(users);
    for level in 0..8 {
        deep = match level % 3 {
            0 => array(deep),
            1 => record(Ty::Id(users), deep),
            _ => nullable(deep),
        };
    }
    b.function(module, "deep", FunctionKind::Query, vec![], deep);
    let other = b.module("other");
    b.function(
        other,
        &long_name("list", len),
        FunctionKind::Query,
        vec![],
        array(Ty::Doc(users)),
    );
    b.finish()
}

/// Names from 1 to 120 characters: every width at which some line of the
/// output starts to wrap is crossed one column at a time.
#[test]
fn names_of_every_length() {
    for len in 1..=120 {
        let rust = emit(&long_names_model(len));
        assert_fixed_point(&format!("names of {len} characters"), &rust);
    }
}

/// A few of the wrapped shapes, spelled out, so that a reader can see what
/// the fixed point means for long names.
#[test]
fn long_names_wrap_as_prettyplease_wraps_them() {
    let rust = emit(&long_names_model(60));
    let user = long_name("User", 60);
    let module = long_name("module", 60);
    let get = long_name("get", 60);
    for expected in [
        // Generic arguments, one per line, each list broken or not on its own.
        format!(
            "    pub {}: ::std::option::Option<\n        ::std::collections::BTreeMap<\n            \
             ::schemabridge_runtime::Id<\n                {user},\n            >,\n            \
             ::std::vec::Vec<i64>,\n        >,\n    >,\n",
            long_name("tags", 60)
        ),
        // A tuple struct whose field has an attribute.
        format!(
            "pub struct {}(\n    #[serde(with = \"::schemabridge_runtime::__private::wire\")]\n    \
             pub ::std::vec::Vec<i64>,\n);\n",
            long_name("Ints", 60)
        ),
        // The router's bounds, filled up to the margin.
        format!("where\n    S: {module}::Handlers\n        + other::Handlers + ::std::clone::Clone,\n{{\n"),
        // A closure's parameters, one per line.
        format!(
            "            |\n                s: S,\n                ctx,\n                \
             args: {module}::{}Args|\n            async move {{\n",
            long_name("Get", 60)
        ),
        // A method signature.
        format!(
            "        fn {get}(\n            &self,\n            ctx: super::QueryCtx,\n"
        ),
    ] {
        assert!(rust.contains(&expected), "missing:\n{expected}\nin:\n{rust}");
    }
    // An attribute's list.
    let rust = emit(&long_names_model(80));
    let expected = format!(
        "    #[serde(\n        rename = \"{}\"\n    )]\n",
        long_name("wire", 80)
    );
    assert!(
        rust.contains(&expected),
        "missing:\n{expected}\nin:\n{rust}"
    );
}

#[test]
fn random_models() {
    for seed in 0..300 {
        let schema = random::schema(&mut random::Rng::new(seed));
        let rust = std::panic::catch_unwind(|| emit(&schema))
            .unwrap_or_else(|_| panic!("seed {seed}: the emitter panicked"));
        assert_fixed_point(&format!("random model {seed}"), &rust);
    }
}

/// Random models as the checker could hand them over: identifiers of any
/// length (keywords raw or with `_`, names of the standard items, a few
/// non-ASCII letters), wire names and docs of any text (quotes,
/// backslashes, control characters, bidi overrides, comment markers).
mod random {
    use schemabridge::ir::*;
    use schemabridge::source::Span;

    /// splitmix64: small, seedable, the same everywhere.
    pub struct Rng(u64);

    impl Rng {
        pub fn new(seed: u64) -> Self {
            Rng(seed)
        }

        fn next(&mut self) -> u64 {
            self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
            let mut z = self.0;
            z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
            z ^ (z >> 31)
        }

        fn below(&mut self, n: usize) -> usize {
            (self.next() % n as u64) as usize
        }

        fn chance(&mut self, percent: usize) -> bool {
            self.below(100) < percent
        }

        fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
            &items[self.below(items.len())]
        }
    }

    const KEYWORDS: &[&str] = &[
        "as", "break", "const", "continue", "else", "enum", "extern", "false", "fn", "for", "if",
        "impl", "in", "let", "loop", "match", "mod", "move", "mut", "pub", "ref", "return",
        "static", "struct", "trait", "true", "type", "unsafe", "use", "where", "while", "async",
        "await", "dyn", "abstract", "become", "box", "do", "final", "macro", "override", "priv",
        "typeof", "unsized", "virtual", "yield", "try",
    ];

    /// Mostly short, sometimes long, now and then longer than a line.
    fn length(rng: &mut Rng) -> usize {
        match rng.below(10) {
            0..=5 => 1 + rng.below(10),
            6 | 7 => 10 + rng.below(30),
            8 => 40 + rng.below(40),
            _ => 80 + rng.below(80),
        }
    }

    fn ident(rng: &mut Rng, upper: bool) -> String {
        match rng.below(100) {
            0..=4 => return format!("r#{}", rng.pick(KEYWORDS)),
            5..=7 => {
                return rng
                    .pick(&["self_", "super_", "crate_", "Self_"])
                    .to_string()
            }
            8..=11 => {
                let std_names = [
                    "Option", "Vec", "Box", "String", "Result", "Value", "Id", "S", "Send",
                    "Clone", "Future", "ctx", "args", "state", "s",
                ];
                return rng.pick(&std_names).to_string();
            }
            _ => {}
        }
        let first = if upper {
            "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
        } else {
            "abcdefghijklmnopqrstuvwxyz_"
        };
        let rest = "abcdefghijklmnopqrstuvwxyz0123456789_ABCDEFGHIJKLMNOPQRSTUVWXYZ";
        let mut name = String::new();
        name.push(first.as_bytes()[rng.below(first.len())] as char);
        for _ in 1..length(rng) {
            if rng.chance(2) {
                name.push(*rng.pick(&['é', 'ß', 'Ω', '中']));
            } else {
                name.push(rest.as_bytes()[rng.below(rest.len())] as char);
            }
        }
        if name == "_" || KEYWORDS.contains(&name.as_str()) {
            name.push('x');
        }
        name
    }

    fn text(rng: &mut Rng) -> String {
        let pieces = [
            "a", "b", "word", " ", " ", "\"", "\\", "*/", "/*", "/", "'", "\n", "\r", "\r\n", "\t",
            "\0", "\u{0}7", "\u{202E}", "\u{2066}", "\u{2028}", "ü", "é", "中文", "e\u{301}",
            "\u{7f}", "{", "}", "#", "//", "///", "  ", "x y z", "-", "$int64",
        ];
        (0..length(rng)).map(|_| *rng.pick(&pieces)).collect()
    }

    fn doc(rng: &mut Rng) -> Option<String> {
        if !rng.chance(30) {
            return None;
        }
        let lines = (0..1 + rng.below(3))
            .map(|_| {
                if rng.chance(50) {
                    text(rng)
                } else {
                    let words = ["word ", "longer words ", "`code` ", "; ", "x"];
                    (0..length(rng)).map(|_| *rng.pick(&words)).collect()
                }
            })
            .collect::<Vec<_>>();
        Some(lines.join("\n"))
    }

    fn name(rng: &mut Rng) -> Name {
        let rust = ident(rng, false);
        let wire = if rng.chance(50) {
            rust.trim_start_matches("r#").to_owned()
        } else {
            text(rng)
        };
        Name {
            ts: wire.clone(),
            wire,
            rust,
        }
    }

    struct Gen<'a> {
        rng: &'a mut Rng,
        schema: Schema,
    }

    impl Gen<'_> {
        fn ty(&mut self, scope: Scope, depth: usize) -> Ty {
            let tables = self.schema.tables.len();
            if depth < 8 && self.rng.chance(if depth < 3 { 60 } else { 30 }) {
                return match self.rng.below(3) {
                    0 => Ty::Array(Box::new(self.ty(scope, depth + 1))),
                    1 => {
                        let key = if tables == 0 || self.rng.chance(50) {
                            Ty::String
                        } else {
                            Ty::Id(TableId(self.rng.below(tables) as u32))
                        };
                        Ty::Record(Box::new(key), Box::new(self.ty(scope, depth + 1)))
                    }
                    _ => Ty::Nullable(Box::new(self.ty(scope, depth + 1))),
                };
            }
            // Root types, the scope's own, and now and then another module's.
            let visible = (0..self.schema.types.len())
                .filter(|&i| {
                    let def = self.schema.types[i].scope;
                    def == Scope::Root || def == scope || self.rng.chance(10)
                })
                .collect::<Vec<_>>();
            match self.rng.below(12) {
                0 => Ty::String,
                1 => Ty::Float64,
                2 => Ty::Int64,
                3 => Ty::Boolean,
                4 => Ty::Bytes,
                5 => Ty::Null,
                6 => Ty::Any,
                7 if tables > 0 => Ty::Id(TableId(self.rng.below(tables) as u32)),
                8 if tables > 0 => Ty::Doc(TableId(self.rng.below(tables) as u32)),
                9 => Ty::Literal(Literal::Bool(true)),
                _ if !visible.is_empty() => Ty::Named(TypeId(*self.rng.pick(&visible) as u32)),
                _ => Ty::String,
            }
        }

        /// Indexes over top-level fields, each one to three of them.
        fn indexes(&mut self, fields: &[Field]) -> Vec<Index> {
            if fields.is_empty() {
                return Vec::new();
            }
            (0..self.rng.below(4))
                .map(|_| {
                    let count = 1 + self.rng.below(3);
                    Index {
                        name: text(self.rng),
                        rust: ident(self.rng, false),
                        fields: (0..count)
                            .map(|_| vec![self.rng.pick(fields).name.wire.clone()])
                            .collect(),
                        span: Span::default(),
                    }
                })
                .collect()
        }

        fn fields(&mut self, scope: Scope) -> Vec<Field> {
            let count = match self.rng.below(10) {
                0 => 0,
                1..=7 => 1 + self.rng.below(5),
                _ => 5 + self.rng.below(15),
            };
            (0..count)
                .map(|_| Field {
                    name: name(self.rng),
                    doc: doc(self.rng),
                    optional: self.rng.chance(30),
                    ty: self.ty(scope, 0),
                    boxed: self.rng.chance(15),
                    span: Span::default(),
                })
                .collect()
        }

        fn def(&mut self, scope: Scope, origin: Origin, body: TypeBody) -> TypeId {
            let id = TypeId(self.schema.types.len() as u32);
            let rust_name = ident(self.rng, true);
            self.schema.types.push(TypeDef {
                ts_name: rust_name.trim_start_matches("r#").to_owned(),
                rust_name,
                doc: doc(self.rng),
                scope,
                origin,
                span: Span::default(),
                body,
            });
            id
        }

        fn body(&mut self, scope: Scope) -> TypeBody {
            match self.rng.below(6) {
                0 | 1 => TypeBody::Object(Object {
                    fields: self.fields(scope),
                }),
                2 => TypeBody::StringEnum(
                    (0..1 + self.rng.below(6))
                        .map(|_| EnumVariant {
                            wire: text(self.rng),
                            rust: ident(self.rng, true),
                            span: Span::default(),
                        })
                        .collect(),
                ),
                3 => {
                    let mut variants = Vec::new();
                    for _ in 0..1 + self.rng.below(4) {
                        let fields = self.fields(scope);
                        let member = TypeBody::Object(Object {
                            fields: fields.clone(),
                        });
                        let member = self.def(scope, Origin::Nested, member);
                        variants.push(TaggedVariant {
                            tag_value: text(self.rng),
                            rust: ident(self.rng, true),
                            member,
                            fields,
                            span: Span::default(),
                        });
                    }
                    TypeBody::Tagged(TaggedUnion {
                        tag: name(self.rng),
                        variants,
                    })
                }
                4 => TypeBody::Untagged(
                    (0..1 + self.rng.below(5))
                        .map(|_| UntaggedVariant {
                            rust: ident(self.rng, true),
                            ty: self.ty(scope, 0),
                            boxed: self.rng.chance(20),
                            span: Span::default(),
                        })
                        .collect(),
                ),
                _ => TypeBody::Alias(Alias {
                    ty: self.ty(scope, 0),
                    newtype: self.rng.chance(50),
                    boxed: self.rng.chance(20),
                }),
            }
        }
    }

    pub fn schema(rng: &mut Rng) -> Schema {
        let mut g = Gen {
            rng,
            schema: Schema {
                source_name: "random.yaml".into(),
                fingerprint: "sb1-random".into(),
                types: Vec::new(),
                tables: Vec::new(),
                modules: Vec::new(),
            },
        };
        let tables = g.rng.below(4);
        for t in 0..tables {
            let table = TableId(t as u32);
            let empty = TypeBody::Object(Object { fields: Vec::new() });
            let fields = g.def(Scope::Root, Origin::Table(table), empty);
            let fields_name = &g.schema.types[fields.0 as usize].rust_name;
            let base = fields_name.trim_start_matches("r#").to_owned();
            let doc_name = format!("{base}Doc");
            g.schema.tables.push(Table {
                name: text(g.rng),
                doc: doc(g.rng),
                fields,
                doc_rust_name: doc_name.clone(),
                doc_ts_name: doc_name,
                storage: TableStorage {
                    method: name(g.rng).rust,
                    patch: format!("{base}Patch"),
                    handle: format!("{base}Table"),
                },
                indexes: Vec::new(),
                span: Span::default(),
            });
        }
        for t in 0..tables {
            let fields = g.fields(Scope::Root);
            let id = g.schema.tables[t].fields;
            g.schema.tables[t].indexes = g.indexes(&fields);
            g.schema.types[id.0 as usize].body = TypeBody::Object(Object { fields });
        }
        for _ in 0..g.rng.below(8) {
            let body = g.body(Scope::Root);
            g.def(Scope::Root, Origin::Named, body);
        }
        for m in 0..g.rng.below(4) {
            let scope = Scope::Module(ModuleId(m as u32));
            let module_name = name(g.rng);
            g.schema.modules.push(Module {
                name: module_name,
                functions: Vec::new(),
                span: Span::default(),
            });
            for _ in 0..g.rng.below(3) {
                let body = g.body(scope);
                g.def(scope, Origin::Nested, body);
            }
            for _ in 0..g.rng.below(5) {
                let fields = g.fields(scope);
                let args = g.def(scope, Origin::Args, TypeBody::Object(Object { fields }));
                let returns = g.ty(scope, 0);
                let kind = [
                    FunctionKind::Query,
                    FunctionKind::Mutation,
                    FunctionKind::Action,
                ][g.rng.below(3)];
                let function = Function {
                    name: name(g.rng),
                    kind,
                    doc: doc(g.rng),
                    internal: g.rng.below(4) == 0,
                    auth: [Auth::Optional, Auth::Required][g.rng.below(2)],
                    args,
                    returns_ts_name: "Result".into(),
                    returns,
                    span: Span::default(),
                };
                g.schema.modules[m].functions.push(function);
            }
        }
        g.schema
    }
}
