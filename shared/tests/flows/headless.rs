//! The headless state machine: Register V2, Login V2 and Verify, and the 10-minute,
//! five-attempt email code.

use members_auth::{
    domain::member::HeadlessProfile,
    error::ApiError,
    flows::headless::{self, AuthState, CODE_TTL_SECS, MAX_CODE_ATTEMPTS, RegistrationV2},
    ui::LangPreference,
};

use crate::{PASSWORD, after, app, attempt, email, new_password, secs};

async fn register(
    app: &members_auth::App<members_auth::app::InMemory>,
    email: &members_auth::domain::Email,
) -> Result<AuthState, ApiError> {
    headless::register(
        app,
        RegistrationV2 {
            email: email.clone(),
            password: new_password(),
            profile: HeadlessProfile::default(),
            lang: LangPreference::default(),
        },
    )
    .await
}

fn state_token(state: AuthState) -> String {
    match state {
        AuthState::RequireEmailVerification { state_token, .. } => state_token,
        _ => panic!("expected REQUIRE_EMAIL_VERIFICATION"),
    }
}

fn last_code(app: &members_auth::App<members_auth::app::InMemory>, to: &str) -> String {
    let mail = app.mailer.to(to);
    after(&mail.last().unwrap().text, "Your verification code: ").to_string()
}

#[tokio::test]
async fn a_code_verifies_the_email_once() {
    let app = app(&[]);
    let email = email();
    let token = state_token(register(&app, &email).await.unwrap());
    let code = last_code(&app, email.as_str());
    match headless::verify(&app, &code, &token).await.unwrap() {
        AuthState::Success { member, .. } => assert!(member.email_verified),
        _ => panic!("expected SUCCESS"),
    }
    assert!(matches!(
        headless::verify(&app, &code, &token).await,
        Err(ApiError::InvalidCode)
    ));
    assert!(matches!(
        headless::login(&app, attempt(&email, PASSWORD), LangPreference::default())
            .await
            .unwrap(),
        AuthState::Success { .. }
    ));
}

#[tokio::test]
async fn a_code_expires_after_ten_minutes() {
    let app = app(&[]);
    let email = email();
    let token = state_token(register(&app, &email).await.unwrap());
    let code = last_code(&app, email.as_str());
    app.clock.advance(secs(CODE_TTL_SECS + 1));
    let late = headless::verify(&app, &code, &token).await.err();
    assert!(
        matches!(
            late,
            Some(ApiError::InvalidStateToken | ApiError::InvalidCode)
        ),
        "{late:?}"
    );
}

#[tokio::test]
async fn a_code_just_inside_ten_minutes_works() {
    let app = app(&[]);
    let email = email();
    let token = state_token(register(&app, &email).await.unwrap());
    let code = last_code(&app, email.as_str());
    app.clock.advance(secs(CODE_TTL_SECS - 1));
    assert!(matches!(
        headless::verify(&app, &code, &token).await.unwrap(),
        AuthState::Success { .. }
    ));
}

#[tokio::test]
async fn five_wrong_codes_spend_the_code() {
    let app = app(&[]);
    let email = email();
    let token = state_token(register(&app, &email).await.unwrap());
    let code = last_code(&app, email.as_str());
    let wrong = if code == "000000" { "111111" } else { "000000" };
    for _ in 0..MAX_CODE_ATTEMPTS {
        assert!(matches!(
            headless::verify(&app, wrong, &token).await,
            Err(ApiError::InvalidCode)
        ));
    }
    assert!(matches!(
        headless::verify(&app, &code, &token).await,
        Err(ApiError::InvalidCode)
    ));
}

#[tokio::test]
async fn registering_a_taken_email_answers_the_same_and_tells_the_owner() {
    let app = app(&[]);
    let email = email();
    register(&app, &email).await.unwrap();
    let again = register(&app, &email).await.unwrap();
    assert!(matches!(again, AuthState::RequireEmailVerification { .. }));
    let mail = app.mailer.to(email.as_str());
    assert_eq!(mail.len(), 2);
    assert!(mail[1].text.contains("/recovery/reset-password?token="));
    assert!(!mail[1].text.contains("verification code"));
}

