//! Server-side state of the authorization server, in memory: single sign-on
//! sessions, authorization requests waiting for a login or consent page, and
//! the consent each user gave each client for each API.
//!
//! A pending request is kept here under a random id, not in hidden form
//! fields, so the user's browser cannot change what was asked for between
//! the login page and the response.

use std::{
    collections::HashMap,
    sync::{Mutex, MutexGuard, PoisonError},
};

use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use protocol::{ClientId, ScopeSet};
use rand::RngCore;
use serde::Serialize;

use super::{request::AuthorizeRequest, tenant::Lifetimes};

/// How long a login or consent page stays usable.
pub const PENDING_TTL_SECS: u64 = 10 * 60;
/// Most pending requests kept. Beyond, the oldest one is dropped. Refusing
/// new requests instead would let 10,000 cookieless `/authorize` requests
/// block every login for [`PENDING_TTL_SECS`]; now a flood must outpace the
/// users, 10,000 requests in the time one of them takes to log in, and
/// whoever is pushed out gets "expired" and starts again. (A real provider
/// also limits requests per client address, in front of this.)
pub const MAX_PENDING: usize = 10_000;
/// Most sessions kept. Beyond, the least recently used one ends, so that a
/// script logging in over and over cannot grow memory without bound.
pub const MAX_SESSIONS: usize = 100_000;

/// A random identifier with 256 bits of entropy, base64url.
pub fn random_id() -> String {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    URL_SAFE_NO_PAD.encode(bytes)
}

/// A single sign-on session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Session {
    /// Who logged in.
    pub username: String,
    /// When (the `auth_time` claim).
    pub auth_time: u64,
    /// When it was last used.
    pub last_seen: u64,
}

/// A session as shown by `/dev/state`: no id.
#[derive(Debug, Clone, Serialize)]
pub struct SessionInfo {
    /// Who.
    pub username: String,
    /// When they logged in.
    pub auth_time: u64,
    /// Last use.
    pub last_seen: u64,
    /// When it ends if unused.
    pub expires_at: u64,
}

/// A consent as shown by `/dev/state`.
#[derive(Debug, Clone, Serialize)]
pub struct ConsentInfo {
    /// Who.
    pub username: String,
    /// To which client.
    pub client_id: ClientId,
    /// For which API (its identifier; empty for OpenID Connect scopes alone).
    pub audience: String,
    /// Which scopes.
    pub scope: ScopeSet,
}

/// Whose consent: a user, for a client, towards one API. Keyed by API
/// because two APIs may name a scope alike (`read:messages`), and allowing
/// one must not allow the other.
type ConsentKey = (String, ClientId, String);

/// An authorization request waiting for the user.
#[derive(Debug, Clone)]
pub struct Pending {
    /// What was asked.
    pub request: AuthorizeRequest,
    /// The anti-CSRF token of the page now shown (login or consent).
    pub csrf: String,
    /// The browser that started the request (its [`BROWSER_COOKIE`](super::BROWSER_COOKIE)):
    /// the login and consent pages answer that browser only, so that an
    /// attacker cannot start a request and have a victim's browser finish
    /// it with the attacker's credentials (login CSRF).
    pub browser: String,
    /// For expiry.
    pub created_at: u64,
    /// The user logged in on the login page of this request.
    pub login_done: bool,
    /// The user answered the consent page of this request.
    pub consent_done: bool,
    /// Who logged in for it (set by the login page or the session).
    pub username: Option<String>,
}

struct Inner {
    /// Bounds: [`MAX_SESSIONS`] and [`MAX_PENDING`] (smaller in tests).
    max_sessions: usize,
    max_pending: usize,
    sessions: HashMap<String, Session>,
    pending: HashMap<String, Pending>,
    consents: HashMap<ConsentKey, ScopeSet>,
}

/// The state, behind one lock held only for map operations.
pub struct Store(Mutex<Inner>);

impl Default for Store {
    fn default() -> Self {
        Self::with_bounds(MAX_SESSIONS, MAX_PENDING)
    }
}

impl Store {
    fn with_bounds(max_sessions: usize, max_pending: usize) -> Self {
        Self(Mutex::new(Inner {
            max_sessions,
            max_pending,
            sessions: HashMap::new(),
            pending: HashMap::new(),
            consents: HashMap::new(),
        }))
    }

