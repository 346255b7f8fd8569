//! The type-expression language of SPEC §1.1, with a span on every node
//! that points inside the YAML scalar (`strng` in `array<strng>`).
//!
//! ```text
//! type    = union
//! union   = postfix { "|" postfix }
//! postfix = primary { "[]" }
//! primary = scalar | literal | "id<" ident ">" | "doc<" ident ">"
//!         | "array<" type ">" | "record<" type "," type ">" | Name | "(" type ")"
//! ```

use std::ops::Range;

use crate::diagnostics::{Code, Diagnostic, Diagnostics};
use crate::source::Span;
use crate::yaml::{Node, MAX_DEPTH};

#[derive(Debug, Clone, PartialEq)]
pub struct TypeExpr {
    pub kind: ExprKind,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub enum ExprKind {
    Scalar(ScalarType),
    Literal(LiteralValue),
    Id(Ident),
    Doc(Ident),
    Array(Box<TypeExpr>),
    Record(Box<TypeExpr>, Box<TypeExpr>),
    /// Two or more members; nested unions are flattened.
    Union(Vec<TypeExpr>),
    /// A reference to a type declared under `types:` (or a misspelling).
    Named(Ident),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ScalarType {
    String,
    Float64,
    Int64,
    Boolean,
    Bytes,
    Null,
    Any,
}

impl ScalarType {
    /// Built-in names and aliases, for lookup and "did you mean".
    pub const NAMES: &'static [(&'static str, ScalarType)] = &[
        ("string", ScalarType::String),
        ("float64", ScalarType::Float64),
        ("number", ScalarType::Float64),
        ("int64", ScalarType::Int64),
        ("bigint", ScalarType::Int64),
        ("boolean", ScalarType::Boolean),
        ("bytes", ScalarType::Bytes),
        ("null", ScalarType::Null),
        ("any", ScalarType::Any),
    ];

    pub fn from_name(name: &str) -> Option<ScalarType> {
        Self::NAMES
            .iter()
            .find(|(n, _)| *n == name)
            .map(|&(_, t)| t)
    }

    pub fn name(self) -> &'static str {
        match self {
            ScalarType::String => "string",
            ScalarType::Float64 => "float64",
            ScalarType::Int64 => "int64",
            ScalarType::Boolean => "boolean",
            ScalarType::Bytes => "bytes",
            ScalarType::Null => "null",
            ScalarType::Any => "any",
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum LiteralValue {
    String(String),
    Number { text: String, value: f64 },
    Bool(bool),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ident {
    pub name: String,
    pub span: Span,
}

/// Parses the scalar `node` as a type expression. Reports at most one
/// syntax error (the first) and returns `None` after it.
pub fn parse(node: &Node, diagnostics: &mut Diagnostics) -> Option<TypeExpr> {
    let text = node.as_str().unwrap_or_default();
    let span_of = |range: Range<usize>| node.sub_span(range);
    let tokens = match lex(text) {
        Ok(tokens) => tokens,
        Err((range, message)) => {
            diagnostics.push(syntax_error(span_of(range), message));
            return None;
        }
    };
    let mut parser = Parser {
        tokens,
        pos: 0,
        end: text.len(),
        span_of: &span_of,
        depth: 0,
    };
    let result = parser.ty().and_then(|ty| match parser.peek() {
        None => Ok(ty),
        Some(token) => Err(Diagnostic::error(
            Code::TypeSyntax,
            span_of(token.range.clone()),
            format!("unexpected {} after a complete type", token.kind.describe()),
        )
        .label("unexpected")
        .help("combine types with `|`, or group them with parentheses")),
    });
    match result {
        Ok(ty) => Some(ty),
        Err(diagnostic) => {
            diagnostics.push(diagnostic);
            None
        }
    }
}

fn syntax_error(span: Span, message: impl Into<String>) -> Diagnostic {
    let message = message.into();
    Diagnostic::error(Code::TypeSyntax, span, message).label("here")
}

/// A token; names and numbers borrow the expression's text, so only the
/// names that end up in the tree are copied.
#[derive(Debug, Clone, PartialEq)]
enum TokenKind<'t> {
    Ident(&'t str),
    Str(String),
    Number(&'t str),
    Punct(char),
}

impl TokenKind<'_> {
    fn describe(&self) -> String {
        match self {
            TokenKind::Ident(name) => format!("`{name}`"),
            TokenKind::Str(_) => "a string literal".to_string(),
            TokenKind::Number(text) => format!("`{text}`"),
            TokenKind::Punct(c) => format!("`{c}`"),
        }
    }
}

#[derive(Debug, Clone)]
struct Token<'t> {
    kind: TokenKind<'t>,
    range: Range<usize>,
}

fn lex(text: &str) -> Result<Vec<Token<'_>>, (Range<usize>, String)> {
    let bytes = text.as_bytes();
    let mut tokens = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let c = bytes[i];
        let start = i;
        let kind = match c {
            b' ' | b'\t' | b'\n' | b'\r' => {
                i += 1;
                continue;
            }
            b'<' | b'>' | b',' | b'|' | b'(' | b')' | b'[' | b']' => {
                i += 1;
                TokenKind::Punct(c as char)
            }
            b'"' | b'\'' => {
                let (value, next) = lex_string(text, i)?;
                i = next;
                TokenKind::Str(value)
            }
            b'-' | b'0'..=b'9' => {
                i += 1;
                while i < bytes.len()
                    && matches!(bytes[i], b'0'..=b'9' | b'.' | b'e' | b'E' | b'+' | b'-')
                {
                    i += 1;
                }
                TokenKind::Number(&text[start..i])
            }
            c if c.is_ascii_alphabetic() || c == b'_' => {
                while i < bytes.len() && (bytes[i].is_ascii_alphanumeric() || bytes[i] == b'_') {
                    i += 1;
                }
                TokenKind::Ident(&text[start..i])
            }
            _ => {
                let len = text[i..].chars().next().map_or(1, char::len_utf8);
                return Err((
                    i..i + len,
                    format!("unexpected character `{}` in a type", &text[i..i + len]),
                ));
            }
        };
        tokens.push(Token {
            kind,
            range: start..i,
        });
    }
    Ok(tokens)
}

