//! A public name for one authorization request, so that the client's steps
//! and the issuer's decisions on the same request can be lined up.

use std::{fmt, str::FromStr};

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// The first four bytes of the SHA-256 of a request's `state`, written as
/// eight hex digits (`"1a2b3c4d"`). The client and the issuer each derive it
/// from the `state` they hold, so each side's log can say which request a
/// step belongs to without writing `state` itself, which must stay
/// unguessable until its response is back (RFC 6749 §10.12). Four bytes tell
/// the requests of a session apart; they do not identify one globally.
///
/// Either side computes the SHA-256 its own way (WebCrypto in the browser),
/// so this type takes the digest, not `state`.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Tx([u8; 4]);

impl Tx {
    /// From the SHA-256 digest of `state`.
    pub fn from_state_sha256(digest: &[u8; 32]) -> Self {
        Self([digest[0], digest[1], digest[2], digest[3]])
    }
}

impl fmt::Display for Tx {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.iter().try_for_each(|b| write!(f, "{b:02x}"))
    }
}

impl fmt::Debug for Tx {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Tx({self})")
    }
}

/// Why a string is not a [`Tx`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("a tx is eight lowercase hex digits")]
pub struct TxError;

impl FromStr for Tx {
    type Err = TxError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let digits = s.as_bytes();
        if digits.len() != 8 {
            return Err(TxError);
        }
        let nibble = |d: u8| match d {
            b'0'..=b'9' => Ok(d - b'0'),
            b'a'..=b'f' => Ok(d - b'a' + 10),
            _ => Err(TxError),
        };
        let mut bytes = [0; 4];
        for (byte, pair) in bytes.iter_mut().zip(digits.chunks_exact(2)) {
            *byte = nibble(pair[0])? << 4 | nibble(pair[1])?;
        }
        Ok(Self(bytes))
    }
}

impl Serialize for Tx {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Tx {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_tx_is_the_first_four_bytes_of_the_digest_in_hex() {
        // SHA-256("abc") = ba7816bf 8f01cfea …
        let digest = [
            0xba, 0x78, 0x16, 0xbf, 0x8f, 0x01, 0xcf, 0xea, 0x41, 0x41, 0x40, 0xde, 0x5d, 0xae,
            0x22, 0x23, 0xb0, 0x03, 0x61, 0xa3, 0x96, 0x17, 0x7a, 0x9c, 0xb4, 0x10, 0xff, 0x61,
            0xf2, 0x00, 0x15, 0xad,
        ];
        let tx = Tx::from_state_sha256(&digest);
        assert_eq!(tx.to_string(), "ba7816bf");
        assert_eq!(serde_json::to_string(&tx).unwrap(), r#""ba7816bf""#);
        assert_eq!(serde_json::from_str::<Tx>(r#""ba7816bf""#).unwrap(), tx);
    }

    #[test]
    fn only_eight_lowercase_hex_digits_parse() {
        assert_eq!("00ff10a9".parse::<Tx>().unwrap().to_string(), "00ff10a9");
        for bad in [
            "",
            "00ff10a",
            "00ff10a90",
            "00FF10A9",
            "00ff10g9",
            "00ff 0a9",
        ] {
            assert_eq!(bad.parse::<Tx>(), Err(TxError), "{bad:?}");
        }
    }
}
