//! Silent authentication (OIDC Core §3.1.2.1 `prompt=none`) in a hidden
//! iframe: when to renew, and which `postMessage` to believe.

use serde_json::Value;

use crate::ResponseMode;

/// The `type` of the message the SPA's silent-callback page posts to its
/// parent, with the fragment it received.
pub const SILENT_CALLBACK_MESSAGE: &str = "implicit.silent-callback";

/// The `type` of an Auth0-style `web_message` response.
pub const WEB_MESSAGE_TYPE: &str = "authorization_response";

/// When to renew a token: `lead` before it expires, or at 75 % of its
/// lifetime when `lead` is more than a quarter of it (short-lived tokens),
/// so a renewal is never scheduled before a token is even used; and never
/// sooner than [`MIN_RENEWAL_GAP_MS`] after the tokens arrived.
/// All times in milliseconds since the Unix epoch.
pub fn renewal_deadline(received_at_ms: u64, expires_at_ms: u64, lead_ms: u64) -> u64 {
    let lifetime = expires_at_ms.saturating_sub(received_at_ms);
    let deadline = expires_at_ms.saturating_sub(lead_ms.min(lifetime / 4));
    deadline.max(received_at_ms.saturating_add(MIN_RENEWAL_GAP_MS))
}

/// The soonest a renewal follows the tokens it replaces. A provider that
/// answers `expires_in=0` (or with tokens already expired) would otherwise
/// be asked again the moment each answer arrives, in a loop.
pub const MIN_RENEWAL_GAP_MS: u64 = 2_000;

/// How long to wait before renewing, from now: zero when already due. The
/// browser's timer may fire late (throttled background tabs, a sleeping
/// laptop), so callers recheck against the wall clock on
/// `visibilitychange` and `focus` too.
pub fn delay_until(deadline_ms: u64, now_ms: u64) -> u64 {
    deadline_ms.saturating_sub(now_ms).min(MAX_TIMER_DELAY_MS)
}

/// The longest timer the client sets: browsers keep `setTimeout` delays in
/// a signed 32-bit number of milliseconds (about 24.8 days) and fire a
/// longer one at once, so a later deadline is reached in steps of a day.
pub const MAX_TIMER_DELAY_MS: u64 = 24 * 60 * 60 * 1000;

/// Where a `postMessage` came from, as the browser reports it.
#[derive(Debug, Clone, Copy)]
pub struct MessageSource<'a> {
    /// `event.origin`.
    pub origin: &'a str,
    /// Whether `event.source` is the window of the iframe this client made.
    pub from_our_iframe: bool,
}

