//! The Velo web methods' flows: register, login and its lockout, approval, blocking,
//! session tokens for trusted backends, login email changes.

use members_auth::{
    domain::{MemberStatus, member::ContactInfo, token::verify_session_token},
    error::ApiError,
    flows::{account, approve, block, login, register, session, throttle},
    store::MemberStore,
};

use crate::{PASSWORD, app, attempt, email, new_password, secs};

fn registration(email: &members_auth::domain::Email) -> register::Registration {
    register::Registration {
        email: email.clone(),
        password: new_password(),
        contact: ContactInfo::default(),
        privacy_status: Default::default(),
    }
}

#[tokio::test]
async fn register_then_login_costs_one_write_and_six_calls() {
    let app = app(&[]);
    let email = email();
    let registered = register::register(&app, registration(&email))
        .await
        .unwrap();
    assert!(registered.session_token.is_some());
    assert!(registered.approval_token.is_none());
    assert!(matches!(
        register::register(&app, registration(&email)).await,
        Err(ApiError::EmailTaken)
    ));

    let before = app.store.calls();
    let logged_in = login::velo_login(&app, attempt(&email, PASSWORD))
        .await
        .unwrap();
    assert_eq!(
        app.store.calls() - before,
        6,
        "the attempt counted (per source, account-wide) beside the credentials' read; the \
         stamp beside both counts' end"
    );
    assert_eq!(logged_in.member.id, registered.member.id);
    assert!(logged_in.member.last_login_date.is_some());
}

#[tokio::test]
async fn wrong_and_unknown_logins_look_the_same() {
    let app = app(&[]);
    let email = email();
    register::register(&app, registration(&email))
        .await
        .unwrap();
    for wrong in [
        attempt(&email, "wrong-password"),
        attempt(&crate::email(), PASSWORD),
    ] {
        assert!(matches!(
            login::velo_login(&app, wrong).await,
            Err(ApiError::WrongCredentials)
        ));
    }
}

#[tokio::test]
async fn the_lockout_doubles_and_ends_with_time_not_sleep() {
    let app = app(&[]);
    let email = email();
    register::register(&app, registration(&email))
        .await
        .unwrap();
    for _ in 0..throttle::LOCK_AFTER_FAILURES {
        let failed = login::velo_login(&app, attempt(&email, "wrong-password")).await;
        assert!(matches!(failed, Err(ApiError::WrongCredentials)));
    }
    assert!(matches!(
        login::velo_login(&app, attempt(&email, PASSWORD)).await,
        Err(ApiError::TooManyRequests(1))
    ));
    app.clock.advance(secs(2));
    // One more failure doubles the lock to 2 s.
    let _ = login::velo_login(&app, attempt(&email, "wrong-password")).await;
    assert!(matches!(
        login::velo_login(&app, attempt(&email, PASSWORD)).await,
        Err(ApiError::TooManyRequests(2))
    ));
    app.clock.advance(secs(2));
    login::velo_login(&app, attempt(&email, PASSWORD))
        .await
        .unwrap();

    // A success ends the run: five more failures are needed for the next lock.
    for _ in 0..4 {
        let _ = login::velo_login(&app, attempt(&email, "wrong-password")).await;
    }
    login::velo_login(&app, attempt(&email, PASSWORD))
        .await
        .unwrap();
}

/// Guesses sent at once all read the lock before any password is checked; each is
/// counted in that read, so no more are verified than one at a time would be.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn parallel_guesses_verify_no_more_than_the_lock_threshold() {
    let app = app(&[]);
    let email = email();
    register::register(&app, registration(&email))
        .await
        .unwrap();
    let guesses = (0..30).map(|_| login::velo_login(&app, attempt(&email, "wrong-password")));
    let answers = futures_util::future::join_all(guesses).await;

    let verified = answers
        .iter()
        .filter(|a| matches!(a, Err(ApiError::WrongCredentials)))
        .count();
    let refused = answers
        .iter()
        .filter(|a| matches!(a, Err(ApiError::TooManyRequests(_))))
        .count();
    assert_eq!((verified, refused), (5, 25));
    // The fifth failure set the first lock: the right password waits a second.
    assert!(matches!(
        login::velo_login(&app, attempt(&email, PASSWORD)).await,
        Err(ApiError::TooManyRequests(1))
    ));
}

#[tokio::test]
async fn a_run_of_failures_is_forgotten_after_fifteen_idle_minutes() {
    let app = app(&[]);
    let email = email();
    register::register(&app, registration(&email))
        .await
        .unwrap();
    for _ in 0..4 {
        let _ = login::velo_login(&app, attempt(&email, "wrong-password")).await;
    }
    app.clock.advance(secs(throttle::IDLE_RESET_SECS + 1));
    // Were the run remembered, this fifth failure would lock.
    let _ = login::velo_login(&app, attempt(&email, "wrong-password")).await;
    login::velo_login(&app, attempt(&email, PASSWORD))
        .await
        .unwrap();
}

