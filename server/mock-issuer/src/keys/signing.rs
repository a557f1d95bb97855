//! One RSA-2048 signing key: signs JWTs (RS256) with a prepared header,
//! and verifies the issuer's own tokens.

use super::KeyError;
use std::sync::atomic::{AtomicU64, Ordering};

use aws_lc_rs::{
    digest,
    encoding::AsDer,
    hmac,
    rand::SystemRandom,
    rsa::KeySize,
    signature::{
        KeyPair, ParsedPublicKey, RSA_PKCS1_2048_8192_SHA256, RSA_PKCS1_SHA256, RsaKeyPair,
        RsaPublicKeyComponents,
    },
};
use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use protocol::{Jwk, TokenType};
use serde::Serialize;

/// One RSA-2048 signing key, parsed once.
pub struct SigningKey {
    kid: String,
    pair: RsaKeyPair,
    public: ParsedPublicKey,
    jwk: Jwk,
    /// base64url of the JOSE header, for access tokens and ID tokens.
    header_at: String,
    header_id: String,
    /// The latest `exp` of the tokens it signed (Unix seconds): a rotated-out
    /// key stays published at least until then.
    latest_expiry: AtomicU64,
}

impl std::fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SigningKey")
            .field("kid", &self.kid)
            .finish_non_exhaustive()
    }
}

impl SigningKey {
    /// A new random RSA-2048 key (tens of milliseconds with aws-lc).
    pub fn generate() -> Result<Self, KeyError> {
        let pair = RsaKeyPair::generate(KeySize::Rsa2048)
            .map_err(|_| KeyError::Crypto("key generation"))?;
        Self::from_pair(pair)
    }

    /// A key from its unencrypted PKCS#8 DER encoding.
    pub fn from_pkcs8(der: &[u8]) -> Result<Self, KeyError> {
        let pair = RsaKeyPair::from_pkcs8(der).map_err(|_| KeyError::Crypto("PKCS#8 parsing"))?;
        Self::from_pair(pair)
    }

    fn from_pair(pair: RsaKeyPair) -> Result<Self, KeyError> {
        let components = RsaPublicKeyComponents::<Vec<u8>>::from(pair.public_key());
        // kid = RFC 7638 thumbprint, computed over a JWK without a kid.
        let mut jwk = Jwk::rsa_signing_key("", &components.n, &components.e);
        let input = jwk
            .thumbprint_input()
            .ok_or(KeyError::Crypto("JWK thumbprint"))?;
        let kid = URL_SAFE_NO_PAD.encode(digest::digest(&digest::SHA256, input.as_bytes()));
        jwk.kid = Some(kid.clone());
        let public = ParsedPublicKey::new(&RSA_PKCS1_2048_8192_SHA256, pair.public_key().as_ref())
            .map_err(|_| KeyError::Crypto("public key parsing"))?;
        let header = |typ: TokenType| {
            let json = serde_json::json!({ "alg": "RS256", "typ": typ.as_str(), "kid": kid });
            URL_SAFE_NO_PAD.encode(json.to_string())
        };
        Ok(Self {
            header_at: header(TokenType::AtJwt),
            header_id: header(TokenType::Jwt),
            kid,
            pair,
            public,
            jwk,
            latest_expiry: AtomicU64::new(0),
        })
    }

    /// The unencrypted PKCS#8 DER encoding, to persist the key.
    pub fn to_pkcs8(&self) -> Result<Vec<u8>, KeyError> {
        self.pair
            .as_der()
            .map(|der| der.as_ref().to_vec())
            .map_err(|_| KeyError::Crypto("PKCS#8 export"))
    }

    /// The key id (`kid`).
    pub fn kid(&self) -> &str {
        &self.kid
    }

    /// The public key as a JWK (RFC 7517).
    pub fn jwk(&self) -> &Jwk {
        &self.jwk
    }

    /// Signs `claims` as a compact JWS (RFC 7515 §7.1):
    /// `base64url(header) . base64url(claims) . base64url(signature)`.
    pub fn sign_jwt(&self, typ: TokenType, claims: &impl Serialize) -> Result<String, KeyError> {
        self.sign_jwt_inner(typ, claims, false)
    }

    /// Like [`Self::sign_jwt`], then flips one bit of the signature: for the
    /// `bad_signature` fault that tests a client's signature check.
    pub fn sign_jwt_corrupted(
        &self,
        typ: TokenType,
        claims: &impl Serialize,
    ) -> Result<String, KeyError> {
        self.sign_jwt_forged(typ, claims, Forgery::FlippedBit)
    }

