//! What the issuer decided, in order: a bounded log that the SPA's live
//! timeline reads from `GET /dev/events?after=<seq>`, and that every line of
//! the server's own log mirrors.
//!
//! Events carry identifiers (client ids, usernames, key ids, error codes),
//! never a secret: no token, password, cookie, `state` or `nonce` value. A
//! decision on an authorization request carries its [`Tx`] (a short digest
//! of its `state`), which the SPA's own event log carries too, so a
//! timeline can pair each step of the client with the issuer's decisions.

mod describe;

use std::{
    collections::VecDeque,
    sync::{Mutex, PoisonError},
};

use aws_lc_rs::digest;
use protocol::{ClientId, ErrorCode, ScopeSet, Tx};
use rand::RngCore;
use serde::Serialize;
use teaching::dev_controls::Verdict;

use super::{
    dev::{Fault, Tamper},
    third_party::NoSession,
};

/// How many events are kept; older ones are dropped first.
pub const CAPACITY: usize = 1_000;

/// One decision of the issuer. In JSON its kind's fields sit beside
/// `seq`, `at_ms` and `tx`, with the kind's `summary`, `verdict` and `spec`
/// (the shape of [`teaching::dev_controls::IssuerEvent`]).
#[derive(Debug, Clone)]
pub struct Event {
    /// Increases by one per event, never reused (not even after a reset).
    pub seq: u64,
    /// Unix time in milliseconds.
    pub at_ms: u64,
    /// The authorization request decided on, if the event is about one
    /// that has a `state`.
    pub tx: Option<Tx>,
    /// What happened.
    pub kind: EventKind,
}

impl Serialize for Event {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        #[derive(Serialize)]
        struct Wire<'a> {
            seq: u64,
            at_ms: u64,
            #[serde(skip_serializing_if = "Option::is_none")]
            tx: Option<Tx>,
            #[serde(flatten)]
            kind: &'a EventKind,
            summary: String,
            verdict: Verdict,
            #[serde(skip_serializing_if = "Option::is_none")]
            spec: Option<&'static str>,
            #[serde(skip_serializing_if = "Option::is_none")]
            spec_url: Option<&'static str>,
        }
        let spec = self.kind.spec();
        Wire {
            seq: self.seq,
            at_ms: self.at_ms,
            tx: self.tx,
            kind: &self.kind,
            summary: self.kind.summary(),
            verdict: self.kind.verdict(),
            spec: spec.map(|section| section.cite),
            spec_url: spec.map(|section| section.url),
        }
        .serialize(serializer)
    }
}

/// Why the user has to log in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum LoginReason {
    /// No single sign-on session.
    NoSession,
    /// `prompt=login`.
    PromptLogin,
    /// The session's login is older than `max_age`.
    MaxAge,
}

