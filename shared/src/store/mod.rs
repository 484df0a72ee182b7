//! Storage behind five small traits, one per capability, so flows run on DynamoDB in
//! the functions and on [`MemoryStore`] in fast flow tests and benchmarks. Both answer
//! the same contract (`integration_tests::store_contract` runs it against each):
//! conditional writes fail the same way, transactions are all-or-nothing, and expected
//! outcomes (a taken email, a missing member, a member in another state) come back as
//! [`StoreError`] variants that flows map where they happen ([`StoreResultExt`]).
//!
//! The key schema is [`keys`].

use std::future::Future;

pub mod dynamo;
mod error;
pub mod keys;
pub mod memory;
mod types;

pub use dynamo::{DynamoStore, create_table_if_missing};
pub use error::{Expected, StoreError, StoreResultExt};
pub use memory::MemoryStore;
pub use types::{
    AccountBudget, Attempt, AttemptRule, AuthCode, BrowserSession, Credentials, Lockout,
    LoginCounters, LoginFailure, LoginGate, LogoutRequest, NewRecord, RateCounter, Recovery,
    Redemption, RefreshRecord, Session, StatusChange, TakenToken, Verification,
};

use crate::domain::{
    Email, Member,
    member_query::{Listing, MemberPage, Unique},
};

type Answer<T> = Result<T, StoreError>;

/// Members and their login email claims.
pub trait MemberStore: Send + Sync {
    fn credentials(
        &self,
        email: &Email,
    ) -> impl Future<Output = Answer<Option<Credentials>>> + Send;

    fn member(&self, id: &str) -> impl Future<Output = Answer<Option<Member>>> + Send;

    /// Creates the member, its email claim and `records` all at once, or nothing:
    /// `EmailTaken` when the email is claimed (two racing registrations cannot both win).
    fn create_member(
        &self,
        member: &Member,
        password_hash: &str,
        records: &[NewRecord],
    ) -> impl Future<Output = Answer<()>> + Send;

    /// Stamps a login on an approved, verified member and returns it; a member in any
    /// other state is `StateMismatch` with its record, an unknown one `NotFound`.
    fn record_login(
        &self,
        member_id: &str,
        now: &str,
    ) -> impl Future<Output = Answer<Member>> + Send;

    /// `StateMismatch` (with the record) when the member is not in `only_from`.
    fn update_member_status(
        &self,
        member_id: &str,
        change: StatusChange<'_>,
    ) -> impl Future<Output = Answer<Member>> + Send;

    fn mark_email_verified(
        &self,
        member_id: &str,
        now: &str,
    ) -> impl Future<Output = Answer<Member>> + Send;

    /// The new hash and a bumped token version together: every earlier token dies.
    fn set_password(
        &self,
        member: &Member,
        password_hash: &str,
        now: &str,
    ) -> impl Future<Output = Answer<()>> + Send;

    /// Moves the claim to `new_email` (`EmailTaken` if it is claimed), releases the old
    /// one and bumps the token version, all at once.
    fn change_login_email(
        &self,
        member: &Member,
        new_email: &Email,
        now: &str,
    ) -> impl Future<Output = Answer<()>> + Send;

    /// Writes `after`'s profile, contact details and privacy, stamped `now`, over the
    /// member read as `before`; the member as stored, or `NotFound`. Its status and slug
    /// are the record's (slugs move only with their claim).
    fn save_profile(
        &self,
        before: &Member,
        after: &Member,
        now: &str,
    ) -> impl Future<Output = Answer<Member>> + Send;

    /// Claims `slug` for `member` and releases its old one, all at once; `SlugTaken`
    /// when another member holds it (of concurrent claims exactly one wins).
    fn claim_slug(
        &self,
        member: &Member,
        slug: &str,
        now: &str,
    ) -> impl Future<Output = Answer<Member>> + Send;

    /// Mutes (or unmutes) the member, stamped `now`; `NotFound` when there is none.
    fn set_muted(
        &self,
        member_id: &str,
        muted: bool,
        now: &str,
    ) -> impl Future<Output = Answer<Member>> + Send;

