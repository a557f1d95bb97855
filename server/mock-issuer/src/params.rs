//! Request parameters (`application/x-www-form-urlencoded`, in a query or a
//! form body), read strictly: a malformed encoding or invalid UTF-8 is
//! refused rather than repaired, and a repeated parameter is an error (RFC
//! 6749 §3.1), never "the first one wins".

/// Longest query or form body accepted, in bytes. Real authorization
/// requests are well under 2 KiB.
pub const MAX_BYTES: usize = 8 * 1024;
/// Most parameters accepted in one request.
pub const MAX_PARAMS: usize = 64;

/// Decoded name/value pairs, in order.
#[derive(Debug, Clone, Default)]
pub struct Params(Vec<(String, String)>);

/// Why parameters cannot be read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum ParamsError {
    /// Longer than [`MAX_BYTES`].
    #[error("the request is too large")]
    TooLarge,
    /// More than [`MAX_PARAMS`] parameters.
    #[error("the request has too many parameters")]
    TooMany,
    /// A `%` not followed by two hex digits, or bytes that are not UTF-8.
    #[error("the request's parameters are not valid percent-encoded UTF-8")]
    BadEncoding,
}

/// A parameter that appears more than once (RFC 6749 §3.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("the parameter {0} appears more than once")]
pub struct Repeated(pub &'static str);

impl Params {
    /// Decodes `a=b&c=d` (`+` is a space, RFC 1866 §8.2.1).
    pub fn parse(raw: &[u8]) -> Result<Self, ParamsError> {
        if raw.len() > MAX_BYTES {
            return Err(ParamsError::TooLarge);
        }
        let mut pairs = Vec::new();
        for part in raw.split(|&b| b == b'&').filter(|p| !p.is_empty()) {
            if pairs.len() == MAX_PARAMS {
                return Err(ParamsError::TooMany);
            }
            let (name, value) = match part.iter().position(|&b| b == b'=') {
                Some(i) => (&part[..i], &part[i + 1..]),
                None => (part, &b""[..]),
            };
            pairs.push((decode(name)?, decode(value)?));
        }
        Ok(Self(pairs))
    }

    /// The value of `name`, if present. Parameters without a value count as
    /// omitted (RFC 6749 §3.1); a repeated one is an error.
    pub fn single(&self, name: &'static str) -> Result<Option<&str>, Repeated> {
        let mut values = self
            .0
            .iter()
            .filter(|(n, v)| n == name && !v.is_empty())
            .map(|(_, v)| v.as_str());
        let first = values.next();
        if values.next().is_some() {
            return Err(Repeated(name));
        }
        Ok(first)
    }

    /// The first value of `name`, repeated or not: for logging what was
    /// sent, never for deciding.
    pub fn first(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(n, v)| n == name && !v.is_empty())
            .map(|(_, v)| v.as_str())
    }
}

fn decode(input: &[u8]) -> Result<String, ParamsError> {
    let mut bytes = Vec::with_capacity(input.len());
    let mut i = 0;
    while i < input.len() {
        match input[i] {
            b'+' => bytes.push(b' '),
            b'%' => {
                let hex = |b: u8| (b as char).to_digit(16);
                let (Some(hi), Some(lo)) = (
                    input.get(i + 1).copied().and_then(hex),
                    input.get(i + 2).copied().and_then(hex),
                ) else {
                    return Err(ParamsError::BadEncoding);
                };
                bytes.push((hi * 16 + lo) as u8);
                i += 2;
            }
            b => bytes.push(b),
        }
        i += 1;
    }
    String::from_utf8(bytes).map_err(|_| ParamsError::BadEncoding)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parameters_are_percent_decoded_with_plus_as_space() {
        let p = Params::parse(b"scope=openid+profile&state=a%26b&x").unwrap();
        assert_eq!(p.single("scope"), Ok(Some("openid profile")));
        assert_eq!(p.single("state"), Ok(Some("a&b")));
        assert_eq!(
            p.single("x"),
            Ok(None),
            "a parameter without a value is omitted"
        );
        assert_eq!(p.single("nonce"), Ok(None));
    }

    #[test]
    fn a_repeated_parameter_is_an_error_even_with_equal_values() {
        let p = Params::parse(b"state=a&state=a").unwrap();
        assert_eq!(p.single("state"), Err(Repeated("state")));
        assert_eq!(p.first("state"), Some("a"));
        let p = Params::parse(b"state=&state=a").unwrap();
        assert_eq!(p.single("state"), Ok(Some("a")), "an empty one is omitted");
    }

    #[test]
    fn bad_percent_encoding_and_invalid_utf8_are_refused() {
        for bad in [
            &b"a=%"[..],
            b"a=%4",
            b"a=%zz",
            b"a=%FF",
            b"a=%C3%28",
            b"%80=1",
        ] {
            assert_eq!(
                Params::parse(bad).unwrap_err(),
                ParamsError::BadEncoding,
                "{}",
                String::from_utf8_lossy(bad)
            );
        }
        assert_eq!(
            Params::parse(b"a=%C3%A9").unwrap().single("a"),
            Ok(Some("é"))
        );
    }

    #[test]
    fn oversized_input_is_refused() {
        let long = vec![b'a'; MAX_BYTES + 1];
        assert_eq!(Params::parse(&long).unwrap_err(), ParamsError::TooLarge);
        let many = "a=1&".repeat(MAX_PARAMS + 1);
        assert_eq!(
            Params::parse(many.as_bytes()).unwrap_err(),
            ParamsError::TooMany
        );
    }
}
