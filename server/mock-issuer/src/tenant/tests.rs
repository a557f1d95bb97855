use super::*;

fn parse(text: &str) -> Result<Tenant, TenantError> {
    Tenant::parse("test.toml", text)
}

/// The embedded tenant with one line replaced.
fn embedded_with(old: &str, new: &str) -> String {
    assert!(
        EMBEDDED.contains(old),
        "{old} is not in the embedded tenant"
    );
    EMBEDDED.replacen(old, new, 1)
}

fn line_of(text: &str, needle: &str) -> usize {
    text[..text.find(needle).unwrap()].matches('\n').count() + 1
}

#[test]
fn the_embedded_tenant_is_the_demo() {
    let tenant = parse(EMBEDDED).unwrap();
    let client = tenant.client("demo-spa").unwrap();
    assert_eq!(client.name, "Leptos implicit demo");
    assert!(client.callback("http://localhost:3000/callback").is_some());
    assert!(
        client
            .callback("http://localhost:3000/silent-callback.html")
            .is_some()
    );
    assert!(client.allows_origin("http://localhost:3000"));
    assert!(client.allows_logout_url("http://localhost:3000/logged-out"));
    let api = tenant.api("http://localhost:8000/api").unwrap();
    assert_eq!(api.scope_set().to_string(), "read:messages write:messages");
    assert_eq!(tenant.lifetimes.access_token_secs, 120);
    assert!(tenant.users.len() >= 2);
    let alice = tenant.user("alice").unwrap();
    assert!(verify_password(&alice.password_hash, &alice.password_hint));
    assert!(!verify_password(&alice.password_hash, "not-her-password"));
}

#[test]
fn a_redirect_uri_is_matched_as_an_exact_string() {
    let tenant = parse(EMBEDDED).unwrap();
    let client = tenant.client("demo-spa").unwrap();
    for near_miss in [
        "http://localhost:3000/callback/",
        "http://localhost:3000/callback?x=1",
        "http://localhost:3000/Callback",
        "http://LOCALHOST:3000/callback",
        "http://localhost:3000/callback#",
        "http://localhost:3000/callbackx",
        "https://localhost:3000/callback",
    ] {
        assert!(
            client.callback(near_miss).is_none(),
            "{near_miss} was accepted"
        );
    }
}

#[test]
fn a_callback_with_a_fragment_names_the_line_and_field() {
    let text = embedded_with(
        "\"http://localhost:3000/callback\",",
        "\"http://localhost:3000/callback#x\",",
    );
    let error = parse(&text).unwrap_err().to_string();
    let line = line_of(&text, "callback#x");
    assert!(error.contains(&format!("line {line}")), "{error}");
    assert!(error.contains("clients[0].callbacks[0]"), "{error}");
    assert!(error.contains("fragment"), "{error}");
}

#[test]
fn a_web_origin_with_a_path_is_refused() {
    let text = embedded_with(
        "web_origins = [\"http://localhost:3000\"]",
        "web_origins = [\"http://localhost:3000/\"]",
    );
    let error = parse(&text).unwrap_err().to_string();
    assert!(error.contains("clients[0].web_origins[0]"), "{error}");
}

#[test]
fn a_duplicate_username_or_client_is_refused() {
    let text = embedded_with("username = \"bob\"", "username = \"alice\"");
    let error = parse(&text).unwrap_err().to_string();
    assert!(error.contains("users[1].username"), "{error}");
    assert!(error.contains("defined twice"), "{error}");

    let text = format!(
        "{EMBEDDED}\n[[clients]]\nclient_id = \"demo-spa\"\nname = \"Again\"\ncallbacks = [\"https://a.example/cb\"]\n"
    );
    let error = parse(&text).unwrap_err().to_string();
    assert!(error.contains("clients[2].client_id"), "{error}");
}

#[test]
fn an_unknown_scope_character_or_an_oidc_scope_in_an_api_is_refused() {
    let text = embedded_with("value = \"read:messages\"", "value = \"read messages\"");
    let error = parse(&text).unwrap_err().to_string();
    assert!(error.contains("apis[0].scopes[0].value"), "{error}");

    let text = embedded_with("value = \"read:messages\"", "value = \"openid\"");
    let error = parse(&text).unwrap_err().to_string();
    assert!(error.contains("OpenID Connect scope"), "{error}");
}

#[test]
fn a_default_audience_must_be_a_known_api() {
    let text = embedded_with(
        "# default_audience = \"http://localhost:8000/api\"",
        "default_audience = \"http://localhost:8000/other\"",
    );
    let error = parse(&text).unwrap_err().to_string();
    assert!(error.contains("default_audience"), "{error}");
    let text = embedded_with(
        "# default_audience = \"http://localhost:8000/api\"",
        "default_audience = \"http://localhost:8000/api\"",
    );
    assert_eq!(
        parse(&text).unwrap().default_audience.as_deref(),
        Some("http://localhost:8000/api")
    );
}

#[test]
fn a_zero_lifetime_or_an_idle_timeout_beyond_the_absolute_one_is_refused() {
    let text = embedded_with("access_token_secs = 120", "access_token_secs = 0");
    let error = parse(&text).unwrap_err().to_string();
    assert!(error.contains("lifetimes.access_token_secs"), "{error}");
    let text = embedded_with("sso_idle_secs = 1800", "sso_idle_secs = 99999");
    let error = parse(&text).unwrap_err().to_string();
    assert!(error.contains("lifetimes.sso_idle_secs"), "{error}");
}

#[test]
fn an_unknown_key_is_a_toml_error_naming_it() {
    let text = embedded_with("nickname = \"bob\"", "nick = \"bob\"");
    let error = parse(&text).unwrap_err().to_string();
    assert!(error.contains("nick"), "{error}");
    assert!(
        error.contains(&format!("line {}", line_of(&text, "nick = "))),
        "{error}"
    );
}

#[test]
fn a_bad_email_or_picture_is_refused() {
    let text = embedded_with("email = \"bob@example.com\"", "email = \"bob\"");
    assert!(
        parse(&text)
            .unwrap_err()
            .to_string()
            .contains("users[1].email")
    );
    let text = embedded_with(
        "email_verified = false",
        "email_verified = false\npicture = \"javascript:alert(1)\"",
    );
    assert!(
        parse(&text)
            .unwrap_err()
            .to_string()
            .contains("users[1].picture")
    );
}