/// Returns the authorization response carried by a message, in the
/// fragment's `name=value&...` form, if the message is one to believe:
/// from the iframe this client created, and from the SPA's own origin (its
/// silent-callback page) or, with `web_message`, from the issuer's origin.
/// Anything else, including well-formed messages from other windows or
/// origins, is ignored.
pub fn accept_message(
    mode: ResponseMode,
    source: MessageSource<'_>,
    own_origin: &str,
    issuer_origin: &str,
    data: &Value,
) -> Option<String> {
    if !source.from_our_iframe {
        return None;
    }
    match mode {
        ResponseMode::Fragment => {
            if source.origin != own_origin || data.get("type")?.as_str()? != SILENT_CALLBACK_MESSAGE
            {
                return None;
            }
            data.get("fragment")?
                .as_str()
                .map(|f| f.trim_start_matches('#').to_owned())
        }
        ResponseMode::WebMessage => {
            if source.origin != issuer_origin || data.get("type")?.as_str()? != WEB_MESSAGE_TYPE {
                return None;
            }
            let response = data.get("response")?.as_object()?;
            let mut query = form_urlencoded::Serializer::new(String::new());
            for (name, value) in response {
                match value {
                    Value::String(s) => query.append_pair(name, s),
                    Value::Number(n) => query.append_pair(name, &n.to_string()),
                    _ => return None,
                };
            }
            Some(query.finish())
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    const SPA: &str = "http://localhost:3000";
    const ISSUER: &str = "http://localhost:9000";

    fn ours(origin: &str) -> MessageSource<'_> {
        MessageSource {
            origin,
            from_our_iframe: true,
        }
    }

    #[test]
    fn renewal_is_a_minute_before_expiry_for_long_tokens() {
        let hour = 3_600_000;
        assert_eq!(renewal_deadline(0, hour, 60_000), hour - 60_000);
    }

    #[test]
    fn short_tokens_renew_at_three_quarters_of_their_lifetime() {
        assert_eq!(renewal_deadline(1_000, 121_000, 60_000), 91_000);
        assert_eq!(renewal_deadline(0, 8_000, 60_000), 6_000);
    }

    #[test]
    fn tokens_that_expire_at_once_are_not_renewed_in_a_loop() {
        // expires_in=0: renewed 2 s after they arrived, not the moment they did.
        assert_eq!(renewal_deadline(5_000, 5_000, 60_000), 7_000);
        assert_eq!(renewal_deadline(5_000, 4_000, 60_000), 7_000);
        // Tokens kept from long ago (restored from storage) are due at once.
        let now = 100_000;
        assert!(renewal_deadline(5_000, 65_000, 60_000) <= now);
    }

    #[test]
    fn a_timer_never_exceeds_a_day_so_browsers_never_fire_it_at_once() {
        let in_a_year = 365 * 24 * 60 * 60 * 1000;
        assert_eq!(delay_until(in_a_year, 0), MAX_TIMER_DELAY_MS);
        assert_eq!(delay_until(u64::MAX, 0), MAX_TIMER_DELAY_MS);
        assert!(MAX_TIMER_DELAY_MS < i32::MAX as u64);
    }

    #[test]
    fn a_late_timer_renews_at_once() {
        assert_eq!(delay_until(10_000, 4_000), 6_000);
        assert_eq!(
            delay_until(10_000, 50_000),
            0,
            "woken long after the deadline"
        );
    }

    #[test]
    fn the_silent_callback_page_message_is_accepted_from_our_iframe_and_origin() {
        let data = json!({"type": SILENT_CALLBACK_MESSAGE, "fragment": "#access_token=a&state=s"});
        assert_eq!(
            accept_message(ResponseMode::Fragment, ours(SPA), SPA, ISSUER, &data).as_deref(),
            Some("access_token=a&state=s")
        );
    }

    #[test]
    fn a_forged_message_from_another_origin_or_window_is_ignored() {
        let data = json!({"type": SILENT_CALLBACK_MESSAGE, "fragment": "#access_token=a&state=s"});
        assert_eq!(
            accept_message(
                ResponseMode::Fragment,
                ours("https://evil.example"),
                SPA,
                ISSUER,
                &data
            ),
            None
        );
        let other_window = MessageSource {
            origin: SPA,
            from_our_iframe: false,
        };
        assert_eq!(
            accept_message(ResponseMode::Fragment, other_window, SPA, ISSUER, &data),
            None
        );
        // In fragment mode even the issuer's origin is not the sender.
        assert_eq!(
            accept_message(ResponseMode::Fragment, ours(ISSUER), SPA, ISSUER, &data),
            None
        );
        let wrong_type = json!({"type": "other", "fragment": "#access_token=a"});
        assert_eq!(
            accept_message(ResponseMode::Fragment, ours(SPA), SPA, ISSUER, &wrong_type),
            None
        );
        assert_eq!(
            accept_message(ResponseMode::Fragment, ours(SPA), SPA, ISSUER, &json!("x")),
            None
        );
    }

    #[test]
    fn a_web_message_is_accepted_only_from_the_issuer_origin() {
        let data = json!({"type": "authorization_response", "response": {
            "access_token": "a b", "expires_in": 120, "state": "s"
        }});
        let fragment =
            accept_message(ResponseMode::WebMessage, ours(ISSUER), SPA, ISSUER, &data).unwrap();
        let params: Vec<(String, String)> = form_urlencoded::parse(fragment.as_bytes())
            .into_owned()
            .collect();
        assert!(params.contains(&("access_token".into(), "a b".into())));
        assert!(params.contains(&("expires_in".into(), "120".into())));
        assert_eq!(
            accept_message(ResponseMode::WebMessage, ours(SPA), SPA, ISSUER, &data),
            None
        );
        let nested = json!({"type": "authorization_response", "response": {"state": {"x": 1}}});
        assert_eq!(
            accept_message(ResponseMode::WebMessage, ours(ISSUER), SPA, ISSUER, &nested),
            None
        );
    }
}
