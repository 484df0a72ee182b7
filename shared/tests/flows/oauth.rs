//! The OAuth side: codes (one use, ten minutes), refresh tokens (thirty days), access
//! tokens (four hours), the current member, logout, visitors.

use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use members_auth::{
    App,
    app::InMemory,
    domain::member::ContactInfo,
    error::ApiError,
    flows::{
        block,
        oauth::{self, ACCESS_TOKEN_TTL_SECS, AUTH_CODE_TTL_SECS, REFRESH_TOKEN_TTL_SECS},
        register,
    },
};
use sha2::Digest;

use crate::{CLIENT_ID, REDIRECT_URI, app, email, new_password, secs};

fn verifier() -> String {
    format!("{}{}", "v".repeat(40), "erifier")
}

fn challenge() -> String {
    URL_SAFE_NO_PAD.encode(sha2::Sha256::digest(verifier().as_bytes()))
}

/// A member's session token and a code issued for it.
async fn code(app: &App<InMemory>) -> (members_auth::domain::Email, String) {
    let email = email();
    let registered = register::register(
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
    let session_token = registered.session_token.unwrap();
    let code = oauth::issue_code(app, CLIENT_ID, REDIRECT_URI, &challenge(), &session_token)
        .await
        .unwrap();
    (email, code)
}

async fn exchange(app: &App<InMemory>, code: &str) -> Result<oauth::TokenSet, ApiError> {
    oauth::exchange_code(app, CLIENT_ID, code, &verifier(), Some(REDIRECT_URI)).await
}

#[tokio::test]
async fn a_code_gives_tokens_once_and_a_reuse_revokes_its_session() {
    let app = app(&[]);
    let (_, code) = code(&app).await;
    let tokens = exchange(&app, &code).await.unwrap();
    oauth::current_member(&app, &tokens.access_token)
        .await
        .unwrap();
    oauth::refresh(&app, Some(CLIENT_ID), &tokens.refresh_token)
        .await
        .unwrap();

    assert!(matches!(
        exchange(&app, &code).await,
        Err(ApiError::InvalidGrant)
    ));
    assert!(matches!(
        oauth::refresh(&app, Some(CLIENT_ID), &tokens.refresh_token).await,
        Err(ApiError::InvalidGrant)
    ));
    assert!(matches!(
        oauth::current_member(&app, &tokens.access_token).await,
        Err(ApiError::Unauthenticated)
    ));
}

#[tokio::test]
async fn a_code_expires_after_ten_minutes() {
    let app = app(&[]);
    let (_, code) = code(&app).await;
    app.clock.advance(secs(AUTH_CODE_TTL_SECS + 1));
    assert!(matches!(
        exchange(&app, &code).await,
        Err(ApiError::InvalidGrant)
    ));
}

#[tokio::test]
async fn a_wrong_verifier_is_an_invalid_grant() {
    let app = app(&[]);
    let (_, code) = code(&app).await;
    let wrong = "w".repeat(43);
    assert!(matches!(
        oauth::exchange_code(&app, CLIENT_ID, &code, &wrong, None).await,
        Err(ApiError::InvalidGrant)
    ));
}

#[tokio::test]
async fn a_refresh_token_lasts_thirty_days_and_access_tokens_four_hours() {
    let app = app(&[]);
    let (_, code) = code(&app).await;
    let tokens = exchange(&app, &code).await.unwrap();

    app.clock.advance(secs(ACCESS_TOKEN_TTL_SECS + 1));
    assert!(matches!(
        oauth::current_member(&app, &tokens.access_token).await,
        Err(ApiError::Unauthenticated)
    ));
    let renewed = oauth::refresh(&app, Some(CLIENT_ID), &tokens.refresh_token)
        .await
        .unwrap();
    oauth::current_member(&app, &renewed.access_token)
        .await
        .unwrap();

    app.clock
        .advance(secs(REFRESH_TOKEN_TTL_SECS - ACCESS_TOKEN_TTL_SECS));
    assert!(matches!(
        oauth::refresh(&app, Some(CLIENT_ID), &tokens.refresh_token).await,
        Err(ApiError::InvalidGrant)
    ));
}

#[tokio::test]
async fn blocking_ends_refresh_and_access_at_once() {
    let app = app(&[]);
    let (email, code) = code(&app).await;
    let tokens = exchange(&app, &code).await.unwrap();
    block::by_email(&app, &email).await.unwrap();
    assert!(matches!(
        oauth::current_member(&app, &tokens.access_token).await,
        Err(ApiError::Unauthenticated)
    ));
    assert!(matches!(
        oauth::refresh(&app, Some(CLIENT_ID), &tokens.refresh_token).await,
        Err(ApiError::InvalidGrant)
    ));
}

/// A session token opens one session: asked again, before or after that session's
/// logout, it opens none; a second code issued before the first was exchanged opens
/// nothing either.
#[tokio::test]
async fn a_session_token_opens_one_session_even_after_its_logout() {
    let app = app(&[]);
    let registered = register::register(
        &app,
        register::Registration {
            email: email(),
            password: new_password(),
            contact: ContactInfo::default(),
            privacy_status: Default::default(),
        },
    )
    .await
    .unwrap();
    let session_token = registered.session_token.unwrap();
    let challenge = challenge();
    let issue = || oauth::issue_code(&app, CLIENT_ID, REDIRECT_URI, &challenge, &session_token);
    let first = issue().await.unwrap();
    let second = issue().await.unwrap();
    let tokens = exchange(&app, &first).await.unwrap();
    assert!(matches!(
        exchange(&app, &second).await,
        Err(ApiError::InvalidGrant)
    ));
    oauth::current_member(&app, &tokens.access_token)
        .await
        .unwrap();
    assert!(matches!(issue().await, Err(ApiError::Unauthenticated)));

    let url = oauth::logout_url(
        &app,
        CLIENT_ID,
        "https://site.example/out",
        Some(&tokens.access_token),
    )
    .await
    .unwrap();
    oauth::logout(&app, &url.params[0].1).await.unwrap();
    assert!(matches!(issue().await, Err(ApiError::Unauthenticated)));
}

#[tokio::test]
async fn logout_ends_the_session_of_the_access_token_and_expires_unused() {
    let app = app(&[]);
    let (_, code) = code(&app).await;
    let tokens = exchange(&app, &code).await.unwrap();
    let out = "https://site.example/out";
    let url = oauth::logout_url(&app, CLIENT_ID, out, Some(&tokens.access_token))
        .await
        .unwrap();
    assert_eq!(url.endpoint, "https://auth.example/oauth2/logout");
    let id = &url.params[0].1;
    assert_eq!(url.full(), format!("{}?id={id}", url.endpoint));
    assert_eq!(oauth::logout(&app, id).await.unwrap(), out);
    assert!(matches!(
        oauth::current_member(&app, &tokens.access_token).await,
        Err(ApiError::Unauthenticated)
    ));
    assert!(matches!(
        oauth::logout(&app, id).await,
        Err(ApiError::OAuthInvalidRequest(_))
    ));

    let unused = oauth::logout_url(&app, CLIENT_ID, out, None).await.unwrap();
    app.clock.advance(secs(oauth::LOGOUT_REQUEST_TTL_SECS + 1));
    let id = &unused.params[0].1;
    assert!(matches!(
        oauth::logout(&app, id).await,
        Err(ApiError::OAuthInvalidRequest(_))
    ));
    assert!(matches!(
        oauth::logout_url(&app, CLIENT_ID, "https://evil.example/", None).await,
        Err(ApiError::OAuthInvalidRequest(_))
    ));
}

#[tokio::test]
async fn visitors_get_tokens_that_are_no_member() {
    let app = app(&[]);
    let visitor = oauth::visitor_tokens(&app, CLIENT_ID).await.unwrap();
    assert!(matches!(
        oauth::current_member(&app, &visitor.access_token).await,
        Err(ApiError::Unauthenticated)
    ));
    oauth::refresh(&app, Some(CLIENT_ID), &visitor.refresh_token)
        .await
        .unwrap();
    assert!(matches!(
        oauth::visitor_tokens(&app, "no-such-client").await,
        Err(ApiError::OAuthInvalidRequest(_))
    ));
}

#[tokio::test]
async fn logout_v1_ends_only_the_callers_session_and_checks_the_next_page() {
    let app = app(&[]);
    let (_, first) = code(&app).await;
    let mine = exchange(&app, &first).await.unwrap();
    let (_, second) = code(&app).await;
    let theirs = exchange(&app, &second).await.unwrap();
    let out = "https://site.example/out";
    let next = oauth::end_session(&app, Some(CLIENT_ID), Some(out), Some(&mine.access_token))
        .await
        .unwrap();
    assert_eq!(next.as_deref(), Some(out));
    assert!(
        oauth::current_member(&app, &mine.access_token)
            .await
            .is_err()
    );
    oauth::current_member(&app, &theirs.access_token)
        .await
        .unwrap();
    // A next page that is not allowed is refused, and the session ends all the same.
    let refused = oauth::end_session(
        &app,
        Some(CLIENT_ID),
        Some("https://evil.example/"),
        Some(&theirs.access_token),
    )
    .await;
    assert!(matches!(refused, Err(ApiError::OAuthInvalidRequest(_))));
    assert!(
        oauth::current_member(&app, &theirs.access_token)
            .await
            .is_err()
    );
    assert_eq!(
        oauth::end_session(&app, None, None, None).await.unwrap(),
        None,
        "no token, no page: nothing to do"
    );
}

#[tokio::test]
async fn a_password_change_keeps_this_session_and_ends_every_other() {
    use members_auth::{
        domain::{Password, token::verify_session_token},
        flows::{login, password},
    };
    let app = app(&[]);
    let (email, first) = code(&app).await;
    let this = exchange(&app, &first).await.unwrap();
    let session_token = login::velo_login(&app, crate::attempt(&email, crate::PASSWORD))
        .await
        .unwrap()
        .session_token;
    let other_code = oauth::issue_code(&app, CLIENT_ID, REDIRECT_URI, &challenge(), &session_token)
        .await
        .unwrap();
    let other = exchange(&app, &other_code).await.unwrap();

    let new = Password::parse_new("a-brand-new-password".into(), 8).unwrap();
    password::change_password(&app, &this.access_token, new)
        .await
        .unwrap();
    let notices = app.mailer.to(email.as_str());
    assert!(
        notices
            .iter()
            .any(|m| m.subject.contains("password was changed")),
        "the member is told"
    );

    oauth::current_member(&app, &this.access_token)
        .await
        .unwrap();
    let renewed = oauth::refresh(&app, Some(CLIENT_ID), &this.refresh_token)
        .await
        .unwrap();
    oauth::current_member(&app, &renewed.access_token)
        .await
        .unwrap();
    assert!(
        oauth::current_member(&app, &other.access_token)
            .await
            .is_err()
    );
    assert!(
        oauth::refresh(&app, Some(CLIENT_ID), &other.refresh_token)
            .await
            .is_err()
    );
    let claims =
        verify_session_token(&app.config.signing_keys, &session_token, app.clock.now()).unwrap();
    assert!(
        oauth::issue_code(&app, CLIENT_ID, REDIRECT_URI, &challenge(), &session_token)
            .await
            .is_err(),
        "a session token from before (version {}) opens nothing",
        claims.ver
    );
    assert!(
        login::velo_login(&app, crate::attempt(&email, crate::PASSWORD))
            .await
            .is_err()
    );
    login::velo_login(&app, crate::attempt(&email, "a-brand-new-password"))
        .await
        .unwrap();

    // Blocking still ends the kept session.
    block::by_email(&app, &email).await.unwrap();
    assert!(
        oauth::current_member(&app, &this.access_token)
            .await
            .is_err()
    );
}

#[tokio::test]
async fn a_password_change_needs_a_live_member_token() {
    use members_auth::{domain::Password, flows::password};
    let app = app(&[]);
    let visitor = oauth::visitor_tokens(&app, CLIENT_ID).await.unwrap();
    let new = || Password::parse_new("a-brand-new-password".into(), 8).unwrap();
    assert!(matches!(
        password::change_password(&app, &visitor.access_token, new()).await,
        Err(ApiError::Unauthenticated)
    ));
    assert!(matches!(
        password::change_password(&app, "not-a-token", new()).await,
        Err(ApiError::Unauthenticated)
    ));
}

#[tokio::test]
async fn external_login_signs_on_once_per_email_and_mints_a_session() {
    use members_auth::flows::session;
    let app = app(&[]);
    let email = email();
    let (member, session_token) = session::sign_on(&app, email.clone(), None).await.unwrap();
    let (again, _) = session::sign_on(&app, email.clone(), None).await.unwrap();
    assert_eq!(member.id, again.id);
    let before = app.store.calls();
    let tokens = oauth::external_tokens(&app, CLIENT_ID, &member.id, Some(&session_token))
        .await
        .unwrap();
    assert_eq!(
        app.store.calls() - before,
        2,
        "the member read and the session"
    );
    oauth::current_member(&app, &tokens.access_token)
        .await
        .unwrap();
    let (other, other_token) = session::sign_on(&app, crate::email(), None).await.unwrap();
    assert!(matches!(
        oauth::external_tokens(&app, CLIENT_ID, &member.id, Some(&other_token)).await,
        Err(ApiError::InvalidGrant)
    ));
    assert!(matches!(
        oauth::external_tokens(&app, "no-such-client", &other.id, None).await,
        Err(ApiError::OAuthInvalidRequest(_))
    ));
    block::by_email(&app, &email).await.unwrap();
    assert!(matches!(
        session::sign_on(&app, email, None).await,
        Err(ApiError::MemberBlocked)
    ));
    assert!(matches!(
        oauth::external_tokens(&app, CLIENT_ID, &member.id, None).await,
        Err(ApiError::InvalidGrant)
    ));
}
