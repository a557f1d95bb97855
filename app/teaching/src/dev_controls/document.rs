//! Faults in what the issuer serves besides authorization responses.

use serde::{Deserialize, Serialize};

use super::{ClientCheck, DocumentCheck};
use crate::spec::Section;

listed! {
/// A fault in the next document of its kind that a page reads (a request
/// with `Origin`: the API's own reads of discovery are spared), each after
/// the OpenID Foundation's RP test it mirrors.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DocumentFault {
    /// The UserInfo answer names another user's `sub`.
    UserinfoBadSub,
    /// The discovery document names another `issuer`.
    DiscoveryIssuerMismatch,
}
}

impl DocumentFault {
    /// Its name in the dev controls' JSON (`"userinfo_bad_sub"`).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::UserinfoBadSub => "userinfo_bad_sub",
            Self::DiscoveryIssuerMismatch => "discovery_issuer_mismatch",
        }
    }

    /// The RP conformance test it mirrors.
    pub fn conformance_test(self) -> &'static str {
        match self {
            Self::UserinfoBadSub => "rp-userinfo-bad-sub-claim",
            Self::DiscoveryIssuerMismatch => "rp-discovery-issuer-not-matching-config",
        }
    }

    /// What is done, and the attack it stands for.
    pub fn description(self) -> &'static str {
        match self {
            Self::UserinfoBadSub => {
                "The next UserInfo answer a page reads names another user (sub): claims about someone else, which a client must not use."
            }
            Self::DiscoveryIssuerMismatch => {
                "The next discovery document a page reads names another issuer: a document an attacker could have put there, whose endpoints must not be used."
            }
        }
    }

    /// The client check that must refuse it.
    pub fn caught_by(self) -> DocumentCheck {
        match self {
            Self::UserinfoBadSub => DocumentCheck::UserinfoSubject,
            Self::DiscoveryIssuerMismatch => DocumentCheck::DiscoveryIssuer,
        }
    }

    /// The check, as the catalogue names it.
    pub fn check(self) -> ClientCheck {
        ClientCheck::Document(self.caught_by())
    }

    /// The rule at stake.
    pub fn spec(self) -> Section {
        self.caught_by().spec()
    }
}
