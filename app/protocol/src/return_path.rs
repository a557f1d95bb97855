//! Where to go after login: only paths of this origin (RFC 9700 §4.11,
//! open redirectors).

use std::fmt;

use serde::{Deserialize, Serialize};

/// A same-origin absolute path to come back to after a login, checked once
/// when it is made (and again when read back from storage).
///
/// An attacker who controls the stored return route must not turn the
/// callback into an open redirector, so anything that a browser could
/// resolve to another origin becomes `/`: absolute URLs, scheme-relative
/// `//host`, backslash tricks (`/\host`, which browsers treat as `//host`),
/// and control characters.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(from = "String", into = "String")]
pub struct ReturnPath(String);

impl ReturnPath {
    /// `path` if it is a same-origin absolute path, else `/`.
    pub fn parse(path: &str) -> Self {
        let same_origin_path = path.starts_with('/')
            && !path.starts_with("//")
            && !path.starts_with("/\\")
            && !path.chars().any(|c| c.is_control() || c == '\\');
        Self(if same_origin_path { path } else { "/" }.to_owned())
    }

    /// The app's home, `/`.
    pub fn home() -> Self {
        Self("/".to_owned())
    }

    /// The path, to navigate to.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl From<String> for ReturnPath {
    fn from(path: String) -> Self {
        Self::parse(&path)
    }
}

impl From<ReturnPath> for String {
    fn from(path: ReturnPath) -> Self {
        path.0
    }
}

impl fmt::Display for ReturnPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::ReturnPath;

    #[test]
    fn a_same_origin_path_is_kept() {
        assert_eq!(ReturnPath::parse("/api?x=1").as_str(), "/api?x=1");
        assert_eq!(ReturnPath::parse("/"), ReturnPath::home());
    }

    #[test]
    fn anything_that_could_leave_the_origin_becomes_home() {
        for bad in [
            "//evil.example",
            "https://evil.example/",
            "/\\evil.example",
            "\\\\evil.example",
            "javascript:alert(1)",
            "evil",
            "",
            "/\tx",
            "/a\\b",
        ] {
            assert_eq!(
                ReturnPath::parse(bad),
                ReturnPath::home(),
                "{bad:?} was kept"
            );
        }
    }

    #[test]
    fn a_path_read_back_from_storage_is_checked_again() {
        let tampered: ReturnPath = serde_json::from_str(r#""//evil.example""#).unwrap();
        assert_eq!(tampered, ReturnPath::home());
        let kept = serde_json::to_string(&ReturnPath::parse("/profile")).unwrap();
        assert_eq!(kept, r#""/profile""#);
    }
}