    fn lock(&self) -> MutexGuard<'_, Inner> {
        self.0.lock().unwrap_or_else(PoisonError::into_inner)
    }

    // ---- sessions ---------------------------------------------------------

    /// Starts a session; returns its id (the cookie value).
    pub fn create_session(&self, username: &str, now: u64, lifetimes: &Lifetimes) -> String {
        let id = random_id();
        let mut inner = self.lock();
        if inner.sessions.len() >= inner.max_sessions {
            inner.sessions.retain(|_, s| is_alive(s, now, lifetimes));
            if inner.sessions.len() >= inner.max_sessions {
                remove_min_by_key(&mut inner.sessions, |s| s.last_seen);
            }
        }
        inner.sessions.insert(
            id.clone(),
            Session {
                username: username.to_owned(),
                auth_time: now,
                last_seen: now,
            },
        );
        id
    }

    /// The live session with this id, marked as used now; an expired one
    /// is removed.
    pub fn session(&self, id: &str, now: u64, lifetimes: &Lifetimes) -> Option<Session> {
        let mut inner = self.lock();
        let session = inner.sessions.get_mut(id)?;
        if !is_alive(session, now, lifetimes) {
            inner.sessions.remove(id);
            return None;
        }
        session.last_seen = now;
        Some(session.clone())
    }

    /// Ends a session; returns it if it existed.
    pub fn end_session(&self, id: &str) -> Option<Session> {
        self.lock().sessions.remove(id)
    }

    /// Ends every session; returns how many there were.
    pub fn end_all_sessions(&self) -> usize {
        let mut inner = self.lock();
        let count = inner.sessions.len();
        inner.sessions.clear();
        count
    }

    /// The live sessions.
    pub fn sessions(&self, now: u64, lifetimes: &Lifetimes) -> Vec<SessionInfo> {
        let mut sessions: Vec<SessionInfo> = self
            .lock()
            .sessions
            .values()
            .filter(|s| is_alive(s, now, lifetimes))
            .map(|s| SessionInfo {
                username: s.username.clone(),
                auth_time: s.auth_time,
                last_seen: s.last_seen,
                expires_at: (s.last_seen + lifetimes.sso_idle_secs)
                    .min(s.auth_time + lifetimes.sso_absolute_secs),
            })
            .collect();
        sessions.sort_by(|a, b| (a.auth_time, &a.username).cmp(&(b.auth_time, &b.username)));
        sessions
    }

    // ---- pending requests -------------------------------------------------

    /// Keeps `pending` under a new id.
    pub fn insert_pending(&self, pending: Pending, now: u64) -> String {
        let mut inner = self.lock();
        if inner.pending.len() >= inner.max_pending {
            inner
                .pending
                .retain(|_, p| now < p.created_at + PENDING_TTL_SECS);
            if inner.pending.len() >= inner.max_pending {
                remove_min_by_key(&mut inner.pending, |p| p.created_at);
            }
        }
        let id = random_id();
        inner.pending.insert(id.clone(), pending);
        id
    }

    /// The pending request with this id, if not expired.
    pub fn pending(&self, id: &str, now: u64) -> Option<Pending> {
        let mut inner = self.lock();
        let pending = inner.pending.get(id)?;
        if now >= pending.created_at + PENDING_TTL_SECS {
            inner.pending.remove(id);
            return None;
        }
        Some(pending.clone())
    }

    /// Replaces the pending request with this id.
    pub fn update_pending(&self, id: &str, pending: Pending) {
        if let Some(slot) = self.lock().pending.get_mut(id) {
            *slot = pending;
        }
    }

    /// Forgets a pending request (answered, or abandoned).
    pub fn remove_pending(&self, id: &str) {
        self.lock().pending.remove(id);
    }

    /// Forgets every pending request.
    pub fn clear_pending(&self) {
        self.lock().pending.clear();
    }

    // ---- consent ----------------------------------------------------------

    /// The scopes `username` has allowed `client_id` for the API `audience`
    /// (`""`: no API, OpenID Connect scopes only).
    pub fn granted(
        &self,
        username: &str,
        client_id: &ClientId,
        audience: &str,
    ) -> Option<ScopeSet> {
        self.lock()
            .consents
            .get(&(username.to_owned(), client_id.clone(), audience.to_owned()))
            .cloned()
    }

    /// Adds `scope` to what `username` allows `client_id` for `audience`.
    pub fn grant(&self, username: &str, client_id: &ClientId, audience: &str, scope: &ScopeSet) {
        let mut inner = self.lock();
        let granted = inner
            .consents
            .entry((username.to_owned(), client_id.clone(), audience.to_owned()))
            .or_default();
        *granted = granted.union(scope);
    }

    /// Forgets the consents matching both filters (`None` matches any);
    /// returns how many.
    pub fn revoke(&self, username: Option<&str>, client_id: Option<&str>) -> usize {
        let mut inner = self.lock();
        let before = inner.consents.len();
        inner.consents.retain(|(user, client, _), _| {
            !(username.is_none_or(|u| u == user) && client_id.is_none_or(|c| c == client.as_str()))
        });
        before - inner.consents.len()
    }

    /// Every consent.
    pub fn consents(&self) -> Vec<ConsentInfo> {
        let mut consents: Vec<ConsentInfo> = self
            .lock()
            .consents
            .iter()
            .map(|((username, client_id, audience), scope)| ConsentInfo {
                username: username.clone(),
                client_id: client_id.clone(),
                audience: audience.clone(),
                scope: scope.clone(),
            })
            .collect();
        consents.sort_by(|a, b| {
            (&a.username, a.client_id.as_str(), &a.audience).cmp(&(
                &b.username,
                b.client_id.as_str(),
                &b.audience,
            ))
        });
        consents
    }
}

