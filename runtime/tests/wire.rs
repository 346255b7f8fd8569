//! The int64/bytes wire encoding of SPEC §3, through the attribute generated
//! code uses, with exact JSON text.

use schemabridge_runtime::__private::wire::Encoded;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// `array<bytes | null>`, boxed as a recursive type would be.
type Attachments = Vec<Option<Box<Vec<u8>>>>;

/// What the generator emits for fields holding int64 or bytes.
#[derive(Serialize, Deserialize, Debug, PartialEq)]
#[serde(deny_unknown_fields)]
struct Sample {
    #[serde(with = "::schemabridge_runtime::__private::wire")]
    count: i64,
    #[serde(with = "::schemabridge_runtime::__private::wire")]
    data: Vec<u8>,
    #[serde(
        default,
        skip_serializing_if = "::std::option::Option::is_none",
        with = "::schemabridge_runtime::__private::wire"
    )]
    maybe: Option<i64>,
    #[serde(with = "::schemabridge_runtime::__private::wire")]
    deep: Option<Vec<Option<i64>>>,
    #[serde(with = "::schemabridge_runtime::__private::wire")]
    blobs: BTreeMap<String, Vec<u8>>,
    #[serde(with = "::schemabridge_runtime::__private::wire")]
    boxed: Box<i64>,
    #[serde(with = "::schemabridge_runtime::__private::wire")]
    by_user: BTreeMap<String, Attachments>,
    plain: f64,
}

fn encode<T: schemabridge_runtime::__private::wire::Wire>(value: T) -> String {
    serde_json::to_string(&Encoded(value)).unwrap()
}

fn decode<T: schemabridge_runtime::__private::wire::Wire>(json: &str) -> Result<T, String> {
    serde_json::from_str::<Encoded<T>>(json)
        .map(|Encoded(value)| value)
        .map_err(|error| error.to_string())
}

