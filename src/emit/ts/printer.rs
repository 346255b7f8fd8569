//! A TypeScript file being written: its body, and the imports that the
//! body's references need, printed sorted above it when the file is done.
//! Referring to a name through [`TsFile::type_from`] registers its import,
//! so a file never imports what it does not use (tsc's `noUnusedLocals`).

use std::collections::{BTreeMap, BTreeSet};

/// Where lines are wrapped: imports and unions longer than this are
/// written one member per line, as Prettier would.
pub(super) const WIDTH: usize = 80;

const INDENT: &str = "  ";

pub(super) struct TsFile {
    /// Module specifier (`"./schema.js"`) to the type names taken from it.
    /// (Generated files import no values: `api.ts` defines its own.)
    imports: BTreeMap<&'static str, BTreeSet<String>>,
    body: String,
    depth: usize,
}

impl TsFile {
    pub(super) fn new() -> Self {
        TsFile {
            imports: BTreeMap::new(),
            body: String::new(),
            depth: 0,
        }
    }

    /// Refers to a type exported by `module`: imports it type-only (so the
    /// import disappears from the JavaScript, as `verbatimModuleSyntax`
    /// requires) and returns the name to print.
    pub(super) fn type_from<'n>(&mut self, module: &'static str, name: &'n str) -> &'n str {
        self.imports
            .entry(module)
            .or_default()
            .insert(name.to_owned());
        name
    }

    /// Appends one line at the current indentation.
    pub(super) fn line(&mut self, text: &str) {
        for _ in 0..self.depth {
            self.body.push_str(INDENT);
        }
        self.body.push_str(text);
        self.body.push('\n');
    }

    /// Appends several lines, such as a doc comment.
    pub(super) fn lines(&mut self, lines: &[String]) {
        for line in lines {
            self.line(line);
        }
    }

    /// Separates the next item from the previous one by one blank line.
    pub(super) fn gap(&mut self) {
        if !self.body.is_empty() && !self.body.ends_with("\n\n") {
            self.body.push('\n');
        }
    }

    /// Runs `write` one indentation level deeper.
    pub(super) fn indented(&mut self, write: impl FnOnce(&mut Self)) {
        self.depth += 1;
        write(self);
        self.depth -= 1;
    }

    /// The finished file: the header comment, the imports, the body.
    pub(super) fn finish(self, header: &str) -> String {
        let mut out = format!("// {header}\n");
        if !self.imports.is_empty() {
            out.push('\n');
        }
        for (module, names) in &self.imports {
            out.push_str(&import_statement(names, module));
        }
        let body = self.body.trim_end_matches('\n');
        if !body.is_empty() {
            out.push('\n');
            out.push_str(body);
            out.push('\n');
        }
        out
    }
}

fn import_statement(names: &BTreeSet<String>, module: &str) -> String {
    let list = names.iter().map(String::as_str).collect::<Vec<_>>();
    let one_line = format!("import type {{ {} }} from \"{module}\";\n", list.join(", "));
    if one_line.len() <= WIDTH + 1 {
        return one_line;
    }
    let mut out = "import type {\n".to_owned();
    for name in list {
        out.push_str(&format!("{INDENT}{name},\n"));
    }
    out.push_str(&format!("}} from \"{module}\";\n"));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn imports_are_type_only_sorted_and_deduplicated() {
        let mut file = TsFile::new();
        file.type_from("./schema.js", "B");
        file.type_from("./schema.js", "A");
        file.type_from("./schema.js", "B");
        file.type_from("./client.js", "C");
        file.line("export {};");
        assert_eq!(
            file.finish("header"),
            "// header\n\n\
             import type { C } from \"./client.js\";\n\
             import type { A, B } from \"./schema.js\";\n\
             \n\
             export {};\n"
        );
    }

    #[test]
    fn long_imports_wrap_one_name_per_line() {
        let mut file = TsFile::new();
        for name in [
            "AVeryLongTypeName",
            "AnotherVeryLongTypeName",
            "AThirdOne",
            "AndMore",
        ] {
            file.type_from("./schema.js", name);
        }
        let text = file.finish("h");
        assert!(
            text.contains("import type {\n  AThirdOne,\n  AVeryLongTypeName,\n"),
            "{text}"
        );
        assert!(text.ends_with("  AnotherVeryLongTypeName,\n} from \"./schema.js\";\n"));
    }

    #[test]
    fn gaps_indentation_and_no_trailing_blank_lines() {
        let mut file = TsFile::new();
        file.gap();
        file.line("a {");
        file.indented(|f| f.line("b;"));
        file.line("}");
        file.gap();
        file.gap();
        file.line("c;");
        file.gap();
        assert_eq!(file.finish("h"), "// h\n\na {\n  b;\n}\n\nc;\n");
    }
}
