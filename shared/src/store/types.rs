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
/// source, the source in its current window, and the account over all sources in
/// that window.
#[derive(Debug, Clone, Copy)]
pub struct LoginCounters<'a> {
    pub raw_email: &'a str,
    pub source: &'a str,
    pub window: u64,
}

/// The lockout counter of one account from one source, as stored. `failures` counts
/// the attempts of the current run, each from before its password was checked;
/// `locked_for` is the attempt whose failure set `locked_until`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Lockout {
    pub failures: u64,
    pub last_failure: u64,
    pub locked_until: u64,
    pub locked_for: u64,
}

impl Lockout {
    /// Whether the counter takes one more attempt: below the threshold, after an
    /// ended run, or once the lock of the latest attempt has passed (so past the
    /// threshold only one attempt at a time is in flight).
    pub fn admits(&self, rule: &AttemptRule) -> bool {
        self.failures == 0
            || self.failures < rule.lock_after
            || self.last_failure < rule.idle_before
            || (self.locked_until <= rule.now && self.locked_for == self.failures)
    }

    /// The attempt that this counter, as it was before, counts.
    pub fn count(&self, rule: &AttemptRule) -> Attempt {
        if self.failures == 0 || self.last_failure < rule.idle_before {
            Attempt::Counted {
                number: 1,
                stale: self.failures,
            }
        } else {
            Attempt::Counted {
                number: self.failures + 1,
                stale: 0,
            }
        }
    }

    /// The refusal of an attempt this counter does not admit: until its lock ends, or
    /// a second while another attempt holds the turn.
    pub fn refusal(&self, rule: &AttemptRule) -> Attempt {
        Attempt::Refused {
            locked_until: self.locked_until.max(rule.now + 1),
        }
    }
}

/// The policy an attempt is counted under.
#[derive(Debug, Clone, Copy)]
pub struct AttemptRule {
    pub now: u64,
    /// Attempts a run may have before each further one waits for its lock.
    pub lock_after: u64,
    /// A run whose last attempt is older than this has ended.
    pub idle_before: u64,
    pub expires_at: u64,
    /// Attempts the account takes per window from callers that have not proved
    /// themselves (`None`: this caller showed the account's device token, and is not
    /// counted account-wide).
    pub account_budget: Option<u64>,
    pub account_expires_at: u64,
}

/// The attempt against the account-wide budget.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AccountBudget {
    /// Counted: taken back if the password is right or the attempt goes unchecked.
    Counted,
    /// The window's budget is spent; the attempt is not counted.
    Spent,
    /// A proved caller: not counted.
    Exempt,
}

/// A login attempt, counted before its password is checked (or refused uncounted).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Attempt {
    /// This attempt's number in its run. `stale` is what an ended run left in the
    /// counter: it comes off when the attempt's outcome is written.
    Counted { number: u64, stale: u64 },
    /// Past the lock threshold, one attempt at a time once each lock has passed.
    Refused { locked_until: u64 },
}

/// What a login knows before it checks a password: the attempt already counted, and
/// the credentials and the source's failures read beside it.
pub struct LoginGate {
    pub credentials: Option<Credentials>,
    pub attempt: Attempt,
    pub account: AccountBudget,
    pub source_failures: u64,
}

/// One failed login, as the policy counts it.
#[derive(Debug, Clone, Copy)]
pub struct LoginFailure {
    /// The attempt's number in its run, and what an ended run left (see [`Attempt`]).
    pub number: u64,
    pub stale: u64,
    /// 0 when the run is below the threshold.
    pub locked_until: u64,
    pub source_expires_at: u64,
}

/// Requests of one kind from one source in one window.
#[derive(Debug, Clone, Copy)]
pub struct RateCounter<'a> {
    pub kind: &'a str,
    pub source: &'a str,
    pub window: u64,
}
