//! `/api/messages`: each user's own short list of messages, in memory.
//!
//! Reading needs `read:messages`, writing `write:messages` (the scopes are
//! types, see [`RequiredScope`]). Messages are keyed by the token's `sub`, so
//! a user only ever sees their own; ids count per user, so they reveal
//! nothing about other users either. Everything is bounded: message length,
//! messages per user (the oldest go first), users.

use std::{
    collections::{HashMap, VecDeque},
    fmt,
    sync::{PoisonError, RwLock},
};

use axum::{
    Json,
    extract::{State, rejection::JsonRejection},
    http::StatusCode,
};
use serde::{
    Deserialize, Deserializer, Serialize,
    de::{MapAccess, Visitor, value::MapAccessDeserializer},
};

use bearer_auth::{Authorized, RequiredScope};

use super::{AppState, error::ApiError};

/// The longest message, in characters.
pub const MAX_MESSAGE_CHARS: usize = 280;
/// Messages kept per user; posting more drops the oldest.
pub const MAX_MESSAGES_PER_USER: usize = 50;
/// Users with messages; past this, new users cannot post.
pub const MAX_USERS: usize = 10_000;

/// The scope to read one's messages.
#[derive(Debug, Clone, Copy)]
pub struct ReadMessages;

impl RequiredScope for ReadMessages {
    const SCOPE: &'static str = "read:messages";
}

/// The scope to post a message.
#[derive(Debug, Clone, Copy)]
pub struct WriteMessages;

impl RequiredScope for WriteMessages {
    const SCOPE: &'static str = "write:messages";
}

/// One stored message.
#[derive(Debug, Clone, Serialize)]
pub struct Message {
    /// Per user, from 1.
    pub id: u64,
    /// As posted.
    pub text: String,
    /// Unix seconds.
    pub created_at: u64,
}

/// The body of `POST /api/messages`: a JSON object with exactly `text`.
#[derive(Debug)]
pub struct NewMessage {
    /// 1 to [`MAX_MESSAGE_CHARS`] characters, not only whitespace, no
    /// control characters but newlines.
    pub text: String,
}

impl<'de> Deserialize<'de> for NewMessage {
    /// Only an object: serde's derive would also take `["text"]`.
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(deny_unknown_fields)]
        struct Fields {
            text: String,
        }
        struct ObjectOnly;
        impl<'de> Visitor<'de> for ObjectOnly {
            type Value = Fields;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(r#"an object {"text": "..."}"#)
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Fields, A::Error> {
                Fields::deserialize(MapAccessDeserializer::new(map))
            }
        }
        let Fields { text } = deserializer.deserialize_map(ObjectOnly)?;
        Ok(Self { text })
    }
}

impl NewMessage {
    fn validate(self) -> Result<String, ApiError> {
        if self.text.trim().is_empty() {
            return Err(ApiError::Invalid("text must not be empty"));
        }
        if self.text.chars().count() > MAX_MESSAGE_CHARS {
            return Err(ApiError::Invalid("text is longer than 280 characters"));
        }
        if self.text.chars().any(|c| c.is_control() && c != '\n') {
            return Err(ApiError::Invalid("text contains control characters"));
        }
        Ok(self.text)
    }
}

/// The body of `GET /api/messages`.
#[derive(Debug, Serialize)]
pub struct MessageList {
    /// Oldest first.
    pub messages: Vec<Message>,
}

#[derive(Default)]
struct UserMessages {
    next_id: u64,
    messages: VecDeque<Message>,
}

/// Every user's messages, keyed by `sub`.
#[derive(Default)]
pub struct MessageStore {
    users: RwLock<HashMap<String, UserMessages>>,
}

impl MessageStore {
    fn list(&self, sub: &str) -> Vec<Message> {
        self.users
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .get(sub)
            .map(|user| user.messages.iter().cloned().collect())
            .unwrap_or_default()
    }

    fn add(&self, sub: &str, text: String, now: u64) -> Result<Message, ApiError> {
        let mut users = self.users.write().unwrap_or_else(PoisonError::into_inner);
        if !users.contains_key(sub) && users.len() >= MAX_USERS {
            return Err(ApiError::StoreFull);
        }
        let user = users.entry(sub.to_owned()).or_default();
        user.next_id += 1;
        let message = Message {
            id: user.next_id,
            text,
            created_at: now,
        };
        user.messages.push_back(message.clone());
        if user.messages.len() > MAX_MESSAGES_PER_USER {
            user.messages.pop_front();
        }
        Ok(message)
    }
}

/// `GET /api/messages`: the caller's own messages.
pub async fn messages_get(
    State(state): State<AppState>,
    auth: Authorized<ReadMessages>,
) -> Json<MessageList> {
    Json(MessageList {
        messages: state.messages.list(&auth.claims.sub),
    })
}

/// `POST /api/messages` with `{"text": "..."}`: 201 and the stored message.
/// The token is checked before the body is read, so an unauthenticated
/// caller learns nothing about input validation.
pub async fn messages_post(
    State(state): State<AppState>,
    auth: Authorized<WriteMessages>,
    body: Result<Json<NewMessage>, JsonRejection>,
) -> Result<(StatusCode, Json<Message>), ApiError> {
    let Json(new) = body?;
    let text = new.validate()?;
    let message = state
        .messages
        .add(&auth.claims.sub, text, state.clock.now_secs())?;
    Ok((StatusCode::CREATED, Json(message)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(s: &str) -> Result<String, ApiError> {
        NewMessage { text: s.into() }.validate()
    }

    #[test]
    fn a_message_must_have_visible_text_within_the_limit() {
        assert!(text("hello\nworld").is_ok());
        assert!(text(&"é".repeat(MAX_MESSAGE_CHARS)).is_ok());
        assert!(text(&"é".repeat(MAX_MESSAGE_CHARS + 1)).is_err());
        assert!(text("   ").is_err());
        assert!(text("").is_err());
        assert!(text("bell\u{7}").is_err());
        assert!(text("nul\0").is_err());
    }

    #[test]
    fn each_user_keeps_only_the_newest_messages_with_ids_of_their_own() {
        let store = MessageStore::default();
        for i in 0..MAX_MESSAGES_PER_USER + 5 {
            store.add("alice", format!("m{i}"), 0).unwrap();
        }
        let bob = store.add("bob", "hi".into(), 0).unwrap();
        assert_eq!(bob.id, 1, "ids count per user");
        let alice = store.list("alice");
        assert_eq!(alice.len(), MAX_MESSAGES_PER_USER);
        assert_eq!(alice[0].text, "m5", "the oldest went first");
        assert_eq!(store.list("carol").len(), 0);
    }

    #[test]
    fn scope_names_are_valid_scope_tokens() {
        for scope in [ReadMessages::SCOPE, WriteMessages::SCOPE] {
            assert!(protocol::Scope::new(scope).is_ok(), "{scope}");
        }
    }
}
