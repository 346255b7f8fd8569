//! `Identity`: who made a call, as a verified token says.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// The caller of a function, taken from a verified OpenID Connect token.
///
/// The standard profile claims are fields when the token carries them with
/// their standard type; [`Identity::claims`] holds every claim as sent,
/// these included, for the provider's own (e.g. Clerk's `org_id`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Identity {
    /// The `sub` claim: the user's id at the issuer.
    pub subject: String,
    /// The `iss` claim, one of the configured issuers.
    pub issuer: String,
    /// `"{issuer}|{subject}"`: the user's id across all issuers, the key to
    /// store per-user data under (Convex's `tokenIdentifier`).
    pub token_identifier: String,
    /// `email`.
    pub email: Option<String>,
    /// `email_verified`.
    pub email_verified: Option<bool>,
    /// `name`: the full name.
    pub name: Option<String>,
    /// `given_name`.
    pub given_name: Option<String>,
    /// `family_name`.
    pub family_name: Option<String>,
    /// `nickname`.
    pub nickname: Option<String>,
    /// `preferred_username`.
    pub preferred_username: Option<String>,
    /// `picture`: the URL of a profile picture.
    pub picture: Option<String>,
    /// `profile`: the URL of a profile page.
    pub profile: Option<String>,
    /// `phone_number`.
    pub phone_number: Option<String>,
    /// `phone_number_verified`.
    pub phone_number_verified: Option<bool>,
    /// `locale`, e.g. `en-US`.
    pub locale: Option<String>,
    /// `zoneinfo`: the time zone, e.g. `Europe/Paris`.
    pub zoneinfo: Option<String>,
    /// Every claim of the token, as sent.
    pub claims: Map<String, Value>,
}

impl Identity {
    /// The identity in verified `claims`, whose `iss` and `sub` the
    /// verification has required to be strings.
    pub(crate) fn from_claims(claims: Map<String, Value>) -> Option<Identity> {
        let subject = claims.get("sub")?.as_str()?.to_owned();
        let issuer = claims.get("iss")?.as_str()?.to_owned();
        let text = |name: &str| claims.get(name).and_then(Value::as_str).map(str::to_owned);
        let flag = |name: &str| claims.get(name).and_then(as_flag);
        Some(Identity {
            token_identifier: format!("{issuer}|{subject}"),
            email: text("email"),
            email_verified: flag("email_verified"),
            name: text("name"),
            given_name: text("given_name"),
            family_name: text("family_name"),
            nickname: text("nickname"),
            preferred_username: text("preferred_username"),
            picture: text("picture"),
            profile: text("profile"),
            phone_number: text("phone_number"),
            phone_number_verified: flag("phone_number_verified"),
            locale: text("locale"),
            zoneinfo: text("zoneinfo"),
            subject,
            issuer,
            claims,
        })
    }
}

/// A boolean claim; AWS Cognito sends `email_verified` as the string
/// `"true"`, so that spelling counts too.
fn as_flag(value: &Value) -> Option<bool> {
    match value {
        Value::Bool(b) => Some(*b),
        Value::String(s) if s == "true" => Some(true),
        Value::String(s) if s == "false" => Some(false),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn claims(value: Value) -> Map<String, Value> {
        match value {
            Value::Object(map) => map,
            _ => unreachable!("the tests pass objects"),
        }
    }

    #[test]
    fn standard_claims_become_fields() {
        let identity = Identity::from_claims(claims(json!({
            "iss": "https://id.example.com",
            "sub": "user_1",
            "email": "ada@example.com",
            "email_verified": "true",
            "name": "Ada Lovelace",
            "org_id": "org_9",
        })))
        .unwrap();
        assert_eq!(identity.token_identifier, "https://id.example.com|user_1");
        assert_eq!(identity.email.as_deref(), Some("ada@example.com"));
        assert_eq!(identity.email_verified, Some(true));
        assert_eq!(identity.name.as_deref(), Some("Ada Lovelace"));
        assert_eq!(identity.nickname, None);
        assert_eq!(identity.claims["org_id"], "org_9");
    }

    #[test]
    fn a_claim_of_the_wrong_type_is_left_to_the_raw_claims() {
        let identity = Identity::from_claims(claims(json!({
            "iss": "i", "sub": "s", "email": 7, "email_verified": "yes",
        })))
        .unwrap();
        assert_eq!((identity.email, identity.email_verified), (None, None));
        assert_eq!(identity.claims["email"], 7);
    }

    #[test]
    fn no_identity_without_a_string_subject() {
        assert_eq!(Identity::from_claims(claims(json!({"iss": "i"}))), None);
        assert_eq!(
            Identity::from_claims(claims(json!({"iss": "i", "sub": 1}))),
            None
        );
    }
}
