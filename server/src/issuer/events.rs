//! What the issuer decided, in order: a bounded log that the SPA's live
//! timeline reads from `GET /dev/events?after=<seq>`, and that every line of
//! the server's own log mirrors.
//!
//! Events carry identifiers (client ids, usernames, key ids, error codes),
//! never a secret: no token, password, cookie, `state` or `nonce` value. A
//! decision on an authorization request carries its [`Tx`] (a short digest
//! of its `state`), which the SPA's own event log carries too, so a
//! timeline can pair each step of the client with the issuer's decisions.

use std::{
    collections::VecDeque,
    sync::{Mutex, PoisonError},
};

use aws_lc_rs::digest;
use protocol::{
    ClientId, ErrorCode, ScopeSet, Tx,
    dev_controls::Verdict,
    spec::{self, Section},
};
use rand::RngCore;
use serde::Serialize;

use super::dev::{Fault, Tamper};

/// How many events are kept; older ones are dropped first.
pub const CAPACITY: usize = 1_000;

/// One decision of the issuer. In JSON its kind's fields sit beside
/// `seq`, `at_ms` and `tx`, with the kind's `summary`, `verdict` and `spec`
/// (the shape of [`protocol::dev_controls::IssuerEvent`]).
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
        /// The client.
        client_id: ClientId,
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

impl EventKind {
    /// One line for people.
    pub fn summary(&self) -> String {
        let or_none = |value: &Option<String>| value.clone().unwrap_or_else(|| "none".to_owned());
        match self {
            Self::AuthorizeReceived {
                client_id,
                response_type,
                response_mode,
                prompt,
            } => format!(
                "Authorization request from {} (response_type={}, response_mode={}, prompt={})",
                or_none(client_id),
                or_none(response_type),
                or_none(response_mode),
                or_none(prompt)
            ),
            Self::ClientRefused { client_id, reason } => format!(
                "Refused client {} with an error page, no redirect: {reason}",
                or_none(client_id)
            ),
            Self::ClientValidated {
                client_id,
                redirect_uri,
                response_mode,
            } => format!(
                "Client {} and its registered redirect_uri {redirect_uri} accepted (response_mode={response_mode})",
                client_id.as_str()
            ),
            Self::RequestRefused {
                client_id,
                error,
                description,
            } => format!(
                "Sent {} an error: {} ({description})",
                client_id.as_str(),
                error.as_str()
            ),
            Self::LoginRequired { client_id, reason } => {
                let why = match reason {
                    LoginReason::NoSession => "no session here",
                    LoginReason::PromptLogin => "prompt=login",
                    LoginReason::MaxAge => "the login is older than max_age",
                };
                format!("{} needs a login: {why}", client_id.as_str())
            }
            Self::LoginShown { client_id } => {
                format!("Showed the login page for {}", client_id.as_str())
            }
            Self::LoginSucceeded { username } => format!("{username} logged in: a new session"),
            Self::LoginFailed { username } => match username {
                Some(username) => format!("Wrong password for {username}"),
                None => "Unknown username or wrong password".to_owned(),
            },
            Self::ConsentShown {
                username,
                client_id,
                scope,
            } => format!(
                "Asked {username} to allow {} the scope \"{scope}\"",
                client_id.as_str()
            ),
            Self::ConsentRemembered {
                username,
                client_id,
                scope,
            } => format!(
                "{username} allowed {} \"{scope}\" before: no consent page",
                client_id.as_str()
            ),
            Self::ConsentGranted {
                username,
                client_id,
                scope,
            } => format!("{username} allowed {} \"{scope}\"", client_id.as_str()),
            Self::ConsentDenied {
                username,
                client_id,
            } => format!("{username} denied {}: access_denied", client_id.as_str()),
            Self::SilentAuthentication { client_id, outcome } => format!(
                "Silent authentication (prompt=none) for {}: {outcome}",
                client_id.as_str()
            ),
            Self::TokensIssued {
                client_id,
                username,
                response_type,
                expires_in,
                scope,
                tampered,
                ..
            } => {
                let issued = match expires_in {
                    Some(secs) => format!(
                        "Issued {response_type} to {} for {username}, scope \"{scope}\", for {secs} s",
                        client_id.as_str()
                    ),
                    None => format!(
                        "Issued {response_type} to {} for {username}",
                        client_id.as_str()
                    ),
                };
                match tampered {
                    Some(tamper) => format!("{issued}, broken on purpose ({})", tamper.as_str()),
                    None => issued,
                }
            }
            Self::FaultInjected { client_id, fault } => format!(
                "Dev controls: broke this response to {} on purpose ({})",
                client_id.as_str(),
                fault.name()
            ),
            Self::LoggedOut {
                username,
                client_id,
            } => {
                let who = username.as_deref().unwrap_or("nobody (no session)");
                match client_id {
                    Some(client) => format!("Logged out {who}, asked by {}", client.as_str()),
                    None => format!("Logged out {who}"),
                }
            }
            Self::LogoutConfirmationShown { reason, .. } => {
                format!("Asked \"Log out?\": {reason}")
            }
            Self::LogoutDeclined { username } => format!("{username} stayed logged in"),
            Self::LogoutRefused { reason } => format!("Refused a logout: {reason}"),
            Self::KeysRotated {
                current_kid,
                next_kid,
            } => format!("Rotated the signing keys: {current_kid} signs, {next_kid} is next"),
            Self::DevControl { control, detail } => format!("Dev controls ({control}): {detail}"),
        }
    }

