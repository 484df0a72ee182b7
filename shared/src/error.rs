//! The one error type every operation answers with. Each variant documents its HTTP
//! status and stable code; `http::respond` turns it into the Wix error envelope.

use serde::Serialize;

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct FieldViolation {
    pub field: String,
    pub description: String,
    #[serde(rename = "violatedRule")]
    pub violated_rule: &'static str,
    pub data: serde_json::Value,
}

impl FieldViolation {
    pub fn new(field: &str, rule: &'static str, description: impl Into<String>) -> Self {
        Self {
            field: field.to_string(),
            description: description.into(),
            violated_rule: rule,
            data: serde_json::json!({}),
        }
    }

    pub fn email(field: &str, description: impl Into<String>) -> Self {
        Self {
            data: serde_json::json!({ "type": "EMAIL" }),
            ..Self::new(field, "FORMAT", description)
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// 400 `INVALID_ARGUMENT`: fields failed validation.
    #[error("invalid request")]
    Validation(Vec<FieldViolation>),
    /// 400 `INVALID_JSON`: the body is not the JSON object this route takes.
    #[error("request body is not valid JSON: {0}")]
    MalformedBody(String),
    /// 409 `-19995`: a member with this email already exists.
    #[error("a member with this email already exists")]
    EmailTaken,
    /// 409 `SLUG_ALREADY_EXISTS`: another member has this slug.
    #[error("another member has this slug")]
    SlugTaken,
    /// 401 `-19976`: unknown email or wrong password, indistinguishable on purpose.
    #[error("email or password is incorrect")]
    WrongCredentials,
    /// 403 `MEMBER_PENDING`: the owner has not approved this member yet.
    #[error("this member is waiting for the site owner's approval")]
    MemberPending,
    /// 403 `MEMBER_BLOCKED`.
    #[error("this member is blocked")]
    MemberBlocked,
    /// 404 `MEMBER_NOT_FOUND`: only privileged methods say so.
    #[error("no such member")]
    MemberNotFound,
    /// 400 `INVALID_APPROVAL_TOKEN`: unknown, used or expired.
    #[error("the approval token is invalid, used or expired")]
    InvalidApprovalToken,
    /// 403 `EMAIL_NOT_VERIFIED`: the member has not entered its email code yet.
    #[error("this member has not verified its email yet")]
    EmailNotVerified,
    /// 400 `INVALID_CODE`: wrong, used, expired or exhausted (5 attempts) code.
    #[error("the code is invalid or expired")]
    InvalidCode,
    /// 400 `INVALID_STATE_TOKEN`: the stateToken is forged or expired.
    #[error("the state token is invalid or expired")]
    InvalidStateToken,
    /// 400 `-19971`: captcha is required and no token came.
    #[error("a captcha token is required")]
    CaptchaMissing,
    /// 400 `-19970`: the captcha token did not verify.
    #[error("the captcha token is invalid")]
    CaptchaInvalid,
    /// 400 `invalid_request`: an OAuth request that is missing or misusing a parameter.
    #[error("invalid OAuth request: {0}")]
    OAuthInvalidRequest(&'static str),
    /// 400 `invalid_grant`: unknown, used, expired or revoked code or refresh token.
    #[error("the grant is invalid, expired or revoked")]
    InvalidGrant,
    /// 401 `UNAUTHENTICATED`: missing, invalid, expired or revoked access token.
    #[error("a valid member access token is required")]
    Unauthenticated,
    /// 429 `TOO_MANY_REQUESTS`: a lockout or rate limit; retry after the seconds given.
    #[error("too many attempts; try again in {0} seconds")]
    TooManyRequests(u64),
    /// 403 `FORBIDDEN`: a privileged method without IAM identity or admin key.
    #[error("this method is for trusted backends only")]
    Forbidden,
    /// 404 `NOT_FOUND`: no such route.
    #[error("no such route")]
    RouteNotFound,
    /// 405 `METHOD_NOT_ALLOWED`.
    #[error("method not allowed on this route")]
    MethodNotAllowed,
    /// 413 `PAYLOAD_TOO_LARGE`.
    #[error("request body is larger than {0} bytes")]
    PayloadTooLarge(usize),
    /// 415 `UNSUPPORTED_MEDIA_TYPE`.
    #[error("request body must be application/json")]
    UnsupportedMediaType,
    /// 503 `UNAVAILABLE`: a dependency (DynamoDB, SES) failed or timed out.
    #[error("service temporarily unavailable")]
    Unavailable(#[source] Cause),
    /// 500 `INTERNAL`: a bug or an impossible state.
    #[error("internal error")]
    Internal(#[source] Cause),
}

impl ApiError {
    pub fn status(&self) -> u16 {
        match self {
            ApiError::Validation(_)
            | ApiError::MalformedBody(_)
            | ApiError::InvalidApprovalToken
            | ApiError::InvalidCode
            | ApiError::InvalidStateToken
            | ApiError::CaptchaMissing
            | ApiError::CaptchaInvalid
            | ApiError::OAuthInvalidRequest(_)
            | ApiError::InvalidGrant => 400,
            ApiError::WrongCredentials | ApiError::Unauthenticated => 401,
            ApiError::MemberPending
            | ApiError::MemberBlocked
            | ApiError::EmailNotVerified
            | ApiError::Forbidden => 403,
            ApiError::MemberNotFound | ApiError::RouteNotFound => 404,
            ApiError::MethodNotAllowed => 405,
            ApiError::EmailTaken | ApiError::SlugTaken => 409,
            ApiError::PayloadTooLarge(_) => 413,
            ApiError::UnsupportedMediaType => 415,
            ApiError::TooManyRequests(_) => 429,
            ApiError::Internal(_) => 500,
            ApiError::Unavailable(_) => 503,
        }
    }

    pub fn code(&self) -> &'static str {
        match self {
            ApiError::Validation(_) => "INVALID_ARGUMENT",
            ApiError::MalformedBody(_) => "INVALID_JSON",
            ApiError::EmailTaken => "-19995",
            ApiError::SlugTaken => "SLUG_ALREADY_EXISTS",
            ApiError::WrongCredentials => "-19976",
            ApiError::MemberPending => "MEMBER_PENDING",
            ApiError::MemberBlocked => "MEMBER_BLOCKED",
            ApiError::MemberNotFound => "MEMBER_NOT_FOUND",
            ApiError::InvalidApprovalToken => "INVALID_APPROVAL_TOKEN",
            ApiError::EmailNotVerified => "EMAIL_NOT_VERIFIED",
            ApiError::InvalidCode => "INVALID_CODE",
            ApiError::InvalidStateToken => "INVALID_STATE_TOKEN",
            ApiError::CaptchaMissing => "-19971",
            ApiError::CaptchaInvalid => "-19970",
            ApiError::OAuthInvalidRequest(_) => "invalid_request",
            ApiError::InvalidGrant => "invalid_grant",
            ApiError::Unauthenticated => "UNAUTHENTICATED",
            ApiError::TooManyRequests(_) => "TOO_MANY_REQUESTS",
            ApiError::Forbidden => "FORBIDDEN",
            ApiError::RouteNotFound => "NOT_FOUND",
            ApiError::MethodNotAllowed => "METHOD_NOT_ALLOWED",
            ApiError::PayloadTooLarge(_) => "PAYLOAD_TOO_LARGE",
            ApiError::UnsupportedMediaType => "UNSUPPORTED_MEDIA_TYPE",
            ApiError::Unavailable(_) => "UNAVAILABLE",
            ApiError::Internal(_) => "INTERNAL",
        }
    }

    /// Internal and dependency failures are logged with their cause and answered
    /// with a fixed message; everything else is the caller's to see.
    pub fn is_server_side(&self) -> bool {
        matches!(self, ApiError::Unavailable(_) | ApiError::Internal(_))
    }

    /// A bug or an impossible state; `cause` (an error or a message) is kept as the
    /// source, for the log.
    pub fn internal(cause: impl Into<BoxError>) -> Self {
        ApiError::Internal(Cause(cause.into()))
    }

    /// A dependency failed; `cause` is kept as the source, for the log.
    pub fn unavailable(cause: impl Into<BoxError>) -> Self {
        ApiError::Unavailable(Cause(cause.into()))
    }

    /// The error and every cause under it, `: `-separated: what the log line shows.
    pub fn chain(&self) -> String {
        let mut text = self.to_string();
        let mut source = std::error::Error::source(self);
        while let Some(cause) = source {
            text.push_str(": ");
            text.push_str(&cause.to_string());
            source = cause.source();
        }
        text
    }

    pub fn field(field: &str, rule: &'static str, description: impl Into<String>) -> Self {
        ApiError::Validation(vec![FieldViolation::new(field, rule, description)])
    }
}

pub type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// A server-side failure's cause, for the log line only; it never reaches a response
/// body. Transparent: it shows as the error it holds, and that error's sources follow.
#[derive(Debug)]
pub struct Cause(BoxError);

impl std::fmt::Display for Cause {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

impl std::error::Error for Cause {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.0.source()
    }
}
