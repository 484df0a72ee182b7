//! Password login, shared by the Velo method, the headless Login V2 and the hosted page:
//! counted before the password is checked, one answer for every wrong credential.

use crate::{
    App,
    app::Backend,
    config::CaptchaMode,
    domain::device,
    domain::{Email, Member, Password},
    error::ApiError,
    store::{
        AccountBudget, Attempt, CounterStore, LoginCounters, LoginFailure, MemberStore, StoreError,
    },
    telemetry::{SecurityEvent, security_event},
};

use super::{captcha, session, throttle};

pub struct LoggedIn {
    pub member: Member,
    pub session_token: String,
    /// Proves this client at the account's later logins ([`crate::domain::device`]).
    pub device_token: String,
}

/// A login as it arrives: the email as typed (parsed when it parses), the password,
/// and the source address the counters key on.
pub struct LoginAttempt {
    /// `Some(token)` where captcha applies (the headless login; the token may be
    /// missing), `None` for the backend web method.
    pub captcha: Option<Option<String>>,
    pub raw_email: String,
    pub email: Option<Email>,
    pub password: Password,
    pub source: String,
    /// The device token the client holds from an earlier login, if any.
    pub device_token: Option<String>,
}

pub enum LoginError {
    /// The password was right but the member may not sign in as it stands (pending,
    /// blocked, email not verified): the caller decides what that means.
    NotSignedIn(Box<Member>),
    Api(ApiError),
}

impl<E: Into<ApiError>> From<E> for LoginError {
    fn from(err: E) -> Self {
        LoginError::Api(err.into())
    }
}

/// Counts the attempt, checks the password and stamps the login: two round trips
/// (the attempt counted, per source and account-wide, while the credentials are read;
/// the login stamped while the counts are cleared). An unknown (or unparseable) email and a wrong password take the
/// same path, time and answer.
pub async fn login<B: Backend>(
    app: &App<B>,
    attempt: LoginAttempt,
) -> Result<LoggedIn, LoginError> {
    let now = app.clock.now();
    let (window, window_end) = throttle::source_window(now);
    let counters = LoginCounters {
        raw_email: &attempt.raw_email,
        source: &attempt.source,
        window,
    };
    let proved_device = attempt.device_token.as_deref().is_some_and(|token| {
        device::proves_device(&app.config.signing_keys, token, &attempt.raw_email, now)
    });
    let gate = app
        .store
        .begin_login(
            attempt.email.as_ref(),
            &counters,
            &throttle::attempt_rule(now, proved_device),
        )
        .await?;
    let account_counted = gate.account == AccountBudget::Counted;
    let known_member = gate.credentials.as_ref().map(|c| c.member_id.clone());
    let event = |event| security_event(event, known_member.as_deref(), Some(&attempt.source));
    // The account-wide budget counts failures only: an attempt whose password is right,
    // or that goes unchecked, gives its place back.
    let give_back = || async {
        match account_counted {
            true => app.store.release_account_attempt(&counters).await,
            false => Ok(()),
        }
    };
    // Refused before the password is checked: what was counted is taken back.
    let refused = |stale: Option<u64>, err: ApiError| async move {
        let lock = async {
            match stale {
                Some(stale) => app.store.release_attempt(&counters, stale).await,
                None => Ok(()),
            }
        };
        let (lock, account) = tokio::join!(lock, give_back());
        lock?;
        account?;
        Err::<LoggedIn, LoginError>(err.into())
    };
    let (number, stale) = match gate.attempt {
        Attempt::Counted { number, stale } => (number, stale),
        Attempt::Refused { locked_until } => {
            event(SecurityEvent::LoginLocked);
            return refused(None, ApiError::TooManyRequests(locked_until - now)).await;
        }
    };
    let mut captcha_solved = false;
    if gate.account == AccountBudget::Spent {
        // Strangers have spent the account's budget: only a solved captcha (where
        // one is configured and the contract carries it) lets this caller try.
        let offered = attempt
            .captcha
            .as_ref()
            .filter(|_| app.config.captcha != CaptchaMode::Off);
        let Some(token) = offered else {
            event(SecurityEvent::LoginBudgetSpent);
            return refused(Some(stale), ApiError::TooManyRequests(window_end - now)).await;
        };
        if let Err(err) = captcha::check(app, token.as_deref(), true).await {
            return refused(Some(stale), err).await;
        }
        captcha_solved = true;
    }
    if gate.source_failures >= throttle::SOURCE_FAILURE_LIMIT {
        event(SecurityEvent::LoginSourceLimited);
        return refused(Some(stale), ApiError::TooManyRequests(window_end - now)).await;
    }
    if let Some(token) = attempt.captcha.as_ref().filter(|_| !captcha_solved) {
        let suspected = number > throttle::SUSPECT_ACCOUNT_FAILURES
            || gate.source_failures >= throttle::SUSPECT_SOURCE_FAILURES;
        if let Err(err) = captcha::check(app, token.as_deref(), suspected).await {
            return refused(Some(stale), err).await;
        }
    }
    let (member_id, stored_hash) = match gate.credentials {
        Some(c) => (Some(c.member_id), Some(c.password_hash)),
        None => (None, None),
    };
    let matched = app.hasher.verify(attempt.password, stored_hash).await?;
    let member_id = match member_id {
        Some(id) if matched => id,
        _ => {
            let delay = throttle::lock_delay(number);
            let failure = LoginFailure {
                number,
                stale,
                locked_until: if delay > 0 { now + delay } else { 0 },
                source_expires_at: window_end,
            };
            app.store.record_login_failure(&counters, &failure).await?;
            event(SecurityEvent::LoginFailed);
            return Err(ApiError::WrongCredentials.into());
        }
    };
    // The right password ends the run and is no failure, while the login is stamped.
    let timestamp = app.clock.timestamp();
    let (cleared, released, stamped) = tokio::join!(
        app.store.clear_lockout(&counters),
        give_back(),
        app.store.record_login(&member_id, &timestamp)
    );
    cleared?;
    released?;
    match stamped {
        Ok(member) => {
            event(SecurityEvent::LoginSucceeded);
            let session_token = session::issue_for(app, &member)?;
            let device_token =
                device::issue_device_token(&app.config.signing_keys, &attempt.raw_email, now)?;
            Ok(LoggedIn {
                member,
                session_token,
                device_token,
            })
        }
        Err(StoreError::StateMismatch(Some(member))) => Err(LoginError::NotSignedIn(member)),
        Err(StoreError::NotFound) => Err(ApiError::internal("email claim without member").into()),
        Err(err) => Err(err.into()),
    }
}

/// The Velo `login`: any state but approved-and-verified is an error.
pub async fn velo_login<B: Backend>(
    app: &App<B>,
    attempt: LoginAttempt,
) -> Result<LoggedIn, ApiError> {
    match login(app, attempt).await {
        Ok(logged_in) => Ok(logged_in),
        Err(LoginError::NotSignedIn(member)) => {
            session::ensure_may_sign_in(&member)?;
            Err(ApiError::internal(
                "login condition failed for an approved member",
            ))
        }
        Err(LoginError::Api(err)) => Err(err),
    }
}
