//! The tampered ID tokens, after the OpenID Foundation's RP tests.

use serde::{Deserialize, Serialize};

use protocol::{IdTokenCheck, ResponseType};

use super::{ClientCheck, Expected};
use crate::spec::{self, Cited, Section};

listed! {
/// Ways to break (or bend) the ID token of a response, each named after
/// the OpenID Foundation's RP conformance test it mirrors where one exists.
/// All but two must be refused by one check; [`Tamper::KidAbsentSingleJwks`]
/// and [`Tamper::IatWithinSkew`] must be accepted (a client that refuses
/// them breaks at real providers).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Tamper {
    /// ID token `nonce` differs from the request's (OIDC Core §3.2.2.11).
    WrongNonce,
    /// One bit of each signature is flipped (OIDC Core §3.1.3.7 step 6).
    BadSignature,
    /// `alg: none` and no signature (RFC 8725 §3.1).
    AlgNone,
    /// HS256, keyed with the bytes of the issuer's RSA public key: the
    /// algorithm confusion of a verifier that takes `alg` from the token.
    Hs256PublicKey,
    /// HS256, keyed with the `client_id`, which a public client has
    /// instead of a secret.
    Hs256ClientId,
    /// No `kid`, and several keys in the JWKS (OIDC Core §10.1: then `kid`
    /// is required).
    KidAbsentMultipleJwks,
    /// No `kid`, and the JWKS publishes only the signing key for a while:
    /// to be accepted.
    KidAbsentSingleJwks,
    /// `aud` names someone else (step 3; RFC 9068 §4 for the API).
    WrongAud,
    /// `aud` names this client and an untrusted other (step 3), `azp`
    /// this client.
    ExtraAud,
    /// `iss` is another issuer (step 2).
    WrongIss,
    /// `exp` is ten minutes ago (step 9).
    Expired,
    /// No `iat` (OIDC Core §2: required).
    MissingIat,
    /// The issuer's clock runs ten minutes ahead: `iat` in the future
    /// beyond any allowed skew (step 10).
    IatFuture,
    /// The issuer's clock runs 20 s ahead, within the client's skew: to be
    /// accepted.
    IatWithinSkew,
    /// No `sub` (OIDC Core §2: required).
    MissingSub,
    /// ID token without `at_hash` although an access token came with it
    /// (OIDC Core §3.2.2.10).
    MissingAtHash,
    /// `at_hash` of another access token (token substitution, §3.2.2.9).
    WrongAtHash,
}
}

/// How far ahead the issuer's clock runs for [`Tamper::IatFuture`]: beyond
/// any sane clock skew.
pub const FUTURE_IAT_SECS: u64 = 600;
/// How far ahead it runs for [`Tamper::IatWithinSkew`]: within the skew a
/// client allows (the demo's 60 s, and the API's 30 s).
pub const SKEWED_IAT_SECS: u64 = 20;

impl Tamper {
    /// Whether it changes a response of `response_type` in a way a client
    /// must notice: each tamper is about the ID token, so it needs one, and
    /// the `at_hash` ones an access token beside it. (An access token alone
    /// is opaque to the client: only the API could notice it broken.)
    pub fn breaks(self, response_type: ResponseType) -> bool {
        match self {
            Self::MissingAtHash | Self::WrongAtHash => {
                response_type.has_id_token() && response_type.has_access_token()
            }
            _ => response_type.has_id_token(),
        }
    }

