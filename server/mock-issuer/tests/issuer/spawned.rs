//! `mock_issuer::spawn`: a whole issuer on a free port, as another
//! project's test suite would start it.

use mock_issuer::{IssuerConfig, spawn};
use protocol::{JwkSet, ProviderMetadata};

#[tokio::test]
async fn a_spawned_issuer_answers_on_its_own_url_and_stops_when_told() {
    let issuer = spawn(IssuerConfig::for_tests()).await.unwrap();
    assert!(issuer.url().starts_with("http://127.0.0.1:"));
    let client = reqwest::Client::new();
    let discovery: ProviderMetadata = client
        .get(protocol::discovery_url(issuer.url()))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(discovery.issuer, issuer.url(), "the iss is the spawned URL");
    assert_eq!(
        discovery.authorization_endpoint.as_str(),
        format!("{}/authorize", issuer.url())
    );
    let keys: JwkSet = client
        .get(discovery.jwks_uri.as_str())
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(!keys.keys.is_empty());

    let url = issuer.url().to_owned();
    issuer.stop().await;
    assert!(client.get(format!("{url}/health")).send().await.is_err());
}

#[tokio::test]
async fn two_spawned_issuers_are_two_issuers() {
    let (a, b) = (
        spawn(IssuerConfig::for_tests()).await.unwrap(),
        spawn(IssuerConfig::for_tests()).await.unwrap(),
    );
    assert_ne!(a.url(), b.url());
    a.stop().await;
    b.stop().await;
}
