//! Password recovery and first-password links, and the reset they lead to.

use tracing::{error, info};

use crate::{
    App,
    app::Backend,
    domain::{
        Email, Member, MemberStatus, Password,
        token::{random_token, token_hash},
    },
    error::ApiError,
    mail::templates::Letter,
    store::{MemberStore, RecordStore, Recovery},
    telemetry::{SecurityEvent, security_event},
    ui::LangPreference,
};

pub use crate::mail::templates::PasswordMail;

pub const RECOVERY_TTL_SECS: u64 = 3600;
pub const RESET_PAGE_PATH: &str = "/recovery/reset-password";

/// Where the reset page sends the member afterwards, if the client allows it.
pub struct AfterReset {
    pub url: String,
    pub client_id: String,
}

/// A single-use recovery token for `member`, as it is stored, and the reset page link
/// that carries it.
pub fn new_link<B: Backend>(
    app: &App<B>,
    member_id: &str,
    after: Option<&AfterReset>,
) -> (Recovery, String) {
    let token = random_token();
    let recovery = Recovery {
        token_hash: token_hash(&token),
        member_id: member_id.to_string(),
        redirect_url: after.map(|a| a.url.clone()),
        client_id: after.map(|a| a.client_id.clone()),
        expires_at: app.clock.now() + RECOVERY_TTL_SECS,
    };
    let link = format!(
        "{}{RESET_PAGE_PATH}?token={token}",
        app.config.public_base_url
    );
    (recovery, link)
}

/// Stores a single-use recovery token for `member` and returns the reset page link.
pub async fn create_link<B: Backend>(
    app: &App<B>,
    member_id: &str,
    after: Option<&AfterReset>,
) -> Result<String, ApiError> {
    let (recovery, link) = new_link(app, member_id, after);
    app.store.put_recovery(&recovery).await?;
    Ok(link)
}

/// `sendRecoveryEmail`: emails a reset link when the email has a member, and answers
/// the same either way. A redirect the client does not allow is dropped, not stored.
pub async fn send_recovery_email<B: Backend>(
    app: &App<B>,
    email: Option<Email>,
    after: Option<AfterReset>,
    kind: PasswordMail,
    asked: LangPreference,
) -> Result<bool, ApiError> {
    let after = after.filter(|a| may_return_to(app, &a.client_id, &a.url));
    let Some(email) = email else {
        return Ok(false);
    };
    let credentials = app.store.credentials(&email).await?;
    // An address with no member costs the same work: a link to no one, and a decoy
    // email that the mailer drops. Only the mailer ever knows which it was.
    let member_id = match &credentials {
        Some(credentials) => credentials.member_id.clone(),
        None => uuid::Uuid::new_v4().to_string(),
    };
    let link = create_link(app, &member_id, after.as_ref()).await?;
    // The member's record is not read (an unknown address would cost less): the
    // language is the request's, else the browser's, else the site's.
    let lang = app.lang_for(asked, None);
    let message = Letter::PasswordLink { link: &link, kind };
    if credentials.is_none() {
        // A failure here has nothing to lose, and answering as if it had is the point.
        let _ = app.send_decoy_letter(lang, &message).await;
        return Ok(false);
    }
    // Failing here would tell the caller the email is known; the member can ask again.
    if let Err(err) = app.send_letter(email.as_str(), lang, &message).await {
        error!(member_id, error = %err, "recovery email not queued");
        return Ok(false);
    }
    info!(member_id, "recovery email queued");
    Ok(true)
}

/// `recovery.sendActivationEmail` (privileged): emails the member a link to set its
/// password, as a member the site created needs before it can sign in. The site
/// learns whether the member exists (404), as it can by `getMember`.
pub async fn send_activation_email<B: Backend>(
    app: &App<B>,
    member_id: &str,
) -> Result<(), ApiError> {
    let member = app
        .store
        .member(member_id)
        .await?
        .filter(|m| m.status != MemberStatus::Offline)
        .ok_or(ApiError::MemberNotFound)?;
    let kind = PasswordMail::SetPassword { ignore_note: true };
    // The site asks, for the member: the member's language.
    let asked = LangPreference {
        requested: Some(app.lang_for(LangPreference::default(), Some(&member))),
        accepted: None,
    };
    if !send_recovery_email(app, Some(member.login_email), None, kind, asked).await? {
        // The member exists: the email went nowhere. The site may send it again.
        return Err(ApiError::unavailable("the activation email was not sent"));
    }
    Ok(())
}