fn is_alive(session: &Session, now: u64, lifetimes: &Lifetimes) -> bool {
    now < session.last_seen + lifetimes.sso_idle_secs
        && now < session.auth_time + lifetimes.sso_absolute_secs
}

/// Removes the entry with the smallest key (the oldest, the least recently
/// used): a full scan, paid only when a map is at its bound.
fn remove_min_by_key<V>(map: &mut HashMap<String, V>, key: impl Fn(&V) -> u64) {
    if let Some(id) = map
        .iter()
        .min_by_key(|(_, value)| key(value))
        .map(|(id, _)| id.clone())
    {
        map.remove(&id);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const LIFETIMES: Lifetimes = Lifetimes {
        access_token_secs: 60,
        id_token_secs: 60,
        sso_idle_secs: 100,
        sso_absolute_secs: 250,
    };

    #[test]
    fn at_its_bound_the_session_store_ends_the_least_recently_used_session() {
        let store = Store::with_bounds(2, 1);
        let a = store.create_session("alice", 1_000, &LIFETIMES);
        let b = store.create_session("bob", 1_001, &LIFETIMES);
        // Alice's session is used again, so Bob's is now the least recent.
        assert!(store.session(&a, 1_010, &LIFETIMES).is_some());
        let c = store.create_session("carol", 1_020, &LIFETIMES);
        assert!(store.session(&a, 1_020, &LIFETIMES).is_some());
        assert!(store.session(&b, 1_020, &LIFETIMES).is_none());
        assert!(store.session(&c, 1_020, &LIFETIMES).is_some());
    }

    fn pending(created_at: u64) -> Pending {
        Pending {
            request: AuthorizeRequest {
                client_id: ClientId::new("demo-spa".to_owned()),
                redirect_uri: protocol::RedirectUri::parse("http://localhost:3000/callback")
                    .expect("a valid redirect URI"),
                response_type: protocol::ResponseType::Token,
                response_mode: protocol::ResponseMode::Fragment,
                scope: ScopeSet::default(),
                audience: None,
                state: None,
                nonce: None,
                prompt: crate::request::Prompts::default(),
                max_age: None,
                id_token_hint: None,
            },
            csrf: random_id(),
            browser: random_id(),
            created_at,
            login_done: false,
            consent_done: false,
            username: None,
        }
    }

    #[test]
    fn a_full_pending_store_drops_the_oldest_request_and_keeps_taking_new_ones() {
        let store = Store::with_bounds(1, 2);
        let first = store.insert_pending(pending(1_000), 1_000);
        let second = store.insert_pending(pending(1_001), 1_001);
        // The newest request (the next real login) is always stored.
        let third = store.insert_pending(pending(1_002), 1_002);
        assert!(store.pending(&first, 1_002).is_none());
        assert!(store.pending(&second, 1_002).is_some());
        assert!(store.pending(&third, 1_002).is_some());
    }

    #[test]
    fn a_session_ends_when_idle_too_long() {
        let store = Store::default();
        let id = store.create_session("alice", 1_000, &LIFETIMES);
        assert!(store.session(&id, 1_099, &LIFETIMES).is_some());
        assert!(
            store.session(&id, 1_198, &LIFETIMES).is_some(),
            "use extends it"
        );
        assert!(store.session(&id, 1_299, &LIFETIMES).is_none());
        assert!(
            store.session(&id, 1_200, &LIFETIMES).is_none(),
            "and it is gone"
        );
    }

    #[test]
    fn a_session_ends_at_its_absolute_lifetime_even_when_used() {
        let store = Store::default();
        let id = store.create_session("alice", 1_000, &LIFETIMES);
        for now in [1_090, 1_180, 1_249] {
            assert!(store.session(&id, now, &LIFETIMES).is_some(), "{now}");
        }
        assert!(store.session(&id, 1_250, &LIFETIMES).is_none());
    }

    #[test]
    fn consent_accumulates_per_api_and_is_revoked_by_filter() {
        let store = Store::default();
        let spa = ClientId::new("spa");
        let (api, other_api) = ("https://api.example", "https://other.example");
        store.grant("alice", &spa, api, &"openid".parse().unwrap());
        store.grant("alice", &spa, api, &"read:messages".parse().unwrap());
        store.grant("bob", &spa, api, &"openid".parse().unwrap());
        assert_eq!(
            store.granted("alice", &spa, api).unwrap().to_string(),
            "openid read:messages"
        );
        assert!(
            store.granted("alice", &spa, other_api).is_none(),
            "a scope named alike at another API is not consented"
        );
        assert_eq!(store.revoke(Some("alice"), Some("other")), 0);
        assert_eq!(store.revoke(Some("alice"), None), 1);
        assert!(store.granted("alice", &spa, api).is_none());
        assert_eq!(store.revoke(None, None), 1);
    }

    #[test]
    fn session_ids_are_long_and_unique() {
        let a = random_id();
        assert_eq!(a.len(), 43);
        assert_ne!(a, random_id());
    }
}
