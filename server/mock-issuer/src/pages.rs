//! The issuer's HTML pages, rendered with maud (which escapes every value it
//! interpolates). They work without JavaScript; the only script is the
//! `web_message` page's, allowed by a CSP nonce.

mod dashboard;

pub use self::dashboard::{avatar_svg, dashboard};

use maud::{DOCTYPE, Markup, PreEscaped, html};
use protocol::{Scope, ScopeSet};

use super::{
    paths,
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
                link rel="stylesheet" href=(paths::CSS);
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
                form method="post" action=(paths::LOGIN) {
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
                form.actions method="post" action=(paths::CONSENT) {
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
                form.actions method="post" action=(paths::END_SESSION_CONFIRM) {
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

#[cfg(test)]
mod tests;
