//! Login floods (RFC 6749 §10.10: the authorization server must keep
//! attackers from guessing resource owners' passwords).
//!
//! Two limits. At most [`MAX_CONCURRENT_CHECKS`] Argon2 checks run at once,
//! each holding a blocking thread and its memory, so a flood of logins cannot
//! exhaust either; a login that finds no free slot within
//! [`CHECK_QUEUE_TIMEOUT`] is answered 503. And failures are counted per
//! username and per client address: after [`FREE_FAILURES`] each further
//! failure is answered only after [`SLOWDOWN`], and the [`LOCK_AFTER`]th
//! locks that username or address out for [`FIRST_LOCKOUT_SECS`], doubling
//! with each lockout up to [`MAX_LOCKOUT_SECS`]. A locked-out login is
//! answered `429 Too Many Requests` with `Retry-After` (RFC 6585 §4)
//! *before* its password is checked, so a lockout is no oracle. A correct
//! login clears both counts.
//!
//! Locking by username lets anyone lock a user out for a while: the price
//! of stopping a guesser that rotates its addresses. Behind a reverse proxy
//! every client has the proxy's address; the per-username limit still holds.

use std::{
    collections::HashMap,
    net::IpAddr,
    sync::{Mutex, MutexGuard, PoisonError},
    time::Duration,
};

use tokio::sync::{Semaphore, SemaphorePermit};

/// Password checks running at once.
pub const MAX_CONCURRENT_CHECKS: usize = 4;
/// How long a login waits for a free check before it is answered 503.
pub const CHECK_QUEUE_TIMEOUT: Duration = Duration::from_secs(5);
/// Failures answered at once.
pub const FREE_FAILURES: u32 = 3;
/// The wait before answering each failure after the free ones.
pub const SLOWDOWN: Duration = Duration::from_secs(1);
/// The failure that locks the username or address out.
pub const LOCK_AFTER: u32 = 5;
/// The first lockout; each next one doubles it.
pub const FIRST_LOCKOUT_SECS: u64 = 30;
/// The longest lockout.
pub const MAX_LOCKOUT_SECS: u64 = 15 * 60;
/// Failures older than this (with no lockout in force) are forgotten.
const FORGET_AFTER_SECS: u64 = 60 * 60;
/// Most usernames and addresses remembered; the stalest goes first.
const CAPACITY: usize = 10_000;
/// A username is counted by at most this many characters.
const MAX_NAME_CHARS: usize = 64;

/// What a login's failures are counted against.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Key {
    /// As typed, lower-cased: unknown usernames count too, so a lockout
    /// does not tell which ones exist.
    User(String),
    Address(IpAddr),
}

#[derive(Debug, Default, Clone, Copy)]
struct Record {
    failures: u32,
    lockouts: u32,
    locked_until: u64,
    last_failure: u64,
}

/// The throttle's state, shared by every login.
#[derive(Debug)]
pub(crate) struct LoginThrottle {
    checks: Semaphore,
    records: Mutex<HashMap<Key, Record>>,
}

impl Default for LoginThrottle {
    fn default() -> Self {
        Self {
            checks: Semaphore::new(MAX_CONCURRENT_CHECKS),
            records: Mutex::default(),
        }
    }
}

/// Why a login was not even checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub(crate) enum Throttled {
    /// Too many failures for this username or address: 429.
    #[error("too many failed logins; try again in {retry_after_secs} s")]
    LockedOut { retry_after_secs: u64 },
    /// Every password check is busy: 503.
    #[error("too many logins at once; try again in a moment")]
    Busy,
}

impl Throttled {
    /// The `Retry-After` seconds (RFC 9110 §10.2.3).
    pub fn retry_after_secs(self) -> u64 {
        match self {
            Self::LockedOut { retry_after_secs } => retry_after_secs,
            Self::Busy => 1,
        }
    }
}

/// The login a throttle let through, to report its outcome on.
#[derive(Debug)]
pub(crate) struct Attempt {
    keys: Vec<Key>,
}

impl LoginThrottle {
    fn lock(&self) -> MutexGuard<'_, HashMap<Key, Record>> {
        self.records.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Lets a login for `username` from `address` (when known) be checked,
    /// unless either is locked out at `now`.
    pub fn admit(
        &self,
        username: &str,
        address: Option<IpAddr>,
        now: u64,
    ) -> Result<Attempt, Throttled> {
        let name: String = username.chars().take(MAX_NAME_CHARS).collect();
        let mut keys = vec![Key::User(name.to_lowercase())];
        keys.extend(address.map(Key::Address));
        let records = self.lock();
        let retry_after_secs = keys
            .iter()
            .filter_map(|key| records.get(key))
            .map(|record| record.locked_until.saturating_sub(now))
            .max()
            .unwrap_or(0);
        if retry_after_secs > 0 {
            return Err(Throttled::LockedOut { retry_after_secs });
        }
        Ok(Attempt { keys })
    }

    /// A slot for one password check, waiting at most
    /// [`CHECK_QUEUE_TIMEOUT`] for one.
    pub async fn check_slot(&self) -> Result<SemaphorePermit<'_>, Throttled> {
        match tokio::time::timeout(CHECK_QUEUE_TIMEOUT, self.checks.acquire()).await {
            Ok(Ok(permit)) => Ok(permit),
            _ => Err(Throttled::Busy),
        }
    }

    /// A correct password: both counts start again.
    pub fn succeeded(&self, attempt: Attempt) {
        let mut records = self.lock();
        for key in &attempt.keys {
            records.remove(key);
        }
    }

    /// A wrong password at `now`: how long to wait before answering it.
    pub fn failed(&self, attempt: Attempt, now: u64) -> Duration {
        let mut records = self.lock();
        let mut slowdown = Duration::ZERO;
        for key in attempt.keys {
            if !records.contains_key(&key) && records.len() >= CAPACITY {
                records.retain(|_, r| {
                    r.locked_until > now || now.saturating_sub(r.last_failure) < FORGET_AFTER_SECS
                });
            }
            if let Some(record) = records.get_mut(&key)
                && record.locked_until <= now
                && now.saturating_sub(record.last_failure) >= FORGET_AFTER_SECS
            {
                record.failures = 0;
            }
            if !records.contains_key(&key) && records.len() >= CAPACITY {
                let stalest = records
                    .iter()
                    .min_by_key(|(_, r)| r.last_failure.max(r.locked_until))
                    .map(|(k, _)| k.clone());
                if let Some(stalest) = stalest {
                    records.remove(&stalest);
                }
            }
            let record = records.entry(key).or_default();
            record.failures += 1;
            record.last_failure = now;
            if record.failures >= LOCK_AFTER {
                let doubling = record.lockouts.min(16);
                record.locked_until = now + (FIRST_LOCKOUT_SECS << doubling).min(MAX_LOCKOUT_SECS);
                record.lockouts += 1;
                record.failures = 0;
            } else if record.failures > FREE_FAILURES {
                slowdown = SLOWDOWN;
            }
        }
        slowdown
    }

    /// Forgets every count (the dev controls' reset).
    pub fn clear(&self) {
        self.lock().clear();
    }
}

#[cfg(test)]
mod tests;
