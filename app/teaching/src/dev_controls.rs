//! The wire format of the demo issuer's dev controls: the faults it can be
//! told to commit (`GET` / `POST /dev/faults`), what each one breaks, and
//! which client check must notice; and the issuer's decisions
//! (`GET /dev/events`), with how a reader follows them ([`EventsCursor`]).
//!
//! None of this is OAuth or OpenID Connect: a real provider has no such
//! controls, and the SPA's login never needs them. It lives here so that the
//! mock issuer (which serves it) and the SPA's failure playground (which
//! shows it) read and write one format.

use serde::{Deserialize, Serialize};

use protocol::{ErrorCode, IdTokenCheck, ResponseType};

use crate::spec::{self, Cited, Section};

mod events;

pub use events::{EventsCursor, EventsRead, FAULT_INJECTED, IssuerEvent, IssuerEvents, Verdict};

/// Declares a field-less enum together with `ALL`, every variant in order,
/// so the fault catalogue cannot leave out a variant added later.
macro_rules! listed {
    (
        $(#[$meta:meta])*
        pub enum $name:ident { $($(#[$variant_meta:meta])* $variant:ident,)* }
    ) => {
        $(#[$meta])*
        pub enum $name { $($(#[$variant_meta])* $variant,)* }

        impl $name {
            /// Every variant, in declaration order.
            pub const ALL: &'static [Self] = &[$(Self::$variant),*];
        }
    };
}

/// A deliberate misbehaviour of the next authorization responses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Fault {
    /// Answer with this error instead of tokens.
    Error(FaultError),
    /// Issue tokens, broken in this way.
    Tamper(Tamper),
}

listed! {
/// Errors a fault can return (RFC 6749 §4.2.2.1, OIDC Core §3.1.2.6).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FaultError {
    /// The session is gone (silent renewal must fall back to a login).
    LoginRequired,
    /// Consent is needed.
    ConsentRequired,
    /// Some page must be shown.
    InteractionRequired,
    /// The user or the server said no.
    AccessDenied,
    /// The server failed.
    ServerError,
}
}

impl FaultError {
    /// What the error means, and what a correct client does about it.
    pub fn description(self) -> &'static str {
        match self {
            Self::LoginRequired => {
                "The user has no session at the issuer. A silent renewal stops and the client asks for an interactive login; after an interactive login, the client shows the error."
            }
            Self::ConsentRequired => {
                "The user has not consented. A silent renewal stops and the client asks for an interactive login; after an interactive login, the client shows the error."
            }
            Self::InteractionRequired => {
                "The issuer must show a page. A silent renewal stops and the client asks for an interactive login; after an interactive login, the client shows the error."
            }
            Self::AccessDenied => {
                "The user or the issuer said no. The client shows the error, as text, and keeps no token."
            }
            Self::ServerError => {
                "The issuer failed. The client shows the error, as text, and keeps no token."
            }
        }
    }

    /// The section that defines the error.
    pub fn spec(self) -> Section {
        match self {
            Self::LoginRequired | Self::ConsentRequired | Self::InteractionRequired => {
                spec::OIDC_AUTHENTICATION_ERROR
            }
            Self::AccessDenied | Self::ServerError => spec::RFC6749_ERROR_RESPONSE,
        }
    }

    /// The error code's wire form (`"login_required"`).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::LoginRequired => "login_required",
            Self::ConsentRequired => "consent_required",
            Self::InteractionRequired => "interaction_required",
            Self::AccessDenied => "access_denied",
            Self::ServerError => "server_error",
        }
    }

    /// The error code sent.
    pub fn code(self) -> ErrorCode {
        match self {
            Self::LoginRequired => ErrorCode::LoginRequired,
            Self::ConsentRequired => ErrorCode::ConsentRequired,
            Self::InteractionRequired => ErrorCode::InteractionRequired,
            Self::AccessDenied => ErrorCode::AccessDenied,
            Self::ServerError => ErrorCode::ServerError,
        }
    }
}

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

/// What a correct client does with a tampered response.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Expected {
    /// Refuses it by this check, keeping no token.
    RefusedBy(IdTokenCheck),
    /// Accepts it: a client that refuses it breaks at real providers.
    Accepted,
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
        Expected::RefusedBy(match self {
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
        })
    }

    /// The check that must refuse it, if it must be refused.
    pub fn caught_by(self) -> Option<IdTokenCheck> {
        match self.expected() {
            Expected::RefusedBy(check) => Some(check),
            Expected::Accepted => None,
        }
    }

    /// The rule at stake: the section of the check that must refuse it (as
    /// the client's log links it), or, for one to accept, the rule that
    /// makes it acceptable.
    pub fn spec(self) -> Section {
        match self.expected() {
            Expected::RefusedBy(check) => check.spec(),
            Expected::Accepted => match self {
                Self::KidAbsentSingleJwks => spec::OIDC_SIGNING,
                _ => IdTokenCheck::IssuedAt.spec(),
            },
        }
    }
}

/// One entry of `GET /dev/faults`: a fault, what it breaks, and what must
/// notice — what a failure playground shows beside its "arm" button.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FaultInfo {
    /// The fault, exactly as `POST /dev/faults` takes it.
    pub fault: Fault,
    /// What it does and what a correct client does about it.
    pub description: String,
    /// For a tampered token that must be refused, the client check that
    /// must refuse it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub caught_by: Option<CaughtBy>,
    /// For a tampered token, whether a correct client refuses or accepts
    /// it; none for an error answer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expected: Option<Expected>,
    /// The OpenID Foundation RP conformance test it mirrors
    /// (`rp-nonce-invalid`), where one does.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub conformance_test: Option<String>,
    /// The rule at stake, e.g. `OIDC Core §3.2.2.11`.
    pub spec: String,
    /// A link to it.
    pub spec_url: String,
}

