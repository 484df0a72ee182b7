//! The single-use records, sessions and refresh tokens to items and back.

use aws_sdk_dynamodb::types::AttributeValue;

use super::{
    Item,
    items::{get_n, get_s, is_true, opt_n, opt_s, record},
    n, s,
};
use crate::store::{
    AuthCode, BrowserSession, LogoutRequest, NewRecord, Recovery, RefreshRecord, Session,
    StoreError, Verification,
    keys::{Key, attr},
};

impl NewRecord {
    pub(crate) fn item(&self) -> Item {
        match self {
            NewRecord::Approval {
                token_hash,
                member_id,
                expires_at,
            } => approval_item(token_hash, member_id, *expires_at),
            NewRecord::Verification(v) => v.item(),
        }
    }
}

pub(crate) fn approval_item(token_hash: &str, member_id: &str, expires_at: u64) -> Item {
    record(
        Key::Approval { token_hash },
        vec![
            (attr::MEMBER_ID, Some(s(member_id))),
            (attr::EXPIRES_AT, Some(n(expires_at))),
        ],
    )
}

impl Verification {
    pub(crate) fn item(&self) -> Item {
        record(
            Key::Verification(&self.id),
            vec![
                (attr::MEMBER_ID, self.member_id.as_deref().map(s)),
                (attr::CODE_HASH, Some(s(&self.code_hash))),
                (attr::ATTEMPTS, Some(n(self.attempts))),
                (attr::EXPIRES_AT, Some(n(self.expires_at))),
            ],
        )
    }

    pub(crate) fn from_item(id: &str, item: &Item) -> Result<Self, StoreError> {
        Ok(Self {
            id: id.to_string(),
            member_id: opt_s(item, attr::MEMBER_ID),
            code_hash: get_s(item, attr::CODE_HASH)?.to_string(),
            attempts: get_n(item, attr::ATTEMPTS)?,
            expires_at: get_n(item, attr::EXPIRES_AT)?,
        })
    }
}

impl AuthCode {
    pub(crate) fn item(&self) -> Item {
        record(
            Key::AuthCode {
                code_hash: &self.code_hash,
            },
            vec![
                (attr::MEMBER_ID, Some(s(&self.member_id))),
                (attr::CLIENT_ID, Some(s(&self.client_id))),
                (attr::REDIRECT_URI, Some(s(&self.redirect_uri))),
                (attr::CODE_CHALLENGE, Some(s(&self.code_challenge))),
                (attr::SESSION_ID, Some(s(&self.session_id))),
                (attr::TOKEN_VERSION, Some(n(self.token_version))),
                (attr::EXPIRES_AT, Some(n(self.expires_at))),
            ],
        )
    }

    pub(crate) fn from_item(code_hash: &str, item: &Item) -> Result<Self, StoreError> {
        Ok(Self {
            code_hash: code_hash.to_string(),
            member_id: get_s(item, attr::MEMBER_ID)?.to_string(),
            client_id: get_s(item, attr::CLIENT_ID)?.to_string(),
            redirect_uri: get_s(item, attr::REDIRECT_URI)?.to_string(),
            code_challenge: get_s(item, attr::CODE_CHALLENGE)?.to_string(),
            session_id: get_s(item, attr::SESSION_ID)?.to_string(),
            token_version: get_n(item, attr::TOKEN_VERSION)?,
            expires_at: get_n(item, attr::EXPIRES_AT)?,
        })
    }
}

impl Session {
    pub(crate) fn item(&self) -> Item {
        record(
            Key::Session(&self.id),
            vec![
                (attr::MEMBER_ID, Some(s(&self.member_id))),
                (attr::CLIENT_ID, Some(s(&self.client_id))),
                (attr::REVOKED, Some(AttributeValue::Bool(self.revoked))),
                (attr::EXPIRES_AT, Some(n(self.expires_at))),
                (attr::TOKEN_VERSION, self.token_version.map(n)),
            ],
        )
    }

    /// A revoked marker (a session revoked before it opened) has only `revoked`.
    pub(crate) fn from_item(id: &str, item: &Item) -> Self {
        Self {
            id: id.to_string(),
            member_id: opt_s(item, attr::MEMBER_ID).unwrap_or_default(),
            client_id: opt_s(item, attr::CLIENT_ID).unwrap_or_default(),
            revoked: is_true(item, attr::REVOKED),
            expires_at: opt_n(item, attr::EXPIRES_AT).unwrap_or_default(),
            token_version: opt_n(item, attr::TOKEN_VERSION),
        }
    }
}

