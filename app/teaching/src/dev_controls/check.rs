//! The client checks a fault is meant to meet, and what a correct client
//! does with it.

use serde::{Deserialize, Serialize};

use protocol::IdTokenCheck;

use crate::spec::{self, Cited, Section};

/// A check the client makes that a fault must meet.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum ClientCheck {
    /// One of the ID token's checks (OIDC Core §3.2.2.11), by its name.
    IdToken(IdTokenCheck),
    /// A check of another document the client reads.
    Document(DocumentCheck),
}

/// The checks of what the client reads besides the authorization response.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DocumentCheck {
    /// OIDC Core §5.3.2: the UserInfo `sub` is the ID token's, or the
    /// claims are not used.
    UserinfoSubject,
    /// OIDC Discovery §4.3: the document's `issuer` is the configured one.
    DiscoveryIssuer,
}

impl DocumentCheck {
    /// A short label for people, as the SPA's event log says it.
    pub fn label(self) -> &'static str {
        match self {
            Self::UserinfoSubject => "UserInfo subject (sub)",
            Self::DiscoveryIssuer => "discovery issuer",
        }
    }

    /// The section that requires it.
    pub fn spec(self) -> Section {
        match self {
            Self::UserinfoSubject => spec::OIDC_USERINFO_RESPONSE,
            Self::DiscoveryIssuer => spec::OIDC_DISCOVERY_VALIDATION,
        }
    }
}

impl ClientCheck {
    /// A short label for people.
    pub fn label(self) -> &'static str {
        match self {
            Self::IdToken(check) => check.label(),
            Self::Document(check) => check.label(),
        }
    }

    /// The section that requires it.
    pub fn spec(self) -> Section {
        match self {
            Self::IdToken(check) => check.spec(),
            Self::Document(check) => check.spec(),
        }
    }
}

/// What a correct client does with a faulty answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Expected {
    /// Refuses it by this check, keeping and using nothing of it.
    RefusedBy(ClientCheck),
    /// Accepts it: a client that refuses it breaks at real providers.
    Accepted,
}
