//! The token inspector: a JWT's header and claims, each with what it means
//! and the section that defines it, and for an ID token the check this
//! client made with it. Nothing is verified here; the inspector shows
//! tokens that the callback has already checked, or, for an access token,
//! one that only the API checks.

use serde_json::{Map, Value};

use protocol::{CompactJws, IdTokenCheck, JwsError};

use crate::spec::{self, Section};

/// What a header parameter or claim is, and the section that defines it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct About {
    /// In a few words.
    pub meaning: &'static str,
    /// Where it is defined.
    pub spec: Section,
}

/// One header parameter or claim, ready to show.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Field {
    /// Its name, e.g. `exp`.
    pub name: String,
    /// Its value as text; a time also as a UTC date.
    pub value: String,
    /// What it is; `None` for a name no specification here registers
    /// (the provider's own claims).
    pub about: Option<About>,
    /// For an ID token, the check of OIDC Core §3.1.3.7 that read it, if
    /// that check ran when the token was validated.
    pub checked_by: Option<IdTokenCheck>,
}

/// A decoded JWS: the header parameters a client reads (`alg`, `typ`,
/// `kid`) and every claim, in name order. The signature is left out: it
/// proves, it does not inform.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Inspected {
    /// The JOSE header (RFC 7515 §4.1).
    pub header: Vec<Field>,
    /// The claims (RFC 7519 §4).
    pub claims: Vec<Field>,
}

/// Which kind of token is inspected: it decides whether the ID token checks
/// are named beside its claims.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TokenKind {
    /// An ID token, validated by this client (OIDC Core §3.2.2.11).
    IdToken {
        /// The checks it passed, as its validation reported them: a claim
        /// is said checked only when the check that reads it ran (`at_hash`,
        /// say, only when an access token came with the ID token).
        passed: Vec<IdTokenCheck>,
    },
    /// An access token, which only the resource server validates.
    AccessToken,
}

impl TokenKind {
    /// The check that read `field` of this token, if it ran.
    fn checked(&self, field: Option<IdTokenCheck>) -> Option<IdTokenCheck> {
        match self {
            Self::IdToken { passed } => field.filter(|check| passed.contains(check)),
            Self::AccessToken => None,
        }
    }
}

/// Decodes `token` for display. An access token that is not a JWS (an
/// opaque one, RFC 6749 §1.4) is an error here, not a failure of anything.
pub fn inspect(token: &str, kind: &TokenKind) -> Result<Inspected, JwsError> {
    let jws: CompactJws = CompactJws::parse(token)?;
    let header = [
        ("alg", Some(&jws.header.alg)),
        ("typ", jws.header.typ.as_ref()),
        ("kid", jws.header.kid.as_ref()),
    ]
    .into_iter()
    .filter_map(|(name, value)| {
        Some(Field {
            name: name.to_owned(),
            value: value?.clone(),
            about: about_header(name),
            checked_by: kind.checked(header_check(name)),
        })
    })
    .collect();
    let claims = fields(&jws.claims, kind);
    Ok(Inspected { header, claims })
}

fn fields(claims: &Map<String, Value>, kind: &TokenKind) -> Vec<Field> {
    claims
        .iter()
        .map(|(name, value)| Field {
            name: name.clone(),
            value: show(name, value),
            about: match (kind, name.as_str()) {
                // In an access token they say how the user logged in for it.
                (TokenKind::AccessToken, "auth_time" | "acr" | "amr") => Some(About {
                    meaning: "how and when the user logged in",
                    spec: spec::RFC9068_AUTHENTICATION,
                }),
                _ => about_claim(name),
            },
            checked_by: kind.checked(claim_check(name)),
        })
        .collect()
}

/// A value as text: strings bare, lists of strings comma-separated, times
/// with their date, anything else as JSON.
fn show(name: &str, value: &Value) -> String {
    match value {
        Value::String(text) => text.clone(),
        Value::Number(number) if is_time(name) => match number.as_u64() {
            Some(secs) => format!("{secs} ({})", utc(secs)),
            None => number.to_string(),
        },
        Value::Array(items) if items.iter().all(Value::is_string) => items
            .iter()
            .filter_map(Value::as_str)
            .collect::<Vec<_>>()
            .join(", "),
        other => other.to_string(),
    }
}

/// Claims that hold a NumericDate (RFC 7519 §2).
fn is_time(name: &str) -> bool {
    matches!(name, "exp" | "iat" | "nbf" | "auth_time" | "updated_at")
}

/// `secs` since the epoch as `YYYY-MM-DD hh:mm:ss UTC`.
pub fn utc(secs: u64) -> String {
    let (days, rest) = (secs / 86_400, secs % 86_400);
    // Days to a civil date (H. Hinnant's algorithm), from 1970-01-01.
    let z = days as i64 + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02} {:02}:{:02}:{:02} UTC",
        rest / 3_600,
        rest % 3_600 / 60,
        rest % 60
    )
}

