use auth_client::{AuthEvent, ResponseCheck, SignedOut, Step};
use protocol::{IdTokenCheck, Tx};
use teaching::{
    dev_controls::{Fault, IssuerEvent, Verdict},
    spec::Cited,
};

use super::*;

fn signed_out() -> EventKind {
    EventKind::Auth(AuthEvent::SignedOut {
        reason: SignedOut::Logout,
    })
}

#[test]
fn events_serialize_tagged_by_kind_and_round_trip() {
    let event = EventKind::Auth(AuthEvent::IdTokenChecked {
        check: IdTokenCheck::Nonce,
        passed: false,
        detail: Some("nonce differs".into()),
    });
    let json = serde_json::to_string(&event).unwrap();
    assert_eq!(
        json,
        r#"{"auth":{"id_token_checked":{"check":"nonce","passed":false,"detail":"nonce differs"}}}"#
    );
    assert_eq!(serde_json::from_str::<EventKind>(&json).unwrap(), event);
    assert_eq!(event.outcome(), Outcome::Failed);
    assert_eq!(event.spec().unwrap().cite, "OIDC Core §3.2.2.11");
}

#[test]
fn a_response_check_is_stored_by_name_and_read_with_its_label() {
    let event = EventKind::Auth(AuthEvent::ResponseChecked {
        check: ResponseCheck::IdToken,
        passed: false,
        detail: Some("none came back".into()),
    });
    let json = serde_json::to_string(&event).unwrap();
    assert_eq!(
        json,
        r#"{"auth":{"response_checked":{"check":"id_token","passed":false,"detail":"none came back"}}}"#
    );
    assert_eq!(event.summary(), "id_token present FAILED: none came back");
    assert_eq!(event.spec().unwrap().cite, "OIDC Core §3.2.2.5");
    assert_eq!(event.outcome(), Outcome::Failed);
    let still_wanted = EventKind::Auth(AuthEvent::ResponseChecked {
        check: ResponseCheck::StillWanted,
        passed: false,
        detail: None,
    });
    assert_eq!(still_wanted.spec(), None);
}

#[test]
fn an_armed_fault_names_the_check_that_must_refuse_it() {
    use teaching::dev_controls::{FaultError, Tamper};
    let tamper = EventKind::FaultArmed {
        fault: Fault::Tamper(Tamper::WrongNonce),
        silent_only: false,
    };
    assert_eq!(
        tamper.summary(),
        "Dev controls: the issuer will tamper with the next authorization response that has an ID token (wrong_nonce); \"nonce matches\" must refuse it"
    );
    assert_eq!(tamper.spec(), Some(IdTokenCheck::Nonce.spec()));
    assert_eq!(tamper.outcome(), Outcome::Info);
    let error = EventKind::FaultArmed {
        fault: Fault::Error(FaultError::LoginRequired),
        silent_only: true,
    };
    assert_eq!(
        error.summary(),
        "Dev controls: the issuer will answer the next silent authentication with login_required"
    );
    let json = serde_json::to_string(&error).unwrap();
    assert_eq!(serde_json::from_str::<EventKind>(&json).unwrap(), error);
}

#[test]
fn an_api_error_status_is_a_failure() {
    let call = |status| {
        EventKind::Auth(AuthEvent::ApiCall {
            method: "GET".into(),
            url: "/api/private".into(),
            status,
            error: None,
        })
    };
    assert_eq!(call(200).outcome(), Outcome::Passed);
    assert_eq!(call(401).outcome(), Outcome::Failed);
}

#[test]
fn restored_events_come_first_and_numbering_goes_on_from_them() {
    let event = |seq, in_secs| Event {
        seq,
        at_ms: 0,
        flow: None,
        kind: EventKind::Auth(AuthEvent::RenewalScheduled { in_secs }),
    };
    let merged = merge(vec![event(7, 1), event(8, 2)], vec![event(1, 3)]);
    let seqs: Vec<u64> = merged.iter().map(|e| e.seq).collect();
    assert_eq!(seqs, [7, 8, 9]);
    assert_eq!(merged[2].kind, event(0, 3).kind);

    let many: Vec<Event> = (1..=EventLog::CAPACITY as u64)
        .map(|i| event(i, 0))
        .collect();
    let merged = merge(many, vec![event(1, 9)]);
    assert_eq!(merged.len(), EventLog::CAPACITY);
    assert_eq!(merged[0].seq, 2);
}