/// The kinds of decisions, as `{"type": "...", ...}` in JSON.
#[derive(Debug, Clone, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum EventKind {
    /// A request reached /authorize.
    AuthorizeReceived {
        /// As sent, if sent and well-formed.
        client_id: Option<String>,
        /// As sent.
        response_type: Option<String>,
        /// As sent.
        response_mode: Option<String>,
        /// As sent.
        prompt: Option<String>,
    },
    /// Unknown client, or a redirect URI that is not registered: an error
    /// page, no redirect (RFC 6749 §4.2.2.1).
    ClientRefused {
        /// As sent.
        client_id: Option<String>,
        /// Why, for people.
        reason: String,
    },
    /// The client and its redirect URI are registered.
    ClientValidated {
        /// The client.
        client_id: ClientId,
        /// The registered URI the response will go to.
        redirect_uri: String,
        /// `fragment` or `web_message`.
        response_mode: &'static str,
    },
    /// The request was refused after the redirect URI was validated: the
    /// error goes back to the client.
    RequestRefused {
        /// The client.
        client_id: ClientId,
        /// The error code sent.
        error: ErrorCode,
        /// The description sent.
        description: String,
    },
    /// A silent request found no session, and why.
    NoSession {
        /// The client.
        client_id: ClientId,
        /// Why: no login, or no cookie in a third-party frame.
        why: NoSession,
    },
    /// The user is sent to the login page.
    LoginRequired {
        /// The client.
        client_id: ClientId,
        /// Why.
        reason: LoginReason,
    },
    /// The login page was shown.
    LoginShown {
        /// The client.
        client_id: ClientId,
    },
    /// Right password: a new session.
    LoginSucceeded {
        /// Who.
        username: String,
    },
    /// Wrong username or password.
    LoginFailed {
        /// Only when the username exists: a mistyped one may be a password.
        username: Option<String>,
    },
    /// A login not checked: too many failures for its username or address
    /// (429), or every password check busy (503).
    LoginThrottled {
        /// The `Retry-After` given.
        retry_after_secs: u64,
    },
    /// The consent page was shown.
    ConsentShown {
        /// Who.
        username: String,
        /// The client.
        client_id: ClientId,
        /// The scopes asked for.
        scope: ScopeSet,
    },
    /// Consent given earlier covers the request.
    ConsentRemembered {
        /// Who.
        username: String,
        /// The client.
        client_id: ClientId,
        /// The scopes asked for.
        scope: ScopeSet,
    },
    /// The user allowed.
    ConsentGranted {
        /// Who.
        username: String,
        /// The client.
        client_id: ClientId,
        /// The scopes granted.
        scope: ScopeSet,
    },
    /// The user denied: `access_denied`.
    ConsentDenied {
        /// Who.
        username: String,
        /// The client.
        client_id: ClientId,
    },
    /// The outcome of a `prompt=none` request.
    SilentAuthentication {
        /// The client.
        client_id: ClientId,
        /// `issued` (then how a dev-control fault broke the tokens, if
        /// one did), or the error code sent.
        outcome: String,
    },
    /// Tokens were issued.
    TokensIssued {
        /// The client.
        client_id: ClientId,
        /// Who.
        username: String,
        /// `token`, `id_token` or `id_token token`.
        response_type: &'static str,
        /// `kid` of the access token, if one was issued.
        access_token_kid: Option<String>,
        /// `kid` of the ID token, if one was issued.
        id_token_kid: Option<String>,
        /// The access token's lifetime.
        expires_in: Option<u64>,
        /// The granted scopes.
        scope: ScopeSet,
        /// How a dev-control fault broke these tokens, if one did.
        #[serde(skip_serializing_if = "Option::is_none")]
        tampered: Option<Tamper>,
    },
    /// A dev-control fault changed an authorization response.
    FaultInjected {
        /// The client, when the answer is for one (not a discovery document).
        client_id: Option<ClientId>,
        /// Which fault.
        fault: Fault,
    },
    /// A session ended at a logout endpoint.
    LoggedOut {
        /// Who, if a session was found.
        username: Option<String>,
        /// The client that asked, if named.
        client_id: Option<ClientId>,
    },
    /// RP-Initiated Logout §2: the user is asked before their session ends,
    /// because the request does not prove that it comes from their client.
    LogoutConfirmationShown {
        /// Why: no `id_token_hint`, or one for another user.
        reason: &'static str,
        /// The client that asked, if named.
        client_id: Option<ClientId>,
    },
    /// The user answered "stay logged in" on the logout confirmation page.
    LogoutDeclined {
        /// Who.
        username: String,
    },
    /// A logout request was refused (unregistered return URL, bad hint).
    LogoutRefused {
        /// Why.
        reason: String,
    },
    /// The signing keys were rotated.
    KeysRotated {
        /// The key that signs from now on.
        current_kid: String,
        /// The key published for the next rotation.
        next_kid: String,
    },
    /// A dev control changed the issuer's behaviour.
    DevControl {
        /// Which one, e.g. `latency`, `lifetimes`, `end_sessions`.
        control: &'static str,
        /// The new setting, in words.
        detail: String,
    },
}

/// The ring buffer of events, and the run of the issuer that numbered them.
#[derive(Debug)]
pub struct EventLog {
    /// Random per log, so a reader can tell a restarted issuer from the one
    /// it read before, whatever their sequence numbers.
    boot: String,
    log: Mutex<Log>,
}

impl Default for EventLog {
    fn default() -> Self {
        Self {
            boot: format!("{:016x}", rand::rng().next_u64()),
            log: Mutex::default(),
        }
    }
}

#[derive(Debug, Default)]
struct Log {
    events: VecDeque<Event>,
    last_seq: u64,
}

impl EventLog {
    /// Records an event and mirrors it in the server's log.
    pub fn push(&self, at_ms: u64, tx: Option<Tx>, kind: EventKind) {
        match tx {
            Some(tx) => tracing::info!(target: "issuer::events", %tx, event = ?kind),
            None => tracing::info!(target: "issuer::events", event = ?kind),
        }
        let mut log = self.log.lock().unwrap_or_else(PoisonError::into_inner);
        log.last_seq += 1;
        let seq = log.last_seq;
        if log.events.len() == CAPACITY {
            log.events.pop_front();
        }
        log.events.push_back(Event {
            seq,
            at_ms,
            tx,
            kind,
        });
    }

    /// The events after `seq`, oldest first, at most `limit`; and the last
    /// sequence number (so a poller knows where it is even if none is new).
    pub fn after(&self, seq: u64, limit: usize) -> (Vec<Event>, u64) {
        let log = self.log.lock().unwrap_or_else(PoisonError::into_inner);
        let events = log
            .events
            .iter()
            .filter(|e| e.seq > seq)
            .take(limit)
            .cloned()
            .collect();
        (events, log.last_seq)
    }

    /// Forgets every event; sequence numbers keep increasing.
    pub fn clear(&self) {
        self.log
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .events
            .clear();
    }

    /// This log's run: a new one each time the issuer starts.
    pub fn boot(&self) -> &str {
        &self.boot
    }

    /// The last sequence number.
    pub fn last_seq(&self) -> u64 {
        self.log
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .last_seq
    }
}

/// The [`Tx`] of the request whose `state` this is, as the client derives it.
///
/// 32 bits of a digest cannot give back a `state` of 128 random bits, as
/// the SPA's is; a client whose `state` is short or guessable would be
/// exposed by it here (in `/dev/events` and the server's log), as by any
/// other hash of it.
pub fn tx_of(state: &str) -> Tx {
    let mut sha256 = [0; 32];
    sha256.copy_from_slice(digest::digest(&digest::SHA256, state.as_bytes()).as_ref());
    Tx::from_state_sha256(&sha256)
}

#[cfg(test)]
mod tests;
