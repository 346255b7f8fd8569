//! Renders the location of a bad value the way a JavaScript client writes
//! it: `preferences.timezone`, `items[2].name`, `tags["not an ident"]`.

use serde_path_to_error::{Path, Segment};

/// One step into a JSON value.
enum Step {
    Key(String),
    Index(usize),
    /// A map key that was no string; JSON objects have none, so this only
    /// shows up for a hand-written `Serialize` impl.
    Unknown,
}

/// A path from the root of the arguments (or of a result).
pub(super) struct JsonPath(Vec<Step>);

impl JsonPath {
    /// Converts a serde_path_to_error path.
    pub(super) fn from_serde(path: &Path) -> Self {
        let mut steps: Vec<Step> = path
            .iter()
            .map(|segment| match segment {
                Segment::Seq { index } => Step::Index(*index),
                Segment::Map { key } | Segment::Enum { variant: key } => Step::Key(key.clone()),
                Segment::Unknown => Step::Unknown,
            })
            .collect();
        // `$int64` and `$bytes` belong to the encoding of a value, not to
        // the client's data: point at the value itself. (Field names never
        // start with `$`, SPEC §3.)
        if matches!(steps.last(), Some(Step::Key(key)) if key == "$int64" || key == "$bytes") {
            steps.pop();
        }
        JsonPath(steps)
    }

    /// Appends an object key.
    pub(super) fn push_key(&mut self, key: &str) {
        self.0.push(Step::Key(key.to_owned()));
    }

    /// True for the root, i.e. the whole value.
    pub(super) fn is_root(&self) -> bool {
        self.0.is_empty()
    }

    /// The path as text: keys that are identifiers joined with `.`, other keys
    /// as `["…"]` (a JSON string) and indices as `[n]`, so that any path can
    /// be read back without ambiguity.
    pub(super) fn render(&self) -> String {
        let mut out = String::new();
        for step in &self.0 {
            match step {
                Step::Key(key) if is_identifier(key) => {
                    if !out.is_empty() {
                        out.push('.');
                    }
                    out.push_str(key);
                }
                Step::Key(key) => {
                    out.push('[');
                    out.push_str(&serde_json::Value::from(key.as_str()).to_string());
                    out.push(']');
                }
                Step::Index(index) => {
                    out.push('[');
                    out.push_str(&index.to_string());
                    out.push(']');
                }
                Step::Unknown => out.push_str("[?]"),
            }
        }
        out
    }
}

/// A key that JavaScript can write after a dot.
fn is_identifier(key: &str) -> bool {
    let mut chars = key.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_' || c == '$')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '$')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn path(steps: Vec<Step>) -> String {
        JsonPath(steps).render()
    }

    #[test]
    fn renders_like_javascript() {
        let key = |k: &str| Step::Key(k.to_owned());
        assert_eq!(path(vec![]), "");
        assert_eq!(path(vec![key("a"), key("b")]), "a.b");
        assert_eq!(
            path(vec![key("items"), Step::Index(2), key("name")]),
            "items[2].name"
        );
        assert_eq!(path(vec![Step::Index(0), key("x")]), "[0].x");
        assert_eq!(path(vec![key("tags"), key("a b")]), r#"tags["a b"]"#);
        assert_eq!(path(vec![key("first-name")]), r#"["first-name"]"#);
        assert_eq!(path(vec![key("q\"")]), r#"["q\""]"#);
        assert_eq!(path(vec![key("m"), Step::Unknown]), "m[?]");
    }
}