/// The check that catches a tampered token, by name and as people read it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaughtBy {
    /// As the SPA's event log names it (`"nonce"`).
    pub check: IdTokenCheck,
    /// Its label (`"nonce matches"`).
    pub label: String,
}

/// The body of `GET /dev/faults`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Faults {
    /// Every fault the issuer can commit ([`Fault::catalogue`]).
    pub catalogue: Vec<FaultInfo>,
    /// The faults armed now, the next to apply first.
    pub armed: Vec<ArmedFault>,
}

impl Fault {
    /// Whether it changes a response of `response_type`: an error replaces
    /// any response; a tamper needs the token it breaks.
    pub fn breaks(self, response_type: ResponseType) -> bool {
        match self {
            Self::Tamper(tamper) => tamper.breaks(response_type),
            Self::Error(_) => true,
        }
    }

    /// Its name: the tamper's, or the error code it answers with.
    pub fn name(self) -> &'static str {
        match self {
            Self::Tamper(tamper) => tamper.as_str(),
            Self::Error(error) => error.as_str(),
        }
    }

    /// The rule at stake: for a tamper, the section of the client check
    /// that must catch it; for an error, the section defining it.
    pub fn spec(self) -> Section {
        match self {
            Self::Tamper(tamper) => tamper.spec(),
            Self::Error(error) => error.spec(),
        }
    }

    /// Every fault the dev controls can arm: tampered tokens first, then
    /// error answers.
    pub fn catalogue() -> Vec<FaultInfo> {
        let tampers = Tamper::ALL.iter().copied().map(|tamper| {
            let spec = tamper.spec();
            FaultInfo {
                fault: Self::Tamper(tamper),
                description: tamper.description().to_owned(),
                caught_by: tamper.caught_by().map(|check| CaughtBy {
                    check,
                    label: check.label().to_owned(),
                }),
                expected: Some(tamper.expected()),
                conformance_test: tamper.conformance_test().map(str::to_owned),
                spec: spec.cite.to_owned(),
                spec_url: spec.url.to_owned(),
            }
        });
        let errors = FaultError::ALL.iter().copied().map(|error| {
            let spec = error.spec();
            FaultInfo {
                fault: Self::Error(error),
                description: error.description().to_owned(),
                caught_by: None,
                expected: None,
                conformance_test: None,
                spec: spec.cite.to_owned(),
                spec_url: spec.url.to_owned(),
            }
        });
        tampers.chain(errors).collect()
    }
}

/// An armed fault and how many more responses it affects.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ArmedFault {
    /// What to do.
    pub fault: Fault,
    /// How many more times.
    #[serde(default = "one", rename = "count")]
    pub remaining: u32,
    /// Only `prompt=none` requests (silent renewal) are affected.
    #[serde(default)]
    pub prompt_none_only: bool,
}

impl ArmedFault {
    /// `fault` for the next response that would carry tokens (or, with
    /// `prompt_none_only`, the next silent one).
    pub fn once(fault: Fault, prompt_none_only: bool) -> Self {
        Self {
            fault,
            remaining: 1,
            prompt_none_only,
        }
    }
}