/// A quoted literal inside a type expression; `\` escapes the next char.
fn lex_string(text: &str, start: usize) -> Result<(String, usize), (Range<usize>, String)> {
    let quote = text.as_bytes()[start] as char;
    let mut value = String::new();
    let mut chars = text[start + 1..].char_indices();
    while let Some((offset, c)) = chars.next() {
        match c {
            '\\' => match chars.next() {
                Some((_, escaped)) => value.push(escaped),
                None => break,
            },
            c if c == quote => return Ok((value, start + 1 + offset + 1)),
            c => value.push(c),
        }
    }
    Err((start..text.len(), "unterminated string literal".to_string()))
}

struct Parser<'a, 't> {
    tokens: Vec<Token<'t>>,
    pos: usize,
    end: usize,
    span_of: &'a dyn Fn(Range<usize>) -> Span,
    depth: usize,
}

type Parsed = Result<TypeExpr, Diagnostic>;

impl<'t> Parser<'_, 't> {
    fn peek(&self) -> Option<&Token<'t>> {
        self.tokens.get(self.pos)
    }

    fn eat(&mut self, punct: char) -> bool {
        if self
            .peek()
            .is_some_and(|t| t.kind == TokenKind::Punct(punct))
        {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    fn span(&self, range: Range<usize>) -> Span {
        (self.span_of)(range)
    }

    /// The span of the next token, or an empty span at the end.
    fn here(&self) -> Span {
        match self.peek() {
            Some(token) => self.span(token.range.clone()),
            None => self.span(self.end..self.end),
        }
    }

    fn found(&self) -> String {
        match self.peek() {
            Some(token) => token.kind.describe(),
            None => "the end of the type".to_string(),
        }
    }

    fn expect(&mut self, punct: char, context: &str) -> Result<(), Diagnostic> {
        if self.eat(punct) {
            return Ok(());
        }
        Err(syntax_error(
            self.here(),
            format!("expected `{punct}` {context}, found {}", self.found()),
        ))
    }

    fn ty(&mut self) -> Parsed {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(self.too_deep());
        }
        let first = self.postfix()?;
        let mut members = vec![first];
        while self.eat('|') {
            members.push(self.postfix()?);
        }
        self.depth -= 1;
        if members.len() == 1 {
            return Ok(members.pop().expect("one member"));
        }
        let span = members[0].span.join(members[members.len() - 1].span);
        let mut flat = Vec::with_capacity(members.len());
        for member in members {
            match member.kind {
                ExprKind::Union(inner) => flat.extend(inner),
                _ => flat.push(member),
            }
        }
        Ok(TypeExpr {
            kind: ExprKind::Union(flat),
            span,
        })
    }

    fn too_deep(&self) -> Diagnostic {
        Diagnostic::error(
            Code::TooDeep,
            self.here(),
            format!("type nested deeper than {MAX_DEPTH} levels"),
        )
        .label("too deep")
        .help("name the inner type under `types:`")
    }

    fn postfix(&mut self) -> Parsed {
        let mut ty = self.primary()?;
        let mut suffixes = 0;
        while self.peek().is_some_and(|t| t.kind == TokenKind::Punct('[')) {
            // Each `[]` nests one level, like `array<…>`.
            suffixes += 1;
            if self.depth + suffixes > MAX_DEPTH {
                return Err(self.too_deep());
            }
            self.pos += 1;
            let close = self.here();
            self.expect(']', "to close `[]`")?;
            ty = TypeExpr {
                span: ty.span.join(close),
                kind: ExprKind::Array(Box::new(ty)),
            };
        }
        Ok(ty)
    }

    fn primary(&mut self) -> Parsed {
        let Some(token) = self.peek().cloned() else {
            return Err(
                syntax_error(self.here(), "expected a type, found the end of the type")
                    .help("write a type such as `string`, `array<string>` or `id<users>`"),
            );
        };
        let start = self.span(token.range.clone());
        self.pos += 1;
        match token.kind {
            TokenKind::Str(value) => Ok(TypeExpr {
                kind: ExprKind::Literal(LiteralValue::String(value)),
                span: start,
            }),
            TokenKind::Number(text) => match text.parse::<f64>() {
                Ok(value) if value.is_finite() => Ok(TypeExpr {
                    kind: ExprKind::Literal(LiteralValue::Number {
                        text: text.to_string(),
                        value,
                    }),
                    span: start,
                }),
                _ => Err(syntax_error(start, format!("`{text}` is not a number"))),
            },
            TokenKind::Punct('(') => {
                let inner = self.ty()?;
                let close = self.here();
                self.expect(')', "to close `(`")?;
                Ok(TypeExpr {
                    kind: inner.kind,
                    span: start.join(close),
                })
            }
            TokenKind::Punct(c) => {
                Err(syntax_error(start, format!("expected a type, found `{c}`")))
            }
            TokenKind::Ident(name) => self.named(name, start),
        }
    }

    fn named(&mut self, name: &str, start: Span) -> Parsed {
        let generic = matches!(name, "id" | "doc" | "array" | "record");
        if generic && !self.eat('<') {
            return Err(syntax_error(
                self.here(),
                format!("expected `<` after `{name}`, found {}", self.found()),
            )
            .help(format!("write `{name}<…>`")));
        }
        let kind = match name {
            "id" | "doc" => {
                let ident = self.table_name()?;
                if name == "id" {
                    ExprKind::Id(ident)
                } else {
                    ExprKind::Doc(ident)
                }
            }
            "array" => ExprKind::Array(Box::new(self.ty()?)),
            "record" => {
                let key = self.ty()?;
                self.expect(',', "between the key and value types of `record<K, V>`")?;
                let value = self.ty()?;
                ExprKind::Record(Box::new(key), Box::new(value))
            }
            "true" | "false" => {
                return Ok(TypeExpr {
                    kind: ExprKind::Literal(LiteralValue::Bool(name == "true")),
                    span: start,
                })
            }
            _ => {
                let kind = match ScalarType::from_name(name) {
                    Some(scalar) => ExprKind::Scalar(scalar),
                    None => ExprKind::Named(Ident {
                        name: name.to_string(),
                        span: start,
                    }),
                };
                return Ok(TypeExpr { kind, span: start });
            }
        };
        let close = self.here();
        if !self.eat('>') {
            return Err(syntax_error(
                self.here(),
                format!("expected `>` to close `{name}<`, found {}", self.found()),
            ));
        }
        Ok(TypeExpr {
            kind,
            span: start.join(close),
        })
    }

    fn table_name(&mut self) -> Result<Ident, Diagnostic> {
        match self.peek().cloned() {
            Some(Token {
                kind: TokenKind::Ident(name),
                range,
            }) => {
                self.pos += 1;
                Ok(Ident {
                    name: name.to_string(),
                    span: self.span(range),
                })
            }
            _ => Err(syntax_error(
                self.here(),
                format!("expected a table name, found {}", self.found()),
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::SourceFile;

    fn parse_str(text: &str) -> (Option<TypeExpr>, Vec<Diagnostic>) {
        let yaml = format!("t: '{text}'\n");
        let file = SourceFile::new("t.yaml", yaml);
        let mut diagnostics = Diagnostics::new();
        let root = crate::yaml::read(&file, &mut diagnostics).unwrap();
        let crate::yaml::NodeKind::Mapping(entries) = root.kind else {
            panic!()
        };
        let ty = parse(&entries[0].value, &mut diagnostics);
        (ty, diagnostics.into_sorted())
    }

    /// Shows the tree with each node's span as `kind@start..end`, where 4
    /// is the first character inside the quotes.
    fn show(ty: &TypeExpr) -> String {
        let s = ty.span;
        let inner = match &ty.kind {
            ExprKind::Scalar(t) => t.name().to_string(),
            ExprKind::Literal(LiteralValue::String(v)) => format!("{v:?}"),
            ExprKind::Literal(LiteralValue::Number { text, .. }) => text.clone(),
            ExprKind::Literal(LiteralValue::Bool(b)) => b.to_string(),
            ExprKind::Id(i) => format!("id<{}@{}>", i.name, i.span.start),
            ExprKind::Doc(i) => format!("doc<{}>", i.name),
            ExprKind::Array(t) => format!("array<{}>", show(t)),
            ExprKind::Record(k, v) => format!("record<{}, {}>", show(k), show(v)),
            ExprKind::Union(ms) => ms.iter().map(show).collect::<Vec<_>>().join(" | "),
            ExprKind::Named(i) => i.name.clone(),
        };
        format!("{inner}@{}..{}", s.start, s.end)
    }

    #[test]
    fn parses_the_grammar_with_inner_spans() {
        let (ty, d) = parse_str("array<strng>");
        assert!(d.is_empty());
        assert_eq!(show(&ty.unwrap()), "array<strng@10..15>@4..16");
        let (ty, _) = parse_str("record<id<users>, (\"a\" | 1.5)[]> | null");
        assert_eq!(
            show(&ty.unwrap()),
            "record<id<users@14>@11..20, array<\"a\"@23..26 | 1.5@29..32@22..33>@22..35>@4..36 | null@39..43@4..43"
        );
        let (ty, _) = parse_str("string[][] | true");
        assert_eq!(
            show(&ty.unwrap()),
            "array<array<string@4..10>@4..12>@4..14 | true@17..21@4..21"
        );
    }

    #[test]
    fn reports_syntax_errors_at_the_token() {
        for (text, message, at) in [
            (
                "array<string",
                "expected `>` to close `array<`, found the end of the type",
                16,
            ),
            (
                "record<string>",
                "expected `,` between the key and value types",
                17,
            ),
            ("string |", "expected a type, found the end", 12),
            ("id<>", "expected a table name, found `>`", 7),
            (
                "string string",
                "unexpected `string` after a complete type",
                11,
            ),
            ("a & b", "unexpected character `&`", 6),
        ] {
            let (ty, d) = parse_str(text);
            assert!(ty.is_none(), "{text}");
            assert!(
                d[0].message.starts_with(message),
                "{text}: {}",
                d[0].message
            );
            assert_eq!(d[0].span.start, at, "{text}");
        }
    }

    #[test]
    fn deep_types_are_refused_without_recursing_far() {
        for text in [
            "array<".repeat(10_000),
            format!("string{}", "[]".repeat(100_000)),
        ] {
            let (ty, d) = parse_str(&text);
            assert!(ty.is_none());
            assert_eq!(d[0].code, Code::TooDeep);
        }
        let (ty, _) = parse_str(&format!("array<string{}>", "[]".repeat(30)));
        assert!(ty.is_some(), "31 levels of lists are allowed");
    }
}
