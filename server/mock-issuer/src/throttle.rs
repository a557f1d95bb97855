//! Login floods (RFC 6749 §10.10: the authorization server must keep
//! attackers from guessing resource owners' passwords).
//!
//! Two limits. At most [`MAX_CONCURRENT_CHECKS`] Argon2 checks run at once,
//! each holding a blocking thread and its memory, so a flood of logins cannot
//! exhaust either (the slot is held by the check itself, so a request that
//! goes away does not free it early); a login that finds no free slot within
//! [`CHECK_QUEUE_TIMEOUT`] is answered 503. And attempts are counted per
//! username and per client address, from the moment they are admitted (so a
//! burst sent at once counts as a burst, not as one attempt): at most
//! [`LOCK_AFTER`] are checked before a lockout, failures after the
//! [`FREE_FAILURES`]th are answered only after [`SLOWDOWN`], and the
//! [`LOCK_AFTER`]th failure locks that username or address out for
//! [`FIRST_LOCKOUT_SECS`], doubling with each lockout up to
//! [`MAX_LOCKOUT_SECS`]. A locked-out login is answered `429 Too Many
//! Requests` with `Retry-After` (RFC 6585 §4) *before* its password is
//! checked, so a lockout is no oracle. A correct login clears its username's
//! count; the address keeps its failures (the demo's passwords are public: one
//! correct login must not reset an address trying many names).
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

use std::sync::Arc;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

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
    /// Admitted and not yet decided.
    in_flight: u32,
    lockouts: u32,
    locked_until: u64,
    last_failure: u64,
}

/// The throttle's state, shared by every login.
#[derive(Debug)]
pub(crate) struct LoginThrottle {
    checks: Arc<Semaphore>,
    records: Mutex<HashMap<Key, Record>>,
}

impl Default for LoginThrottle {
    fn default() -> Self {
        Self {
            checks: Arc::new(Semaphore::new(MAX_CONCURRENT_CHECKS)),
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

/// A login the throttle let through, counted until its outcome is
/// reported ([`Attempt::failed`], [`Attempt::succeeded`]); dropped without
/// one (a busy slot, a request gone away), it counts as neither.
#[derive(Debug)]
pub(crate) struct Attempt<'a> {
    throttle: &'a LoginThrottle,
    keys: Vec<Key>,
    settled: bool,
}

impl LoginThrottle {
    fn lock(&self) -> MutexGuard<'_, HashMap<Key, Record>> {
        self.records.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Lets a login for `username` from `address` (when known) be checked,
    /// unless either is locked out at `now` or already has as many attempts
    /// failed or under way as a lockout allows.
    pub fn admit(
        &self,
        username: &str,
        address: Option<IpAddr>,
        now: u64,
    ) -> Result<Attempt<'_>, Throttled> {
        let name: String = username.chars().take(MAX_NAME_CHARS).collect();
        let mut keys = vec![Key::User(name.to_lowercase())];
        keys.extend(address.map(Key::Address));
        let mut records = self.lock();
        let mut retry_after_secs = 0;
        for key in &keys {
            let Some(record) = records.get_mut(key) else {
                continue;
            };
            forget_if_quiet(record, now);
            let locked = record.locked_until.saturating_sub(now);
            // A lockout's worth of attempts already under way: the next one
            // waits for their outcome.
            let full = u64::from(record.failures + record.in_flight >= LOCK_AFTER);
            retry_after_secs = retry_after_secs.max(locked.max(full));
        }
        if retry_after_secs > 0 {
            return Err(Throttled::LockedOut { retry_after_secs });
        }
        for key in &keys {
            make_room(&mut records, key, now);
            records.entry(key.clone()).or_default().in_flight += 1;
        }
        Ok(Attempt {
            throttle: self,
            keys,
            settled: false,
        })
    }

    /// A slot for one password check, waiting at most
    /// [`CHECK_QUEUE_TIMEOUT`] for one; held until the permit is dropped
    /// (move it into the blocking task that checks).
    pub async fn check_slot(&self) -> Result<OwnedSemaphorePermit, Throttled> {
        let acquire = Arc::clone(&self.checks).acquire_owned();
        match tokio::time::timeout(CHECK_QUEUE_TIMEOUT, acquire).await {
            Ok(Ok(permit)) => Ok(permit),
            _ => Err(Throttled::Busy),
        }
    }

    /// Forgets every count (the dev controls' reset).
    pub fn clear(&self) {
        self.lock().clear();
    }
}

impl Attempt<'_> {
    /// A correct password: its username's count starts again; the address
    /// keeps its earlier failures.
    pub fn succeeded(mut self) {
        self.settled = true;
        let mut records = self.throttle.lock();
        for key in &self.keys {
            match key {
                Key::User(_) => {
                    records.remove(key);
                }
                Key::Address(_) => {
                    if let Some(record) = records.get_mut(key) {
                        record.in_flight = record.in_flight.saturating_sub(1);
                    }
                }
            }
        }
    }

    /// A wrong password at `now`: how long to wait before answering it.
    pub fn failed(mut self, now: u64) -> Duration {
        self.settled = true;
        let mut records = self.throttle.lock();
        let mut slowdown = Duration::ZERO;
        for key in &self.keys {
            make_room(&mut records, key, now);
            let record = records.entry(key.clone()).or_default();
            record.in_flight = record.in_flight.saturating_sub(1);
            forget_if_quiet(record, now);
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
}

impl Drop for Attempt<'_> {
    fn drop(&mut self) {
        if self.settled {
            return;
        }
        let mut records = self.throttle.lock();
        for key in &self.keys {
            if let Some(record) = records.get_mut(key) {
                record.in_flight = record.in_flight.saturating_sub(1);
            }
        }
    }
}

/// After [`FORGET_AFTER_SECS`] with no failure and no lockout in force, a
/// fresh start, lockouts included.
fn forget_if_quiet(record: &mut Record, now: u64) {
    if record.failures + record.lockouts > 0
        && record.locked_until <= now
        && now.saturating_sub(record.last_failure) >= FORGET_AFTER_SECS
    {
        *record = Record {
            in_flight: record.in_flight,
            ..Record::default()
        };
    }
}

/// Before `key` is added at `now`: at [`CAPACITY`], forgets the records
/// that are long quiet, then, if still full, the stalest one with nothing
/// under way.
fn make_room(records: &mut HashMap<Key, Record>, key: &Key, now: u64) {
    if records.contains_key(key) || records.len() < CAPACITY {
        return;
    }
    records.retain(|_, r| {
        r.in_flight > 0
            || r.locked_until > now
            || now.saturating_sub(r.last_failure) < FORGET_AFTER_SECS
    });
    if records.len() >= CAPACITY {
        let stalest = records
            .iter()
            .filter(|(_, r)| r.in_flight == 0)
            .min_by_key(|(_, r)| r.last_failure.max(r.locked_until))
            .map(|(k, _)| k.clone());
        if let Some(stalest) = stalest {
            records.remove(&stalest);
        }
    }
}

#[cfg(test)]
mod tests;
