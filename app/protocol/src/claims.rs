//! The claims of the two tokens of the implicit flow: the ID token (OpenID
//! Connect Core §2, §3.2.2.10) and the JWT access token (RFC 9068 §2.2).

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::{ClientId, Nonce, ScopeSet};

/// The `aud` claim (RFC 7519 §4.1.3): one audience, written as a string, or
/// several, written as an array.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Audience(Vec<String>);

impl Audience {
    /// A single audience.
    pub fn one(audience: impl Into<String>) -> Self {
        Self(vec![audience.into()])
    }

    /// Several audiences, in order.
    pub fn many(audiences: impl IntoIterator<Item = impl Into<String>>) -> Self {
        Self(audiences.into_iter().map(Into::into).collect())
    }

    /// Whether `audience` is one of them (RFC 7519 §4.1.3: the recipient
    /// must find itself in the claim).
    pub fn contains(&self, audience: &str) -> bool {
        self.0.iter().any(|a| a == audience)
    }

    /// The audiences, in order.
    pub fn iter(&self) -> impl Iterator<Item = &str> {
        self.0.iter().map(String::as_str)
    }

    /// How many audiences there are.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl Serialize for Audience {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self.0.as_slice() {
            [one] => serializer.serialize_str(one),
            many => many.serialize(serializer),
        }
    }
}

impl<'de> Deserialize<'de> for Audience {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum OneOrMany {
            One(String),
            Many(Vec<String>),
        }
        Ok(match OneOrMany::deserialize(deserializer)? {
            OneOrMany::One(one) => Self(vec![one]),
            OneOrMany::Many(many) => Self(many),
        })
    }
}

/// Standard claims about the user (OpenID Connect Core §5.1) released by
/// scope (§5.4): `profile` gives the names and picture, `email` the address.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserClaims {
    /// `profile`: full name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// `profile`: casual name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nickname: Option<String>,
    /// `profile`: shorthand name the user goes by (`preferred_username`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub preferred_username: Option<String>,
    /// `profile`: URL of a picture of the user.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub picture: Option<String>,
    /// `email`: the address.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// `email`: whether the provider verified that the user owns it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email_verified: Option<bool>,
}

/// The claims of an ID token (OpenID Connect Core §2), as issued in the
/// implicit flow (§3.2.2.10). Times are seconds since the Unix epoch.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IdTokenClaims {
    /// REQUIRED: the issuer identifier.
    pub iss: String,
    /// REQUIRED: the user's identifier at the issuer, never reassigned.
    pub sub: String,
    /// REQUIRED: contains the client's `client_id`.
    pub aud: Audience,
    /// REQUIRED: expiry.
    pub exp: u64,
    /// REQUIRED: issue time.
    pub iat: u64,
    /// When the user authenticated; REQUIRED when `max_age` was requested.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub auth_time: Option<u64>,
    /// REQUIRED in the implicit flow (§3.2.2.11): the request's nonce.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nonce: Option<Nonce>,
    /// REQUIRED when issued with an access token (§3.2.2.10): see
    /// [`at_hash_from_sha256`](crate::at_hash_from_sha256).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub at_hash: Option<String>,
    /// The authorized party, when there are several audiences (§2).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub azp: Option<ClientId>,
    /// Claims about the user, by scope.
    #[serde(flatten)]
    pub user: UserClaims,
}

/// The claims of a JWT access token (RFC 9068 §2.2). Times are seconds since
/// the Unix epoch.
///
/// Read leniently, so that a resource server can say which check failed:
/// what RFC 9068 requires but plain `JWT`-typed access tokens may lack
/// (`iat`, `jti`, `client_id`) is optional here and required by the check
/// that needs it; a time may be fractional ([`numeric_date`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccessTokenClaims {
    /// REQUIRED: the issuer identifier.
    pub iss: String,
    /// REQUIRED: the user (or the client, for client credentials).
    pub sub: String,
    /// REQUIRED: the resource servers the token is meant for (§3: the API's
    /// identifier; Auth0 adds the UserInfo URL when `openid` is granted).
    pub aud: Audience,
    /// REQUIRED: expiry.
    #[serde(deserialize_with = "numeric_date::required")]
    pub exp: u64,
    /// Not before (RFC 7519 §4.1.5).
    #[serde(
        default,
        deserialize_with = "numeric_date::optional",
        skip_serializing_if = "Option::is_none"
    )]
    pub nbf: Option<u64>,
    /// REQUIRED by RFC 9068: issue time.
    #[serde(
        default,
        deserialize_with = "numeric_date::optional",
        skip_serializing_if = "Option::is_none"
    )]
    pub iat: Option<u64>,
    /// REQUIRED by RFC 9068: unique id of the token.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub jti: Option<String>,
    /// REQUIRED by RFC 9068: the client the token was issued to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_id: Option<ClientId>,
    /// §2.2.3: the granted scopes, space-separated.
    #[serde(default, skip_serializing_if = "ScopeSet::is_empty")]
    pub scope: ScopeSet,
    /// §2.2.1: when the user authenticated.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub auth_time: Option<u64>,
    /// The authorized party (Auth0 sets it to the client, like `client_id`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub azp: Option<ClientId>,
}

impl AccessTokenClaims {
    /// The client the token was issued to: `client_id`, else `azp`.
    pub fn client(&self) -> Option<&ClientId> {
        self.client_id.as_ref().or(self.azp.as_ref())
    }
}

/// RFC 7519 §2: a `NumericDate` is seconds since the epoch, possibly
/// fractional; negative, huge or non-numeric values are refused.
pub mod numeric_date {
    use serde::{Deserialize, Deserializer};

