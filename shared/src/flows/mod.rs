//! One module per operation. Flows take parsed input and answer domain results or
//! an `ApiError`; they know the store and the mailer, not HTTP.

pub mod account;
pub mod approve;
pub mod block;
pub mod captcha;
pub mod headless;
pub mod login;
pub mod oauth;
pub mod recovery;
pub mod register;
pub mod session;
pub mod throttle;

use std::time::{SystemTime, UNIX_EPOCH};

use time::{OffsetDateTime, format_description::well_known::Rfc3339};

use crate::{error::ApiError, store::StoreError};

pub fn epoch_seconds() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

/// Timestamps as Velo shows them: RFC 3339, UTC, millisecond precision.
pub fn timestamp() -> String {
    let now = OffsetDateTime::now_utc();
    let now = now
        .replace_nanosecond(now.millisecond() as u32 * 1_000_000)
        .unwrap_or(now);
    now.format(&Rfc3339).unwrap_or_default()
}

impl From<StoreError> for ApiError {
    fn from(err: StoreError) -> Self {
        match err {
            StoreError::EmailTaken => ApiError::EmailTaken,
            StoreError::Unavailable(cause) => ApiError::unavailable(cause),
            other => ApiError::internal(other),
        }
    }
}

impl From<crate::domain::password::HashingError> for ApiError {
    fn from(err: crate::domain::password::HashingError) -> Self {
        ApiError::internal(err)
    }
}

impl From<crate::domain::token::TokenError> for ApiError {
    fn from(err: crate::domain::token::TokenError) -> Self {
        ApiError::internal(err)
    }
}
