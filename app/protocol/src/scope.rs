//! Scopes and scope sets (RFC 6749 §3.3).

use std::{collections::BTreeSet, fmt, str::FromStr};

use serde::{Deserialize, Serialize};

/// One scope token (RFC 6749 §3.3):
/// `scope-token = 1*( %x21 / %x23-5B / %x5D-7E )`, so no spaces, quotes or backslashes.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Scope(String);

/// Why a string is not a scope token.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ScopeError {
    /// RFC 6749 §3.3: a scope token has at least one character.
    #[error("a scope must not be empty")]
    Empty,
    /// RFC 6749 §3.3: only %x21 / %x23-5B / %x5D-7E are allowed.
    #[error("the scope {0:?} contains a character RFC 6749 §3.3 does not allow")]
    BadCharacter(String),
}

impl Scope {
    /// OpenID Connect Core §3.1.2.1: present in every OpenID request.
    pub const OPENID: &'static str = "openid";

    /// Checks the RFC 6749 §3.3 grammar.
    pub fn new(value: impl Into<String>) -> Result<Self, ScopeError> {
        let value = value.into();
        if value.is_empty() {
            return Err(ScopeError::Empty);
        }
        let allowed = |b: u8| b == 0x21 || (0x23..=0x5B).contains(&b) || (0x5D..=0x7E).contains(&b);
        if !value.bytes().all(allowed) {
            return Err(ScopeError::BadCharacter(value));
        }
        Ok(Self(value))
    }

    /// The token as sent on the wire.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for Scope {
    type Error = ScopeError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::new(value)
    }
}

impl From<Scope> for String {
    fn from(value: Scope) -> Self {
        value.0
    }
}

impl fmt::Display for Scope {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A set of scopes: the space-delimited, order-insensitive `scope` parameter
/// (RFC 6749 §3.3). Displayed sorted, so equal sets print equally.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct ScopeSet(BTreeSet<Scope>);

impl ScopeSet {
    /// The empty set.
    pub fn new() -> Self {
        Self::default()
    }

    /// Whether `scope` is in the set.
    pub fn contains(&self, scope: &str) -> bool {
        self.0.iter().any(|s| s.as_str() == scope)
    }

    /// Whether every scope of `other` is in this set.
    pub fn contains_all(&self, other: &ScopeSet) -> bool {
        other.0.is_subset(&self.0)
    }

    /// The scopes of `self` that `other` lacks.
    pub fn difference(&self, other: &ScopeSet) -> ScopeSet {
        ScopeSet(self.0.difference(&other.0).cloned().collect())
    }

    /// The scopes in both sets.
    pub fn intersection(&self, other: &ScopeSet) -> ScopeSet {
        ScopeSet(self.0.intersection(&other.0).cloned().collect())
    }

    /// The scopes in either set.
    pub fn union(&self, other: &ScopeSet) -> ScopeSet {
        ScopeSet(self.0.union(&other.0).cloned().collect())
    }

    /// Adds a scope; returns whether it was new.
    pub fn insert(&mut self, scope: Scope) -> bool {
        self.0.insert(scope)
    }

    /// Whether the set is empty.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The number of scopes.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// The scopes in sorted order.
    pub fn iter(&self) -> impl Iterator<Item = &Scope> {
        self.0.iter()
    }
}

impl FromStr for ScopeSet {
    type Err = ScopeError;

    /// Splits on spaces (RFC 6749 §3.3: `scope-token *( SP scope-token )`);
    /// repeated spaces are tolerated, repeated scopes are merged.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        s.split(' ')
            .filter(|t| !t.is_empty())
            .map(Scope::new)
            .collect::<Result<BTreeSet<_>, _>>()
            .map(Self)
    }
}

impl TryFrom<String> for ScopeSet {
    type Error = ScopeError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        value.parse()
    }
}

impl From<ScopeSet> for String {
    fn from(value: ScopeSet) -> Self {
        value.to_string()
    }
}

impl FromIterator<Scope> for ScopeSet {
    fn from_iter<T: IntoIterator<Item = Scope>>(iter: T) -> Self {
        Self(iter.into_iter().collect())
    }
}

impl fmt::Display for ScopeSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, scope) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str(" ")?;
            }
            f.write_str(scope.as_str())?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set(s: &str) -> ScopeSet {
        s.parse().unwrap()
    }

    #[test]
    fn a_scope_parameter_is_an_unordered_set() {
        assert_eq!(set("openid read:messages"), set("read:messages  openid"));
        assert_eq!(set("b a a").to_string(), "a b");
        assert_eq!(set("b a a").len(), 2);
    }

    #[test]
    fn an_empty_parameter_is_the_empty_set() {
        assert!(set("").is_empty());
        assert!(set("   ").is_empty());
    }

    #[test]
    fn quotes_and_backslashes_are_not_scope_characters() {
        assert!(matches!(
            "a\"b".parse::<ScopeSet>(),
            Err(ScopeError::BadCharacter(_))
        ));
        assert!(matches!(
            "a\\b".parse::<ScopeSet>(),
            Err(ScopeError::BadCharacter(_))
        ));
        assert!(matches!(
            "é".parse::<ScopeSet>(),
            Err(ScopeError::BadCharacter(_))
        ));
        assert!(matches!(
            "a\tb".parse::<ScopeSet>(),
            Err(ScopeError::BadCharacter(_))
        ));
    }

    #[test]
    fn set_operations_answer_consent_questions() {
        let granted = set("openid read:messages");
        let asked = set("openid read:messages write:messages");
        assert!(!granted.contains_all(&asked));
        assert!(asked.contains_all(&granted));
        assert_eq!(asked.difference(&granted), set("write:messages"));
        assert_eq!(asked.intersection(&granted), granted);
        assert_eq!(granted.union(&asked), asked);
        assert!(asked.contains("write:messages"));
        assert!(!asked.contains("write"));
    }

    #[test]
    fn a_scope_set_round_trips_through_json_as_a_string() {
        let json = serde_json::to_string(&set("b a")).unwrap();
        assert_eq!(json, "\"a b\"");
        let back: ScopeSet = serde_json::from_str(&json).unwrap();
        assert_eq!(back, set("a b"));
        assert!(serde_json::from_str::<ScopeSet>("\"a\\\\b\"").is_err());
    }
}
