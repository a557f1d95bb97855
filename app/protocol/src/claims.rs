//! The claims of the two tokens of the implicit flow: the ID token (OpenID
//! Connect Core §2, §3.2.2.10) and the JWT access token (RFC 9068 §2.2).

use serde::{Deserialize, Deserializer, Serialize, Serializer, de::DeserializeOwned};
use serde_json::{Map, Value};

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
/// A claim of the wrong type reads as absent: who the user is never makes a
/// token unreadable.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserClaims {
    /// `profile`: full name.
    #[serde(
        default,
        deserialize_with = "lenient",
        skip_serializing_if = "Option::is_none"
    )]
    pub name: Option<String>,
    /// `profile`: casual name.
    #[serde(
        default,
        deserialize_with = "lenient",
        skip_serializing_if = "Option::is_none"
    )]
    pub nickname: Option<String>,
    /// `profile`: shorthand name the user goes by (`preferred_username`).
    #[serde(
        default,
        deserialize_with = "lenient",
        skip_serializing_if = "Option::is_none"
    )]
    pub preferred_username: Option<String>,
    /// `profile`: URL of a picture of the user.
    #[serde(
        default,
        deserialize_with = "lenient",
        skip_serializing_if = "Option::is_none"
    )]
    pub picture: Option<String>,
    /// `email`: the address.
    #[serde(
        default,
        deserialize_with = "lenient",
        skip_serializing_if = "Option::is_none"
    )]
    pub email: Option<String>,
    /// `email`: whether the provider verified that the user owns it.
    #[serde(
        default,
        deserialize_with = "lenient",
        skip_serializing_if = "Option::is_none"
    )]
    pub email_verified: Option<bool>,
}

/// The claims of an ID token (OpenID Connect Core §2), as issued in the
/// implicit flow (§3.2.2.10) and as read by a client. Times are seconds since
/// the Unix epoch.
///
/// One model for both sides, read leniently: a claim that is missing *or*
/// of the wrong type is `None`, so a token is never refused by its parser but
/// by the check that needs the claim ([`check_claims`](crate::check_claims)),
/// which then says which one. The claims this model does not name are kept
/// in [`other`](Self::other), in the token's order, for the reader to see.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct IdTokenClaims {
    /// REQUIRED: the issuer identifier.
    #[serde(
        default,
        deserialize_with = "lenient",
        skip_serializing_if = "Option::is_none"
    )]
    pub iss: Option<String>,
    /// REQUIRED: the user's identifier at the issuer, never reassigned.
    #[serde(
        default,
        deserialize_with = "lenient",
        skip_serializing_if = "Option::is_none"
    )]
    pub sub: Option<String>,
    /// REQUIRED: contains the client's `client_id`.
    #[serde(
        default,
        deserialize_with = "lenient",
        skip_serializing_if = "Option::is_none"
    )]
    pub aud: Option<Audience>,
    /// REQUIRED: expiry.
    #[serde(
        default,
        deserialize_with = "numeric_date::lenient",
        skip_serializing_if = "Option::is_none"
    )]
    pub exp: Option<u64>,
    /// REQUIRED: issue time.
    #[serde(
        default,
        deserialize_with = "numeric_date::lenient",
        skip_serializing_if = "Option::is_none"
    )]
    pub iat: Option<u64>,
    /// When the user authenticated; REQUIRED when `max_age` was requested.
    #[serde(
        default,
        deserialize_with = "numeric_date::lenient",
        skip_serializing_if = "Option::is_none"
    )]
    pub auth_time: Option<u64>,
    /// REQUIRED in the implicit flow (§3.2.2.11): the request's nonce.
    #[serde(
        default,
        deserialize_with = "lenient",
        skip_serializing_if = "Option::is_none"
    )]
    pub nonce: Option<Nonce>,
    /// REQUIRED when issued with an access token (§3.2.2.10): see
    /// [`at_hash_from_sha256`](crate::at_hash_from_sha256).
    #[serde(
        default,
        deserialize_with = "lenient",
        skip_serializing_if = "Option::is_none"
    )]
    pub at_hash: Option<String>,
    /// The authorized party, when there are several audiences (§2).
    #[serde(
        default,
        deserialize_with = "lenient",
        skip_serializing_if = "Option::is_none"
    )]
    pub azp: Option<ClientId>,
    /// Claims about the user, by scope.
    #[serde(flatten)]
    pub user: UserClaims,
    /// Every other claim (`acr`, `amr`, `sid`, a provider's own), as sent.
    #[serde(flatten)]
    pub other: Map<String, Value>,
}

impl IdTokenClaims {
    /// The claims every ID token carries (§2); the rest are added by the
    /// issuer as the request asks.
    pub fn new(
        iss: impl Into<String>,
        sub: impl Into<String>,
        aud: Audience,
        iat: u64,
        exp: u64,
    ) -> Self {
        Self {
            iss: Some(iss.into()),
            sub: Some(sub.into()),
            aud: Some(aud),
            iat: Some(iat),
            exp: Some(exp),
            ..Self::default()
        }
    }

    /// A name to greet the user with: the first of `name`, `nickname`,
    /// `email` and `sub` that the token has.
    pub fn display_name(&self) -> Option<&str> {
        let user = &self.user;
        [&user.name, &user.nickname, &user.email, &self.sub]
            .into_iter()
            .find_map(|claim| claim.as_deref())
    }

    /// Every claim by name, in the order of this model then the token's:
    /// what a page shows as the token's claims.
    pub fn to_map(&self) -> Map<String, Value> {
        match serde_json::to_value(self) {
            Ok(Value::Object(map)) => map,
            // A struct of strings, numbers and maps serializes to an object.
            _ => Map::new(),
        }
    }
}

/// `T` if the claim reads as one, else `None`: for the claims whose absence
/// a check reports, and for those about the user (see [`IdTokenClaims`]).
fn lenient<'de, D, T>(deserializer: D) -> Result<Option<T>, D::Error>
where
    D: Deserializer<'de>,
    T: DeserializeOwned,
{
    let value = Value::deserialize(deserializer)?;
    Ok(T::deserialize(value).ok())
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

    /// A date if the claim is one, else `None` (see
    /// [`IdTokenClaims`](crate::IdTokenClaims)).
    pub fn lenient<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<u64>, D::Error> {
        let value = serde_json::Value::deserialize(deserializer)?;
        Ok(required(value).ok())
    }
}

#[cfg(test)]
mod tests;
