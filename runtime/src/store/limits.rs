//! Convex's document limits, checked on every write (SPEC §6).

use serde_json::Value;

/// The largest document, as JSON text.
pub(crate) const MAX_DOCUMENT_BYTES: usize = 1 << 20;
/// The most elements of one array.
pub(crate) const MAX_ARRAY_ELEMENTS: usize = 8192;
/// The most fields of one object.
pub(crate) const MAX_OBJECT_FIELDS: usize = 1024;

/// Checks a document body (wire JSON) whose text is `text_len` bytes long.
pub(crate) fn check(body: &Value, text_len: usize) -> Result<(), String> {
    if text_len > MAX_DOCUMENT_BYTES {
        return Err(format!(
            "the document is {text_len} bytes as JSON; at most {MAX_DOCUMENT_BYTES} (1 MiB) are allowed"
        ));
    }
    let mut path = String::new();
    walk(body, &mut path)
}

fn walk(value: &Value, path: &mut String) -> Result<(), String> {
    let at = |path: &str| {
        if path.is_empty() {
            "the document".to_owned()
        } else {
            format!("`{path}`")
        }
    };
    match value {
        Value::Array(items) => {
            if items.len() > MAX_ARRAY_ELEMENTS {
                return Err(format!(
                    "the array at {} has {} elements; at most {MAX_ARRAY_ELEMENTS} are allowed",
                    at(path),
                    items.len()
                ));
            }
            for (i, item) in items.iter().enumerate() {
                let len = path.len();
                path.push_str(&format!("[{i}]"));
                walk(item, path)?;
                path.truncate(len);
            }
        }
        Value::Object(fields) => {
            if fields.len() > MAX_OBJECT_FIELDS {
                return Err(format!(
                    "the object at {} has {} fields; at most {MAX_OBJECT_FIELDS} are allowed",
                    at(path),
                    fields.len()
                ));
            }
            for (name, field) in fields {
                let len = path.len();
                if !path.is_empty() {
                    path.push('.');
                }
                path.push_str(name);
                walk(field, path)?;
                path.truncate(len);
            }
        }
        _ => {}
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn limits_are_inclusive_and_name_the_place() {
        let ok = json!({"a": vec![0; MAX_ARRAY_ELEMENTS]});
        assert_eq!(check(&ok, 10), Ok(()));
        let long = json!({"a": {"b": vec![0; MAX_ARRAY_ELEMENTS + 1]}});
        let error = check(&long, 10).unwrap_err();
        assert!(error.contains("`a.b` has 8193 elements"), "{error}");
        let wide: serde_json::Map<String, Value> = (0..=MAX_OBJECT_FIELDS)
            .map(|i| (format!("f{i}"), json!(1)))
            .collect();
        let error = check(&json!({"x": [wide]}), 10).unwrap_err();
        assert!(error.contains("`x[0]` has 1025 fields"), "{error}");
        let error = check(&json!({}), MAX_DOCUMENT_BYTES + 1).unwrap_err();
        assert!(error.contains("1048577 bytes"), "{error}");
        assert_eq!(check(&json!({}), MAX_DOCUMENT_BYTES), Ok(()));
    }
}
