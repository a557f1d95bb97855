//! The issuer's own page: the tenant, read only, and the users' pictures.

use super::layout;
use maud::{Markup, html};

use crate::{Shared, keys::KeyInfo, paths, tenant::User};

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
                    dt { "Logout" } dd { code { (state.urls.end_session) } " and " code { (state.urls.base) (paths::AUTH0_LOGOUT) } }
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
