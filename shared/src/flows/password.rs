//! A signed-in member changes its own password (`authentication.changePassword`).

use tracing::{error, info};

use crate::{
    App,
    app::Backend,
    domain::{Password, token::verify_access_token},
    error::ApiError,
    mail::{Mailer, templates},
    store::{MemberStore, SessionStore},
};

use super::oauth::member_may_hold_tokens;

/// Sets the new password for the member behind `access_token` and ends every other
/// session and token of theirs at once (the token version moves on), while the session
/// this request came from is carried over to the new version and goes on working.
pub async fn change_password<B: Backend>(
    app: &App<B>,
    access_token: &str,
    new_password: Password,
) -> Result<(), ApiError> {
    let claims = verify_access_token(&app.config.signing_keys, access_token, app.clock.now())
        .map_err(|_| ApiError::Unauthenticated)?;
    let (Some(session_id), Some(version)) = (claims.sid.as_deref(), claims.ver) else {
        return Err(ApiError::Unauthenticated);
    };
    let (member, session) = app
        .store
        .member_and_session(&claims.sub, session_id)
        .await?;
    let session = session
        .filter(|s| !s.revoked && s.member_id == claims.sub)
        .ok_or(ApiError::Unauthenticated)?;
    let member = member
        .filter(|m| member_may_hold_tokens(m, session.version_of(version)))
        .ok_or(ApiError::Unauthenticated)?;
    let hash = app.hasher.hash(new_password).await?;
    app.store
        .set_password(&member, &hash, &app.clock.timestamp())
        .await?;
    // A logout racing this change wins: the session stays ended. The password has
    // changed either way, so a failure here is logged, not answered as one.
    let kept = app
        .store
        .carry_session(session_id, member.token_version + 1)
        .await
        .inspect_err(|err| error!(member_id = %member.id, error = %err, "session not carried over"))
        .unwrap_or(false);
    info!(member_id = %member.id, kept, "password changed; other sessions ended");
    let notice = templates::password_changed(&app.config.site_name);
    if let Err(err) = app.mailer.send(member.login_email.as_str(), notice).await {
        error!(member_id = %member.id, error = %err, "password-change notice not sent");
    }
    Ok(())
}
