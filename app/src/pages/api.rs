use auth_client::{ApiError, ApiRequest, Credentials, RenewalState, use_auth_client};
use leptos::prelude::*;
use leptos_meta::Title;
use protocol::{BearerChallenge, ErrorCode};

use crate::components::{ClientOnly, EventLogView, LoginButton};

/// The result of one API call, as the page shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
struct ApiResult {
    /// Method and path called.
    request: String,
    /// HTTP status.
    status: u16,
    /// `WWW-Authenticate`, if any (RFC 6750 §3).
    www_authenticate: Option<String>,
    /// The body (JSON text).
    body: String,
}

/// One call the page makes.
#[derive(Debug, Clone)]
struct Call {
    method: &'static str,
    path: &'static str,
    body: Option<String>,
    credentials: Credentials,
}

/// Calls to the protected API with `Authorization: Bearer` (RFC 6750 §2.1),
/// showing the JSON or the error the API answered (RFC 6750 §3). The client
/// renews once and retries when the API says `invalid_token`.
#[component]
pub fn ApiPage() -> impl IntoView {
    let client = use_auth_client();
    let call = Action::new_local(move |call: &Call| {
        let call = call.clone();
        async move {
            let request = ApiRequest {
                method: call.method,
                path: call.path,
                body: call.body.as_deref(),
                credentials: call.credentials,
            };
            client.fetch(request).await.map(|r| ApiResult {
                request: format!("{} {}", call.method, call.path),
                status: r.status,
                www_authenticate: r.www_authenticate,
                body: r.body,
            })
        }
    });
    let value = call.value();
    let result = Signal::derive(move || value.get());
    let message = RwSignal::new(String::new());
    let endpoints: [(&'static str, &'static str, &'static str, Credentials); 4] = [
        (
            "GET",
            "/api/public",
            "no token needed, so none is sent",
            Credentials::None,
        ),
        (
            "GET",
            "/api/private",
            "any valid token",
            Credentials::AccessToken,
        ),
        (
            "GET",
            "/api/private-scoped",
            "needs read:messages",
            Credentials::AccessToken,
        ),
        (
            "GET",
            "/api/messages",
            "your messages; needs read:messages",
            Credentials::AccessToken,
        ),
    ];
    view! {
        <Title text="API"/>
        <section>
            <h1>"Call the API"</h1>
            <p class="hint">"Each call that needs the access token sends it in the Authorization header, never in the URL."</p>
            <ClientOnly>
                <ul class="api-calls">
                    {endpoints.into_iter().map(|(method, path, what, credentials)| view! {
                        <li>
                            <button type="button" on:click=move |_| { call.dispatch_local(Call { method, path, body: None, credentials }); }>
                                {format!("{method} {path}")}
                            </button>
                            <span class="hint">{what}</span>
                        </li>
                    }).collect_view()}
                </ul>
                <form
                    class="post-message"
                    on:submit=move |event| {
                        event.prevent_default();
                        let body = serde_json::json!({ "text": message.get_untracked() }).to_string();
                        call.dispatch_local(Call {
                            method: "POST",
                            path: "/api/messages",
                            body: Some(body),
                            credentials: Credentials::AccessToken,
                        });
                    }
                >
                    <label for="message">"New message (needs write:messages)"</label>
                    <input
                        id="message"
                        type="text"
                        maxlength="500"
                        prop:value=move || message.get()
                        on:input=move |event| message.set(event_target_value(&event))
                    />
                    <button type="submit">"POST /api/messages"</button>
                </form>
                <ApiResultView result/>
                <SessionEndedNotice/>
            </ClientOnly>
        </section>
        <EventLogView/>
    }
}

/// When the API refused the token and silent renewal could not help, the
/// user has to log in again: say so here, where the call failed.
#[component]
fn SessionEndedNotice() -> impl IntoView {
    let client = use_auth_client();
    move || match client.renewal().get() {
        RenewalState::SessionEnded { reason } => Some(view! {
            <div class="status-bad callout" role="alert" data-testid="api-session-ended">
                <p>{reason.to_string()}</p>
                <LoginButton label="Log in again"/>
            </div>
        }),
        _ => None,
    }
}

/// The last call's answer; a 403 `insufficient_scope` offers to ask for the
/// missing scopes (incremental consent). A one-line summary of it is a live
/// region, there before the first call, so that screen readers announce each
/// answer without reading out the whole body.
#[component]
fn ApiResultView(result: Signal<Option<Result<ApiResult, ApiError>>>) -> impl IntoView {
    let summary = move || {
        result.with(|outcome| match outcome {
            None => String::new(),
            Some(Err(error)) => format!("The call failed: {error}"),
            Some(Ok(response)) => {
                let error = response
                    .www_authenticate
                    .as_deref()
                    .map(BearerChallenge::parse)
                    .and_then(|c| c.error);
                match error {
                    Some(error) => format!("{} → {} {error}", response.request, response.status),
                    None => format!("{} → {}", response.request, response.status),
                }
            }
        })
    };
    view! {
        <p class="visually-hidden" role="status" aria-label="API result">{summary}</p>
        <ApiAnswer result/>
    }
}

#[component]
fn ApiAnswer(result: Signal<Option<Result<ApiResult, ApiError>>>) -> impl IntoView {
    move || {
        result.get().map(|outcome| match outcome {
            Err(error) => view! {
                <div class="status-bad callout" data-testid="api-failed">{format!("The call failed: {error}")}</div>
            }
            .into_any(),
            Ok(response) => {
                let challenge = response.www_authenticate.as_deref().map(BearerChallenge::parse);
                let missing_scope = challenge
                    .as_ref()
                    .filter(|c| c.error == Some(ErrorCode::InsufficientScope))
                    .and_then(|c| c.scope.clone())
                    .filter(|scopes| !scopes.is_empty());
                let class = if response.status < 400 { "api-result status-ok" } else { "api-result status-bad" };
                view! {
                    <div class=class data-testid="api-result">
                        <p>
                            <strong>{response.request.clone()}</strong>" → "
                            <span data-testid="api-status">{response.status}</span>
                        </p>
                        {response.www_authenticate.clone().map(|h| view! {
                            <p>"WWW-Authenticate: "<code data-testid="www-authenticate">{h}</code></p>
                        })}
                        <pre data-testid="api-body">{response.body.clone()}</pre>
                        {missing_scope.map(|scope| {
                            let label = format!("Log in again asking for {scope}");
                            view! {
                                <p>"The token lacks a scope this call needs. Ask the user to consent to it (RFC 6750 §3.1):"</p>
                                <LoginButton label extra_scope=scope return_to="/api"/>
                            }
                        })}
                    </div>
                }
                .into_any()
            }
        })
    }
}
