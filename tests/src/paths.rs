//! Every route the suite calls, once.

pub const LOGIN: &str = "/backend/authentication/login";
pub const REGISTER: &str = "/backend/authentication/register";
pub const APPROVE_BY_TOKEN: &str = "/backend/authentication/approve-by-token";
pub const LOGIN_V2: &str = "/_api/iam/authentication/v2/login";
pub const REGISTER_V2: &str = "/_api/iam/authentication/v2/register";
pub const VERIFY: &str = "/_api/iam/verification/v1/auth/verify";
pub const SEND_RECOVERY: &str = "/_api/iam/recovery/v1/send-email";
pub const REDIRECT_SESSION: &str = "/_api/redirects-api/v1/redirect-session";
pub const TOKEN: &str = "/oauth2/token";
pub const CURRENT_MEMBER: &str = "/members/v1/members/my";
