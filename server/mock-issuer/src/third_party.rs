//! Why a request carries no session: the user has none here, or the browser
//! sent no cookie into a frame of another site. Browsers say which in the
//! request's Fetch Metadata: `Sec-Fetch-Dest` and `Sec-Fetch-Site` (where the
//! request comes from) and, in Chromium since 133, `Sec-Fetch-Storage-Access`
//! (whether a cross-site request may carry the site's unpartitioned cookies).
//! A browser that sends no `Sec-Fetch-Storage-Access` (Safari, older
//! versions of the others) leaves the issuer unable to tell, and it says so.

use axum::http::HeaderMap;

/// `Sec-Fetch-Dest`, `Sec-Fetch-Site`, `Sec-Fetch-Storage-Access`.
const DEST: &str = "sec-fetch-dest";
const SITE: &str = "sec-fetch-site";
const STORAGE_ACCESS: &str = "sec-fetch-storage-access";

/// Where a request comes from, as far as cookies are concerned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Context {
    /// A top-level page, a same-site frame, or a browser that does not say:
    /// the browser sends the session cookie if it has one.
    FirstParty,
    /// A frame embedded by a page of another site (a renewal iframe):
    /// the session cookie is a third-party cookie there.
    ThirdPartyFrame(StorageAccess),
}

/// `Sec-Fetch-Storage-Access` (Storage Access Headers).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StorageAccess {
    /// `none`: the request may not carry unpartitioned cookies (blocked).
    None,
    /// `inactive`: it could, once the frame calls `requestStorageAccess()`.
    Inactive,
    /// `active`: it does.
    Active,
    /// No header: the browser does not say.
    Unsaid,
}

impl Context {
    /// The context of a request with these headers.
    pub fn of(headers: &HeaderMap) -> Self {
        let value = |name| headers.get(name).and_then(|v| v.to_str().ok());
        let frame = matches!(value(DEST), Some("iframe" | "frame"));
        if !(frame && value(SITE) == Some("cross-site")) {
            return Self::FirstParty;
        }
        Self::ThirdPartyFrame(match value(STORAGE_ACCESS) {
            Some("none") => StorageAccess::None,
            Some("inactive") => StorageAccess::Inactive,
            Some("active") => StorageAccess::Active,
            _ => StorageAccess::Unsaid,
        })
    }
}

/// Why a request found no session.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum NoSession {
    /// The browser would have sent a session cookie: the user is not
    /// logged in here (or the session ended).
    NotLoggedIn,
    /// A third-party frame whose browser says it sends it no cookies
    /// (`Sec-Fetch-Storage-Access: none` or `inactive`).
    ThirdPartyCookiesBlocked,
    /// A third-party frame with no cookie, from a browser that does not say
    /// whether it blocks them.
    ThirdPartyUnknown,
    /// A third-party frame's session cookie, ignored by the dev control as
    /// a browser that blocks third-party cookies would not have sent it.
    Simulated,
}

impl NoSession {
    /// Why, for a request in `context` that carried `cookie` (a session
    /// cookie, known or not).
    pub fn why(context: Context, cookie: bool) -> Self {
        match context {
            Context::ThirdPartyFrame(StorageAccess::None | StorageAccess::Inactive) if !cookie => {
                Self::ThirdPartyCookiesBlocked
            }
            Context::ThirdPartyFrame(StorageAccess::Unsaid) if !cookie => Self::ThirdPartyUnknown,
            _ => Self::NotLoggedIn,
        }
    }

    /// The `error_description` of the `login_required` it leads to.
    pub fn description(self) -> &'static str {
        match self {
            Self::NotLoggedIn => "no session at the authorization server",
            Self::ThirdPartyCookiesBlocked => {
                "no session cookie in a third-party context: the browser withholds \
                 third-party cookies here (Sec-Fetch-Storage-Access)"
            }
            Self::ThirdPartyUnknown => {
                "no session cookie in a third-party context: blocked third-party \
                 cookies or no login, the browser does not say which"
            }
            Self::Simulated => {
                "no session cookie in a third-party context: the dev control \
                 ignored it, as a browser that blocks third-party cookies would"
            }
        }
    }
}

#[cfg(test)]
mod tests;