    /// `claims` as a JWS made wrong in the way `forgery` says, for the dev
    /// controls' faults that test a client's algorithm and key checks.
    pub fn sign_jwt_forged(
        &self,
        typ: TokenType,
        claims: &impl Serialize,
        forgery: Forgery,
    ) -> Result<String, KeyError> {
        let header = |alg: &str, kid: bool| {
            let mut json = serde_json::json!({ "alg": alg, "typ": typ.as_str() });
            if kid {
                json["kid"] = self.kid.clone().into();
            }
            URL_SAFE_NO_PAD.encode(json.to_string())
        };
        let (header, signature) = match forgery {
            Forgery::FlippedBit => return self.sign_jwt_inner(typ, claims, true),
            Forgery::NoKid => (header("RS256", false), Signature::Rs256),
            Forgery::AlgNone => (header("none", false), Signature::Empty),
            // The public key's DER bytes, as a verifier that feeds "the
            // key" to whatever `alg` the token names would use them.
            Forgery::Hs256PublicKey => (
                header("HS256", true),
                Signature::Hs256(self.pair.public_key().as_ref().to_vec()),
            ),
            Forgery::Hs256Secret(secret) => {
                (header("HS256", true), Signature::Hs256(secret.into_bytes()))
            }
        };
        let mut token = header;
        token.push('.');
        URL_SAFE_NO_PAD.encode_string(serde_json::to_vec(claims)?, &mut token);
        let signature = match signature {
            Signature::Empty => Vec::new(),
            Signature::Hs256(secret) => {
                let key = hmac::Key::new(hmac::HMAC_SHA256, &secret);
                hmac::sign(&key, token.as_bytes()).as_ref().to_vec()
            }
            Signature::Rs256 => self.rs256(token.as_bytes())?,
        };
        token.push('.');
        URL_SAFE_NO_PAD.encode_string(&signature, &mut token);
        Ok(token)
    }

    fn rs256(&self, message: &[u8]) -> Result<Vec<u8>, KeyError> {
        let mut signature = vec![0u8; self.pair.public_modulus_len()];
        self.pair
            .sign(
                &RSA_PKCS1_SHA256,
                &SystemRandom::new(),
                message,
                &mut signature,
            )
            .map_err(|_| KeyError::Crypto("signing"))?;
        Ok(signature)
    }

    fn sign_jwt_inner(
        &self,
        typ: TokenType,
        claims: &impl Serialize,
        corrupt: bool,
    ) -> Result<String, KeyError> {
        let header = match typ {
            TokenType::AtJwt => &self.header_at,
            TokenType::Jwt => &self.header_id,
        };
        let payload = serde_json::to_vec(claims)?;
        let mut token = String::with_capacity(header.len() + payload.len() * 4 / 3 + 350);
        token.push_str(header);
        token.push('.');
        URL_SAFE_NO_PAD.encode_string(&payload, &mut token);
        let mut signature = self.rs256(token.as_bytes())?;
        if corrupt && let Some(last) = signature.last_mut() {
            *last ^= 0x01;
        }
        token.push('.');
        URL_SAFE_NO_PAD.encode_string(&signature, &mut token);
        Ok(token)
    }

    /// Records that a token expiring at `exp` is being signed with this key.
    pub fn note_expiry(&self, exp: u64) {
        self.latest_expiry.fetch_max(exp, Ordering::Relaxed);
    }

    /// The latest `exp` of the tokens this key signed since the server started.
    pub fn latest_expiry(&self) -> u64 {
        self.latest_expiry.load(Ordering::Relaxed)
    }

    /// Whether `signature` is this key's RS256 signature of `message`.
    pub fn verify(&self, message: &[u8], signature: &[u8]) -> bool {
        self.public.verify_sig(message, signature).is_ok()
    }
}

/// A JWS made wrong on purpose ([`SigningKey::sign_jwt_forged`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Forgery {
    /// RS256 with one bit of the signature flipped.
    FlippedBit,
    /// RS256, no `kid` in the header.
    NoKid,
    /// `alg: none`, an empty signature (RFC 7515 §A.5).
    AlgNone,
    /// HS256 keyed with this key's public key bytes (algorithm confusion).
    Hs256PublicKey,
    /// HS256 keyed with this text (a public client's `client_id`).
    Hs256Secret(String),
}

enum Signature {
    Empty,
    Hs256(Vec<u8>),
    Rs256,
}

/// Why a token presented back to the issuer (at /userinfo, or as an
/// `id_token_hint`) is not one of its own.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum VerifyError {
    /// Not three base64url segments of JSON.
    #[error("not a compact JWS")]
    Malformed,
    /// `alg` other than RS256 (RFC 8725 §3.1), or the wrong `typ`.
    #[error("unexpected alg or typ")]
    Header,
    /// No published key has this `kid`.
    #[error("unknown kid")]
    UnknownKey,
    /// The signature does not verify.
    #[error("bad signature")]
    Signature,
    /// The claims are not those of this kind of token.
    #[error("unexpected claims")]
    Claims,
}
