//! Recovery links: one use, one hour, every session ended by the reset.

use members_auth::{
    domain::{Password, member::ContactInfo},
    error::ApiError,
    flows::{
        login,
        recovery::{self, AfterReset, PasswordMail, RECOVERY_TTL_SECS},
        register,
    },
    ui::LangPreference,
};

use crate::{CLIENT_ID, PASSWORD, after, app, attempt, email, new_password, secs};

const NEW_PASSWORD: &str = "battery-staple-horse";

async fn member_with_link(
    app: &members_auth::App<members_auth::app::InMemory>,
    after_reset: Option<AfterReset>,
) -> (members_auth::domain::Email, String) {
    let email = email();
    register::register(
        app,
        register::Registration {
            email: email.clone(),
            password: new_password(),
            contact: ContactInfo::default(),
            privacy_status: Default::default(),
        },
    )
    .await
    .unwrap();
    let sent = recovery::send_recovery_email(
        app,
        Some(email.clone()),
        after_reset,
        PasswordMail::Reset,
        LangPreference::default(),
    )
    .await
    .unwrap();
    assert!(sent);
    let mail = app.mailer.to(email.as_str());
    let token = after(&mail.last().unwrap().text, "reset-password?token=").to_string();
    (email, token)
}

fn new_password_again() -> Password {
    Password::parse_new(NEW_PASSWORD.into(), 8).unwrap()
}

#[tokio::test]
async fn a_link_resets_the_password_once() {
    let app = app(&[]);
    let (email, token) = member_with_link(&app, None).await;
    let reset = recovery::reset_password(&app, &token, new_password_again())
        .await
        .unwrap();
    assert_eq!(reset.redirect_url, None);
    assert!(matches!(
        recovery::reset_password(&app, &token, new_password_again()).await,
        Err(ApiError::InvalidGrant)
    ));
    assert!(matches!(
        login::velo_login(&app, attempt(&email, PASSWORD)).await,
        Err(ApiError::WrongCredentials)
    ));
    login::velo_login(&app, attempt(&email, NEW_PASSWORD))
        .await
        .unwrap();
}

#[tokio::test]
async fn a_link_expires_after_an_hour() {
    let app = app(&[]);
    let (email, token) = member_with_link(&app, None).await;
    app.clock.advance(secs(RECOVERY_TTL_SECS + 1));
    assert!(matches!(
        recovery::reset_password(&app, &token, new_password_again()).await,
        Err(ApiError::InvalidGrant)
    ));
    login::velo_login(&app, attempt(&email, PASSWORD))
        .await
        .unwrap();
}

#[tokio::test]
async fn a_link_just_inside_the_hour_works_and_keeps_an_allowed_redirect() {
    let app = app(&[]);
    let allowed = AfterReset {
        url: "https://site.example/welcome-back".into(),
        client_id: CLIENT_ID.into(),
    };
    let (_, token) = member_with_link(&app, Some(allowed)).await;
    app.clock.advance(secs(RECOVERY_TTL_SECS - 1));
    let reset = recovery::reset_password(&app, &token, new_password_again())
        .await
        .unwrap();
    assert_eq!(
        reset.redirect_url.as_deref(),
        Some("https://site.example/welcome-back")
    );
}

#[tokio::test]
async fn an_unknown_email_gets_the_same_answer_and_no_mail() {
    let app = app(&[]);
    let before = app.mailer.sent().len();
    let sent = recovery::send_recovery_email(
        &app,
        Some(email()),
        None,
        PasswordMail::Reset,
        LangPreference::default(),
    )
    .await
    .unwrap();
    assert!(!sent);
    assert_eq!(app.mailer.sent().len(), before);
    let not_allowed = AfterReset {
        url: "https://evil.example/".into(),
        client_id: CLIENT_ID.into(),
    };
    let (_, token) = member_with_link(&app, Some(not_allowed)).await;
    let reset = recovery::reset_password(&app, &token, new_password_again())
        .await
        .unwrap();
    assert_eq!(
        reset.redirect_url, None,
        "an unregistered redirect is dropped"
    );
}

#[tokio::test]
async fn recover_completes_a_link_once_and_signs_the_member_in() {
    use members_auth::flows::headless::{self, AuthState};
    let app = app(&[]);
    let (email, token) = member_with_link(&app, None).await;
    match headless::recover(&app, &token, new_password_again())
        .await
        .unwrap()
    {
        AuthState::Success {
            member,
            session_token,
        } => {
            assert_eq!(member.login_email, email);
            let claims = members_auth::domain::token::verify_session_token(
                &app.config.signing_keys,
                &session_token,
                app.clock.now(),
            )
            .unwrap();
            assert_eq!(claims.ver, member.token_version, "the new session is live");
        }
        _ => panic!("expected SUCCESS"),
    }
    assert!(matches!(
        headless::recover(&app, &token, new_password_again())
            .await
            .err(),
        Some(ApiError::InvalidGrant)
    ));
    login::velo_login(&app, attempt(&email, NEW_PASSWORD))
        .await
        .unwrap();
}
