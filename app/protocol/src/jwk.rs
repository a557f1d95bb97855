//! Public signing keys as JSON Web Keys (RFC 7517) and JWK Sets (RFC 7517
//! §5), for RSA keys (RFC 7518 §6.3.1).

use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use serde::{Deserialize, Serialize};

/// One public JSON Web Key. Only public members are modelled: a JWK Set
/// served at a `jwks_uri` must never carry private ones (`d`, `p`, `q`...),
/// and unknown members (`x5c`, `crv`...) are ignored when reading.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Jwk {
    /// RFC 7517 §4.1: the key type (`RSA`, `EC`, `OKP`).
    pub kty: String,
    /// RFC 7517 §4.2: `sig` for signing keys.
    #[serde(rename = "use", default, skip_serializing_if = "Option::is_none")]
    pub key_use: Option<String>,
    /// RFC 7517 §4.4: the algorithm the key is meant for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub alg: Option<String>,
    /// RFC 7517 §4.5: the key id a JWS header's `kid` refers to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kid: Option<String>,
    /// RFC 7518 §6.3.1.1: the RSA modulus, base64url of its big-endian bytes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub n: Option<String>,
    /// RFC 7518 §6.3.1.2: the RSA public exponent, same encoding.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub e: Option<String>,
}

impl Jwk {
    /// An RS256 signing key from its modulus and exponent as big-endian
    /// bytes; leading zero bytes are dropped, as the `Base64urlUInt`
    /// encoding requires (RFC 7518 §2).
    pub fn rsa_signing_key(kid: impl Into<String>, modulus: &[u8], exponent: &[u8]) -> Self {
        Self {
            kty: "RSA".into(),
            key_use: Some("sig".into()),
            alg: Some("RS256".into()),
            kid: Some(kid.into()),
            n: Some(base64url_uint(modulus)),
            e: Some(base64url_uint(exponent)),
        }
    }

    /// Whether a client may verify an RS256 signature with this key: an RSA
    /// key whose `use` and `alg`, when present, say so (RFC 7517 §4.2, §4.4).
    pub fn is_rs256_signing_key(&self) -> bool {
        self.kty == "RSA"
            && self.key_use.as_deref().is_none_or(|u| u == "sig")
            && self.alg.as_deref().is_none_or(|a| a == "RS256")
            && self.n.is_some()
            && self.e.is_some()
    }

    /// The RSA modulus and exponent as big-endian bytes, if present and
    /// well encoded.
    pub fn rsa_components(&self) -> Option<(Vec<u8>, Vec<u8>)> {
        let decode = |v: &Option<String>| URL_SAFE_NO_PAD.decode(v.as_deref()?).ok();
        Some((decode(&self.n)?, decode(&self.e)?))
    }

    /// The JSON whose SHA-256 is the key's RFC 7638 thumbprint: the required
    /// members only, in lexicographic order, without whitespace (§3.2).
    /// `None` if this is not an RSA key with `n` and `e`.
    pub fn thumbprint_input(&self) -> Option<String> {
        if self.kty != "RSA" {
            return None;
        }
        let (n, e) = (self.n.as_deref()?, self.e.as_deref()?);
        // Base64url contains no character JSON would escape.
        Some(format!(r#"{{"e":"{e}","kty":"RSA","n":"{n}"}}"#))
    }
}

fn base64url_uint(bytes: &[u8]) -> String {
    let first = bytes.iter().position(|&b| b != 0).unwrap_or(bytes.len());
    let trimmed = &bytes[first..];
    // Zero is one zero byte, not the empty string (RFC 7518 §2).
    URL_SAFE_NO_PAD.encode(if trimmed.is_empty() {
        &[0u8][..]
    } else {
        trimmed
    })
}

/// A JWK Set (RFC 7517 §5): what a provider serves at its `jwks_uri`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct JwkSet {
    /// The keys, in no particular order.
    pub keys: Vec<Jwk>,
}

impl JwkSet {
    /// The key with this `kid` (RFC 7515 §4.1.4), if published.
    pub fn find(&self, kid: &str) -> Option<&Jwk> {
        self.keys.iter().find(|k| k.kid.as_deref() == Some(kid))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // RFC 7638 §3.1: the example key and its thumbprint input.
    const RFC7638_N: &str = "0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw";

    #[test]
    fn the_thumbprint_input_matches_rfc_7638() {
        let jwk = Jwk {
            kty: "RSA".into(),
            key_use: None,
            alg: Some("RS256".into()),
            kid: Some("2011-04-29".into()),
            n: Some(RFC7638_N.into()),
            e: Some("AQAB".into()),
        };
        assert_eq!(
            jwk.thumbprint_input().unwrap(),
            format!(r#"{{"e":"AQAB","kty":"RSA","n":"{RFC7638_N}"}}"#)
        );
    }

    #[test]
    fn leading_zero_bytes_are_not_encoded() {
        let jwk = Jwk::rsa_signing_key("k", &[0, 0, 0xAB, 0xCD], &[0, 1, 0, 1]);
        assert_eq!(jwk.n.as_deref(), Some("q80"));
        assert_eq!(jwk.e.as_deref(), Some("AQAB"));
        assert_eq!(
            jwk.rsa_components().unwrap(),
            (vec![0xAB, 0xCD], vec![1, 0, 1])
        );
        assert!(jwk.is_rs256_signing_key());
    }

    #[test]
    fn a_jwk_set_from_a_provider_is_read_and_searched_by_kid() {
        let json = r#"{"keys":[
            {"kty":"EC","crv":"P-256","x":"x","y":"y","kid":"ec","use":"sig"},
            {"kty":"RSA","n":"q80","e":"AQAB","kid":"rsa","alg":"RS256","x5c":["MIIC"]}
        ]}"#;
        let set: JwkSet = serde_json::from_str(json).unwrap();
        assert!(!set.find("ec").unwrap().is_rs256_signing_key());
        assert!(set.find("rsa").unwrap().is_rs256_signing_key());
        assert!(set.find("other").is_none());
    }

    #[test]
    fn an_encryption_key_or_another_algorithm_is_not_for_rs256_signatures() {
        let mut jwk = Jwk::rsa_signing_key("k", &[1], &[1, 0, 1]);
        jwk.key_use = Some("enc".into());
        assert!(!jwk.is_rs256_signing_key());
        let mut jwk = Jwk::rsa_signing_key("k", &[1], &[1, 0, 1]);
        jwk.alg = Some("PS256".into());
        assert!(!jwk.is_rs256_signing_key());
    }

    #[test]
    fn a_serialized_key_has_only_public_members() {
        let json = serde_json::to_value(Jwk::rsa_signing_key("k", &[1], &[1, 0, 1])).unwrap();
        let mut members: Vec<&str> = json
            .as_object()
            .unwrap()
            .keys()
            .map(|k| k.as_str())
            .collect();
        members.sort_unstable();
        assert_eq!(members, ["alg", "e", "kid", "kty", "n", "use"]);
    }
}