impl RefreshRecord {
    pub(crate) fn item(&self) -> Item {
        record(
            Key::Refresh {
                token_hash: &self.token_hash,
            },
            vec![
                (attr::SUBJECT, Some(s(&self.subject))),
                // A member's refresh token (it belongs to a session) is found by the
                // member index when the member is erased; a visitor's is nobody's.
                (
                    attr::MEMBER_ID,
                    self.session_id.as_ref().map(|_| s(&self.subject)),
                ),
                (attr::SESSION_ID, self.session_id.as_deref().map(s)),
                (attr::TOKEN_VERSION, self.token_version.map(n)),
                (attr::CLIENT_ID, Some(s(&self.client_id))),
                (attr::EXPIRES_AT, Some(n(self.expires_at))),
            ],
        )
    }

    pub(crate) fn from_item(token_hash: &str, item: &Item) -> Result<Self, StoreError> {
        Ok(Self {
            token_hash: token_hash.to_string(),
            subject: get_s(item, attr::SUBJECT)?.to_string(),
            session_id: opt_s(item, attr::SESSION_ID),
            token_version: opt_n(item, attr::TOKEN_VERSION),
            client_id: get_s(item, attr::CLIENT_ID)?.to_string(),
            expires_at: get_n(item, attr::EXPIRES_AT)?,
        })
    }
}

impl Recovery {
    pub(crate) fn item(&self) -> Item {
        record(
            Key::Recovery {
                token_hash: &self.token_hash,
            },
            vec![
                (attr::MEMBER_ID, Some(s(&self.member_id))),
                (attr::REDIRECT_URL, self.redirect_url.as_deref().map(s)),
                (attr::CLIENT_ID, self.client_id.as_deref().map(s)),
                (attr::EXPIRES_AT, Some(n(self.expires_at))),
            ],
        )
    }

    pub(crate) fn from_item(token_hash: &str, item: &Item) -> Result<Self, StoreError> {
        Ok(Self {
            token_hash: token_hash.to_string(),
            member_id: get_s(item, attr::MEMBER_ID)?.to_string(),
            redirect_url: opt_s(item, attr::REDIRECT_URL),
            client_id: opt_s(item, attr::CLIENT_ID),
            expires_at: get_n(item, attr::EXPIRES_AT)?,
        })
    }
}

impl BrowserSession {
    pub(crate) fn item(&self) -> Item {
        record(
            Key::Browser {
                token_hash: &self.token_hash,
            },
            vec![
                (attr::MEMBER_ID, Some(s(&self.member_id))),
                (attr::TOKEN_VERSION, Some(n(self.token_version))),
                (attr::EXPIRES_AT, Some(n(self.expires_at))),
            ],
        )
    }

    pub(crate) fn from_item(token_hash: &str, item: &Item) -> Result<Self, StoreError> {
        Ok(Self {
            token_hash: token_hash.to_string(),
            member_id: get_s(item, attr::MEMBER_ID)?.to_string(),
            token_version: get_n(item, attr::TOKEN_VERSION)?,
            expires_at: get_n(item, attr::EXPIRES_AT)?,
        })
    }
}

impl LogoutRequest {
    pub(crate) fn item(&self) -> Item {
        record(
            Key::Logout(&self.id),
            vec![
                (attr::SESSION_ID, self.session_id.as_deref().map(s)),
                (attr::CLIENT_ID, Some(s(&self.client_id))),
                (attr::POST_FLOW_URL, Some(s(&self.post_flow_url))),
                (attr::EXPIRES_AT, Some(n(self.expires_at))),
            ],
        )
    }

    pub(crate) fn from_item(id: &str, item: &Item) -> Result<Self, StoreError> {
        Ok(Self {
            id: id.to_string(),
            session_id: opt_s(item, attr::SESSION_ID),
            client_id: get_s(item, attr::CLIENT_ID)?.to_string(),
            post_flow_url: get_s(item, attr::POST_FLOW_URL)?.to_string(),
            expires_at: get_n(item, attr::EXPIRES_AT)?,
        })
    }
}
