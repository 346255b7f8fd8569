//! Arguments that do not parse answer `invalid_args` with the JSON path of
//! the bad value.

use crate::call;

const PREFS: &str =
    r#"{"userId":"u1","preferences":{"emailFrequency":["daily"],"timezone":"UTC"}}"#;

#[tokio::test]
async fn valid_arguments_reach_the_handler() {
    let answer = call("updatePreferences", PREFS).await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    assert_eq!(answer.body, serde_json::json!({"value": null}));
}

#[tokio::test]
async fn wrong_type_in_a_nested_field() {
    let body = PREFS.replace(r#""UTC""#, "5");
    call("updatePreferences", &body).await.invalid_at(
        Some("preferences.timezone"),
        "invalid type: integer `5`, expected a string",
    );
}

#[tokio::test]
async fn message_has_no_line_and_column() {
    let body = PREFS.replace(r#""UTC""#, "5");
    let answer = call("updatePreferences", &body).await;
    let message = answer.error(400, "invalid_args")["message"]
        .as_str()
        .unwrap();
    assert!(!message.contains("line"), "{message}");
}

#[tokio::test]
async fn bad_array_element() {
    let body = PREFS.replace(r#"["daily"]"#, r#"["daily","hourly"]"#);
    call("updatePreferences", &body).await.invalid_at(
        Some("preferences.emailFrequency[1]"),
        "unknown variant `hourly`",
    );

    let body = r#"{"items":[{"name":"a","qty":{"$int64":"1"}},{"name":7,"qty":{"$int64":"2"}}]}"#;
    call("saveItems", body)
        .await
        .invalid_at(Some("items[1].name"), "expected a string");
}

#[tokio::test]
async fn bad_wire_value_points_at_the_value() {
    let body = r#"{"items":[{"name":"a","qty":{"$int64":"x1"}}]}"#;
    call("saveItems", body)
        .await
        .invalid_at(Some("items[0].qty"), r#"invalid $int64 "x1""#);

    let body = r#"{"items":[{"name":"a","qty":1}]}"#;
    call("saveItems", body)
        .await
        .invalid_at(Some("items[0].qty"), r#"expected {"$int64": "<decimal>"}"#);

    let body = r#"{"userId":"u1","amount":{"$int64":"9223372036854775808"}}"#;
    call("addKarma", body)
        .await
        .invalid_at(Some("amount"), "out of the range");
}

#[tokio::test]
async fn unknown_fields_are_refused() {
    call("getProfile", r#"{"userId":"u1","userID":"u1"}"#)
        .await
        .invalid_at(Some("userID"), "unknown field `userID`");

    let body = PREFS.replace(r#""UTC""#, r#""UTC","tz":1"#);
    call("updatePreferences", &body)
        .await
        .invalid_at(Some("preferences.tz"), "unknown field `tz`");
}

#[tokio::test]
async fn missing_fields_point_at_the_field() {
    call("getProfile", "{}")
        .await
        .invalid_at(Some("userId"), "missing field `userId`");

    let body = PREFS.replace(r#","timezone":"UTC""#, "");
    call("updatePreferences", &body)
        .await
        .invalid_at(Some("preferences.timezone"), "missing field `timezone`");
}

#[tokio::test]
async fn optional_wire_field_may_be_absent_or_present() {
    let items = r#"[{"name":"a","qty":{"$int64":"5"}}]"#;
    let answer = call("saveItems", &format!(r#"{{"items":{items}}}"#)).await;
    assert_eq!(answer.body, serde_json::json!({"value": [{"$int64": "5"}]}));
    let answer = call(
        "saveItems",
        &format!(r#"{{"items":{items},"limit":{{"$int64":"2"}}}}"#),
    )
    .await;
    assert_eq!(answer.body, serde_json::json!({"value": [{"$int64": "2"}]}));
}

#[tokio::test]
async fn malformed_json_has_no_path() {
    for body in [
        r#"{"userId": "#,
        r#"{"userId":"u1",}"#,
        r#"{"userId":"u1"} {}"#,
    ] {
        call("getProfile", body)
            .await
            .invalid_at(None, "malformed JSON");
    }
}

#[tokio::test]
async fn arguments_must_be_an_object() {
    // `["u1"]` would fill GetProfileArgs positionally with a plain derive.
    for body in [r#"["u1"]"#, r#""u1""#, "null", "42", "nonsense"] {
        call("getProfile", body)
            .await
            .invalid_at(None, "the arguments must be a JSON object");
    }
}

#[tokio::test]
async fn empty_body_is_an_empty_object() {
    let answer = call("whoAmI", "").await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    assert_eq!(answer.body, serde_json::json!({"value": null}));
    // …which still lacks the arguments of a function that has some.
    call("getProfile", " \n")
        .await
        .invalid_at(Some("userId"), "missing field `userId`");
}

#[tokio::test]
async fn oversized_body_is_refused() {
    let body = format!(r#"{{"userId":"{}"}}"#, "x".repeat(3 << 20));
    let answer = call("getProfile", &body).await;
    answer.error(413, "invalid_args");
}