    /// How the decision reads on a timeline.
    pub fn verdict(&self) -> Verdict {
        match self {
            Self::ClientRefused { .. }
            | Self::RequestRefused { .. }
            | Self::LoginFailed { .. }
            | Self::ConsentDenied { .. }
            | Self::LogoutRefused { .. }
            | Self::FaultInjected { .. } => Verdict::Refused,
            Self::SilentAuthentication { outcome, .. } if outcome != "issued" => Verdict::Refused,
            Self::ClientValidated { .. }
            | Self::LoginSucceeded { .. }
            | Self::ConsentRemembered { .. }
            | Self::ConsentGranted { .. }
            | Self::SilentAuthentication { .. }
            | Self::TokensIssued { tampered: None, .. } => Verdict::Passed,
            // A client must refuse these tokens, so they read as a refusal.
            Self::TokensIssued {
                tampered: Some(_), ..
            } => Verdict::Refused,
            _ => Verdict::Info,
        }
    }

    /// The rule behind the decision.
    pub fn spec(&self) -> Option<Section> {
        match self {
            Self::AuthorizeReceived { .. } => Some(spec::RFC6749_AUTHORIZATION_REQUEST),
            Self::ClientRefused { .. } | Self::RequestRefused { .. } => {
                Some(spec::RFC6749_ERROR_RESPONSE)
            }
            // Registered redirect URIs are compared as exact strings.
            Self::ClientValidated { .. } => Some(spec::RFC9700_REDIRECT_URIS),
            Self::LoginRequired { .. }
            | Self::LoginShown { .. }
            | Self::LoginSucceeded { .. }
            | Self::LoginFailed { .. } => Some(spec::OIDC_AUTHENTICATION),
            Self::ConsentShown { .. }
            | Self::ConsentRemembered { .. }
            | Self::ConsentGranted { .. }
            | Self::ConsentDenied { .. } => Some(spec::OIDC_CONSENT),
            Self::SilentAuthentication { .. } => Some(spec::OIDC_PROMPT_NONE),
            // Plain OAuth 2.0 for an access token alone; OpenID Connect's
            // response once an ID token is in it.
            Self::TokensIssued {
                response_type: "token",
                ..
            } => Some(spec::RFC6749_ACCESS_TOKEN_RESPONSE),
            Self::TokensIssued { .. } => Some(spec::OIDC_IMPLICIT_RESPONSE),
            Self::FaultInjected { fault, .. } => Some(fault.spec()),
            Self::LoggedOut { .. }
            | Self::LogoutConfirmationShown { .. }
            | Self::LogoutDeclined { .. }
            | Self::LogoutRefused { .. } => Some(spec::OIDC_RP_INITIATED_LOGOUT),
            Self::KeysRotated { .. } => Some(spec::OIDC_KEY_ROTATION),
            Self::DevControl { .. } => None,
        }
    }
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
mod tests {
    use super::*;

    fn shown(n: u64) -> EventKind {
        EventKind::LoginShown {
            client_id: ClientId::new(format!("c{n}")),
        }
    }

    #[test]
    fn the_log_keeps_the_newest_events_with_increasing_numbers() {
        let log = EventLog::default();
        for n in 0..(CAPACITY as u64 + 5) {
            log.push(n, None, shown(n));
        }
        let (events, last) = log.after(0, usize::MAX);
        assert_eq!(events.len(), CAPACITY);
        assert_eq!(events[0].seq, 6);
        assert_eq!(last, CAPACITY as u64 + 5);
        let (newer, _) = log.after(last - 2, 10);
        assert_eq!(
            newer.iter().map(|e| e.seq).collect::<Vec<_>>(),
            [last - 1, last]
        );
    }

    #[test]
    fn an_event_serializes_flat_with_its_type() {
        let log = EventLog::default();
        log.push(5, None, shown(1));
        log.push(6, Some(tx_of("abc")), shown(2));
        let (events, _) = log.after(0, 2);
        let json = serde_json::to_value(&events).unwrap();
        let spec = "OIDC Core §3.1.2.3";
        let url = "https://openid.net/specs/openid-connect-core-1_0.html#Authenticates";
        assert_eq!(
            json,
            serde_json::json!([
                {"seq": 1, "at_ms": 5, "type": "login_shown", "client_id": "c1",
                 "summary": "Showed the login page for c1", "verdict": "info", "spec": spec, "spec_url": url},
                // SHA-256("abc") starts ba7816bf.
                {"seq": 2, "at_ms": 6, "tx": "ba7816bf", "type": "login_shown", "client_id": "c2",
                 "summary": "Showed the login page for c2", "verdict": "info", "spec": spec, "spec_url": url},
            ])
        );
        // What the SPA reads of it.
        let read: Vec<protocol::dev_controls::IssuerEvent> = serde_json::from_value(json).unwrap();
        assert_eq!(read[1].tx, Some(tx_of("abc")));
        assert_eq!(read[1].kind, "login_shown");
    }

    #[test]
    fn clearing_keeps_counting() {
        let log = EventLog::default();
        log.push(1, None, shown(1));
        log.clear();
        log.push(2, None, shown(2));
        let (events, _) = log.after(0, 10);
        assert_eq!(events.len(), 1);
        assert_eq!(events[0].seq, 2);
    }
}