#[tokio::test]
async fn an_unverified_login_sends_a_new_code() {
    let app = app(&[]);
    let email = email();
    register(&app, &email).await.unwrap();
    let token = state_token(
        headless::login(&app, attempt(&email, PASSWORD), LangPreference::default())
            .await
            .unwrap(),
    );
    let code = last_code(&app, email.as_str());
    assert_eq!(app.mailer.to(email.as_str()).len(), 2);
    assert!(matches!(
        headless::verify(&app, &code, &token).await.unwrap(),
        AuthState::Success { .. }
    ));
}

#[tokio::test]
async fn manual_approval_waits_for_the_owner_after_the_code() {
    let app = app(&[("APPROVAL_MODE", "manual")]);
    let email = email();
    let token = state_token(register(&app, &email).await.unwrap());
    let code = last_code(&app, email.as_str());
    assert!(matches!(
        headless::verify(&app, &code, &token).await.unwrap(),
        AuthState::RequireOwnerApproval { .. }
    ));
    assert_eq!(app.mailer.to("owner@example.com").len(), 1);
    assert!(matches!(
        headless::login(&app, attempt(&email, PASSWORD), LangPreference::default())
            .await
            .unwrap(),
        AuthState::RequireOwnerApproval { .. }
    ));
}

#[tokio::test]
async fn without_verification_registration_signs_in_at_once() {
    let app = app(&[("EMAIL_VERIFICATION", "off")]);
    assert!(matches!(
        register(&app, &email()).await.unwrap(),
        AuthState::Success { .. }
    ));
}

#[tokio::test]
async fn a_lost_code_email_is_an_outage_and_logging_in_sends_another() {
    let app = app(&[]);
    let email = email();
    app.mailer.set_failing(true);
    let lost = register(&app, &email).await.err();
    assert!(matches!(lost, Some(ApiError::Unavailable(_))), "{lost:?}");
    app.mailer.set_failing(false);
    let token = state_token(
        headless::login(&app, attempt(&email, PASSWORD), LangPreference::default())
            .await
            .unwrap(),
    );
    let code = last_code(&app, email.as_str());
    assert!(matches!(
        headless::verify(&app, &code, &token).await.unwrap(),
        AuthState::Success { .. }
    ));
}

fn identity_id(state: &AuthState) -> String {
    match state {
        AuthState::RequireEmailVerification { member, .. } => member.id.clone(),
        _ => panic!("expected REQUIRE_EMAIL_VERIFICATION"),
    }
}

#[tokio::test]
async fn a_resent_code_works_with_the_first_state_token_and_the_old_one_does_not() {
    let app = app(&[]);
    let email = email();
    let state = register(&app, &email).await.unwrap();
    let member_id = identity_id(&state);
    let token = state_token(state);
    let first = last_code(&app, email.as_str());
    headless::resend_code(&app, &member_id, LangPreference::default())
        .await
        .unwrap();
    let mail = app.mailer.to(email.as_str());
    assert_eq!(mail.len(), 2, "a second code is sent");
    let second = last_code(&app, email.as_str());
    if first != second {
        assert!(matches!(
            headless::verify(&app, &first, &token).await,
            Err(ApiError::InvalidCode)
        ));
    }
    assert!(matches!(
        headless::verify(&app, &second, &token).await.unwrap(),
        AuthState::Success { .. }
    ));
    // Verified now: nothing more is sent.
    headless::resend_code(&app, &member_id, LangPreference::default())
        .await
        .unwrap();
    assert_eq!(app.mailer.to(email.as_str()).len(), 2);
}

#[tokio::test]
async fn a_resend_for_a_taken_email_or_nobody_sends_nothing() {
    let app = app(&[]);
    let email = email();
    register(&app, &email).await.unwrap();
    let decoy = register(&app, &email).await.unwrap();
    let before = app.mailer.sent().len();
    headless::resend_code(&app, &identity_id(&decoy), LangPreference::default())
        .await
        .unwrap();
    headless::resend_code(&app, "no-such-member", LangPreference::default())
        .await
        .unwrap();
    assert_eq!(app.mailer.sent().len(), before);
}

