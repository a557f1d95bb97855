//! The client's memory of an authorization request in flight, so that the
//! response can be matched to it (RFC 6749 §10.12, OIDC Core §3.2.2.11).

use serde::{Deserialize, Serialize};

use crate::{Nonce, ResponseType, ReturnPath, ScopeSet};

/// What the client keeps, keyed by `state`, while the browser is away at the
/// provider. One per request, so concurrent requests (a silent renewal racing
/// an interactive login, two tabs) never overwrite each other's nonce.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Transaction {
    /// The nonce sent with the request; the id_token must carry it.
    pub nonce: Nonce,
    /// Where to go after the callback.
    pub return_to: ReturnPath,
    /// The response type asked for: what must come back.
    pub response_type: ResponseType,
    /// The scopes asked for.
    pub scope: ScopeSet,
    /// When the request was made, in milliseconds since the Unix epoch.
    pub created_at_ms: u64,
    /// Where its response must come back.
    pub channel: ResponseChannel,
    /// For a renewal, the `sub` of the user it renews: an answer for anyone
    /// else ends the session (OIDC Core §3.1.2.1, `id_token_hint`), also
    /// after a top-level round trip that left no session in memory.
    #[serde(default)]
    pub expected_subject: Option<String>,
}

/// Where an authorization response comes back to the client, which binds
/// each request to one: a `state` sent for a silent renewal answers no
/// login, and a login's `state` no silent renewal, so neither response
/// can be delivered to the other's page (RFC 9700 §4.5: a response is
/// accepted only where its request expects it).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ResponseChannel {
    /// The whole page went to the provider; it comes back to the callback.
    Callback,
    /// A hidden iframe with `prompt=none`; it comes back to the silent
    /// callback page or as a web message.
    Silent,
    /// The whole page went to the provider with `prompt=none`: a renewal
    /// where the iframe was sent no session cookie (third-party cookies
    /// blocked). It comes back to the callback, as a login does.
    TopLevelRenewal,
}

impl ResponseChannel {
    /// Whether a response that arrived by `arrived` (the callback page or
    /// the iframe) may answer a request made for this channel.
    pub fn answered_by(self, arrived: Self) -> bool {
        match self {
            Self::Callback | Self::TopLevelRenewal => arrived == Self::Callback,
            Self::Silent => arrived == Self::Silent,
        }
    }
}

impl Transaction {
    /// How long a transaction may wait for its response: long enough to log
    /// in and consent, short enough that a stolen `state` soon means nothing.
    pub const LIFETIME_MS: u64 = 10 * 60 * 1000;

    /// Whether the transaction is too old to accept a response (or claims to
    /// come from the future, which only a tampered store could do).
    pub fn is_expired(&self, now_ms: u64) -> bool {
        now_ms < self.created_at_ms || now_ms - self.created_at_ms > Self::LIFETIME_MS
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tx(created_at_ms: u64) -> Transaction {
        Transaction {
            nonce: Nonce::new("n"),
            return_to: ReturnPath::home(),
            response_type: ResponseType::IdTokenToken,
            scope: "openid".parse().unwrap(),
            created_at_ms,
            channel: ResponseChannel::Silent,
            expected_subject: None,
        }
    }

    #[test]
    fn a_top_level_renewal_is_answered_on_the_callback_page_only() {
        use ResponseChannel::{Callback, Silent, TopLevelRenewal};
        assert!(TopLevelRenewal.answered_by(Callback));
        assert!(!TopLevelRenewal.answered_by(Silent));
        assert!(Callback.answered_by(Callback) && !Callback.answered_by(Silent));
        assert!(Silent.answered_by(Silent) && !Silent.answered_by(Callback));
    }

    #[test]
    fn a_transaction_lives_ten_minutes() {
        let t = tx(1_000_000);
        assert!(!t.is_expired(1_000_000));
        assert!(!t.is_expired(1_000_000 + Transaction::LIFETIME_MS));
        assert!(t.is_expired(1_000_001 + Transaction::LIFETIME_MS));
    }

    #[test]
    fn a_transaction_from_the_future_is_expired() {
        assert!(tx(2_000_000).is_expired(1_000_000));
    }

    #[test]
    fn a_transaction_survives_storage_as_json() {
        let json = serde_json::to_string(&tx(5)).unwrap();
        assert!(
            json.contains(r#""response_type":"id_token token""#),
            "{json}"
        );
        assert!(json.contains(r#""channel":"silent""#), "{json}");
        assert_eq!(serde_json::from_str::<Transaction>(&json).unwrap(), tx(5));
    }
}
