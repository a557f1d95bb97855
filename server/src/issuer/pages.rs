//! The issuer's HTML pages, rendered with maud (which escapes every value it
//! interpolates). They work without JavaScript; the only script is the
//! `web_message` page's, allowed by a CSP nonce.

use maud::{DOCTYPE, Markup, PreEscaped, html};
use protocol::{Scope, ScopeSet};

use super::{
    Shared,
    keys::KeyInfo,
    tenant::{Client, Tenant, User},
};

fn layout(title: &str, content: Markup) -> Markup {
    html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                meta name="referrer" content="no-referrer";
                link rel="icon" href="data:,";
                title { (title) " · Demo authorization server" }
                link rel="stylesheet" href="/assets/issuer.css";
            }
            body {
                header.site-header {
                    a.brand href="/" { "Demo authorization server" }
                    span.badge { "mock OpenID provider" }
                }
                main { (content) }
            }
        }
    }
}

/// The login page of a pending authorization request.
pub fn login(
    client: &Client,
    request_id: &str,
    csrf: &str,
    username: &str,
    error: Option<&str>,
    users: &[User],
) -> Markup {
    layout(
        "Log in",
        html! {
            section.card {
                h1 { "Log in" }
                p { "to continue to " strong { (client.name) } }
                @if let Some(error) = error {
                    p.error role="alert" { (error) }
                }
                form method="post" action="/login" {
                    input type="hidden" name="request" value=(request_id);
                    input type="hidden" name="csrf" value=(csrf);
                    label for="username" { "Username" }
                    input #username name="username" type="text" autocomplete="username"
                        autocapitalize="none" spellcheck="false" required autofocus[username.is_empty()]
                        value=(username);
                    label for="password" { "Password" }
                    input #password name="password" type="password" autocomplete="current-password"
                        required autofocus[!username.is_empty()];
                    button type="submit" { "Log in" }
                }
            }
            section.card.hints aria-labelledby="demo-users" {
                h2 #demo-users { "Demo users" }
                p.muted { "This is a demo tenant: its passwords are public." }
                table {
                    thead { tr { th scope="col" { "Username" } th scope="col" { "Password" } th scope="col" { "Name" } } }
                    tbody {
                        @for user in users {
                            tr {
                                td { code { (user.username) } }
                                td { code { (user.password_hint) } }
                                td { (user.name) }
                            }
                        }
                    }
                }
            }
        },
    )
}

/// What the consent page asks.
pub struct ConsentRequest<'a> {
    /// The scopes requested.
    pub scope: &'a ScopeSet,
    /// The scopes the user already allowed this client for this API.
    pub granted: &'a ScopeSet,
    /// The API the access token is for.
    pub audience: Option<&'a str>,
    /// The pending request's id and its CSRF token, for the form.
    pub request_id: &'a str,
    pub csrf: &'a str,
}

/// The consent page: who asks, for what.
pub fn consent(tenant: &Tenant, client: &Client, user: &User, ask: &ConsentRequest<'_>) -> Markup {
    let ConsentRequest {
        scope,
        granted,
        audience,
        request_id,
        csrf,
    } = *ask;
    let api = audience.and_then(|a| tenant.api(a));
    let describe = |s: &Scope| {
        tenant
            .describe_scope(s, api)
            .unwrap_or("(no description)")
            .to_owned()
    };
    layout(
        "Authorize",
        html! {
            section.card {
                h1 { "Authorize " (client.name) }
                p { "Hi " strong { (user.name) } ", " (client.name) " is asking to:" }
                ul.scopes {
                    @for s in scope.iter() {
                        li {
                            (describe(s)) " " code.muted { (s.as_str()) }
                            // Incremental consent: what the user has not allowed before.
                            @if !granted.is_empty() && !granted.contains(s.as_str()) {
                                " " span.badge.new { "new" }
                            }
                        }
                    }
                }
                @if let Some(api) = api {
                    p.muted { "Access tokens will be for the API " strong { (api.name) } " (" code { (api.identifier) } ")." }
                }
                form.actions method="post" action="/consent" {
                    input type="hidden" name="request" value=(request_id);
                    input type="hidden" name="csrf" value=(csrf);
                    button.secondary type="submit" name="decision" value="deny" { "Deny" }
                    button type="submit" name="decision" value="allow" { "Allow" }
                }
            }
        },
    )
}

/// An error page: the request cannot go back to any application.
pub fn error(title: &str, message: &str) -> Markup {
    layout(
        title,
        html! {
            section.card {
                h1 { (title) }
                p.error role="alert" { (message) }
                p.muted { "Nothing was sent back to the application. Go back to it and start again." }
            }
        },
    )
}

/// After a logout without a return URL.
pub fn logged_out() -> Markup {
    layout(
        "Logged out",
        html! {
            section.card {
                h1 { "You are logged out" }
                p { "Your session at the authorization server has ended. Applications you used may still hold tokens until they expire." }
            }
        },
    )
}

