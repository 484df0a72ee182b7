//! Store outcomes, and their mapping to API errors at the call that expects them.

use crate::{domain::Member, error::ApiError};

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// Carries the member that holds the email, where the failed write learnt it.
    #[error("a member with this email already exists")]
    EmailTaken(Option<String>),
    #[error("another member has this slug")]
    SlugTaken,
    #[error("not found")]
    NotFound,
    /// A conditional update did not apply; carries the member as it was, if any.
    #[error("the member is not in the expected state")]
    StateMismatch(Option<Box<Member>>),
    #[error("DynamoDB unavailable: {0}")]
    Unavailable(String),
    #[error("stored item is malformed: {0}")]
    Corrupt(String),
}

/// The outcomes a caller may expect of a store call, as opposed to failures.
pub enum Expected {
    EmailTaken,
    SlugTaken,
    NotFound,
    StateMismatch(Option<Box<Member>>),
}

/// Dependency failures are 503s, corrupt items 500s, a taken email its 409; an
/// expected outcome nobody mapped is a bug (500). The store error stays the source.
impl From<StoreError> for ApiError {
    fn from(err: StoreError) -> Self {
        match err {
            StoreError::EmailTaken(_) => ApiError::EmailTaken,
            StoreError::SlugTaken => ApiError::SlugTaken,
            StoreError::Unavailable(_) => ApiError::unavailable(err),
            _ => ApiError::internal(err),
        }
    }
}

/// Maps a store call's expected outcomes where the call is made (in the spirit of
/// realworld-axum-sqlx's `on_constraint`); everything else maps as `From` does.
pub trait StoreResultExt<T> {
    /// Every expected outcome goes through `answer`.
    fn on_expected(self, answer: impl FnOnce(Expected) -> ApiError) -> Result<T, ApiError>;

    /// `NotFound` becomes `err`.
    fn on_not_found(self, err: ApiError) -> Result<T, ApiError>
    where
        Self: Sized,
    {
        self.on_expected(|expected| match expected {
            Expected::NotFound => err,
            Expected::EmailTaken => ApiError::EmailTaken,
            Expected::SlugTaken => ApiError::SlugTaken,
            Expected::StateMismatch(_) => ApiError::internal(StoreError::StateMismatch(None)),
        })
    }
}

impl<T> StoreResultExt<T> for Result<T, StoreError> {
    fn on_expected(self, answer: impl FnOnce(Expected) -> ApiError) -> Result<T, ApiError> {
        self.map_err(|err| match err {
            StoreError::EmailTaken(_) => answer(Expected::EmailTaken),
            StoreError::SlugTaken => answer(Expected::SlugTaken),
            StoreError::NotFound => answer(Expected::NotFound),
            StoreError::StateMismatch(member) => answer(Expected::StateMismatch(member)),
            other => other.into(),
        })
    }
}
