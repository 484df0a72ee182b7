//! Registration (the Velo method): the member and its email and slug claims in one
//! transaction, then approval or a session.

use tracing::{error, info};

use crate::{
    App,
    app::Backend,
    config::ApprovalMode,
    domain::{
        Email, Member, MemberStatus, Password,
        member::{ContactInfo, PrivacyStatus},
        token::{random_token, token_hash},
    },
    error::ApiError,
    mail::templates::Letter,
    store::{MemberStore, NewRecord},
};

use super::session;

pub struct Registration {
    pub email: Email,
    pub password: Password,
    pub contact: ContactInfo,
    pub privacy_status: PrivacyStatus,
}

pub struct Registered {
    pub member: Member,
    /// Set when approval is automatic.
    pub session_token: Option<String>,
    /// Set when approval is manual; only trusted callers may see it.
    pub approval_token: Option<String>,
}

pub async fn register<B: Backend>(
    app: &App<B>,
    registration: Registration,
) -> Result<Registered, ApiError> {
    let status = match app.config.approval {
        ApprovalMode::Automatic => MemberStatus::Approved,
        ApprovalMode::Manual => MemberStatus::Pending,
    };
    let member = Member::new(
        registration.email,
        status,
        registration.privacy_status,
        registration.contact,
        &app.clock.timestamp(),
    );
    let password_hash = app.hasher.hash(registration.password).await?;

    let approval_token = (status == MemberStatus::Pending).then(random_token);
    let records: Vec<NewRecord> = approval_token
        .as_deref()
        .map(|token| NewRecord::Approval {
            token_hash: token_hash(token),
            member_id: member.id.clone(),
            expires_at: app.clock.now() + app.config.approval_token_ttl.as_secs(),
        })
        .into_iter()
        .collect();
    app.store
        .create_member(&member, &password_hash, &records)
        .await?;
    info!(member_id = %member.id, status = member.status.as_str(), "member registered");

    if let Some(token) = &approval_token {
        notify_owner(app, &member, token).await;
    }
    let session_token = match status {
        MemberStatus::Approved => Some(session::issue_for(app, &member)?),
        _ => None,
    };
    Ok(Registered {
        member,
        session_token,
        approval_token,
    })
}

/// The member exists either way; a lost owner email is recoverable with
/// `approveByEmail`, so it is logged rather than failing the registration.
pub(crate) async fn notify_owner<B: Backend>(app: &App<B>, member: &Member, token: &str) {
    let Some(owner) = app.config.owner_email.as_deref() else {
        return;
    };
    let separator = if app.config.approval_link_url.contains('?') {
        '&'
    } else {
        '?'
    };
    let link = format!("{}{separator}token={token}", app.config.approval_link_url);
    let letter = Letter::ApprovalRequest {
        member_email: member.login_email.as_str(),
        approve_link: &link,
    };
    // To the site owner: in the site's language.
    let lang = app.config.ui.site_lang;
    if let Err(err) = app.send_letter(owner, lang, &letter).await {
        error!(member_id = %member.id, error = %err, "owner approval email not sent");
    }
}
