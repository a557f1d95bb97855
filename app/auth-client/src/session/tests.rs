use serde_json::json;

use super::*;

fn session() -> Session {
    Session {
        access_token: Some(Token::new("at".into())),
        access_token_expires_at_ms: Some(2_000),
        scope: ScopeSet::default(),
        requested_scope: ScopeSet::default(),
        id_token: Some(Token::new("it".into())),
        id_claims: None,
        id_token_checks: vec![IdTokenCheck::Algorithm, IdTokenCheck::Nonce],
        id_token_expires_at_ms: Some(3_000),
        received_at_ms: 1_000,
    }
}

#[test]
fn a_shared_session_is_taken_only_when_it_is_newer_than_what_happened_here() {
    let at = |received_at_ms| Session {
        received_at_ms,
        ..session()
    };
    let other = SharedBy {
        this_tab: false,
        before_a_logout: false,
    };
    let verdict = |incoming: u64, held: Option<u64>, by: SharedBy, forgotten: bool| {
        shared_session(&at(incoming), held.map(at).as_ref(), by, forgotten)
    };
    assert_eq!(verdict(2_000, None, other, false), SharedSession::Take);
    assert_eq!(
        verdict(2_000, Some(1_000), other, false),
        SharedSession::Take
    );
    // This tab's own broadcast, back on the channel.
    let own = SharedBy {
        this_tab: true,
        ..other
    };
    assert_eq!(verdict(2_000, Some(2_000), own, false), SharedSession::Own);
    // Asked for before a logout, even if they arrived after it.
    let stale = SharedBy {
        before_a_logout: true,
        ..other
    };
    let refused = |v| matches!(v, SharedSession::Refuse(_));
    assert!(refused(verdict(9_000, None, stale, false)));
    // Older than a login made here since; or this tab forgot its tokens.
    assert!(refused(verdict(2_000, Some(3_000), other, false)));
    assert!(refused(verdict(9_000, None, other, true)));
}

#[test]
fn a_renewal_asks_for_the_requested_scope_not_the_narrowed_grant() {
    let scopes = |s: &str| s.parse::<ScopeSet>().unwrap();
    let configured = scopes("openid profile read:messages");
    // The provider granted only the API's scope; incremental consent
    // had added write:messages to the request.
    let narrowed = Session {
        scope: scopes("read:messages"),
        requested_scope: scopes("openid profile read:messages write:messages"),
        ..session()
    };
    assert_eq!(
        renewal_scope(Some(&narrowed), &configured),
        scopes("openid profile read:messages write:messages")
    );
    // Signed out, or stored before the requested scope was kept.
    assert_eq!(renewal_scope(None, &configured), configured);
    let older = Session {
        scope: scopes("read:messages"),
        ..session()
    };
    assert_eq!(renewal_scope(Some(&older), &configured), configured);
}

#[test]
fn a_session_keeps_its_checks_through_storage_and_an_older_one_claims_none() {
    let stored = serde_json::to_value(session()).unwrap();
    assert_eq!(stored["id_token_checks"], json!(["algorithm", "nonce"]));
    assert_eq!(
        serde_json::from_value::<Session>(stored.clone()).unwrap(),
        session()
    );
    // As stored (or broadcast by another tab) before the checks were kept.
    let mut older = stored;
    older.as_object_mut().unwrap().remove("id_token_checks");
    let read = serde_json::from_value::<Session>(older).unwrap();
    assert!(read.id_token_checks.is_empty());
    assert_eq!(read.id_token, session().id_token);
}
