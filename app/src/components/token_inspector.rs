use leptos::prelude::*;
use protocol::{
    inspect::{Field, Inspected, TokenKind, inspect},
    spec,
};

use crate::components::{SpecLink, SpecRef};

/// What is inside a token: its header and claims, each with what it means
/// and the rule behind it, and for an ID token the check this client made
/// with it. The token itself (and its signature) is never shown.
#[component]
pub fn TokenInspector(
    /// The token; only its decoded parts are shown.
    token: String,
    kind: TokenKind,
    caption: &'static str,
    testid: &'static str,
) -> impl IntoView {
    match (inspect(&token, kind), kind) {
        (Ok(inspected), TokenKind::IdToken) => view! {
            <InspectedTable inspected caption testid/>
        }
        .into_any(),
        (Ok(inspected), TokenKind::AccessToken) => view! {
            <p class="hint" data-testid="access-token-note">
                "This client never reads its access token: it is for the API, which checks it, and "
                "to a client it is opaque ("<SpecLink spec=SpecRef::from(spec::RFC6749_ACCESS_TOKEN)/>
                "); its format may change at any time. Decoded here only to learn from."
            </p>
            <InspectedTable inspected caption testid/>
        }
        .into_any(),
        (Err(why), TokenKind::AccessToken) => view! {
            <p class="hint" data-testid=testid>
                {format!("{caption}: not a JWT ({why}), so nothing to decode. ")}
                "An opaque access token is allowed ("<SpecLink spec=SpecRef::from(spec::RFC6749_ACCESS_TOKEN)/>")."
            </p>
        }
        .into_any(),
        // Cannot happen after the callback's checks; said rather than hidden.
        (Err(why), TokenKind::IdToken) => view! {
            <p class="hint" data-testid=testid>{format!("{caption}: not a JWT ({why}).")}</p>
        }
        .into_any(),
    }
}

#[component]
fn InspectedTable(
    inspected: Inspected,
    caption: &'static str,
    testid: &'static str,
) -> impl IntoView {
    view! {
        <table class="claims inspector" data-testid=testid>
            <caption>{caption}</caption>
            <thead>
                <tr><th scope="col">"Name"</th><th scope="col">"Value"</th><th scope="col">"What it is"</th></tr>
            </thead>
            <tbody>
                <tr><th scope="rowgroup" colspan="3" class="group">"Header"</th></tr>
                {inspected.header.into_iter().map(|field| view! { <FieldRow field/> }).collect_view()}
            </tbody>
            <tbody>
                <tr><th scope="rowgroup" colspan="3" class="group">"Claims"</th></tr>
                {inspected.claims.into_iter().map(|field| view! { <FieldRow field/> }).collect_view()}
            </tbody>
        </table>
    }
}

/// One parameter or claim: name, value, meaning with its rule, and the
/// check that read it.
#[component]
fn FieldRow(field: Field) -> impl IntoView {
    let about = match field.about {
        Some(about) => view! {
            {about.meaning} " " <SpecLink spec=SpecRef::from(about.spec)/>
        }
        .into_any(),
        None => "not described here: see the provider's documentation".into_any(),
    };
    let name = field.name;
    let data_name = name.clone();
    view! {
        <tr data-name=data_name>
            <th scope="row"><code>{name}</code></th>
            <td>{field.value}</td>
            <td>
                {about}
                {field.checked_by.map(|check| view! {
                    <br/><span class="checked">"Checked by this client: " {check.label()}</span>
                })}
            </td>
        </tr>
    }
}