/// The header parameters a client reads (RFC 7515 §4.1).
pub fn about_header(name: &str) -> Option<About> {
    let (meaning, spec) = match name {
        "alg" => (
            "the algorithm that signed it; checked against an allow-list",
            spec::RFC7515_ALG,
        ),
        "kid" => (
            "which of the issuer's published keys signed it",
            spec::RFC7515_KID,
        ),
        "typ" => (
            "what kind of token it is, so one kind is not taken for another",
            spec::RFC7515_TYP,
        ),
        _ => return None,
    };
    Some(About { meaning, spec })
}

/// The registered claims of RFC 7519, OpenID Connect and RFC 9068.
pub fn about_claim(name: &str) -> Option<About> {
    let (meaning, spec) = match name {
        "iss" => ("who issued it", spec::RFC7519_ISS),
        "sub" => (
            "who it is about: the user's identifier at the issuer",
            spec::RFC7519_SUB,
        ),
        "aud" => ("who it is for", spec::RFC7519_AUD),
        "exp" => ("when it stops being valid", spec::RFC7519_EXP),
        "nbf" => ("when it starts being valid", spec::RFC7519_NBF),
        "iat" => ("when it was issued", spec::RFC7519_IAT),
        "jti" => ("its unique identifier", spec::RFC7519_JTI),
        "nonce" => (
            "the value the client sent with its request, echoed back against replay",
            spec::OIDC_ID_TOKEN,
        ),
        "azp" => (
            "the client it was issued to (authorized party)",
            spec::OIDC_ID_TOKEN,
        ),
        "at_hash" => (
            "half of the SHA-256 of the access token it came with",
            spec::OIDC_IMPLICIT_ID_TOKEN,
        ),
        "auth_time" => ("when the user last logged in", spec::OIDC_ID_TOKEN),
        "acr" | "amr" => ("how the user logged in", spec::OIDC_ID_TOKEN),
        "scope" => ("what it allows", spec::RFC9068_CLAIMS),
        "client_id" => ("the client that asked for it", spec::RFC9068_ACCESS_TOKEN),
        "name"
        | "given_name"
        | "family_name"
        | "middle_name"
        | "nickname"
        | "preferred_username"
        | "profile"
        | "picture"
        | "website"
        | "email"
        | "email_verified"
        | "gender"
        | "birthdate"
        | "zoneinfo"
        | "locale"
        | "phone_number"
        | "phone_number_verified"
        | "address"
        | "updated_at" => (
            "a standard claim about the user",
            spec::OIDC_STANDARD_CLAIMS,
        ),
        _ => return None,
    };
    Some(About { meaning, spec })
}

/// The ID token check that reads a claim (OIDC Core §3.1.3.7, §3.2.2.11).
fn claim_check(name: &str) -> Option<IdTokenCheck> {
    Some(match name {
        "iss" => IdTokenCheck::Issuer,
        "aud" => IdTokenCheck::Audience,
        "azp" => IdTokenCheck::AuthorizedParty,
        "exp" => IdTokenCheck::Expiry,
        "iat" => IdTokenCheck::IssuedAt,
        "nonce" => IdTokenCheck::Nonce,
        "at_hash" => IdTokenCheck::AtHash,
        "sub" => IdTokenCheck::Subject,
        _ => return None,
    })
}

