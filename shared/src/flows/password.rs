//! A signed-in member changes its own password (`authentication.changePassword`).

use tracing::error;

use crate::{
    App,
    app::Backend,
    domain::Password,
    error::ApiError,
    mail::templates::Letter,
    store::{MemberStore, SessionStore},
    telemetry::{SecurityEvent, security_event},
    ui::LangPreference,
};

use super::oauth::signed_in;

/// Sets the new password for the member behind `access_token` and ends every other
/// session and token of theirs at once (the token version moves on), while the session
/// this request came from is carried over to the new version and goes on working.
pub async fn change_password<B: Backend>(
    app: &App<B>,
    access_token: &str,
    new_password: Password,
) -> Result<(), ApiError> {
    let (member, session) = signed_in(app, access_token).await?;
    let hash = app.hasher.hash(new_password).await?;
    app.store
        .set_password(&member, &hash, &app.clock.timestamp())
        .await?;
    // A logout racing this change wins: the session stays ended. The password has
    // changed either way, so a failure here is logged, not answered as one.
    let kept = app
        .store
        .carry_session(&session.id, member.token_version + 1)
        .await
        .inspect_err(|err| error!(member_id = %member.id, error = %err, "session not carried over"))
        .unwrap_or(false);
    security_event(SecurityEvent::PasswordChanged, Some(&member.id), None);
    tracing::info!(member_id = %member.id, kept, "other sessions ended");
    let lang = app.lang_for(LangPreference::default(), Some(&member));
    let notice = Letter::PasswordChanged;
    if let Err(err) = app
        .send_letter(member.login_email.as_str(), lang, &notice)
        .await
    {
        error!(member_id = %member.id, error = %err, "password-change notice not sent");
    }
    Ok(())
}