#[test]
fn int64_round_trips_exactly() {
    let cases = [
        (i64::MIN, r#"{"$int64":"-9223372036854775808"}"#),
        (i64::MAX, r#"{"$int64":"9223372036854775807"}"#),
        ((1 << 53) + 1, r#"{"$int64":"9007199254740993"}"#),
        (0, r#"{"$int64":"0"}"#),
        (-1, r#"{"$int64":"-1"}"#),
    ];
    for (value, json) in cases {
        assert_eq!(encode(value), json);
        assert_eq!(decode::<i64>(json), Ok(value));
    }
}

#[test]
fn bytes_round_trip_with_padding() {
    let cases: [(&[u8], &str); 6] = [
        (b"", r#"{"$bytes":""}"#),
        (b"\0", r#"{"$bytes":"AA=="}"#),
        (b"\0\x01", r#"{"$bytes":"AAE="}"#),
        (b"\0\x01\x02", r#"{"$bytes":"AAEC"}"#),
        (b"\xff\xff\xff\xff", r#"{"$bytes":"/////w=="}"#),
        (b"\xfb\xef", r#"{"$bytes":"++8="}"#),
    ];
    for (value, json) in cases {
        assert_eq!(encode(value.to_vec()), json);
        assert_eq!(decode::<Vec<u8>>(json), Ok(value.to_vec()));
    }
}

#[test]
fn containers_compose_to_any_depth() {
    assert_eq!(
        encode(Some(vec![Some(1_i64), None])),
        r#"[{"$int64":"1"},null]"#
    );
    assert_eq!(encode(None::<Vec<Option<i64>>>), "null");
    assert_eq!(
        encode(vec![vec![1_i64], vec![]]),
        r#"[[{"$int64":"1"}],[]]"#
    );
    assert_eq!(encode(vec![b"a".to_vec()]), r#"[{"$bytes":"YQ=="}]"#);
    assert_eq!(
        decode::<Vec<Vec<u8>>>(r#"[{"$bytes":"YQ=="}]"#),
        Ok(vec![b"a".to_vec()])
    );
    assert_eq!(
        decode::<Option<Vec<Option<i64>>>>(r#"[null,{"$int64":"-5"}]"#),
        Ok(Some(vec![None, Some(-5)]))
    );
}

#[test]
fn fields_use_the_generated_attribute() {
    let sample = Sample {
        count: 9_007_199_254_740_993,
        data: b"hi".to_vec(),
        maybe: None,
        deep: Some(vec![Some(-1), None]),
        blobs: BTreeMap::from([("k".to_owned(), vec![1, 2, 3])]),
        boxed: Box::new(7),
        by_user: BTreeMap::from([("u1".to_owned(), vec![None, Some(Box::new(vec![0]))])]),
        plain: 1.5,
    };
    let json = serde_json::to_string(&sample).unwrap();
    assert_eq!(
        json,
        concat!(
            r#"{"count":{"$int64":"9007199254740993"},"data":{"$bytes":"aGk="},"#,
            r#""deep":[{"$int64":"-1"},null],"blobs":{"k":{"$bytes":"AQID"}},"#,
            r#""boxed":{"$int64":"7"},"by_user":{"u1":[null,{"$bytes":"AA=="}]},"plain":1.5}"#
        )
    );
    assert_eq!(serde_json::from_str::<Sample>(&json).unwrap(), sample);

    let with_maybe = json.replace(r#""plain""#, r#""maybe":{"$int64":"3"},"plain""#);
    let parsed: Sample = serde_json::from_str(&with_maybe).unwrap();
    assert_eq!(parsed.maybe, Some(3));
}

/// Unions buffer their input before trying a variant; the encoding must
/// survive that too.
#[derive(Serialize, Deserialize, Debug, PartialEq)]
#[serde(untagged)]
enum Amount {
    Int(#[serde(with = "::schemabridge_runtime::__private::wire")] i64),
    #[serde(with = "::schemabridge_runtime::__private::wire")]
    Bytes(Vec<u8>),
    Float(f64),
}

#[derive(Serialize, Deserialize, Debug, PartialEq)]
#[serde(tag = "kind")]
enum Event {
    #[serde(rename = "paid")]
    Paid {
        #[serde(with = "::schemabridge_runtime::__private::wire")]
        cents: i64,
    },
}

#[test]
fn unions_stay_unambiguous() {
    let amounts = vec![Amount::Int(5), Amount::Bytes(vec![5]), Amount::Float(5.0)];
    let json = serde_json::to_string(&amounts).unwrap();
    assert_eq!(json, r#"[{"$int64":"5"},{"$bytes":"BQ=="},5.0]"#);
    assert_eq!(serde_json::from_str::<Vec<Amount>>(&json).unwrap(), amounts);

    let event = Event::Paid { cents: i64::MAX };
    let json = serde_json::to_string(&event).unwrap();
    assert_eq!(
        json,
        r#"{"kind":"paid","cents":{"$int64":"9223372036854775807"}}"#
    );
    assert_eq!(serde_json::from_str::<Event>(&json).unwrap(), event);
}

#[test]
fn int64_rejects_other_shapes() {
    let expected = r#"expected {"$int64": "<decimal>"}"#;
    for json in [
        "5",
        r#""5""#,
        "null",
        "[]",
        r#"{"$int64":5}"#,
        r#"{"$int64":null}"#,
    ] {
        let error = decode::<i64>(json).unwrap_err();
        assert!(error.contains(expected), "{json}: {error}");
    }
    let error = decode::<i64>("{}").unwrap_err();
    assert!(
        error.contains(&format!("{expected}, found an empty object")),
        "{error}"
    );
    let error = decode::<i64>(r#"{"$int64":"5","x":1}"#).unwrap_err();
    assert!(error.contains("more than one key"), "{error}");
    let error = decode::<i64>(r#"{"$bytes":"AA=="}"#).unwrap_err();
    assert!(error.contains(r#"found key "$bytes""#), "{error}");
}

#[test]
fn int64_rejects_bad_text() {
    for text in ["", "+5", "1e3", "1.0", " 5", "0x1f", "five"] {
        let error = decode::<i64>(&format!(r#"{{"$int64":"{text}"}}"#)).unwrap_err();
        assert!(
            error.contains(&format!(
                r#"invalid $int64 "{text}": expected a decimal integer"#
            )),
            "{text}: {error}"
        );
    }
    for text in [
        "9223372036854775808",
        "-9223372036854775809",
        "99999999999999999999",
    ] {
        let error = decode::<i64>(&format!(r#"{{"$int64":"{text}"}}"#)).unwrap_err();
        assert!(error.contains("out of the range"), "{text}: {error}");
    }
}

#[test]
fn bytes_rejects_bad_base64() {
    // Unpadded, wrong padding, stray bits, URL-safe alphabet, junk.
    for text in ["AA", "A===", "AB==", "-_8=", "!!!!", "AAE"] {
        let error = decode::<Vec<u8>>(&format!(r#"{{"$bytes":"{text}"}}"#)).unwrap_err();
        assert!(error.contains("invalid $bytes"), "{text}: {error}");
        assert!(error.contains("standard base64"), "{text}: {error}");
    }
    let error = decode::<Vec<u8>>("[1,2]").unwrap_err();
    assert!(
        error.contains(r#"expected {"$bytes": "<base64>"}"#),
        "{error}"
    );
}

/// `note?: int64 | null` and `label?: string | null`: absent, null and a
/// value must round-trip distinctly (SPEC §1.1).
#[derive(Serialize, Deserialize, Debug, PartialEq)]
struct Optional {
    #[serde(
        default,
        skip_serializing_if = "::std::option::Option::is_none",
        with = "::schemabridge_runtime::__private::wire::optional"
    )]
    note: Option<Option<i64>>,
    #[serde(
        default,
        skip_serializing_if = "::std::option::Option::is_none",
        with = "::schemabridge_runtime::__private::optional"
    )]
    label: Option<Option<String>>,
    #[serde(
        default,
        skip_serializing_if = "::std::option::Option::is_none",
        with = "::schemabridge_runtime::__private::optional"
    )]
    strict: Option<String>,
}

#[test]
fn optional_keeps_absent_and_null_apart() {
    let cases = [
        (None, None, "{}"),
        (Some(None), Some(None), r#"{"note":null,"label":null}"#),
        (
            Some(Some(1)),
            Some(Some("x".to_owned())),
            r#"{"note":{"$int64":"1"},"label":"x"}"#,
        ),
    ];
    for (note, label, json) in cases {
        let value = Optional {
            note,
            label,
            strict: None,
        };
        assert_eq!(serde_json::to_string(&value).unwrap(), json);
        assert_eq!(serde_json::from_str::<Optional>(json).unwrap(), value);
    }
    // Optional but not nullable: null is no string.
    let error = serde_json::from_str::<Optional>(r#"{"strict":null}"#).unwrap_err();
    assert!(error.to_string().contains("expected a string"), "{error}");
}