#[tokio::test]
async fn approval_tokens_work_once_and_expire_after_their_ttl() {
    let app = app(&[("APPROVAL_MODE", "manual")]);
    let pending = register::register(&app, registration(&email()))
        .await
        .unwrap();
    assert_eq!(pending.member.status, MemberStatus::Pending);
    assert!(pending.session_token.is_none());
    let owner_mail = app.mailer.to("owner@example.com");
    assert_eq!(owner_mail.len(), 1, "the owner is asked to approve");
    let token = pending.approval_token.unwrap();
    assert!(owner_mail[0].text.contains(&token));
    assert!(matches!(
        login::velo_login(&app, attempt(&pending.member.login_email, PASSWORD)).await,
        Err(ApiError::MemberPending)
    ));
    approve::by_token(&app, &token).await.unwrap();
    assert!(matches!(
        approve::by_token(&app, &token).await,
        Err(ApiError::InvalidApprovalToken)
    ));

    let late = register::register(&app, registration(&email()))
        .await
        .unwrap();
    app.clock.advance(app.config.approval_token_ttl + secs(1));
    assert!(matches!(
        approve::by_token(&app, &late.approval_token.unwrap()).await,
        Err(ApiError::InvalidApprovalToken)
    ));
    // The owner can still approve by email.
    approve::by_email(&app, &late.member.login_email)
        .await
        .unwrap();
    assert!(matches!(
        approve::by_email(&app, &email()).await,
        Err(ApiError::MemberNotFound)
    ));
}

#[tokio::test]
async fn an_approval_token_just_inside_its_ttl_still_works() {
    let app = app(&[("APPROVAL_MODE", "manual")]);
    let pending = register::register(&app, registration(&email()))
        .await
        .unwrap();
    app.clock.advance(app.config.approval_token_ttl - secs(1));
    approve::by_token(&app, &pending.approval_token.unwrap())
        .await
        .unwrap();
}

#[tokio::test]
async fn blocking_kills_session_tokens_at_once() {
    let app = app(&[]);
    let email = email();
    let registered = register::register(&app, registration(&email))
        .await
        .unwrap();
    let token = registered.session_token.unwrap();
    block::by_email(&app, &email).await.unwrap();
    let claims = verify_session_token(&app.config.signing_keys, &token, app.clock.now()).unwrap();
    let member = app.store.member(&claims.sub).await.unwrap().unwrap();
    assert_ne!(
        claims.ver, member.token_version,
        "the old token's version is dead"
    );
    assert!(matches!(
        login::velo_login(&app, attempt(&email, PASSWORD)).await,
        Err(ApiError::MemberBlocked)
    ));
    assert!(matches!(
        session::generate_session_token(&app, email.clone()).await,
        Err(ApiError::MemberBlocked)
    ));
    assert!(matches!(
        block::by_email(&app, &crate::email()).await,
        Err(ApiError::MemberNotFound)
    ));
    approve::by_email(&app, &email).await.unwrap();
    login::velo_login(&app, attempt(&email, PASSWORD))
        .await
        .unwrap();
}

#[tokio::test]
async fn session_tokens_for_trusted_backends_create_members_once_and_expire() {
    let app = app(&[]);
    let email = email();
    let first = session::generate_session_token(&app, email.clone())
        .await
        .unwrap();
    let second = session::generate_session_token(&app, email.clone())
        .await
        .unwrap();
    let keys = &app.config.signing_keys;
    let a = verify_session_token(keys, &first, app.clock.now()).unwrap();
    let b = verify_session_token(keys, &second, app.clock.now()).unwrap();
    assert_eq!(a.sub, b.sub, "one member for the email");
    app.clock.advance(app.config.session_token_ttl + secs(1));
    assert!(verify_session_token(keys, &first, app.clock.now()).is_err());
}

#[tokio::test]
async fn a_login_email_change_moves_the_login_and_tells_the_old_address() {
    let app = app(&[]);
    let old = email();
    let registered = register::register(&app, registration(&old)).await.unwrap();
    let taken = email();
    register::register(&app, registration(&taken))
        .await
        .unwrap();
    assert!(matches!(
        account::change_login_email(&app, &registered.member.id, taken).await,
        Err(ApiError::EmailTaken)
    ));
    let new = email();
    let moved = account::change_login_email(&app, &registered.member.id, new.clone())
        .await
        .unwrap();
    assert_eq!(moved.login_email, new);
    assert!(matches!(
        login::velo_login(&app, attempt(&old, PASSWORD)).await,
        Err(ApiError::WrongCredentials)
    ));
    login::velo_login(&app, attempt(&new, PASSWORD))
        .await
        .unwrap();
    assert_eq!(
        app.mailer.to(old.as_str()).len(),
        1,
        "the old address is told"
    );
    assert!(matches!(
        account::change_login_email(&app, "no-such-member", email()).await,
        Err(ApiError::MemberNotFound)
    ));
}