    /// Disconnects `member` for good: status OFFLINE with a bumped token version (every
    /// token dies) and its login email claim released (no sign-in; the email may
    /// register again), all at once; the record and its slug claim stay. The member as
    /// it is now; `StateMismatch` (with the record) when its status or privacy changed
    /// since `member` was read, `NotFound` when it is gone.
    fn disconnect_member(
        &self,
        member: &Member,
        now: &str,
    ) -> impl Future<Output = Answer<Member>> + Send;

    /// Erases the member and every item that names it: its email and slug claims,
    /// sessions, refresh tokens, codes, recovery, approval, verification and browser
    /// records. Every token stops working and the email is free at once. `NotFound`
    /// when it is gone already; otherwise how many items went.
    fn erase_member(&self, member: &Member) -> impl Future<Output = Answer<usize>> + Send;
}

/// Reading members: by unique fields, and a page of a listing index walk.
pub trait DirectoryStore: Send + Sync {
    /// The members `field` names by `values` (at most 100); unknown values are left out.
    fn members_by(
        &self,
        field: Unique,
        values: &[String],
    ) -> impl Future<Output = Answer<Vec<Member>>> + Send;

    /// The page `listing` asks for (its partitions merged in its order) and how many
    /// members those partitions hold that match its name condition.
    fn list_members(&self, listing: &Listing) -> impl Future<Output = Answer<MemberPage>> + Send;
}

/// Single-use records: each is created once and taken (or spent) at most once, even
/// by concurrent callers. Expiry is the caller's to check against its clock.
pub trait RecordStore: Send + Sync {
    fn put_approval(
        &self,
        token_hash: &str,
        member_id: &str,
        expires_at: u64,
    ) -> impl Future<Output = Answer<()>> + Send;
    fn take_approval(
        &self,
        token_hash: &str,
    ) -> impl Future<Output = Answer<Option<TakenToken>>> + Send;

    /// Stores a new verification; one for a member also becomes the member's pending
    /// verification, in the same transaction.
    fn put_verification(
        &self,
        verification: &Verification,
    ) -> impl Future<Output = Answer<()>> + Send;
    /// Gives a member's verification a new code (attempts start again, new expiry);
    /// false when it is gone or not that member's.
    fn restart_verification(
        &self,
        id: &str,
        member_id: &str,
        code_hash: &str,
        expires_at: u64,
    ) -> impl Future<Output = Answer<bool>> + Send;
    /// Counts one attempt and returns the record; `None` when unknown or spent.
    fn attempt_verification(
        &self,
        id: &str,
        max_attempts: u64,
    ) -> impl Future<Output = Answer<Option<Verification>>> + Send;
    /// True for the one caller that spent it.
    fn consume_verification(&self, id: &str) -> impl Future<Output = Answer<bool>> + Send;

    fn put_auth_code(&self, code: &AuthCode) -> impl Future<Output = Answer<()>> + Send;
    /// Marks the code used; a second redemption finds it `Reused`.
    fn redeem_auth_code(&self, code_hash: &str) -> impl Future<Output = Answer<Redemption>> + Send;

    fn put_recovery(&self, recovery: &Recovery) -> impl Future<Output = Answer<()>> + Send;
    /// A recovery link and a decoy verification (no member) in one write: what a
    /// registration of a taken email leaves, at the cost of a fresh registration's one
    /// extra write. Both keys are fresh and random, so neither can meet an existing item.
    fn put_recovery_beside_decoy(
        &self,
        recovery: &Recovery,
        decoy: &Verification,
    ) -> impl Future<Output = Answer<()>> + Send;
    fn take_recovery(
        &self,
        token_hash: &str,
    ) -> impl Future<Output = Answer<Option<Recovery>>> + Send;

    fn put_logout(&self, logout: &LogoutRequest) -> impl Future<Output = Answer<()>> + Send;
    fn take_logout(&self, id: &str) -> impl Future<Output = Answer<Option<LogoutRequest>>> + Send;
}

