//! What the store keeps and returns, free of any backend's encoding.

use crate::domain::MemberStatus;

pub struct Credentials {
    pub member_id: String,
    pub password_hash: String,
}

/// A single-use token's stored form, as it was when taken.
pub struct TakenToken {
    pub member_id: String,
    pub expires_at: u64,
}

/// A status change applied by `MemberStore::update_member_status`.
pub struct StatusChange<'a> {
    pub to: MemberStatus,
    /// Only apply when the member is in one of these states (any, when empty).
    pub only_from: &'a [MemberStatus],
    /// Bump the token version: every token issued before stops working.
    pub revoke_tokens: bool,
    pub now: &'a str,
}

/// Records created together with a member, in its registration transaction.
pub enum NewRecord {
    Approval {
        token_hash: String,
        member_id: String,
        expires_at: u64,
    },
    Verification(Verification),
}

/// An emailed code waiting to be entered. A decoy (no member) answers exactly like a
/// real one, so registering a taken email reveals nothing.
#[derive(Debug, Clone)]
pub struct Verification {
    pub id: String,
    pub member_id: Option<String>,
    pub code_hash: String,
    pub attempts: u64,
    pub expires_at: u64,
}

#[derive(Debug, Clone)]
pub struct AuthCode {
    pub code_hash: String,
    pub member_id: String,
    pub client_id: String,
    pub redirect_uri: String,
    pub code_challenge: String,
    /// The session the code will open; named now so a reused code can revoke it.
    pub session_id: String,
    pub token_version: u64,
    pub expires_at: u64,
}

/// What redeeming an authorization code found.
pub enum Redemption {
    /// First use: the code as stored.
    First(AuthCode),
    /// The code was used before: the caller revokes what it issued.
    Reused(AuthCode),
    Unknown,
}

/// A browser signed in on the hosted page (its cookie, hashed): lets the member
/// through the next authorize request of that browser until it ends (logout) or the
/// member's token version moves on (block, password change).
#[derive(Debug, Clone, PartialEq)]
pub struct BrowserSession {
    pub token_hash: String,
    pub member_id: String,
    pub token_version: u64,
    pub expires_at: u64,
}

#[derive(Debug, Clone)]
pub struct Session {
    pub id: String,
    pub member_id: String,
    pub client_id: String,
    pub revoked: bool,
    pub expires_at: u64,
    /// Set when a password change kept this session: the member token version it was
    /// carried to. Its tokens name an older one; this wins for them, for this session.
    pub token_version: Option<u64>,
}

impl Session {
    /// The token version this session's tokens stand for, given the one they name.
    pub fn version_of(&self, named: u64) -> u64 {
        self.token_version.unwrap_or(named)
    }
}

/// A refresh token's stored form: a member's (bound to a session and token version)
/// or a visitor's.
#[derive(Debug, Clone)]
pub struct RefreshRecord {
    pub token_hash: String,
    pub subject: String,
    pub session_id: Option<String>,
    pub token_version: Option<u64>,
    pub client_id: String,
    pub expires_at: u64,
}

#[derive(Debug, Clone)]
pub struct Recovery {
    pub token_hash: String,
    pub member_id: String,
    pub redirect_url: Option<String>,
    pub client_id: Option<String>,
    pub expires_at: u64,
}

/// A logout redirect session: which session the logout URL ends, and where it goes.
#[derive(Debug, Clone)]
pub struct LogoutRequest {
    pub id: String,
    pub session_id: Option<String>,
    pub client_id: String,
    pub post_flow_url: String,
    pub expires_at: u64,
}

/// The counters one login attempt reads and bumps: the account as typed from its
/// source, and the source in its current window.
#[derive(Debug, Clone, Copy)]
pub struct LoginCounters<'a> {
    pub raw_email: &'a str,
    pub source: &'a str,
    pub window: u64,
}

/// The lockout state of one account from one source.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Lockout {
    pub failures: u64,
    pub last_failure: u64,
    pub locked_until: u64,
}

/// What a login needs to know before it checks a password: one read.
pub struct LoginGate {
    pub credentials: Option<Credentials>,
    pub lockout: Lockout,
    pub source_failures: u64,
}

/// One failed login, as the policy counts it.
#[derive(Debug, Clone, Copy)]
pub struct LoginFailure {
    /// Begin a new run of failures (the last one was long ago) instead of adding one.
    pub restart: bool,
    pub locked_until: u64,
    pub lock_expires_at: u64,
    pub source_expires_at: u64,
    pub now: u64,
}

/// Requests of one kind from one source in one window.
#[derive(Debug, Clone, Copy)]
pub struct RateCounter<'a> {
    pub kind: &'a str,
    pub source: &'a str,
    pub window: u64,
}