    /// Its name in the dev controls' JSON (`"wrong_nonce"`).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::WrongNonce => "wrong_nonce",
            Self::BadSignature => "bad_signature",
            Self::AlgNone => "alg_none",
            Self::Hs256PublicKey => "hs256_public_key",
            Self::Hs256ClientId => "hs256_client_id",
            Self::KidAbsentMultipleJwks => "kid_absent_multiple_jwks",
            Self::KidAbsentSingleJwks => "kid_absent_single_jwks",
            Self::WrongAud => "wrong_aud",
            Self::ExtraAud => "extra_aud",
            Self::WrongIss => "wrong_iss",
            Self::Expired => "expired",
            Self::MissingIat => "missing_iat",
            Self::IatFuture => "iat_future",
            Self::IatWithinSkew => "iat_within_skew",
            Self::MissingSub => "missing_sub",
            Self::MissingAtHash => "missing_at_hash",
            Self::WrongAtHash => "wrong_at_hash",
        }
    }

    /// The OpenID Foundation's RP conformance test it mirrors, where one
    /// does (the implicit RP profile's test names).
    pub fn conformance_test(self) -> Option<&'static str> {
        Some(match self {
            Self::WrongNonce => "rp-nonce-invalid",
            Self::BadSignature => "rp-id_token-bad-sig-rs256",
            Self::AlgNone => "rp-id_token-sig-none",
            Self::Hs256PublicKey => "rp-id_token-bad-sig-hs256",
            Self::Hs256ClientId => "rp-id_token-sig-hs256",
            Self::KidAbsentMultipleJwks => "rp-id_token-kid-absent-multiple-jwks",
            Self::KidAbsentSingleJwks => "rp-id_token-kid-absent-single-jwks",
            Self::WrongAud | Self::ExtraAud => "rp-id_token-aud",
            Self::WrongIss => "rp-id_token-issuer-mismatch",
            Self::MissingIat => "rp-id_token-iat",
            Self::MissingSub => "rp-id_token-sub",
            Self::WrongAtHash => "rp-id_token-bad-at_hash",
            Self::Expired | Self::IatFuture | Self::IatWithinSkew | Self::MissingAtHash => {
                return None;
            }
        })
    }

    /// What is done to the response's tokens, and the attack it stands for.
    pub fn description(self) -> &'static str {
        match self {
            Self::WrongNonce => {
                "The ID token's nonce is not the one the request sent: an ID token replayed or injected into this login."
            }
            Self::BadSignature => {
                "One bit of each token's signature is flipped: tokens altered after the issuer signed them."
            }
            Self::AlgNone => {
                "The ID token says alg none and has no signature: anyone could have written it."
            }
            Self::Hs256PublicKey => {
                "The ID token is signed with HS256 keyed with the issuer's RSA public key, which anyone can fetch: the algorithm confusion that fools a verifier taking alg from the token."
            }
            Self::Hs256ClientId => {
                "The ID token is signed with HS256 keyed with the client_id: a public client has no secret, so anyone knowing its client_id could sign."
            }
            Self::KidAbsentMultipleJwks => {
                "The ID token has no kid while the JWKS holds several keys: a kid is then required, and guessing a key is no check."
            }
            Self::KidAbsentSingleJwks => {
                "The ID token has no kid and the JWKS holds only the key that signed it, as a provider with one key publishes: a correct client accepts it."
            }
            Self::WrongAud => "aud names someone else: tokens issued to another client or API.",
            Self::ExtraAud => {
                "aud names this client and another one it does not trust (azp is this client): a token that other party could replay here."
            }
            Self::WrongIss => {
                "iss is another issuer: tokens from a provider this client does not trust."
            }
            Self::Expired => "exp is ten minutes ago: stale tokens.",
            Self::MissingIat => "The ID token has no iat, which OpenID Connect requires.",
            Self::IatFuture => {
                "The issuer's clock runs ten minutes ahead: iat is in the future beyond any allowed clock skew."
            }
            Self::IatWithinSkew => {
                "The issuer's clock runs 20 seconds ahead: iat is in the future, within the clock skew a client allows, so a correct client accepts it."
            }
            Self::MissingSub => "The ID token names no user (no sub): nothing says who logged in.",
            Self::MissingAtHash => {
                "The ID token has no at_hash although an access token came with it: nothing ties the two together."
            }
            Self::WrongAtHash => {
                "at_hash is that of another access token: an access token substituted in the fragment."
            }
        }
    }

    /// What a correct client does: the ID token check that must refuse the
    /// response (OIDC Core §3.2.2.11 lists them), or accept it.
    pub fn expected(self) -> Expected {
        Expected::RefusedBy(ClientCheck::IdToken(match self {
            Self::WrongNonce => IdTokenCheck::Nonce,
            Self::BadSignature | Self::KidAbsentMultipleJwks => IdTokenCheck::Signature,
            Self::AlgNone | Self::Hs256PublicKey | Self::Hs256ClientId => IdTokenCheck::Algorithm,
            Self::WrongAud | Self::ExtraAud => IdTokenCheck::Audience,
            Self::WrongIss => IdTokenCheck::Issuer,
            Self::Expired => IdTokenCheck::Expiry,
            Self::MissingIat | Self::IatFuture => IdTokenCheck::IssuedAt,
            Self::MissingSub => IdTokenCheck::Subject,
            Self::MissingAtHash | Self::WrongAtHash => IdTokenCheck::AtHash,
            Self::KidAbsentSingleJwks | Self::IatWithinSkew => return Expected::Accepted,
        }))
    }

    /// The check that must refuse it, if it must be refused.
    pub fn caught_by(self) -> Option<IdTokenCheck> {
        match self.expected() {
            Expected::RefusedBy(ClientCheck::IdToken(check)) => Some(check),
            Expected::RefusedBy(ClientCheck::Document(_)) | Expected::Accepted => None,
        }
    }

    /// The rule at stake: the section of the check that must refuse it (as
    /// the client's log links it), or, for one to accept, the rule that
    /// makes it acceptable.
    pub fn spec(self) -> Section {
        match self.caught_by() {
            Some(check) => check.spec(),
            None => match self {
                Self::KidAbsentSingleJwks => spec::OIDC_SIGNING,
                _ => IdTokenCheck::IssuedAt.spec(),
            },
        }
    }
}