    /// A required date, rounded down to the second.
    pub fn required<'de, D: Deserializer<'de>>(deserializer: D) -> Result<u64, D::Error> {
        let number = serde_json::Number::deserialize(deserializer)?;
        if let Some(seconds) = number.as_u64() {
            return Ok(seconds);
        }
        match number.as_f64() {
            // In range, so the cast neither wraps nor saturates.
            Some(seconds) if (0.0..1e15).contains(&seconds) => Ok(seconds.floor() as u64),
            _ => Err(serde::de::Error::custom("not a NumericDate")),
        }
    }

    /// An optional date: absent is `None` (with `#[serde(default)]`);
    /// `null` is not a date.
    pub fn optional<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<u64>, D::Error> {
        required(deserializer).map(Some)
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn one_audience_is_a_string_and_several_are_an_array() {
        assert_eq!(
            serde_json::to_value(Audience::one("a")).unwrap(),
            json!("a")
        );
        assert_eq!(
            serde_json::to_value(Audience::many(["a", "b"])).unwrap(),
            json!(["a", "b"])
        );
        let one: Audience = serde_json::from_value(json!("a")).unwrap();
        let many: Audience = serde_json::from_value(json!(["a", "b"])).unwrap();
        assert!(one.contains("a") && !one.contains("b"));
        assert!(many.contains("b"));
        assert_eq!(many.iter().collect::<Vec<_>>(), ["a", "b"]);
        assert!(serde_json::from_value::<Audience>(json!(3)).is_err());
    }

    #[test]
    fn an_id_token_without_profile_scope_carries_no_user_claims() {
        let claims = IdTokenClaims {
            iss: "http://localhost:9000".into(),
            sub: "alice".into(),
            aud: Audience::one("demo-spa"),
            exp: 200,
            iat: 80,
            auth_time: Some(70),
            nonce: Some(Nonce::new("n-0S6_WzA2Mj")),
            at_hash: None,
            azp: None,
            user: UserClaims::default(),
        };
        let json = serde_json::to_value(&claims).unwrap();
        assert_eq!(
            json,
            json!({
                "iss": "http://localhost:9000", "sub": "alice", "aud": "demo-spa",
                "exp": 200, "iat": 80, "auth_time": 70, "nonce": "n-0S6_WzA2Mj"
            })
        );
        let back: IdTokenClaims = serde_json::from_value(json).unwrap();
        assert_eq!(back, claims);
    }

    #[test]
    fn user_claims_sit_at_the_top_level_of_the_id_token() {
        let json = json!({
            "iss": "i", "sub": "s", "aud": ["c", "api"], "exp": 2, "iat": 1, "azp": "c",
            "name": "Alice", "email": "alice@example.com", "email_verified": true,
            "custom": "ignored"
        });
        let claims: IdTokenClaims = serde_json::from_value(json).unwrap();
        assert_eq!(claims.user.name.as_deref(), Some("Alice"));
        assert_eq!(claims.user.email_verified, Some(true));
        assert_eq!(claims.azp, Some(ClientId::new("c")));
    }

    #[test]
    fn an_access_token_carries_the_rfc_9068_claims() {
        let claims = AccessTokenClaims {
            iss: "http://localhost:9000".into(),
            sub: "alice".into(),
            aud: Audience::many([
                "http://localhost:8000/api",
                "http://localhost:9000/userinfo",
            ]),
            exp: 220,
            nbf: None,
            iat: Some(100),
            jti: Some("id-1".into()),
            client_id: Some(ClientId::new("demo-spa")),
            scope: "openid read:messages".parse().unwrap(),
            auth_time: None,
            azp: Some(ClientId::new("demo-spa")),
        };
        let json = serde_json::to_value(&claims).unwrap();
        assert_eq!(json["scope"], "openid read:messages");
        assert_eq!(json["aud"][1], "http://localhost:9000/userinfo");
        assert!(json.get("auth_time").is_none());
        let back: AccessTokenClaims = serde_json::from_value(json).unwrap();
        assert_eq!(back, claims);
    }

    #[test]
    fn an_access_token_without_scope_reads_as_the_empty_set() {
        let claims: AccessTokenClaims = serde_json::from_value(json!({
            "iss": "i", "sub": "s", "aud": "api", "exp": 2, "iat": 1, "jti": "j",
            "client_id": "c"
        }))
        .unwrap();
        assert!(claims.scope.is_empty());
    }

    #[test]
    fn access_token_dates_may_be_fractional_but_not_negative_or_strings() {
        let parse = |exp: serde_json::Value| {
            serde_json::from_value::<AccessTokenClaims>(json!({
                "iss": "i", "sub": "s", "aud": ["a", "b"], "exp": exp
            }))
        };
        assert_eq!(parse(json!(1_000.7)).unwrap().exp, 1_000);
        let read = parse(json!(1_000)).unwrap();
        assert_eq!(read.aud.iter().collect::<Vec<_>>(), ["a", "b"]);
        assert_eq!(
            (read.iat, read.jti.as_deref(), read.client()),
            (None, None, None)
        );
        assert!(parse(json!(-1)).is_err());
        assert!(parse(json!("1000")).is_err());
        assert!(parse(json!(1e300)).is_err());
        assert!(parse(serde_json::Value::Null).is_err());
        let nbf = serde_json::from_value::<AccessTokenClaims>(json!({
            "iss": "i", "sub": "s", "aud": "a", "exp": 9, "nbf": 2.5, "azp": "c"
        }))
        .unwrap();
        assert_eq!(nbf.nbf, Some(2));
        assert_eq!(nbf.client(), Some(&ClientId::new("c")));
    }
}
