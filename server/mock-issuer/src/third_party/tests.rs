use axum::http::{HeaderMap, HeaderValue};

use super::{Context, NoSession, StorageAccess};

fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
    let mut headers = HeaderMap::new();
    for (name, value) in pairs {
        headers.insert(*name, HeaderValue::from_static(value));
    }
    headers
}

fn frame(site: &'static str, storage: Option<&'static str>) -> Context {
    let mut pairs = vec![("sec-fetch-dest", "iframe"), ("sec-fetch-site", site)];
    pairs.extend(storage.map(|value| ("sec-fetch-storage-access", value)));
    Context::of(&headers(&pairs))
}

#[test]
fn only_a_frame_of_another_site_is_a_third_party_context() {
    assert_eq!(
        frame("cross-site", Some("none")),
        Context::ThirdPartyFrame(StorageAccess::None)
    );
    assert_eq!(
        frame("cross-site", Some("active")),
        Context::ThirdPartyFrame(StorageAccess::Active)
    );
    assert_eq!(
        frame("cross-site", Some("inactive")),
        Context::ThirdPartyFrame(StorageAccess::Inactive)
    );
    assert_eq!(
        frame("cross-site", None),
        Context::ThirdPartyFrame(StorageAccess::Unsaid)
    );
    // A port is no part of a site: localhost:3000 framing localhost:9000.
    assert_eq!(frame("same-site", Some("none")), Context::FirstParty);
    assert_eq!(frame("same-origin", None), Context::FirstParty);
    // The login page, reached by a top-level redirect from another site.
    let top_level = headers(&[
        ("sec-fetch-dest", "document"),
        ("sec-fetch-site", "cross-site"),
        ("sec-fetch-storage-access", "none"),
    ]);
    assert_eq!(Context::of(&top_level), Context::FirstParty);
    // No Fetch Metadata at all (curl, an old browser).
    assert_eq!(Context::of(&HeaderMap::new()), Context::FirstParty);
}

#[test]
fn a_missing_cookie_is_blamed_on_the_browser_only_when_it_says_so() {
    let blocked = frame("cross-site", Some("none"));
    assert_eq!(
        NoSession::why(blocked, false),
        NoSession::ThirdPartyCookiesBlocked
    );
    // A cookie came, but names no live session: logged out here.
    assert_eq!(NoSession::why(blocked, true), NoSession::NotLoggedIn);
    let inactive = frame("cross-site", Some("inactive"));
    assert_eq!(
        NoSession::why(inactive, false),
        NoSession::ThirdPartyCookiesBlocked
    );
    // The browser would have sent it: no login.
    let active = frame("cross-site", Some("active"));
    assert_eq!(NoSession::why(active, false), NoSession::NotLoggedIn);
    let unsaid = frame("cross-site", None);
    assert_eq!(NoSession::why(unsaid, false), NoSession::ThirdPartyUnknown);
    assert_eq!(
        NoSession::why(Context::FirstParty, false),
        NoSession::NotLoggedIn
    );
}

#[test]
fn each_reason_reads_differently_and_the_third_party_ones_say_so() {
    let all = [
        NoSession::NotLoggedIn,
        NoSession::ThirdPartyCookiesBlocked,
        NoSession::ThirdPartyUnknown,
        NoSession::Simulated,
    ];
    for (i, a) in all.iter().enumerate() {
        for b in &all[i + 1..] {
            assert_ne!(a.description(), b.description());
        }
        let third_party = a.description().contains("third-party context");
        assert_eq!(third_party, *a != NoSession::NotLoggedIn, "{a:?}");
    }
}
