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
    let read: Vec<teaching::dev_controls::IssuerEvent> = serde_json::from_value(json).unwrap();
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
