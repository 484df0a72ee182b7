//! Session tokens: issuing them, who may hold one, and `generateSessionToken`.

use crate::{
    App,
    app::Backend,
    domain::{
        Email, Member, MemberStatus, Password,
        member::{ContactInfo, HeadlessProfile, PrivacyStatus},
        token::{SessionClaims, issue_session_token},
    },
    error::ApiError,
    store::{MemberStore, StoreError},
};

/// Signs a short-lived session token bound to the member's current token version and
/// to the one session it may open.
pub fn issue_for<B: Backend>(app: &App<B>, member: &Member) -> Result<String, ApiError> {
    let claims = SessionClaims::new(
        &member.id,
        member.token_version,
        &uuid::Uuid::new_v4().to_string(),
        app.clock.now(),
        app.config.session_token_ttl.as_secs(),
    );
    Ok(issue_session_token(&app.config.signing_keys, &claims)?)
}

/// Refuses members who may not hold a session.
pub fn ensure_may_sign_in(member: &Member) -> Result<(), ApiError> {
    if member.status == MemberStatus::Approved && !member.email_verified {
        return Err(ApiError::EmailNotVerified);
    }
    match member.status {
        MemberStatus::Approved => Ok(()),
        MemberStatus::Pending => Err(ApiError::MemberPending),
        MemberStatus::Blocked => Err(ApiError::MemberBlocked),
        // Disconnected: its login email is released, so it is nobody's account now.
        MemberStatus::Offline => Err(ApiError::WrongCredentials),
    }
}

/// `generateSessionToken`: a session for this email, creating an approved member with
/// a random password when none exists (never for a blocked or pending one).
pub async fn generate_session_token<B: Backend>(
    app: &App<B>,
    email: Email,
) -> Result<String, ApiError> {
    Ok(sign_on(app, email, None).await?.1)
}

/// The member of `email` (created approved, with a random password and `profile`, when
/// none exists) and a session token for it; blocked and pending members get none.
pub async fn sign_on<B: Backend>(
    app: &App<B>,
    email: Email,
    profile: Option<HeadlessProfile>,
) -> Result<(Member, String), ApiError> {
    // Two rounds at most: a concurrent creation of the same email makes the first
    // lose the race, and the second then finds the winner's member.
    for _ in 0..2 {
        if let Some(credentials) = app.store.credentials(&email).await? {
            let member = app
                .store
                .member(&credentials.member_id)
                .await?
                .ok_or_else(|| ApiError::internal("email claim without member"))?;
            ensure_may_sign_in(&member)?;
            let token = issue_for(app, &member)?;
            return Ok((member, token));
        }
        let now = app.clock.timestamp();
        let member = match profile.clone() {
            Some(profile) => {
                Member::from_headless(email.clone(), MemberStatus::Approved, profile, &now)
            }
            None => Member::new(
                email.clone(),
                MemberStatus::Approved,
                PrivacyStatus::default(),
                ContactInfo::default(),
                &now,
            ),
        };
        let hash = app.hasher.hash(Password::random()).await?;
        match app.store.create_member(&member, &hash, &[]).await {
            Ok(()) => {
                let token = issue_for(app, &member)?;
                return Ok((member, token));
            }
            Err(StoreError::EmailTaken(_)) => continue,
            Err(err) => return Err(err.into()),
        }
    }
    Err(ApiError::internal("member creation raced twice"))
}
