use super::*;

fn claims(exp: u64) -> Claims {
    serde_json::from_value(serde_json::json!({
        "iss": "https://issuer.test", "sub": "u", "aud": "api", "exp": exp,
    }))
    .unwrap()
}

fn verified(exp: u64) -> Verified {
    let key = jsonwebtoken::DecodingKey::from_rsa_raw_components(&[1], &[1]);
    Verified {
        claims: Arc::new(claims(exp)),
        key: Arc::new(VerifyingKey::new("k".into(), key, None)),
    }
}

fn key(token: &[u8]) -> CacheKey<'_> {
    CacheKey::of(token).unwrap()
}

fn holds(cache: &VerifiedTokens, key: &CacheKey) -> bool {
    matches!(cache.get(key, |_| true), Cached::Valid(_))
}

#[test]
fn the_fingerprint_is_eight_hex_digits_of_the_sha256() {
    // SHA-256("abc") = ba7816bf...
    assert_eq!(Fingerprint::of("abc").to_string(), "ba7816bf");
}

#[test]
fn the_verified_token_cache_is_bounded_and_evicts_expired_then_soonest_entries() {
    let cache = VerifiedTokens::new(2);
    let [a, b, c, d] = [b"h.p.a", b"h.p.b", b"h.p.c", b"h.p.d"].map(|token| key(token));
    cache.insert(&a, verified(100), 0, 0);
    cache.insert(&b, verified(500), 0, 0);
    // At t=200, a has expired: it goes, b stays.
    cache.insert(&c, verified(300), 200, 0);
    assert_eq!(cache.len(), 2);
    assert!(!holds(&cache, &a) && holds(&cache, &b));
    // Nothing expired: the soonest to expire (c) goes.
    cache.insert(&d, verified(900), 200, 0);
    assert_eq!(cache.len(), 2);
    assert!(!holds(&cache, &c) && holds(&cache, &d));
    // An entry the caller no longer accepts is reported, not returned.
    assert!(matches!(cache.get(&d, |_| false), Cached::Stale));
}

#[test]
fn a_cached_signature_under_other_claims_is_no_hit() {
    let cache = VerifiedTokens::new(10);
    cache.insert(&key(b"header.payload.signature"), verified(100), 0, 0);
    assert!(holds(&cache, &key(b"header.payload.signature")));
    for other in [
        &b"header.payload2.signature"[..],
        b"header2.payload.signature",
        b"header.payloa.signature",
        b"headerpayload.signature",
        b".signature",
    ] {
        assert!(
            !holds(&cache, &key(other)),
            "{}",
            String::from_utf8_lossy(other)
        );
    }
    assert!(!holds(&cache, &key(b"header.payload.signaturf")));
    assert!(CacheKey::of(b"no-dot-at-all").is_none());
}

#[test]
fn a_cache_of_size_zero_remembers_nothing() {
    let cache = VerifiedTokens::new(0);
    cache.insert(&key(b"h.p.a"), verified(100), 0, 0);
    assert!(matches!(
        cache.get(&key(b"h.p.a"), |_| true),
        Cached::Absent
    ));
}
