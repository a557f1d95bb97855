//! Time, injected: every expiry, skew, lifetime and rate limit in this
//! workspace reads a [`Clock`], so tests move time instead of sleeping.

use std::{
    sync::atomic::{AtomicU64, Ordering},
    time::Duration,
};

/// A source of the current time.
pub trait Clock: Send + Sync + 'static {
    /// Milliseconds since the Unix epoch.
    fn now_ms(&self) -> u64;

    /// Whole seconds since the Unix epoch: a JWT `NumericDate` (RFC 7519 §2).
    fn now_secs(&self) -> u64 {
        self.now_ms() / 1000
    }
}

/// The operating system's clock. (Not in a browser, where `std` has no
/// clock: the SPA reads `Date.now()`.)
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

#[cfg(not(all(target_arch = "wasm32", target_os = "unknown")))]
impl Clock for SystemClock {
    fn now_ms(&self) -> u64 {
        // A clock before 1970 reads as 0: every token is then "not yet
        // valid", which fails closed.
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |elapsed| {
                u64::try_from(elapsed.as_millis()).unwrap_or(u64::MAX)
            })
    }
}

/// A clock that moves only when told to: for tests.
#[derive(Debug, Default)]
pub struct ManualClock(AtomicU64);

impl ManualClock {
    /// A clock stopped at `secs` seconds after the epoch.
    pub fn at_secs(secs: u64) -> Self {
        Self(AtomicU64::new(secs.saturating_mul(1000)))
    }

    /// A clock stopped at the time `clock` says now.
    pub fn at_now_of(clock: &impl Clock) -> Self {
        Self(AtomicU64::new(clock.now_ms()))
    }

    /// Moves the clock forward.
    pub fn advance(&self, by: Duration) {
        let ms = u64::try_from(by.as_millis()).unwrap_or(u64::MAX);
        self.0.fetch_add(ms, Ordering::SeqCst);
    }
}

impl Clock for ManualClock {
    fn now_ms(&self) -> u64 {
        self.0.load(Ordering::SeqCst)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_manual_clock_moves_only_when_advanced() {
        let clock = ManualClock::at_secs(1_000);
        assert_eq!(clock.now_secs(), 1_000);
        assert_eq!(clock.now_ms(), 1_000_000);
        clock.advance(Duration::from_millis(90_500));
        assert_eq!(clock.now_secs(), 1_090);
        assert_eq!(clock.now_ms(), 1_090_500);
    }
}