#[tokio::test]
async fn a_lost_owner_email_loses_no_member() {
    let app = app(&[("APPROVAL_MODE", "manual")]);
    app.mailer.set_failing(true);
    let email = email();
    let pending = register::register(&app, registration(&email))
        .await
        .unwrap();
    assert!(
        app.store
            .member(&pending.member.id)
            .await
            .unwrap()
            .is_some()
    );
    approve::by_email(&app, &email).await.unwrap();
}

#[tokio::test]
async fn a_store_outage_is_a_503_not_a_wrong_password() {
    let app = app(&[]);
    let email = email();
    register::register(&app, registration(&email))
        .await
        .unwrap();
    app.store.set_unavailable(true);
    let err = login::velo_login(&app, attempt(&email, PASSWORD))
        .await
        .err()
        .unwrap();
    assert_eq!(err.status(), 503);
    assert!(err.chain().contains("DynamoDB"), "{}", err.chain());
}

#[tokio::test]
async fn rates_refuse_past_the_minute_budget_and_recover_next_minute() {
    let app = app(&[("RATE_LIMITS", "register=2")]);
    let kind = throttle::RateKind::Register;
    throttle::take_rate(&app, kind, "10.9.9.9").await.unwrap();
    throttle::take_rate(&app, kind, "10.9.9.9").await.unwrap();
    assert!(matches!(
        throttle::take_rate(&app, kind, "10.9.9.9").await,
        Err(ApiError::TooManyRequests(_))
    ));
    throttle::take_rate(&app, kind, "10.9.9.8").await.unwrap();
    app.clock.advance(secs(60));
    throttle::take_rate(&app, kind, "10.9.9.9").await.unwrap();
}

/// Forty sources guessing one account, five each: the account-wide budget stops
/// all of them past it, while the member, from the device it signed in with before,
/// keeps signing in; the next window gives strangers a new budget.
#[tokio::test]
async fn forty_sources_verify_at_most_the_account_budget_and_the_members_device_goes_on() {
    let app = app(&[]);
    let email = email();
    register::register(&app, registration(&email))
        .await
        .unwrap();
    let device_token = login::velo_login(&app, attempt(&email, PASSWORD))
        .await
        .unwrap()
        .device_token;
    let from = |source: String, password: &str| {
        let mut guess = attempt(&email, password);
        guess.source = source;
        guess
    };

    let mut verified = 0;
    for source in 0..40 {
        for _ in 0..throttle::LOCK_AFTER_FAILURES {
            match login::velo_login(&app, from(format!("10.1.0.{source}"), "wrong")).await {
                Err(ApiError::WrongCredentials) => verified += 1,
                Err(ApiError::TooManyRequests(_)) => {}
                other => panic!("{:?}", other.err()),
            }
        }
    }
    assert_eq!(verified, throttle::ACCOUNT_FAILURE_BUDGET);

    let mut member = from("10.0.0.1".into(), PASSWORD);
    member.device_token = Some(device_token.clone());
    login::velo_login(&app, member).await.unwrap();
    // Without its device, the right password waits for the window like everyone.
    assert!(matches!(
        login::velo_login(&app, from("10.2.0.1".into(), PASSWORD)).await,
        Err(ApiError::TooManyRequests(_))
    ));
    // A device token of another account proves nothing here.
    let other = crate::email();
    register::register(&app, registration(&other))
        .await
        .unwrap();
    let foreign = login::velo_login(&app, attempt(&other, PASSWORD))
        .await
        .unwrap()
        .device_token;
    let mut stranger = from("10.2.0.2".into(), PASSWORD);
    stranger.device_token = Some(foreign);
    assert!(matches!(
        login::velo_login(&app, stranger).await,
        Err(ApiError::TooManyRequests(_))
    ));

    app.clock.advance(secs(throttle::SOURCE_WINDOW_SECS));
    login::velo_login(&app, from("10.2.0.1".into(), PASSWORD))
        .await
        .unwrap();
}

/// A member's own successful logins are no failures: they give their place back.
#[tokio::test]
async fn successful_logins_do_not_spend_the_account_budget() {
    let app = app(&[]);
    let email = email();
    register::register(&app, registration(&email))
        .await
        .unwrap();
    for _ in 0..throttle::ACCOUNT_FAILURE_BUDGET + 5 {
        login::velo_login(&app, attempt(&email, PASSWORD))
            .await
            .unwrap();
    }
}