fn one() -> u32 {
    1
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn armed(json: serde_json::Value) -> ArmedFault {
        serde_json::from_value(json).unwrap()
    }

    #[test]
    fn the_fault_json_of_the_documentation_parses() {
        let a = armed(
            json!({"fault": {"error": "login_required"}, "count": 2, "prompt_none_only": true}),
        );
        assert_eq!(a.fault, Fault::Error(FaultError::LoginRequired));
        assert_eq!(a.remaining, 2);
        assert!(a.prompt_none_only);
        let b = armed(json!({"fault": {"tamper": "wrong_at_hash"}}));
        assert_eq!(b.fault, Fault::Tamper(Tamper::WrongAtHash));
        assert_eq!(b.remaining, 1);
        assert!(
            serde_json::from_value::<ArmedFault>(json!({"fault": {"tamper": "nope"}})).is_err()
        );
    }

    #[test]
    fn a_fault_is_named_as_its_json_names_it() {
        let faults = Tamper::ALL
            .iter()
            .map(|&t| Fault::Tamper(t))
            .chain(FaultError::ALL.iter().map(|&e| Fault::Error(e)));
        for fault in faults {
            let json = serde_json::to_value(fault).unwrap();
            let inner = json.as_object().unwrap().values().next().unwrap().clone();
            assert_eq!(inner, json!(fault.name()));
            if let Fault::Error(error) = fault {
                assert_eq!(error.code().as_str(), error.as_str());
            }
        }
    }

    #[test]
    fn arming_once_sends_what_the_issuer_documents() {
        let once = ArmedFault::once(Fault::Tamper(Tamper::WrongNonce), true);
        assert_eq!(
            serde_json::to_value(once).unwrap(),
            json!({"fault": {"tamper": "wrong_nonce"}, "count": 1, "prompt_none_only": true})
        );
    }

    #[test]
    fn the_catalogue_reads_back_as_it_was_written() {
        let faults = Faults {
            catalogue: Fault::catalogue(),
            armed: vec![ArmedFault::once(
                Fault::Error(FaultError::ServerError),
                false,
            )],
        };
        let json = serde_json::to_string(&faults).unwrap();
        assert_eq!(serde_json::from_str::<Faults>(&json).unwrap(), faults);
        // Every variant once: a tamper to refuse names its check, one to
        // accept and an error answer name none.
        assert_eq!(
            faults.catalogue.len(),
            Tamper::ALL.len() + FaultError::ALL.len()
        );
        for info in &faults.catalogue {
            match info.fault {
                Fault::Tamper(tamper) => {
                    assert_eq!(info.expected, Some(tamper.expected()));
                    let refused = matches!(tamper.expected(), Expected::RefusedBy(_));
                    assert_eq!(info.caught_by.is_some(), refused, "{tamper:?}");
                }
                Fault::Error(_) => assert!(info.caught_by.is_none() && info.expected.is_none()),
            }
            assert!(info.spec_url.starts_with("https://"), "{:?}", info.fault);
        }
        let accepted: Vec<_> = Tamper::ALL
            .iter()
            .filter(|t| t.expected() == Expected::Accepted)
            .map(|t| t.as_str())
            .collect();
        assert_eq!(accepted, ["kid_absent_single_jwks", "iat_within_skew"]);
        // The conformance tests named are the RP test plan's.
        for tamper in Tamper::ALL {
            if let Some(test) = tamper.conformance_test() {
                assert!(test.starts_with("rp-"), "{test}");
            }
        }
    }

    fn read(boot: &str, seqs: &[u64], last_seq: u64) -> IssuerEvents {
        IssuerEvents {
            boot: boot.to_owned(),
            events: seqs
                .iter()
                .map(|&seq| IssuerEvent {
                    seq,
                    at_ms: seq,
                    tx: None,
                    kind: "login_shown".to_owned(),
                    summary: "Showed the login page".to_owned(),
                    verdict: Verdict::Info,
                    spec: None,
                    spec_url: None,
                })
                .collect(),
            last_seq,
        }
    }

    #[test]
    fn a_reader_goes_on_after_the_last_event_it_read_not_the_issuers_last() {
        let mut cursor = EventsCursor::default();
        assert_eq!(cursor.after(), None);
        // A page of two while the issuer is at 5: the next read is after 2.
        assert_eq!(cursor.advance(&read("a", &[1, 2], 5)), EventsRead::Follows);
        assert_eq!(cursor.after(), Some(2));
        assert_eq!(
            cursor.advance(&read("a", &[3, 4, 5], 5)),
            EventsRead::Follows
        );
        assert_eq!(cursor.after(), Some(5));
        // Nothing new (or all of it forgotten after a reset): stays at 5.
        assert_eq!(cursor.advance(&read("a", &[], 5)), EventsRead::Follows);
        assert_eq!(cursor.after(), Some(5));
    }

    #[test]
    fn a_restarted_issuer_is_noticed_whatever_its_numbers() {
        for restarted_at in [1, 5, 900] {
            let mut cursor = EventsCursor::default();
            cursor.advance(&read("a", &[4, 5], 5));
            let after_restart = read("b", &[restarted_at], restarted_at);
            assert_eq!(cursor.advance(&after_restart), EventsRead::Restarted);
            assert_eq!(
                cursor.after(),
                None,
                "the next read starts from the first event"
            );
            assert_eq!(cursor.advance(&after_restart), EventsRead::Follows);
            assert_eq!(cursor.after(), Some(restarted_at));
        }
    }

    #[test]
    fn a_tamper_waits_for_a_response_with_the_token_it_breaks() {
        use ResponseType::{IdToken, IdTokenToken, Token};
        let breaks = |tamper: Tamper| {
            [Token, IdToken, IdTokenToken].map(|response_type| tamper.breaks(response_type))
        };
        assert_eq!(breaks(Tamper::WrongNonce), [false, true, true]);
        assert_eq!(breaks(Tamper::MissingAtHash), [false, false, true]);
        assert_eq!(breaks(Tamper::WrongAtHash), [false, false, true]);
        for tamper in [
            Tamper::BadSignature,
            Tamper::WrongAud,
            Tamper::WrongIss,
            Tamper::Expired,
        ] {
            assert_eq!(breaks(tamper), [false, true, true], "{tamper:?}");
        }
        assert!(Fault::Error(FaultError::LoginRequired).breaks(Token));
    }
}