/// What the logout confirmation page carries back (RP-Initiated Logout §2).
pub struct LogoutQuestion<'a> {
    /// The user whose session would end.
    pub user_name: &'a str,
    /// The application that asked, if named.
    pub client: Option<&'a Client>,
    /// The request's parameters, checked again when the answer comes.
    pub post_logout_redirect_uri: Option<&'a str>,
    pub state: Option<&'a str>,
    /// Tied to the session, so another site cannot post the answer.
    pub csrf: &'a str,
}

/// "Log out?": shown when a logout request does not prove that it comes
/// from the user's application (no `id_token_hint`, or one for another user).
pub fn confirm_logout(question: &LogoutQuestion<'_>) -> Markup {
    layout(
        "Log out?",
        html! {
            section.card {
                h1 { "Log out?" }
                p {
                    "You are logged in as " strong { (question.user_name) } "."
                    @if let Some(client) = question.client {
                        " " strong { (client.name) } " asks to end your session here."
                    } @else {
                        " A page asks to end your session here."
                    }
                }
                form.actions method="post" action="/oidc/logout/confirm" {
                    input type="hidden" name="csrf" value=(question.csrf);
                    @if let Some(client) = question.client {
                        input type="hidden" name="client_id" value=(client.client_id.as_str());
                    }
                    @if let Some(value) = question.post_logout_redirect_uri {
                        input type="hidden" name="post_logout_redirect_uri" value=(value);
                    }
                    @if let Some(value) = question.state {
                        input type="hidden" name="state" value=(value);
                    }
                    button.secondary type="submit" name="decision" value="stay" { "Stay logged in" }
                    button type="submit" name="decision" value="logout" { "Log out" }
                }
            }
        },
    )
}

/// The answer "stay logged in" without a page to return to.
pub fn still_logged_in() -> Markup {
    layout(
        "Still logged in",
        html! {
            section.card {
                h1 { "You are still logged in" }
                p { "Your session at the authorization server goes on." }
            }
        },
    )
}

/// The `web_message` response (Auth0's `checkSession`): a page that posts
/// `{type: "authorization_response", response}` to its parent window, only
/// at `target_origin`. `response_json` must already be a JSON object.
pub fn web_message(response_json: &str, target_origin: &str, script_nonce: &str) -> Markup {
    let data = script_safe_json(response_json);
    let origin = script_safe_json(&serde_json::Value::from(target_origin).to_string());
    let script = format!(
        "(function () {{ var response = {data}; var target = {origin}; \
         if (window.parent && window.parent !== window) {{ \
         window.parent.postMessage({{ type: \"authorization_response\", response: response }}, target); }} }})();"
    );
    html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                title { "Authorization response" }
            }
            body {
                script nonce=(script_nonce) { (PreEscaped(script)) }
            }
        }
    }
}

/// JSON that cannot end a `<script>` element or start an HTML comment: `<`,
/// `>` and `&` become `\u` escapes, which JSON and JavaScript read back as
/// the same characters; so do U+2028/U+2029 for old parsers.
fn script_safe_json(json: &str) -> String {
    let mut out = String::with_capacity(json.len());
    for c in json.chars() {
        match c {
            '<' => out.push_str("\\u003c"),
            '>' => out.push_str("\\u003e"),
            '&' => out.push_str("\\u0026"),
            '\u{2028}' => out.push_str("\\u2028"),
            '\u{2029}' => out.push_str("\\u2029"),
            c => out.push(c),
        }
    }
    out
}

