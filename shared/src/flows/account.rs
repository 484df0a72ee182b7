//! Privileged account changes.

use tracing::error;

use crate::{
    App,
    app::Backend,
    domain::{Email, Member},
    error::ApiError,
    mail::templates::Letter,
    store::{MemberStore, StoreResultExt},
    telemetry::{SecurityEvent, security_event},
    ui::LangPreference,
};

/// `changeLoginEmail`: moves the member to `new_email` (race-free uniqueness), ends
/// every session, and tells the old address.
pub async fn change_login_email<B: Backend>(
    app: &App<B>,
    member_id: &str,
    new_email: Email,
) -> Result<Member, ApiError> {
    let mut member = app
        .store
        .member(member_id)
        .await?
        .ok_or(ApiError::MemberNotFound)?;
    if member.login_email == new_email {
        return Ok(member);
    }
    let now = app.clock.timestamp();
    app.store
        .change_login_email(&member, &new_email, &now)
        .await
        .on_not_found(ApiError::MemberNotFound)?;
    let old_email = std::mem::replace(&mut member.login_email, new_email);
    member.token_version += 1;
    member.updated_date = now;
    security_event(SecurityEvent::LoginEmailChanged, Some(&member.id), None);
    let notice = Letter::LoginEmailChanged {
        new_email: member.login_email.as_str(),
    };
    let lang = app.lang_for(LangPreference::default(), Some(&member));
    if let Err(err) = app.send_letter(old_email.as_str(), lang, &notice).await {
        error!(member_id = %member.id, error = %err, "login-email change notice not sent");
    }
    Ok(member)
}