#[tokio::test]
async fn a_resend_restarts_the_attempts_of_a_spent_code() {
    let app = app(&[]);
    let email = email();
    let state = register(&app, &email).await.unwrap();
    let member_id = identity_id(&state);
    let token = state_token(state);
    for _ in 0..MAX_CODE_ATTEMPTS {
        let _ = headless::verify(&app, "999999x", &token).await;
    }
    headless::resend_code(&app, &member_id, LangPreference::default())
        .await
        .unwrap();
    let code = last_code(&app, email.as_str());
    assert!(matches!(
        headless::verify(&app, &code, &token).await.unwrap(),
        AuthState::Success { .. }
    ));
}

#[tokio::test]
async fn captcha_is_asked_for_always_or_only_of_suspected_bots() {
    use members_auth::flows::captcha;
    let always = app(&[("CAPTCHA_MODE", "always"), ("CAPTCHA_SECRET", "s")]);
    assert!(matches!(
        captcha::check(&always, None, false).await,
        Err(ApiError::CaptchaMissing)
    ));
    assert!(matches!(
        captcha::check(&always, Some(""), false).await,
        Err(ApiError::CaptchaMissing)
    ));
    let huge = "t".repeat(5000);
    assert!(matches!(
        captcha::check(&always, Some(&huge), false).await,
        Err(ApiError::CaptchaMissing)
    ));
    let suspicious = app(&[("CAPTCHA_MODE", "suspected-bots"), ("CAPTCHA_SECRET", "s")]);
    captcha::check(&suspicious, None, false).await.unwrap();
    assert!(matches!(
        captcha::check(&suspicious, None, true).await,
        Err(ApiError::CaptchaMissing)
    ));
    captcha::check(&app(&[]), None, true).await.unwrap();
}

#[tokio::test]
async fn login_v2_with_captcha_on_suspects_an_account_after_three_failures() {
    let app = app(&[("CAPTCHA_MODE", "suspected-bots"), ("CAPTCHA_SECRET", "s")]);
    let email = email();
    register(&app, &email).await.unwrap();
    let with_captcha = |password: &str| {
        let mut login = attempt(&email, password);
        login.captcha = Some(None);
        login
    };
    for _ in 0..3 {
        assert!(matches!(
            headless::login(
                &app,
                with_captcha("wrong-password"),
                LangPreference::default()
            )
            .await
            .err(),
            Some(ApiError::WrongCredentials)
        ));
    }
    assert!(matches!(
        headless::login(&app, with_captcha(PASSWORD), LangPreference::default())
            .await
            .err(),
        Some(ApiError::CaptchaMissing)
    ));
}

/// Past the account-wide budget, a browser contract with captcha on is asked for a
/// captcha instead of being refused: solving one is how it proves itself.
#[tokio::test]
async fn past_the_account_budget_a_headless_login_is_asked_for_a_captcha() {
    use members_auth::flows::throttle;
    let app = app(&[("CAPTCHA_MODE", "suspected-bots"), ("CAPTCHA_SECRET", "s")]);
    let email = email();
    register(&app, &email).await.unwrap();
    for source in 0..throttle::ACCOUNT_FAILURE_BUDGET {
        let mut guess = attempt(&email, "wrong-password");
        guess.source = format!("10.3.0.{source}");
        assert!(matches!(
            headless::login(&app, guess, LangPreference::default())
                .await
                .err(),
            Some(ApiError::WrongCredentials)
        ));
    }
    let mut member = attempt(&email, PASSWORD);
    member.source = "10.9.9.9".into();
    member.captcha = Some(None);
    assert!(matches!(
        headless::login(&app, member, LangPreference::default())
            .await
            .err(),
        Some(ApiError::CaptchaMissing)
    ));
}
