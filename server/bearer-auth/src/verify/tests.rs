use protocol::SystemClock;

use super::*;

fn claims(exp: u64, nbf: Option<u64>, iat: Option<u64>) -> Claims {
    let mut json = serde_json::json!({
        "iss": "https://issuer.test", "sub": "u", "aud": "api", "exp": exp,
    });
    if let Some(nbf) = nbf {
        json["nbf"] = nbf.into();
    }
    if let Some(iat) = iat {
        json["iat"] = iat.into();
    }
    serde_json::from_value(json).unwrap()
}

#[test]
fn a_token_expires_at_exp_plus_the_leeway_and_not_a_second_later() {
    let c = claims(1_000, None, None);
    assert!(check_time(&c, 1_029, 30).is_ok());
    assert!(matches!(
        check_time(&c, 1_030, 30),
        Err(TokenRejection::Expired { .. })
    ));
    assert!(check_time(&c, 999, 0).is_ok());
    assert!(check_time(&c, 1_000, 0).is_err(), "exp itself is too late");
}

#[test]
fn a_token_is_not_valid_before_nbf_minus_the_leeway() {
    let c = claims(10_000, Some(1_000), None);
    assert!(matches!(
        check_time(&c, 969, 30),
        Err(TokenRejection::NotYetValid { .. })
    ));
    assert!(check_time(&c, 970, 30).is_ok());
}

#[test]
fn a_token_issued_in_the_future_is_refused() {
    let c = claims(10_000, None, Some(2_000));
    assert!(check_time(&c, 1_969, 30).is_err());
    assert!(check_time(&c, 1_970, 30).is_ok());
}

#[test]
fn typ_is_compared_as_a_media_type() {
    assert!(accepts_typ(TokenType::AtJwt, Some("at+jwt")));
    assert!(accepts_typ(TokenType::AtJwt, Some("application/AT+JWT")));
    assert!(!accepts_typ(TokenType::AtJwt, Some("JWT")));
    assert!(!accepts_typ(TokenType::AtJwt, None));
    assert!(!accepts_typ(TokenType::AtJwt, Some("text/at+jwt")));
    assert!(accepts_typ(TokenType::Jwt, Some("JWT")));
    assert!(accepts_typ(TokenType::Jwt, None));
    assert!(accepts_typ(TokenType::Jwt, Some("at+jwt")));
    assert!(!accepts_typ(TokenType::Jwt, Some("JOSE")));
}

#[test]
fn a_realm_with_a_quote_is_refused() {
    assert!(Realm::new("api.example.com").is_ok());
    assert!(Realm::new("a\"b").is_err());
    assert!(Realm::new("a\nb").is_err());
}

#[test]
fn hmac_algorithms_an_empty_allow_list_and_an_empty_audience_are_refused_at_setup() {
    let config = |algorithms: Vec<Algorithm>| {
        BearerAuth::builder("https://issuer.test/", "api").algorithms(algorithms)
    };
    let clock: Arc<dyn Clock> = Arc::new(SystemClock);
    assert!(matches!(
        config(vec![Algorithm::RS256, Algorithm::HS256]).build_with_clock(clock.clone()),
        Err(BearerSetupError::SymmetricAlgorithm(Algorithm::HS256))
    ));
    assert!(matches!(
        config(vec![]).build_with_clock(clock.clone()),
        Err(BearerSetupError::NoAlgorithms)
    ));
    assert!(matches!(
        BearerAuth::builder("https://issuer.test/", " ").build(),
        Err(BearerSetupError::EmptyAudience)
    ));
    assert!(
        config(vec![Algorithm::RS256, Algorithm::ES256])
            .build_with_clock(clock)
            .is_ok()
    );
}

#[test]
fn the_defaults_are_what_the_docs_say_and_a_config_file_needs_only_issuer_and_audience() {
    let built = BearerAuth::builder("https://issuer.test/", "api");
    let read: BearerConfig = serde_json::from_value(
        serde_json::json!({"issuer": "https://issuer.test/", "audience": "api"}),
    )
    .unwrap();
    assert_eq!(read, built);
    assert_eq!(built.algorithms, [Algorithm::RS256]);
    assert_eq!(built.token_type, TokenType::AtJwt);
    assert_eq!(
        (
            built.leeway_secs,
            built.jwks_cache_secs,
            built.jwks_min_refresh_secs
        ),
        (30, 600, 10)
    );
    assert!(
        serde_json::from_value::<BearerConfig>(
            serde_json::json!({"issuer": "https://issuer.test/"})
        )
        .is_err(),
        "the audience is required"
    );
    let jwt: BearerConfig = serde_json::from_value(serde_json::json!({
        "issuer": "https://issuer.test/", "audience": "api", "token_type": "jwt"
    }))
    .unwrap();
    assert_eq!(jwt.token_type, TokenType::Jwt);
}