/// OAuth sessions and refresh tokens.
pub trait SessionStore: Send + Sync {
    /// Opens a session with its first refresh token; `StateMismatch` when the session
    /// exists already (revoked before it opened: a reused code).
    fn create_session(
        &self,
        session: &Session,
        refresh: &RefreshRecord,
    ) -> impl Future<Output = Answer<()>> + Send;
    fn put_refresh(&self, refresh: &RefreshRecord) -> impl Future<Output = Answer<()>> + Send;
    fn refresh(
        &self,
        token_hash: &str,
    ) -> impl Future<Output = Answer<Option<RefreshRecord>>> + Send;
    /// A member and one of its sessions in a single read.
    fn member_and_session(
        &self,
        member_id: &str,
        session_id: &str,
    ) -> impl Future<Output = Answer<(Option<Member>, Option<Session>)>> + Send;
    /// Carries an open session over to `token_version` (a password change keeps the
    /// session it came from); false when the session is gone or revoked.
    fn carry_session(
        &self,
        session_id: &str,
        token_version: u64,
    ) -> impl Future<Output = Answer<bool>> + Send;
    /// Unconditional: revoking a session not open yet leaves a revoked marker, and
    /// opening it then fails.
    fn revoke_session(&self, session_id: &str) -> impl Future<Output = Answer<()>> + Send;

    fn put_browser_session(
        &self,
        browser: &BrowserSession,
    ) -> impl Future<Output = Answer<()>> + Send;
    fn browser_session(
        &self,
        token_hash: &str,
    ) -> impl Future<Output = Answer<Option<BrowserSession>>> + Send;
    /// Unconditional: ending one that is gone already is no error.
    fn end_browser_session(&self, token_hash: &str) -> impl Future<Output = Answer<()>> + Send;
}

/// Counters against brute force, updated atomically.
pub trait CounterStore: Send + Sync {
    /// Counts a login attempt against the account-from-source before its password is
    /// checked, in the write that reads the lock (so parallel guesses cannot pass it),
    /// and reads the credentials (when `email` is given) and the source's failures
    /// beside it.
    fn begin_login(
        &self,
        email: Option<&Email>,
        counters: &LoginCounters<'_>,
        rule: &AttemptRule,
    ) -> impl Future<Output = Answer<LoginGate>> + Send;
    /// Writes a counted attempt's failure: the source's count, and the lock once the
    /// run reaches it.
    fn record_login_failure(
        &self,
        counters: &LoginCounters<'_>,
        failure: &LoginFailure,
    ) -> impl Future<Output = Answer<()>> + Send;
    /// Takes back an attempt counted against the account-wide budget
    /// ([`AccountBudget::Counted`]): its password was right, or it went unchecked.
    fn release_account_attempt(
        &self,
        counters: &LoginCounters<'_>,
    ) -> impl Future<Output = Answer<()>> + Send;
    /// Takes back a counted attempt that was refused before its password was checked.
    fn release_attempt(
        &self,
        counters: &LoginCounters<'_>,
        stale: u64,
    ) -> impl Future<Output = Answer<()>> + Send;
    /// Ends the run: a right password.
    fn clear_lockout(
        &self,
        counters: &LoginCounters<'_>,
    ) -> impl Future<Output = Answer<()>> + Send;
    /// Counts one request and returns its number in the window, or `None` once
    /// `limit` is reached; concurrent requests cannot overshoot.
    fn take_rate(
        &self,
        counter: &RateCounter<'_>,
        limit: u64,
        expires_at: u64,
    ) -> impl Future<Output = Answer<Option<u64>>> + Send;
}

/// Everything a flow may ask of storage.
pub trait Store:
    MemberStore + DirectoryStore + RecordStore + SessionStore + CounterStore + Clone + 'static
{
}

impl<T: MemberStore + DirectoryStore + RecordStore + SessionStore + CounterStore + Clone + 'static>
    Store for T
{
}
