use serde_json::json;

use super::*;

#[test]
fn one_audience_is_a_string_and_several_are_an_array() {
    assert_eq!(
        serde_json::to_value(Audience::one("a")).unwrap(),
        json!("a")
    );
    assert_eq!(
        serde_json::to_value(Audience::many(["a", "b"])).unwrap(),
        json!(["a", "b"])
    );
    let one: Audience = serde_json::from_value(json!("a")).unwrap();
    let many: Audience = serde_json::from_value(json!(["a", "b"])).unwrap();
    assert!(one.contains("a") && !one.contains("b"));
    assert!(many.contains("b"));
    assert_eq!(many.iter().collect::<Vec<_>>(), ["a", "b"]);
    assert!(serde_json::from_value::<Audience>(json!(3)).is_err());
}

#[test]
fn an_id_token_without_profile_scope_carries_no_user_claims() {
    let claims = IdTokenClaims {
        auth_time: Some(70),
        nonce: Some(Nonce::new("n-0S6_WzA2Mj")),
        ..IdTokenClaims::new(
            "http://localhost:9000",
            "alice",
            Audience::one("demo-spa"),
            80,
            200,
        )
    };
    let json = serde_json::to_value(&claims).unwrap();
    assert_eq!(
        json,
        json!({
            "iss": "http://localhost:9000", "sub": "alice", "aud": "demo-spa",
            "exp": 200, "iat": 80, "auth_time": 70, "nonce": "n-0S6_WzA2Mj"
        })
    );
    let back: IdTokenClaims = serde_json::from_value(json).unwrap();
    assert_eq!(back, claims);
}

#[test]
fn user_claims_sit_at_the_top_level_of_the_id_token() {
    let json = json!({
        "iss": "i", "sub": "s", "aud": ["c", "api"], "exp": 2, "iat": 1, "azp": "c",
        "name": "Alice", "email": "alice@example.com", "email_verified": true,
        "sid": "08a5019c"
    });
    let claims: IdTokenClaims = serde_json::from_value(json.clone()).unwrap();
    assert_eq!(claims.user.name.as_deref(), Some("Alice"));
    assert_eq!(claims.user.email_verified, Some(true));
    assert_eq!(claims.azp, Some(ClientId::new("c")));
    // A claim the model does not name is kept, and only it.
    assert_eq!(claims.other.len(), 1);
    assert_eq!(claims.other["sid"], "08a5019c");
    assert_eq!(serde_json::to_value(&claims).unwrap(), json);
}

#[test]
fn a_claim_of_the_wrong_type_reads_as_absent_for_its_check_to_report() {
    let json = json!({
        "iss": 7, "sub": ["alice"], "aud": [1, 2], "exp": "soon", "iat": -5,
        "nonce": {}, "at_hash": false, "azp": 3, "name": 12, "acr": "1"
    });
    let claims: IdTokenClaims = serde_json::from_value(json).unwrap();
    let IdTokenClaims {
        iss,
        sub,
        aud,
        exp,
        iat,
        nonce,
        at_hash,
        azp,
        user,
        other,
        ..
    } = claims;
    assert_eq!((iss, sub, aud, exp, iat), (None, None, None, None, None));
    assert_eq!((nonce, at_hash, azp), (None, None, None));
    assert_eq!(user, UserClaims::default());
    // The wrong-typed claims are not "other" claims; the unknown one is.
    assert_eq!(other.keys().collect::<Vec<_>>(), ["acr"]);
}

#[test]
fn id_token_dates_may_be_fractional_as_rfc_7519_allows() {
    let claims: IdTokenClaims =
        serde_json::from_value(json!({"exp": 1_700_000_000.9, "iat": 5})).unwrap();
    assert_eq!((claims.exp, claims.iat), (Some(1_700_000_000), Some(5)));
}

#[test]
fn the_name_to_greet_is_the_first_claim_the_token_has() {
    let mut claims = IdTokenClaims::new("i", "auth0|42", Audience::one("c"), 1, 2);
    assert_eq!(claims.display_name(), Some("auth0|42"));
    claims.user.email = Some("alice@example.com".into());
    assert_eq!(claims.display_name(), Some("alice@example.com"));
    claims.user.nickname = Some("ali".into());
    claims.user.name = Some("Alice".into());
    assert_eq!(claims.display_name(), Some("Alice"));
    assert_eq!(IdTokenClaims::default().display_name(), None);
}

#[test]
fn the_claims_as_a_map_hold_the_named_and_the_other_claims() {
    let json = json!({"iss": "i", "sub": "s", "aud": "c", "exp": 2, "iat": 1, "amr": ["pwd"]});
    let claims: IdTokenClaims = serde_json::from_value(json.clone()).unwrap();
    assert_eq!(Value::Object(claims.to_map()), json);
}

#[test]
fn an_access_token_carries_the_rfc_9068_claims() {
    let claims = AccessTokenClaims {
        iss: "http://localhost:9000".into(),
        sub: "alice".into(),
        aud: Audience::many([
            "http://localhost:8000/api",
            "http://localhost:9000/userinfo",
        ]),
        exp: 220,
        nbf: None,
        iat: Some(100),
        jti: Some("id-1".into()),
        client_id: Some(ClientId::new("demo-spa")),
        scope: "openid read:messages".parse().unwrap(),
        auth_time: None,
        azp: Some(ClientId::new("demo-spa")),
    };
    let json = serde_json::to_value(&claims).unwrap();
    assert_eq!(json["scope"], "openid read:messages");
    assert_eq!(json["aud"][1], "http://localhost:9000/userinfo");
    assert!(json.get("auth_time").is_none());
    let back: AccessTokenClaims = serde_json::from_value(json).unwrap();
    assert_eq!(back, claims);
}

#[test]
fn an_access_token_without_scope_reads_as_the_empty_set() {
    let claims: AccessTokenClaims = serde_json::from_value(json!({
        "iss": "i", "sub": "s", "aud": "api", "exp": 2, "iat": 1, "jti": "j",
        "client_id": "c"
    }))
    .unwrap();
    assert!(claims.scope.is_empty());
}

#[test]
fn access_token_dates_may_be_fractional_but_not_negative_or_strings() {
    let parse = |exp: serde_json::Value| {
        serde_json::from_value::<AccessTokenClaims>(json!({
            "iss": "i", "sub": "s", "aud": ["a", "b"], "exp": exp
        }))
    };
    assert_eq!(parse(json!(1_000.7)).unwrap().exp, 1_000);
    let read = parse(json!(1_000)).unwrap();
    assert_eq!(read.aud.iter().collect::<Vec<_>>(), ["a", "b"]);
    assert_eq!(
        (read.iat, read.jti.as_deref(), read.client()),
        (None, None, None)
    );
    assert!(parse(json!(-1)).is_err());
    assert!(parse(json!("1000")).is_err());
    assert!(parse(json!(1e300)).is_err());
    assert!(parse(serde_json::Value::Null).is_err());
    let nbf = serde_json::from_value::<AccessTokenClaims>(json!({
        "iss": "i", "sub": "s", "aud": "a", "exp": 9, "nbf": 2.5, "azp": "c"
    }))
    .unwrap();
    assert_eq!(nbf.nbf, Some(2));
    assert_eq!(nbf.client(), Some(&ClientId::new("c")));
}