/// The ID token check that reads a header parameter.
fn header_check(name: &str) -> Option<IdTokenCheck> {
    match name {
        "alg" => Some(IdTokenCheck::Algorithm),
        "kid" => Some(IdTokenCheck::Signature),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
    use serde_json::json;

    use super::*;

    fn token(header: Value, claims: Value) -> String {
        let b64 = |v: Value| URL_SAFE_NO_PAD.encode(v.to_string());
        format!(
            "{}.{}.{}",
            b64(header),
            b64(claims),
            URL_SAFE_NO_PAD.encode("sig")
        )
    }

    fn field<'a>(fields: &'a [Field], name: &str) -> &'a Field {
        fields.iter().find(|f| f.name == name).unwrap()
    }

    /// No header parameter or claim is said checked by this client.
    fn claims_no_check(inspected: &Inspected) -> bool {
        inspected
            .header
            .iter()
            .chain(&inspected.claims)
            .all(|f| f.checked_by.is_none())
    }

    #[test]
    fn an_id_token_shows_each_claim_with_its_meaning_its_rule_and_its_check() {
        let now = 1_764_230_400; // 2025-11-27 08:00:00 UTC
        let id_token = token(
            json!({"alg": "RS256", "kid": "k1", "typ": "JWT"}),
            json!({"iss": "https://issuer.example", "aud": ["spa", "api"], "exp": now + 45,
                   "iat": now - 180, "nonce": "n-0S6", "tenant": "acme", "email_verified": true}),
        );
        let inspected = inspect(
            &id_token,
            &TokenKind::IdToken {
                passed: IdTokenCheck::ALL.to_vec(),
            },
        )
        .unwrap();

        let names: Vec<&str> = inspected.header.iter().map(|f| f.name.as_str()).collect();
        assert_eq!(names, ["alg", "typ", "kid"]);
        let alg = field(&inspected.header, "alg");
        assert_eq!(alg.checked_by, Some(IdTokenCheck::Algorithm));
        assert_eq!(alg.about.unwrap().spec, spec::RFC7515_ALG);

        let iss = field(&inspected.claims, "iss");
        assert_eq!(iss.value, "https://issuer.example");
        assert_eq!(iss.about.unwrap().spec.cite, "RFC 7519 §4.1.1");
        assert_eq!(iss.checked_by, Some(IdTokenCheck::Issuer));
        assert_eq!(field(&inspected.claims, "aud").value, "spa, api");
        assert_eq!(
            field(&inspected.claims, "exp").value,
            format!("{} (2025-11-27 08:00:45 UTC)", now + 45)
        );
        assert_eq!(
            field(&inspected.claims, "iat").value,
            format!("{} (2025-11-27 07:57:00 UTC)", now - 180)
        );
        assert_eq!(
            field(&inspected.claims, "nonce").checked_by,
            Some(IdTokenCheck::Nonce)
        );
        assert_eq!(field(&inspected.claims, "email_verified").value, "true");
        // The provider's own claim is shown, and said to be nobody's standard.
        let tenant = field(&inspected.claims, "tenant");
        assert_eq!((tenant.value.as_str(), tenant.about), ("acme", None));
    }

    #[test]
    fn an_access_token_names_no_client_check() {
        let access_token = token(
            json!({"alg": "RS256", "typ": "at+jwt"}),
            json!({"iss": "i", "scope": "openid read:messages", "client_id": "spa"}),
        );
        let inspected = inspect(&access_token, &TokenKind::AccessToken).unwrap();
        assert!(claims_no_check(&inspected));
        assert_eq!(
            field(&inspected.claims, "scope").about.unwrap().spec,
            spec::RFC9068_CLAIMS
        );
        assert_eq!(
            field(&inspected.claims, "client_id").about.unwrap().spec,
            spec::RFC9068_ACCESS_TOKEN
        );
        assert_eq!(field(&inspected.header, "typ").value, "at+jwt");
    }

    #[test]
    fn an_opaque_access_token_is_not_a_jws() {
        assert_eq!(
            inspect("2YotnFZFEjr1zCsicMWpAA", &TokenKind::AccessToken),
            Err(JwsError::Segments(1))
        );
    }

    #[test]
    fn dates_are_read_in_utc_across_leap_years_and_centuries() {
        assert_eq!(utc(0), "1970-01-01 00:00:00 UTC");
        assert_eq!(utc(951_782_400), "2000-02-29 00:00:00 UTC");
        assert_eq!(utc(4_107_542_399), "2100-02-28 23:59:59 UTC");
        assert_eq!(utc(4_107_542_400), "2100-03-01 00:00:00 UTC");
    }

    #[test]
    fn a_claim_is_only_said_checked_when_its_check_ran() {
        let now = 1_764_230_400;
        let claims = json!({"iss": "https://issuer.example", "aud": "spa", "azp": "spa",
                            "sub": "alice", "exp": now + 60, "iat": now, "nonce": "n",
                            "at_hash": "x"});
        let id_token = token(json!({"alg": "RS256", "kid": "k1"}), claims.clone());
        // What validation reports for an ID token that came without an
        // access token: every claim check but at_hash.
        let nonce = protocol::Nonce::new("n");
        let claim_checks = protocol::check_claims(
            &serde_json::from_value(claims).unwrap(),
            &protocol::IdTokenExpectations {
                issuer: "https://issuer.example",
                client_id: "spa",
                nonce: &nonce,
                access_token_sha256: None,
                now,
                clock_skew: 0,
                max_age_of_iat: 600,
            },
        )
        .unwrap();
        let passed = [IdTokenCheck::Algorithm, IdTokenCheck::Signature]
            .into_iter()
            .chain(claim_checks)
            .collect();
        let inspected = inspect(&id_token, &TokenKind::IdToken { passed }).unwrap();
        let checked = |fields: &[Field], name| field(fields, name).checked_by;
        assert_eq!(checked(&inspected.claims, "at_hash"), None);
        assert_eq!(
            checked(&inspected.claims, "nonce"),
            Some(IdTokenCheck::Nonce)
        );
        assert_eq!(
            checked(&inspected.claims, "azp"),
            Some(IdTokenCheck::AuthorizedParty)
        );
        assert_eq!(
            checked(&inspected.header, "kid"),
            Some(IdTokenCheck::Signature)
        );
        // Nothing passed (a session stored before checks were kept): nothing
        // is said checked.
        let inspected = inspect(&id_token, &TokenKind::IdToken { passed: vec![] }).unwrap();
        assert!(claims_no_check(&inspected));
    }

    #[test]
    fn in_an_access_token_the_login_claims_cite_rfc_9068() {
        let access_token = token(json!({"alg": "RS256"}), json!({"auth_time": 1, "acr": "1"}));
        let inspected = inspect(&access_token, &TokenKind::AccessToken).unwrap();
        for name in ["auth_time", "acr"] {
            let about = field(&inspected.claims, name).about.unwrap();
            assert_eq!(about.spec, spec::RFC9068_AUTHENTICATION, "{name}");
        }
    }
}
