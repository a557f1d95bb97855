use super::*;

fn armed(json: serde_json::Value) -> ArmedFault {
    serde_json::from_value(json).unwrap()
}

#[test]
fn a_fault_is_used_up_and_a_silent_only_fault_skips_interactive_responses() {
    let dev = DevSettings::default();
    dev.lock().faults.push_back(armed(
        json!({"fault": {"error": "login_required"}, "prompt_none_only": true}),
    ));
    dev.lock()
        .faults
        .push_back(armed(json!({"fault": {"tamper": "expired"}, "count": 2})));
    let both = ResponseType::IdTokenToken;
    assert_eq!(
        dev.take_fault(false, both),
        Some(Fault::Tamper(Tamper::Expired))
    );
    assert_eq!(
        dev.take_fault(true, both),
        Some(Fault::Error(FaultError::LoginRequired))
    );
    assert_eq!(
        dev.take_fault(true, both),
        Some(Fault::Tamper(Tamper::Expired))
    );
    assert_eq!(dev.take_fault(true, both), None);
}

#[test]
fn a_tamper_is_kept_for_a_response_with_the_token_it_breaks() {
    let dev = DevSettings::default();
    dev.lock()
        .faults
        .push_back(armed(json!({"fault": {"tamper": "wrong_nonce"}})));
    // An access token alone has no nonce to break: the fault waits.
    assert_eq!(dev.take_fault(false, ResponseType::Token), None);
    assert_eq!(
        dev.take_fault(false, ResponseType::IdToken),
        Some(Fault::Tamper(Tamper::WrongNonce))
    );
    assert_eq!(dev.take_fault(false, ResponseType::IdToken), None);
}
