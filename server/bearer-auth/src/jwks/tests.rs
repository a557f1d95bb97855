use serde_json::json;

use jsonwebtoken::Algorithm;

use super::{
    keys::{JwkSetDocument, keep_unchanged, usable_keys},
    *,
};

const N: &str = "sXchDaQebHnPiGvyDOAT4saGEUetSyo9MKLOoWFsueri23bOdgWp4Dy1WlUzewbgBHod5pcM9H95GQRV3JDXboIRROSBigeC5yjU1hGzHHyXss8UDprecbAYxknTcQkhslANGRUZmdTOQ5qTRsLAt6BTYuyvVRdhS8exSZEy_c4gs_7svlJJQ4H9_NxsiIoLwAEk7-Q3UXERGYw_75IDrGA84-lA_-Ct4eTlXHBIY2EaV7t7LjJaynVJCpkv4LKjTTAumiGUIuQhrNhZLuF_RJLqHpM2kgWFLU7-VTdL1VbC2tejvcI2BlMkEpk1BzBZI0KQB0GaDWFLN-aEAw3vRw";

fn rsa(kid: &str) -> serde_json::Value {
    json!({ "kty": "RSA", "kid": kid, "use": "sig", "alg": "RS256", "n": N, "e": "AQAB" })
}

fn document(keys: Vec<serde_json::Value>) -> JwkSetDocument {
    JwkSetDocument { keys }
}

#[test]
fn public_signature_keys_are_kept_by_kid() {
    let keys = usable_keys(document(vec![rsa("a"), rsa("b")]));
    assert_eq!(keys.len(), 2);
    assert_eq!(keys["a"].alg, Some(Algorithm::RS256));
}

#[test]
fn keys_without_kid_for_encryption_or_symmetric_are_skipped() {
    let mut no_kid = rsa("x");
    no_kid.as_object_mut().unwrap().remove("kid");
    let mut encryption = rsa("enc");
    encryption["use"] = json!("enc");
    let mut oaep = rsa("oaep");
    oaep["alg"] = json!("RSA-OAEP");
    let secret = json!({ "kty": "oct", "kid": "hmac", "k": "c2VjcmV0" });
    let unknown = json!({ "kty": "XYZ", "kid": "weird" });
    let keys = usable_keys(document(vec![
        no_kid,
        encryption,
        oaep,
        secret,
        unknown,
        rsa("good"),
    ]));
    assert_eq!(keys.keys().collect::<Vec<_>>(), ["good"]);
}

#[test]
fn a_refetch_keeps_the_very_same_key_objects_for_unchanged_keys() {
    let previous = KeySet {
        keys: usable_keys(document(vec![rsa("same"), rsa("changed")])),
        fresh_until: 100,
    };
    let mut changed = rsa("changed");
    changed["alg"] = json!("RS384");
    let mut keys = usable_keys(document(vec![rsa("same"), changed, rsa("new")]));
    keep_unchanged(&mut keys, &previous);
    assert!(Arc::ptr_eq(&keys["same"], &previous.keys["same"]));
    assert!(!Arc::ptr_eq(&keys["changed"], &previous.keys["changed"]));
    assert_eq!(keys["changed"].alg, Some(Algorithm::RS384));
    assert_eq!(keys.len(), 3);
}

#[test]
fn two_keys_under_one_kid_are_both_dropped() {
    let keys = usable_keys(document(vec![
        rsa("twin"),
        rsa("twin"),
        rsa("twin"),
        rsa("ok"),
    ]));
    assert!(!keys.contains_key("twin"));
    assert!(keys.contains_key("ok"));
}

#[test]
fn a_key_set_is_trusted_only_until_it_is_stale() {
    let set = KeySet {
        keys: usable_keys(document(vec![rsa("a")])),
        fresh_until: 1_000,
    };
    assert!(set.fresh_key("a", 999).is_some());
    assert!(set.fresh_key("a", 1_000).is_none());
    assert!(set.fresh_key("b", 10).is_none());
}

#[test]
fn the_issuer_must_be_https_except_on_loopback() {
    for good in [
        "https://tenant.example.com/",
        "http://localhost:9000",
        "http://127.0.0.1:9000",
        "http://[::1]:9000",
    ] {
        assert!(KeyStore::new(good, 600, 10).is_ok(), "{good} was refused");
    }
    for bad in [
        "http://tenant.example.com",
        "ftp://localhost",
        "tenant.example.com",
        "https://tenant.example.com/?x=1",
        "https://tenant.example.com/#x",
    ] {
        assert!(KeyStore::new(bad, 600, 10).is_err(), "{bad} was accepted");
    }
}

#[test]
fn keys_must_stay_fresh_longer_than_the_refetch_interval() {
    assert!(KeyStore::new("https://issuer.test", 0, 0).is_err());
    assert!(KeyStore::new("https://issuer.test", 10, 11).is_err());
    assert!(KeyStore::new("https://issuer.test", 10, 10).is_ok());
}

#[test]
fn the_discovery_url_drops_a_trailing_slash_before_the_well_known_path() {
    let store = KeyStore::new("https://tenant.example.com/", 600, 10).unwrap();
    assert_eq!(
        store.discovery_url.as_str(),
        "https://tenant.example.com/.well-known/openid-configuration"
    );
    let store = KeyStore::new("https://example.com/tenant/", 600, 10).unwrap();
    assert_eq!(
        store.discovery_url.as_str(),
        "https://example.com/tenant/.well-known/openid-configuration"
    );
}
