use serde_json::json;

use super::*;

fn armed(json: serde_json::Value) -> ArmedFault {
    serde_json::from_value(json).unwrap()
}

#[test]
fn the_fault_json_of_the_documentation_parses() {
    let a =
        armed(json!({"fault": {"error": "login_required"}, "count": 2, "prompt_none_only": true}));
    assert_eq!(a.fault, Fault::Error(FaultError::LoginRequired));
    assert_eq!(a.remaining, 2);
    assert!(a.prompt_none_only);
    let b = armed(json!({"fault": {"tamper": "wrong_at_hash"}}));
    assert_eq!(b.fault, Fault::Tamper(Tamper::WrongAtHash));
    assert_eq!(b.remaining, 1);
    assert!(serde_json::from_value::<ArmedFault>(json!({"fault": {"tamper": "nope"}})).is_err());
}

#[test]
fn a_fault_is_named_as_its_json_names_it() {
    let faults = Tamper::ALL
        .iter()
        .map(|&t| Fault::Tamper(t))
        .chain(DocumentFault::ALL.iter().map(|&d| Fault::Document(d)))
        .chain(FaultError::ALL.iter().map(|&e| Fault::Error(e)));
    for fault in faults {
        let json = serde_json::to_value(fault).unwrap();
        let inner = json.as_object().unwrap().values().next().unwrap().clone();
        assert_eq!(inner, json!(fault.name()));
        if let Fault::Error(error) = fault {
            assert_eq!(error.code().as_str(), error.as_str());
        }
    }
}

#[test]
fn arming_once_sends_what_the_issuer_documents() {
    let once = ArmedFault::once(Fault::Tamper(Tamper::WrongNonce), true);
    assert_eq!(
        serde_json::to_value(once).unwrap(),
        json!({"fault": {"tamper": "wrong_nonce"}, "count": 1, "prompt_none_only": true})
    );
}

#[test]
fn the_catalogue_reads_back_as_it_was_written() {
    let faults = Faults {
        catalogue: Fault::catalogue(),
        armed: vec![ArmedFault::once(
            Fault::Error(FaultError::ServerError),
            false,
        )],
    };
    let json = serde_json::to_string(&faults).unwrap();
    assert_eq!(serde_json::from_str::<Faults>(&json).unwrap(), faults);
    // Every variant once: a tamper to refuse names its check, one to
    // accept and an error answer name none.
    assert_eq!(
        faults.catalogue.len(),
        Tamper::ALL.len() + DocumentFault::ALL.len() + FaultError::ALL.len()
    );
    for info in &faults.catalogue {
        match info.fault {
            Fault::Tamper(tamper) => {
                assert_eq!(info.expected, Some(tamper.expected()));
                let refused = matches!(tamper.expected(), Expected::RefusedBy(_));
                assert_eq!(info.caught_by.is_some(), refused, "{tamper:?}");
            }
            Fault::Document(document) => {
                assert_eq!(info.expected, Some(Expected::RefusedBy(document.check())));
                let named = info.caught_by.as_ref().map(|c| c.check);
                assert_eq!(named, Some(document.check()));
            }
            Fault::Error(_) => assert!(info.caught_by.is_none() && info.expected.is_none()),
        }
        assert!(info.spec_url.starts_with("https://"), "{:?}", info.fault);
    }
    let accepted: Vec<_> = Tamper::ALL
        .iter()
        .filter(|t| t.expected() == Expected::Accepted)
        .map(|t| t.as_str())
        .collect();
    assert_eq!(accepted, ["kid_absent_single_jwks", "iat_within_skew"]);
    // The conformance tests named are the RP test plan's.
    for info in &faults.catalogue {
        if let Some(test) = &info.conformance_test {
            assert!(test.starts_with("rp-"), "{test}");
        }
    }
}

fn read(boot: &str, seqs: &[u64], last_seq: u64) -> IssuerEvents {
    IssuerEvents {
        boot: boot.to_owned(),
        events: seqs
            .iter()
            .map(|&seq| IssuerEvent {
                seq,
                at_ms: seq,
                tx: None,
                kind: "login_shown".to_owned(),
                summary: "Showed the login page".to_owned(),
                verdict: Verdict::Info,
                spec: None,
                spec_url: None,
            })
            .collect(),
        last_seq,
    }
}

#[test]
fn a_reader_goes_on_after_the_last_event_it_read_not_the_issuers_last() {
    let mut cursor = EventsCursor::default();
    assert_eq!(cursor.after(), None);
    // A page of two while the issuer is at 5: the next read is after 2.
    assert_eq!(cursor.advance(&read("a", &[1, 2], 5)), EventsRead::Follows);
    assert_eq!(cursor.after(), Some(2));
    assert_eq!(
        cursor.advance(&read("a", &[3, 4, 5], 5)),
        EventsRead::Follows
    );
    assert_eq!(cursor.after(), Some(5));
    // Nothing new (or all of it forgotten after a reset): stays at 5.
    assert_eq!(cursor.advance(&read("a", &[], 5)), EventsRead::Follows);
    assert_eq!(cursor.after(), Some(5));
}

#[test]
fn a_restarted_issuer_is_noticed_whatever_its_numbers() {
    for restarted_at in [1, 5, 900] {
        let mut cursor = EventsCursor::default();
        cursor.advance(&read("a", &[4, 5], 5));
        let after_restart = read("b", &[restarted_at], restarted_at);
        assert_eq!(cursor.advance(&after_restart), EventsRead::Restarted);
        assert_eq!(
            cursor.after(),
            None,
            "the next read starts from the first event"
        );
        assert_eq!(cursor.advance(&after_restart), EventsRead::Follows);
        assert_eq!(cursor.after(), Some(restarted_at));
    }
}

#[test]
fn a_tamper_waits_for_a_response_with_the_token_it_breaks() {
    use ResponseType::{IdToken, IdTokenToken, Token};
    let breaks = |tamper: Tamper| {
        [Token, IdToken, IdTokenToken].map(|response_type| tamper.breaks(response_type))
    };
    assert_eq!(breaks(Tamper::WrongNonce), [false, true, true]);
    assert_eq!(breaks(Tamper::MissingAtHash), [false, false, true]);
    assert_eq!(breaks(Tamper::WrongAtHash), [false, false, true]);
    for tamper in [
        Tamper::BadSignature,
        Tamper::WrongAud,
        Tamper::WrongIss,
        Tamper::Expired,
    ] {
        assert_eq!(breaks(tamper), [false, true, true], "{tamper:?}");
    }
    assert!(Fault::Error(FaultError::LoginRequired).breaks(Token));
}

#[test]
fn a_check_is_named_on_the_wire_as_the_client_names_it() {
    use protocol::IdTokenCheck;
    for (check, name) in [
        (ClientCheck::IdToken(IdTokenCheck::Nonce), "nonce"),
        (ClientCheck::IdToken(IdTokenCheck::AtHash), "at_hash"),
        (
            ClientCheck::Document(DocumentCheck::UserinfoSubject),
            "userinfo_subject",
        ),
        (
            ClientCheck::Document(DocumentCheck::DiscoveryIssuer),
            "discovery_issuer",
        ),
    ] {
        assert_eq!(serde_json::to_value(check).unwrap(), json!(name));
        assert_eq!(
            serde_json::from_value::<ClientCheck>(json!(name)).unwrap(),
            check
        );
    }
    assert_eq!(
        serde_json::to_value(Fault::Document(DocumentFault::UserinfoBadSub)).unwrap(),
        json!({"document": "userinfo_bad_sub"})
    );
}