/// The root page: the tenant, read-only, like a provider's dashboard.
pub fn dashboard(state: &Shared, keys: &[KeyInfo], dev_controls: bool) -> Markup {
    let tenant = &state.tenant;
    let lifetimes = state.lifetimes();
    layout(
        "Tenant",
        html! {
            h1 { "Tenant at " code { (state.issuer) } }
            p.lead { "A mock OpenID provider for the implicit-flow demo. Everything below comes from the tenant file and is read-only here." }

            section.card aria-labelledby="endpoints" {
                h2 #endpoints { "Endpoints" }
                p.muted { "Clients find all of these in the discovery document; nothing else needs configuring." }
                dl {
                    dt { "Discovery" } dd { a href=(state.urls.discovery) { code { (state.urls.discovery) } } }
                    dt { "Signing keys (JWKS)" } dd { a href=(state.urls.jwks) { code { (state.urls.jwks) } } }
                    dt { "Authorization" } dd { code { (state.urls.authorize) } }
                    dt { "UserInfo" } dd { code { (state.urls.userinfo) } }
                    dt { "Logout" } dd { code { (state.urls.end_session) } " and " code { (state.urls.base) "/v2/logout" } }
                    @if dev_controls {
                        dt { "Dev controls" } dd { a href="/dev/state" { code { "/dev/state" } } " (fault injection, key rotation; off with " code { "dev_controls = false" } ")" }
                    }
                }
            }

            section.card aria-labelledby="apis" {
                h2 #apis { "APIs" }
                p.muted { "Resource servers. A client asks for a token for one of them with " code { "audience" } "; it becomes the token's " code { "aud" } "." }
                @for api in &tenant.apis {
                    h3 { (api.name) }
                    p { "Identifier: " code { (api.identifier) } }
                    table {
                        thead { tr { th scope="col" { "Scope" } th scope="col" { "Shown on the consent page as" } } }
                        tbody {
                            @for s in &api.scopes {
                                tr { td { code { (s.scope.as_str()) } } td { (s.description) } }
                            }
                        }
                    }
                }
                @if let Some(audience) = &tenant.default_audience {
                    p { "Default audience (used when a request names none): " code { (audience) } }
                }
            }

            section.card aria-labelledby="clients" {
                h2 #clients { "Applications" }
                p.muted { "Single-page apps allowed to use the implicit flow. Every URL is compared as an exact string." }
                @for client in &tenant.clients {
                    h3 { (client.name) }
                    dl {
                        dt { "Client ID" } dd { code { (client.client_id.as_str()) } }
                        dt { "Allowed callback URLs" }
                        dd { ul { @for uri in &client.callbacks { li { code { (uri.as_str()) } } } } p.muted { "Where tokens may be sent (" code { "redirect_uri" } ")." } }
                        dt { "Allowed web origins" }
                        dd { ul { @for origin in &client.web_origins { li { code { (origin) } } } } p.muted { "May frame silent authentication, receive web messages and call /userinfo." } }
                        dt { "Allowed logout URLs" }
                        dd { ul { @for url in &client.logout_urls { li { code { (url) } } } } p.muted { "Where logout may return to." } }
                    }
                }
            }

            section.card aria-labelledby="users" {
                h2 #users { "Users" }
                p.muted { "Demo accounts; passwords are hashed with Argon2id at start-up and shown here because they are public." }
                table {
                    thead { tr { th scope="col" { "Username" } th scope="col" { "Password" } th scope="col" { "sub" } th scope="col" { "Name" } th scope="col" { "Email" } } }
                    tbody {
                        @for user in &tenant.users {
                            tr {
                                td { code { (user.username) } }
                                td { code { (user.password_hint) } }
                                td { code { (user.sub) } }
                                td { (user.name) }
                                td { (user.email) @if user.email_verified { " ✓" } }
                            }
                        }
                    }
                }
            }

            section.card aria-labelledby="keys" {
                h2 #keys { "Signing keys" }
                p.muted { "RS256 keys in the JWKS. The next key is published before it signs; a previous key stays until its tokens have expired." }
                table {
                    thead { tr { th scope="col" { "Key id (kid)" } th scope="col" { "State" } } }
                    tbody {
                        @for key in keys {
                            tr { td { code.kid { (key.kid) } } td { (key.status) } }
                        }
                    }
                }
            }

            section.card aria-labelledby="lifetimes" {
                h2 #lifetimes { "Lifetimes" }
                dl {
                    dt { "Access token" } dd { (lifetimes.access_token_secs) " s" }
                    dt { "ID token" } dd { (lifetimes.id_token_secs) " s" }
                    dt { "Session, idle" } dd { (lifetimes.sso_idle_secs) " s" }
                    dt { "Session, absolute" } dd { (lifetimes.sso_absolute_secs) " s" }
                }
            }
        },
    )
}

/// A round avatar with the user's initial, for users without a picture.
pub fn avatar_svg(user: &User) -> String {
    let initial: String = user
        .name
        .chars()
        .find(|c| c.is_alphanumeric())
        .map(|c| c.to_uppercase().collect())
        .unwrap_or_default();
    // A hue from the username, so each user keeps a colour.
    let hue = user
        .username
        .bytes()
        .fold(0u32, |h, b| h.wrapping_mul(31).wrapping_add(u32::from(b)))
        % 360;
    let initial = html! { (initial) }.into_string();
    format!(
        r##"<svg xmlns="http://www.w3.org/2000/svg" width="96" height="96" viewBox="0 0 96 96"><circle cx="48" cy="48" r="48" fill="hsl({hue},45%,38%)"/><text x="48" y="62" font-family="system-ui,sans-serif" font-size="44" text-anchor="middle" fill="#fff">{initial}</text></svg>"##
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn script_data_cannot_close_the_script_element() {
        let page = web_message(
            r#"{"state":"</script><script>alert(1)</script>"}"#,
            "http://localhost:3000",
            "n0nce",
        )
        .into_string();
        assert!(!page.contains("</script><script>"), "{page}");
        assert!(page.contains(r#"\u003c/script\u003e"#), "{page}");
        assert!(page.contains(r#"nonce="n0nce""#));
    }
}
