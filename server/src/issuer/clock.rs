//! The issuer's sense of time, injected so that token expiry, session
//! timeouts and key retirement are tested without sleeping.

use std::{
    sync::{Mutex, PoisonError},
    time::{Duration, SystemTime, UNIX_EPOCH},
};

/// A source of the current time.
pub trait Clock: Send + Sync + 'static {
    /// Now.
    fn now(&self) -> SystemTime;

    /// Now in whole seconds since the Unix epoch: the NumericDate of JWT
    /// claims (RFC 7519 §2).
    fn unix_secs(&self) -> u64 {
        unix_secs(self.now())
    }
}

/// Seconds since the Unix epoch (0 before it).
pub fn unix_secs(time: SystemTime) -> u64 {
    time.duration_since(UNIX_EPOCH)
        .map_or(0, |elapsed| elapsed.as_secs())
}

/// The operating system's clock.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> SystemTime {
        SystemTime::now()
    }
}

/// A clock that only moves when told to: for tests.
#[derive(Debug)]
pub struct ManualClock(Mutex<SystemTime>);

impl ManualClock {
    /// A clock stopped at `unix_secs` seconds after the epoch.
    pub fn at(unix_secs: u64) -> Self {
        Self(Mutex::new(UNIX_EPOCH + Duration::from_secs(unix_secs)))
    }

    /// Moves the clock forward.
    pub fn advance(&self, by: Duration) {
        let mut now = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        *now += by;
    }
}

impl Clock for ManualClock {
    fn now(&self) -> SystemTime {
        *self.0.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_manual_clock_moves_only_when_advanced() {
        let clock = ManualClock::at(1_000);
        assert_eq!(clock.unix_secs(), 1_000);
        clock.advance(Duration::from_secs(90));
        assert_eq!(clock.unix_secs(), 1_090);
    }
}
