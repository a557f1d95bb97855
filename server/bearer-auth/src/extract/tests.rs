use axum::http::{HeaderValue, Request};

use super::*;

fn headers(values: &[&str]) -> HeaderMap {
    let mut request = Request::builder();
    for value in values {
        request = request.header(header::AUTHORIZATION, *value);
    }
    request.body(()).unwrap().into_parts().0.headers
}

/// What a request's credentials come to before any cache lookup or
/// signature check: the token, or why there is none.
fn extract<'a>(headers: &'a HeaderMap, query: Option<&str>) -> Result<&'a str, String> {
    let token = bearer_credentials(headers, query).map_err(|e| match e {
        Extraction::Missing => "missing".to_owned(),
        Extraction::Malformed(reason) => reason.to_owned(),
    })?;
    b64token(token).map_err(str::to_owned)
}

#[test]
fn the_bearer_scheme_is_case_insensitive_and_other_schemes_are_no_credentials() {
    assert_eq!(extract(&headers(&["bearer abc.def"]), None), Ok("abc.def"));
    assert_eq!(extract(&headers(&["BEARER  abc"]), None), Ok("abc"));
    assert_eq!(
        extract(&headers(&["Basic dXNlcjpwYXNz"]), None),
        Err("missing".into())
    );
    assert_eq!(extract(&headers(&[]), None), Err("missing".into()));
}

#[test]
fn empty_doubled_or_spaced_tokens_are_malformed_requests() {
    for bad in [
        &["Bearer"][..],
        &["Bearer "],
        &["Bearer a b"],
        &["Bearer a,b"],
        &["Bearer ="],
        &["Bearer a", "Bearer b"],
    ] {
        let map = headers(bad);
        let result = extract(&map, None);
        assert!(
            result.as_ref().is_err_and(|e| e != "missing"),
            "{bad:?}: {result:?}"
        );
    }
    assert!(extract(&headers(&["Bearer a"]), Some("x=1&access_token=t")).is_err());
    assert_eq!(extract(&headers(&["Bearer a=="]), Some("x=1")), Ok("a=="));
}

#[test]
fn a_b64token_is_its_characters_and_trailing_equals_signs_only() {
    let alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~+/";
    assert!(is_b64token(alphabet.as_bytes()));
    assert!(is_b64token(b"abc=="));
    for bad in [
        "", "==", "a=b", "a b", "a,b", "a\"b", "a\\b", "é", "a\u{7f}", "a%2F",
    ] {
        assert!(!is_b64token(bad.as_bytes()), "{bad:?} accepted");
    }
}

#[test]
fn the_branch_free_character_check_is_exactly_the_rfc_6750_set() {
    for b in 0..=u8::MAX {
        let rfc = b.is_ascii_alphanumeric() || b"-._~+/".contains(&b);
        assert_eq!(is_b64token_char(b), rfc, "byte {b:#04x}");
    }
}

#[test]
fn a_header_that_is_not_ascii_is_no_bearer_token() {
    let mut map = HeaderMap::new();
    map.insert(
        header::AUTHORIZATION,
        HeaderValue::from_bytes(b"Bearer abc\xe9").unwrap(),
    );
    assert!(extract(&map, None).unwrap_err().contains("b64token"));
    map.insert(
        header::AUTHORIZATION,
        HeaderValue::from_bytes(b"Basic \xe9").unwrap(),
    );
    assert_eq!(extract(&map, None), Err("missing".into()));
}
