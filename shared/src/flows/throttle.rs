//! Brute-force policy. Numbers are documented in SECURITY.md.
//!
//! Logins lock per account *and source*: five consecutive failures from one source lock
//! that account for that source only (1 s, doubling to 15 minutes), so an attacker
//! elsewhere cannot lock a real member out. Each attempt is counted before its password
//! is checked, so parallel guesses verify no more than sequential ones. Many sources
//! guessing one account share its account-wide budget; a client that signed in to the
//! account before (its device token) is not held to it, so the attack cannot lock the
//! member out. A source failing logins across accounts is
//! stopped by its own counter; the other routes take fixed per-source rates.

use crate::{
    App,
    app::Backend,
    config::RateLimits,
    error::ApiError,
    store::{AttemptRule, CounterStore, RateCounter},
};

pub const LOCK_AFTER_FAILURES: u64 = 5;
pub const MAX_LOCK_SECS: u64 = 900;
/// A run of failures ends after this long without one.
pub const IDLE_RESET_SECS: u64 = 900;
pub const SOURCE_WINDOW_SECS: u64 = 900;
/// Failed logins one source may make, over all accounts, per window.
pub const SOURCE_FAILURE_LIMIT: u64 = 100;
/// Failed logins one account takes per window from all sources together, counting
/// only callers without its device token. Past it, those callers are refused unless
/// they solve a captcha (where one is configured); the member's own devices go on.
pub const ACCOUNT_FAILURE_BUDGET: u64 = 20;

/// Requests one source may make per minute, by kind.
#[derive(Debug, Clone, Copy)]
pub enum RateKind {
    Register,
    Verify,
    Recovery,
    Token,
}

impl RateKind {
    pub fn per_minute(self, limits: &RateLimits) -> u64 {
        match self {
            RateKind::Register => limits.register,
            RateKind::Verify => limits.verify,
            RateKind::Recovery => limits.recovery,
            RateKind::Token => limits.token,
        }
    }

    fn name(self) -> &'static str {
        match self {
            RateKind::Register => "register",
            RateKind::Verify => "verify",
            RateKind::Recovery => "recovery",
            RateKind::Token => "token",
        }
    }
}

/// The rule a login attempt at `now` is counted under; a caller that showed the
/// account's device token is not counted against the account-wide budget.
pub fn attempt_rule(now: u64, proved_device: bool) -> AttemptRule {
    AttemptRule {
        now,
        lock_after: LOCK_AFTER_FAILURES,
        idle_before: now.saturating_sub(IDLE_RESET_SECS),
        expires_at: now + IDLE_RESET_SECS + MAX_LOCK_SECS,
        account_budget: (!proved_device).then_some(ACCOUNT_FAILURE_BUDGET),
        account_expires_at: source_window(now).1,
    }
}

/// The lock delay after `failures` consecutive failures.
pub fn lock_delay(failures: u64) -> u64 {
    if failures < LOCK_AFTER_FAILURES {
        return 0;
    }
    let doublings = (failures - LOCK_AFTER_FAILURES).min(20);
    (1u64 << doublings).min(MAX_LOCK_SECS)
}

/// The source-failure window `now` falls in, and when it ends.
pub fn source_window(now: u64) -> (u64, u64) {
    let window = now / SOURCE_WINDOW_SECS;
    (window, (window + 1) * SOURCE_WINDOW_SECS)
}

/// Past this many failures, the captcha setting `suspected-bots` asks for a captcha.
pub const SUSPECT_ACCOUNT_FAILURES: u64 = 3;
pub const SUSPECT_SOURCE_FAILURES: u64 = 10;
/// Past this many requests of a kind in a minute, a source is a suspected bot.
pub const SUSPECT_RATE: u64 = 3;

/// Counts one request of `kind` from `source`; 429 once the minute's budget is spent.
/// Returns whether the source now looks automated (for `suspected-bots`).
pub async fn take_rate<B: Backend>(
    app: &App<B>,
    kind: RateKind,
    source: &str,
) -> Result<bool, ApiError> {
    let now = app.clock.now();
    let minute = now / 60;
    let counter = RateCounter {
        kind: kind.name(),
        source,
        window: minute,
    };
    let limit = kind.per_minute(&app.config.rate_limits);
    match app
        .store
        .take_rate(&counter, limit, (minute + 2) * 60)
        .await?
    {
        Some(hits) => Ok(hits > SUSPECT_RATE),
        None => Err(ApiError::TooManyRequests(60 - now % 60)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delay_doubles_from_one_second_to_fifteen_minutes() {
        assert_eq!(lock_delay(4), 0);
        assert_eq!(lock_delay(5), 1);
        assert_eq!(lock_delay(6), 2);
        assert_eq!(lock_delay(7), 4);
        assert_eq!(lock_delay(14), 512);
        assert_eq!(lock_delay(15), 900);
        assert_eq!(lock_delay(10_000), 900);
    }
}