/// Where a reset may lead for `client_id`: its registered URLs, or our own hosted
/// sign-in page (checked when the link is made and again when it is followed).
fn may_return_to<B: Backend>(app: &App<B>, client_id: &str, url: &str) -> bool {
    app.config.oauth_client(client_id).is_some_and(|client| {
        url_allowed(url, &client.redirect_uris, &client.origins) || is_hosted_sign_in(app, url)
    })
}

/// Our own hosted sign-in page (an authorize URL of this service): a recovery started
/// there comes back there, where the authorize request is checked again.
fn is_hosted_sign_in<B: Backend>(app: &App<B>, url: &str) -> bool {
    url.strip_prefix(app.config.public_base_url.as_str())
        .is_some_and(|rest| rest.starts_with("/oauth2/authorize?"))
        && url.bytes().all(|b| b.is_ascii_graphic() && b != b'\\')
}

/// A redirect target is allowed when it is a registered redirect URI or lies under
/// a registered origin.
pub fn url_allowed(url: &str, redirect_uris: &[String], origins: &[String]) -> bool {
    // Visible ASCII only (percent-encoding is how URLs carry the rest): no control
    // characters to split a header, no spaces, no backslashes browsers read as slashes.
    let well_formed = url.bytes().all(|b| b.is_ascii_graphic() && b != b'\\');
    well_formed
        && (redirect_uris.iter().any(|u| u == url)
            || origins.iter().any(|origin| {
                url == origin
                    || url
                        .strip_prefix(origin.as_str())
                        .is_some_and(|rest| rest.starts_with('/') || rest.starts_with('?'))
            }))
}

/// What a completed reset leads to.
pub struct Reset {
    pub redirect_url: Option<String>,
    /// The member as it is now: its new token version ended every earlier session.
    pub member: Member,
}

/// Spends the token, sets the new password and revokes every session of the member.
pub async fn reset_password<B: Backend>(
    app: &App<B>,
    token: &str,
    password: Password,
) -> Result<Reset, ApiError> {
    if token.is_empty() || token.len() > 512 {
        return Err(ApiError::InvalidGrant);
    }
    let recovery = app
        .store
        .take_recovery(&token_hash(token))
        .await?
        .ok_or(ApiError::InvalidGrant)?;
    if recovery.expires_at <= app.clock.now() {
        return Err(ApiError::InvalidGrant);
    }
    // A disconnected member has no login any more: its links lead nowhere.
    let mut member: Member = app
        .store
        .member(&recovery.member_id)
        .await?
        .filter(|m| m.status != MemberStatus::Offline)
        .ok_or(ApiError::InvalidGrant)?;
    let hash = app.hasher.hash(password).await?;
    let now = app.clock.timestamp();
    app.store.set_password(&member, &hash, &now).await?;
    member.token_version += 1;
    member.updated_date = now;
    security_event(SecurityEvent::PasswordReset, Some(&member.id), None);
    let redirect_url = match (recovery.redirect_url, recovery.client_id) {
        (Some(url), Some(client_id)) => may_return_to(app, &client_id, &url).then_some(url),
        _ => None,
    };
    Ok(Reset {
        redirect_url,
        member,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn allowed_urls() {
        let uris = vec!["https://site.example/callback".to_string()];
        let origins = vec!["https://site.example".to_string()];
        assert!(url_allowed(
            "https://site.example/callback",
            &uris,
            &origins
        ));
        assert!(url_allowed(
            "https://site.example/account?x=1",
            &uris,
            &origins
        ));
        assert!(url_allowed("https://site.example", &uris, &origins));
        assert!(!url_allowed(
            "https://site.example.evil.com/",
            &uris,
            &origins
        ));
        assert!(!url_allowed(
            "https://evil.com/https://site.example",
            &uris,
            &origins
        ));
        assert!(!url_allowed("javascript:alert(1)", &uris, &origins));
        for bad in [
            "https://site.example/\r\nSet-Cookie: x=1",
            "https://site.example/a\0b",
            "https://site.example/\u{202e}",
            "https://site.example/a b",
            "https://site.example\\@evil.com",
        ] {
            assert!(!url_allowed(bad, &uris, &origins), "{bad:?}");
        }
    }
}
