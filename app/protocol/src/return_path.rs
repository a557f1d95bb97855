//! Where to go after login: only paths of this origin (RFC 9700 §4.11,
//! open redirectors).

/// Returns `path` if it is a same-origin absolute path, else `/`.
///
/// An attacker who controls the stored return route must not turn the
/// callback into an open redirector, so anything that a browser could
/// resolve to another origin is replaced: absolute URLs, scheme-relative
/// `//host`, backslash tricks (`/\host`, which browsers treat as `//host`),
/// and control characters.
pub fn safe_return_path(path: &str) -> &str {
    let same_origin_path = path.starts_with('/')
        && !path.starts_with("//")
        && !path.starts_with("/\\")
        && !path.chars().any(|c| c.is_control() || c == '\\');
    if same_origin_path { path } else { "/" }
}

#[cfg(test)]
mod tests {
    use super::safe_return_path;

    #[test]
    fn a_same_origin_path_is_kept() {
        assert_eq!(safe_return_path("/api?x=1"), "/api?x=1");
        assert_eq!(safe_return_path("/"), "/");
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
            assert_eq!(safe_return_path(bad), "/", "{bad:?} was kept");
        }
    }
}
