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

use protocol::ResponseType;

use crate::spec::Section;

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

mod check;
mod document;
mod error;
mod events;
mod tamper;

pub use check::{ClientCheck, DocumentCheck, Expected};
pub use document::DocumentFault;
pub use error::FaultError;
pub use events::{EventsCursor, EventsRead, FAULT_INJECTED, IssuerEvent, IssuerEvents, Verdict};
pub use tamper::{FUTURE_IAT_SECS, SKEWED_IAT_SECS, Tamper};

/// A deliberate misbehaviour of the next authorization responses, or of
/// the next document of a kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Fault {
    /// Answer with this error instead of tokens.
    Error(FaultError),
    /// Issue tokens, broken in this way.
    Tamper(Tamper),
    /// Serve the next UserInfo answer or discovery document broken so.
    Document(DocumentFault),
}

/// One entry of `GET /dev/faults`: a fault, what it breaks, and what must
/// notice — what a failure playground shows beside its "arm" button.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FaultInfo {
    /// The fault, exactly as `POST /dev/faults` takes it.
    pub fault: Fault,
    /// What it does and what a correct client does about it.
    pub description: String,
    /// For a fault that must be refused, the client check that must refuse
    /// it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub caught_by: Option<CaughtBy>,
    /// For a tampered token or document, whether a correct client refuses
    /// or accepts it; none for an error answer.
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

/// The check that catches a fault, by name and as people read it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaughtBy {
    /// As the SPA's event log names it (`"nonce"`, `"userinfo_subject"`).
    pub check: ClientCheck,
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
            Self::Document(_) => false,
        }
    }

    /// Its name: the tamper's, or the error code it answers with.
    pub fn name(self) -> &'static str {
        match self {
            Self::Tamper(tamper) => tamper.as_str(),
            Self::Error(error) => error.as_str(),
            Self::Document(document) => document.as_str(),
        }
    }

    /// The rule at stake: for a tamper, the section of the client check
    /// that must catch it; for an error, the section defining it.
    pub fn spec(self) -> Section {
        match self {
            Self::Tamper(tamper) => tamper.spec(),
            Self::Error(error) => error.spec(),
            Self::Document(document) => document.spec(),
        }
    }

    /// Every fault the dev controls can arm: tampered tokens first, then
    /// broken documents, then error answers.
    pub fn catalogue() -> Vec<FaultInfo> {
        let tampers = Tamper::ALL.iter().copied().map(|tamper| {
            let spec = tamper.spec();
            FaultInfo {
                fault: Self::Tamper(tamper),
                description: tamper.description().to_owned(),
                caught_by: tamper.caught_by().map(|check| CaughtBy {
                    check: ClientCheck::IdToken(check),
                    label: check.label().to_owned(),
                }),
                expected: Some(tamper.expected()),
                conformance_test: tamper.conformance_test().map(str::to_owned),
                spec: spec.cite.to_owned(),
                spec_url: spec.url.to_owned(),
            }
        });
        let documents = DocumentFault::ALL.iter().copied().map(|document| {
            let spec = document.spec();
            FaultInfo {
                fault: Self::Document(document),
                description: document.description().to_owned(),
                caught_by: Some(CaughtBy {
                    check: document.check(),
                    label: document.check().label().to_owned(),
                }),
                expected: Some(Expected::RefusedBy(document.check())),
                conformance_test: Some(document.conformance_test().to_owned()),
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
        tampers.chain(documents).chain(errors).collect()
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
mod tests;