#[test]
fn a_clients_step_keeps_its_flow_and_the_pages_own_steps_have_none() {
    let owner = Owner::new();
    owner.with(|| {
        let log = EventLog::new();
        let tx: Tx = "ba7816bf".parse().unwrap();
        let login = Flow {
            kind: FlowKind::Login,
            tx: Some(tx),
        };
        log.record(&Step {
            flow: Some(login),
            event: AuthEvent::SignedOut {
                reason: SignedOut::Logout,
            },
        });
        log.push(EventKind::FaultsDisarmed);
        let flows: Vec<_> = log.events().iter().map(|e| e.flow).collect();
        assert_eq!(flows, [Some(login), None]);
        let stored = serde_json::to_value(&log.events()[0]).unwrap();
        assert_eq!(
            stored["flow"],
            serde_json::json!({"kind": "login", "tx": "ba7816bf"})
        );
        assert_eq!(log.events()[0].kind.summary(), "Signed out: logout");
        assert!(
            serde_json::to_value(&log.events()[1])
                .unwrap()
                .get("flow")
                .is_none()
        );
    });
}

#[test]
fn the_log_keeps_the_newest_events_up_to_its_capacity() {
    let owner = Owner::new();
    owner.with(|| {
        let log = EventLog::new();
        for i in 0..(EventLog::CAPACITY + 5) {
            log.push(if i % 2 == 0 {
                signed_out()
            } else {
                EventKind::FaultsDisarmed
            });
        }
        let events = log.events();
        assert_eq!(events.len(), EventLog::CAPACITY);
        assert_eq!(events[0].seq, 6);
        assert_eq!(events.last().unwrap().seq, EventLog::CAPACITY as u64 + 5);
    });
}

#[test]
fn the_steps_of_one_request_are_found_by_its_tx() {
    let owner = Owner::new();
    owner.with(|| {
        let log = EventLog::new();
        let tx = |s: &str| s.parse::<Tx>().unwrap();
        let login = |t| Flow {
            kind: FlowKind::Login,
            tx: Some(tx(t)),
        };
        let step = |n: u64| AuthEvent::RenewalScheduled { in_secs: n };
        let record = |flow, n| {
            log.record(&Step {
                flow,
                event: step(n),
            })
        };
        record(Some(login("0000000a")), 1);
        record(None, 2);
        record(Some(login("0000000b")), 3);
        record(Some(login("0000000a")), 4);
        record(
            Some(Flow {
                kind: FlowKind::Silent,
                tx: None,
            }),
            5,
        );
        let of_a: Vec<_> = log
            .of_request(tx("0000000a"))
            .into_iter()
            .map(|e| e.kind)
            .collect();
        assert_eq!(of_a, [EventKind::Auth(step(1)), EventKind::Auth(step(4))]);
        assert_eq!(log.focus(), None);
        log.set_focus(Some(tx("0000000b")));
        assert_eq!(log.focus(), Some(tx("0000000b")));
    });
}

#[test]
fn the_timeline_interleaves_both_lanes_by_time_and_keeps_the_newest() {
    let step = |seq, at_ms| Event {
        seq,
        at_ms,
        flow: None,
        kind: EventKind::FaultsDisarmed,
    };
    let decision = |seq, at_ms| IssuerEvent {
        seq,
        at_ms,
        tx: None,
        kind: "authorize_received".to_owned(),
        summary: String::new(),
        verdict: Verdict::Info,
        spec: None,
        spec_url: None,
    };
    let lanes = |entries: &[TimelineEntry]| -> Vec<(bool, u64)> {
        entries.iter().map(TimelineEntry::key).collect()
    };
    let app = vec![step(1, 100), step(2, 300), step(3, 300)];
    let issuer = vec![decision(7, 200), decision(8, 300), decision(9, 400)];
    let all = merge_timeline(app.clone(), issuer.clone(), 10, false);
    // (issuer?, seq): by time; at 300 ms the app's two steps, then the issuer's.
    assert_eq!(
        lanes(&all),
        [
            (false, 1),
            (true, 7),
            (false, 2),
            (false, 3),
            (true, 8),
            (true, 9)
        ]
    );
    let newest = merge_timeline(app.clone(), issuer.clone(), 2, false);
    assert_eq!(lanes(&newest), [(true, 8), (true, 9)]);
    assert_eq!(merge_timeline(Vec::new(), Vec::new(), 5, false), []);
    // The issuer's list starts at 200 ms: the app's step at 100 goes.
    let cut = merge_timeline(app, issuer, 10, true);
    assert_eq!(lanes(&cut)[0], (true, 7));
    assert_eq!(cut.len(), 5);
}

#[test]
fn a_lane_keeps_its_order_when_its_clock_steps_back() {
    let step = |seq, at_ms| Event {
        seq,
        at_ms,
        flow: None,
        kind: EventKind::FaultsDisarmed,
    };
    let merged = merge_timeline(vec![step(1, 500), step(2, 400)], Vec::new(), 10, false);
    let seqs: Vec<_> = merged.iter().map(TimelineEntry::key).collect();
    assert_eq!(seqs, [(false, 1), (false, 2)]);
}
