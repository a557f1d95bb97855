use std::net::{IpAddr, Ipv4Addr};

use super::*;

const HOME: Option<IpAddr> = Some(IpAddr::V4(Ipv4Addr::new(192, 0, 2, 1)));
const ELSEWHERE: Option<IpAddr> = Some(IpAddr::V4(Ipv4Addr::new(198, 51, 100, 7)));

fn fail(throttle: &LoginThrottle, user: &str, address: Option<IpAddr>, now: u64) -> Duration {
    let attempt = throttle.admit(user, address, now).expect("admitted");
    attempt.failed(now)
}

#[test]
fn failures_are_free_then_slowed_then_locked_out_for_the_user() {
    let throttle = LoginThrottle::default();
    for n in 1..=FREE_FAILURES {
        assert_eq!(fail(&throttle, "alice", HOME, 100), Duration::ZERO, "{n}");
    }
    assert_eq!(fail(&throttle, "alice", HOME, 100), SLOWDOWN);
    assert_eq!(fail(&throttle, "alice", HOME, 101), Duration::ZERO, "locks");
    // Locked out from any address, whatever the case of the name.
    for (user, address) in [("alice", HOME), ("ALICE", ELSEWHERE), ("alice", None)] {
        assert_eq!(
            throttle.admit(user, address, 101).unwrap_err(),
            Throttled::LockedOut {
                retry_after_secs: FIRST_LOCKOUT_SECS
            },
            "{user}"
        );
    }
    assert_eq!(
        throttle
            .admit("alice", None, 101 + FIRST_LOCKOUT_SECS - 1)
            .unwrap_err(),
        Throttled::LockedOut {
            retry_after_secs: 1
        }
    );
    assert!(
        throttle
            .admit("alice", None, 101 + FIRST_LOCKOUT_SECS)
            .is_ok()
    );
}

#[test]
fn each_lockout_doubles_up_to_the_longest() {
    let throttle = LoginThrottle::default();
    let mut now = 1_000;
    let mut expected = FIRST_LOCKOUT_SECS;
    for _ in 0..8 {
        for _ in 0..LOCK_AFTER {
            fail(&throttle, "bob", None, now);
        }
        let Throttled::LockedOut { retry_after_secs } =
            throttle.admit("bob", None, now).unwrap_err()
        else {
            panic!("not locked out");
        };
        assert_eq!(retry_after_secs, expected);
        now += retry_after_secs;
        expected = (expected * 2).min(MAX_LOCKOUT_SECS);
    }
    assert_eq!(expected, MAX_LOCKOUT_SECS);
}

#[test]
fn one_address_trying_many_users_is_locked_out_too() {
    let throttle = LoginThrottle::default();
    for n in 0..LOCK_AFTER {
        fail(&throttle, &format!("user{n}"), HOME, 10);
    }
    assert!(matches!(
        throttle.admit("carol", HOME, 10),
        Err(Throttled::LockedOut { .. })
    ));
    assert!(throttle.admit("carol", ELSEWHERE, 10).is_ok());
}

#[test]
fn a_correct_login_clears_the_users_count_but_not_the_addresss() {
    let throttle = LoginThrottle::default();
    for _ in 0..LOCK_AFTER - 1 {
        fail(&throttle, "alice", HOME, 10);
    }
    throttle.admit("alice", HOME, 10).unwrap().succeeded();
    // From elsewhere, alice starts afresh.
    assert_eq!(fail(&throttle, "alice", ELSEWHERE, 10), Duration::ZERO);
    // One correct login with a public password does not excuse the
    // address that failed four times: its next failure locks it.
    assert_eq!(
        fail(&throttle, "mallory", HOME, 10),
        Duration::ZERO,
        "locks"
    );
    assert!(matches!(
        throttle.admit("carol", HOME, 10),
        Err(Throttled::LockedOut { .. })
    ));
}

#[test]
fn failures_and_lockouts_long_past_are_forgotten() {
    let throttle = LoginThrottle::default();
    let mut now = 10;
    for _ in 0..3 {
        for _ in 0..LOCK_AFTER {
            fail(&throttle, "alice", HOME, now);
        }
        now += MAX_LOCKOUT_SECS;
    }
    for _ in 0..LOCK_AFTER - 1 {
        fail(&throttle, "alice", HOME, now);
    }
    let later = now + FORGET_AFTER_SECS;
    for _ in 0..LOCK_AFTER {
        fail(&throttle, "alice", HOME, later);
    }
    assert_eq!(
        throttle.admit("alice", None, later).unwrap_err(),
        Throttled::LockedOut {
            retry_after_secs: FIRST_LOCKOUT_SECS
        },
        "a first lockout again"
    );
}

#[test]
fn a_burst_sent_at_once_gets_no_more_checks_than_a_lockout_allows() {
    let throttle = LoginThrottle::default();
    // Admitted together, before any is decided.
    let admitted: Vec<_> = (0..50)
        .filter_map(|_| throttle.admit("alice", HOME, 10).ok())
        .collect();
    assert_eq!(admitted.len(), LOCK_AFTER as usize);
    assert_eq!(
        throttle.admit("alice", ELSEWHERE, 10).unwrap_err(),
        Throttled::LockedOut {
            retry_after_secs: 1
        },
        "the user too, from any address"
    );
    for attempt in admitted {
        attempt.failed(10);
    }
    assert_eq!(
        throttle.admit("alice", None, 10).unwrap_err(),
        Throttled::LockedOut {
            retry_after_secs: FIRST_LOCKOUT_SECS
        }
    );
}

#[test]
fn an_attempt_dropped_undecided_counts_as_nothing() {
    let throttle = LoginThrottle::default();
    for _ in 0..100 {
        drop(throttle.admit("alice", HOME, 10).unwrap());
    }
    assert_eq!(fail(&throttle, "alice", HOME, 10), Duration::ZERO);
}

#[test]
fn the_counts_are_bounded() {
    let throttle = LoginThrottle::default();
    for n in 0..CAPACITY + 10 {
        fail(&throttle, &format!("guess{n}"), None, n as u64);
    }
    assert!(throttle.lock().len() <= CAPACITY);
}

#[tokio::test]
async fn at_most_so_many_password_checks_run_at_once() {
    let throttle = LoginThrottle::default();
    let mut held = Vec::new();
    for _ in 0..MAX_CONCURRENT_CHECKS {
        held.push(throttle.check_slot().await.unwrap());
    }
    tokio::time::pause();
    assert_eq!(throttle.check_slot().await.unwrap_err(), Throttled::Busy);
    drop(held.pop());
    assert!(throttle.check_slot().await.is_ok());
}
