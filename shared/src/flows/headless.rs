//! The headless state machine: Register V2, Login V2 and Verify answer `SUCCESS`,
//! `REQUIRE_EMAIL_VERIFICATION` or `REQUIRE_OWNER_APPROVAL`.

use tracing::{error, info};

use crate::{
    App,
    app::Backend,
    config::ApprovalMode,
    domain::{
        Email, Member, MemberStatus, Password,
        member::HeadlessProfile,
        token::{
            code_hash, constant_time_eq, issue_state_token, random_code, random_token, token_hash,
            verify_state_token,
        },
    },
    error::ApiError,
    mail::templates::Letter,
    store::{MemberStore, NewRecord, RecordStore, StoreError, Verification},
    telemetry::{SecurityEvent, security_event},
    ui::LangPreference,
};

use super::{recovery, register, session};

pub const CODE_TTL_SECS: u64 = 600;
pub const MAX_CODE_ATTEMPTS: u64 = 5;

pub enum AuthState {
    Success {
        session_token: String,
        member: Member,
    },
    /// `member` is who the code is for, as the client shows it (for a taken email, the
    /// registration's member that was never stored: it looks like a fresh one).
    RequireEmailVerification {
        state_token: String,
        member: Member,
    },
    RequireOwnerApproval {
        member: Member,
    },
}

fn new_verification<B: Backend>(app: &App<B>, member_id: Option<&str>) -> (Verification, String) {
    let id = uuid::Uuid::new_v4().to_string();
    let code = random_code();
    let verification = Verification {
        code_hash: code_hash(&app.config.signing_keys, &id, &code),
        id,
        member_id: member_id.map(str::to_string),
        attempts: 0,
        expires_at: app.clock.now() + CODE_TTL_SECS,
    };
    (verification, code)
}

fn state_token<B: Backend>(
    app: &App<B>,
    verification: &Verification,
    member: Member,
) -> Result<AuthState, ApiError> {
    let token = issue_state_token(
        &app.config.signing_keys,
        &verification.id,
        app.clock.now(),
        CODE_TTL_SECS,
    )?;
    Ok(AuthState::RequireEmailVerification {
        state_token: token,
        member,
    })
}

/// Emails `code` to `member`, in its language.
async fn send_code<B: Backend>(
    app: &App<B>,
    member: &Member,
    code: &str,
    asked: LangPreference,
) -> Result<(), ApiError> {
    let lang = app.lang_for(asked, Some(member));
    app.send_letter(
        member.login_email.as_str(),
        lang,
        &Letter::VerificationCode { code },
    )
    .await
    .map_err(|err| {
        // The code can be sent again by logging in; say so rather than hang.
        error!(error = %err, "verification email not sent");
        ApiError::unavailable(err)
    })
}

pub struct RegistrationV2 {
    pub email: Email,
    pub password: Password,
    pub profile: HeadlessProfile,
    /// The language the request asks for, for the emailed code.
    pub lang: LangPreference,
}

pub async fn register<B: Backend>(
    app: &App<B>,
    registration: RegistrationV2,
) -> Result<AuthState, ApiError> {
    let status = match app.config.approval {
        ApprovalMode::Automatic => MemberStatus::Approved,
        ApprovalMode::Manual => MemberStatus::Pending,
    };
    let asked = registration.lang;
    let mut member = Member::from_headless(
        registration.email,
        status,
        registration.profile,
        &app.clock.timestamp(),
    );
    let password_hash = app.hasher.hash(registration.password).await?;

    if !app.config.email_verification_required {
        let approval_token = (status == MemberStatus::Pending).then(random_token);
        let records: Vec<NewRecord> = approval_token
            .iter()
            .map(|token| NewRecord::Approval {
                token_hash: token_hash(token),
                member_id: member.id.clone(),
                expires_at: app.clock.now() + app.config.approval_token_ttl.as_secs(),
            })
            .collect();
        app.store
            .create_member(&member, &password_hash, &records)
            .await?;
        info!(member_id = %member.id, "member registered (headless)");
        return match approval_token {
            Some(token) => {
                register::notify_owner(app, &member, &token).await;
                Ok(AuthState::RequireOwnerApproval { member })
            }
            None => Ok(AuthState::Success {
                session_token: session::issue_for(app, &member)?,
                member,
            }),
        };
    }

    member.email_verified = false;
    let (verification, code) = new_verification(app, Some(&member.id));
    member.pending_verification = Some(verification.id.clone());
    let records = [NewRecord::Verification(verification.clone())];
    match app
        .store
        .create_member(&member, &password_hash, &records)
        .await
    {
        Ok(()) => {
            info!(member_id = %member.id, "member registered (headless), code sent");
            send_code(app, &member, &code, asked).await?;
            state_token(app, &verification, member)
        }
        Err(StoreError::EmailTaken(holder)) => {
            existing_member_registration(app, member, holder, asked).await
        }
        Err(err) => Err(err.into()),
    }
}

/// A registration of a taken email while verification is on: the same answer as a
/// fresh one (a decoy verification no code opens), and the address's owner gets a
/// notice with a recovery link instead of a code.
async fn existing_member_registration<B: Backend>(
    app: &App<B>,
    unstored: Member,
    holder: Option<String>,
    asked: LangPreference,
) -> Result<AuthState, ApiError> {
    let email = &unstored.login_email;
    let (decoy, _unsent_code) = new_verification(app, None);
    // The failed write names the holder (DynamoDB's cancellation answers with the claim);
    // a store that cannot say is asked.
    let holder = match holder {
        Some(member_id) => Some(member_id),
        None => app.store.credentials(email).await?.map(|c| c.member_id),
    };
    let Some(member_id) = holder else {
        // Erased since the registration's write found it taken: nobody to tell.
        app.store.put_verification(&decoy).await?;
        return state_token(app, &decoy, shown(unstored));
    };
    // One write for the decoy and the owner's link: a fresh registration writes its
    // member and code in one transaction, and this path should cost little more.
    let (link_record, link) = recovery::new_link(app, &member_id, None);
    app.store
        .put_recovery_beside_decoy(&link_record, &decoy)
        .await?;
    // Written in the registrant's language: most often the owner, trying again.
    let lang = app.lang_for(asked, Some(&unstored));
    let notice = Letter::ExistingAccount {
        recovery_link: &link,
    };
    if let Err(err) = app.send_letter(email.as_str(), lang, &notice).await {
        error!(member_id = %member_id, error = %err, "existing-account notice not queued");
        return Err(ApiError::unavailable(err));
    }
    info!(member_id = %member_id, "registration of a taken email; owner notified");
    state_token(app, &decoy, shown(unstored))
}

/// The registration's member as the client is shown it: as if fresh, with no code link.
fn shown(mut unstored: Member) -> Member {
    unstored.pending_verification = None;
    unstored
}

/// Login V2: the password first, then the member's state.
pub async fn login<B: Backend>(
    app: &App<B>,
    attempt: super::login::LoginAttempt,
    asked: LangPreference,
) -> Result<AuthState, ApiError> {
    match super::login::login(app, attempt).await {
        Ok(logged_in) => Ok(AuthState::Success {
            session_token: logged_in.session_token,
            member: logged_in.member,
        }),
        Err(super::login::LoginError::NotSignedIn(member)) => match member.status {
            MemberStatus::Blocked => Err(ApiError::MemberBlocked),
            MemberStatus::Offline => Err(ApiError::WrongCredentials),
            _ if !member.email_verified => {
                let (verification, code) = new_verification(app, Some(&member.id));
                app.store.put_verification(&verification).await?;
                send_code(app, &member, &code, asked).await?;
                state_token(app, &verification, *member)
            }
            MemberStatus::Pending => Ok(AuthState::RequireOwnerApproval { member: *member }),
            MemberStatus::Approved => Err(ApiError::internal("approved member refused a login")),
        },
        Err(super::login::LoginError::Api(err)) => Err(err),
    }
}

/// Verify: one attempt at the code named by the state token.
pub async fn verify<B: Backend>(
    app: &App<B>,
    code: &str,
    state_token_raw: &str,
) -> Result<AuthState, ApiError> {
    let claims = verify_state_token(&app.config.signing_keys, state_token_raw, app.clock.now())
        .map_err(|_| ApiError::InvalidStateToken)?;
    let Some(verification) = app
        .store
        .attempt_verification(&claims.sub, MAX_CODE_ATTEMPTS)
        .await?
    else {
        security_event(SecurityEvent::CodeExhausted, None, None);
        return Err(ApiError::InvalidCode);
    };
    let offered = code_hash(&app.config.signing_keys, &verification.id, code.trim());
    let matches = constant_time_eq(offered.as_bytes(), verification.code_hash.as_bytes());
    let (Some(member_id), true, true) = (
        verification.member_id.as_deref(),
        matches,
        verification.expires_at > app.clock.now(),
    ) else {
        let event = match verification.expires_at > app.clock.now() {
            true => SecurityEvent::CodeFailed,
            false => SecurityEvent::CodeExhausted,
        };
        security_event(event, verification.member_id.as_deref(), None);
        return Err(ApiError::InvalidCode);
    };
    if !app.store.consume_verification(&verification.id).await? {
        security_event(SecurityEvent::CodeExhausted, Some(member_id), None);
        return Err(ApiError::InvalidCode);
    }
    let member = app
        .store
        .mark_email_verified(member_id, &app.clock.timestamp())
        .await?;
    info!(member_id = %member.id, "email verified");
    match member.status {
        MemberStatus::Blocked => Err(ApiError::MemberBlocked),
        MemberStatus::Offline => Err(ApiError::MemberNotFound),
        MemberStatus::Pending => {
            let token = random_token();
            app.store
                .put_approval(
                    &token_hash(&token),
                    &member.id,
                    app.clock.now() + app.config.approval_token_ttl.as_secs(),
                )
                .await?;
            register::notify_owner(app, &member, &token).await;
            Ok(AuthState::RequireOwnerApproval { member })
        }
        MemberStatus::Approved => Ok(AuthState::Success {
            session_token: session::issue_for(app, &member)?,
            member,
        }),
    }
}

/// `recovery.recover`: a site's own reset page completes recovery with the emailed
/// token (single use, every earlier session ended) and signs the member in. Following
/// the link proved the address, so an unverified one becomes verified.
pub async fn recover<B: Backend>(
    app: &App<B>,
    recovery_token: &str,
    password: Password,
) -> Result<AuthState, ApiError> {
    let reset = recovery::reset_password(app, recovery_token, password).await?;
    let mut member = reset.member;
    match member.status {
        MemberStatus::Blocked => Err(ApiError::MemberBlocked),
        MemberStatus::Offline => Err(ApiError::InvalidGrant),
        MemberStatus::Pending => Ok(AuthState::RequireOwnerApproval { member }),
        MemberStatus::Approved => {
            if !member.email_verified {
                member = app
                    .store
                    .mark_email_verified(&member.id, &app.clock.timestamp())
                    .await?;
            }
            Ok(AuthState::Success {
                session_token: session::issue_for(app, &member)?,
                member,
            })
        }
    }
}

/// `verification.start`: emails a new code for the member's pending verification, one
/// the visitor's state token still accepts (attempts start again). The answer is the
/// same for an unknown, verified or code-less member, and nothing is sent then.
pub async fn resend_code<B: Backend>(
    app: &App<B>,
    identity_id: &str,
    asked: LangPreference,
) -> Result<(), ApiError> {
    let member = app.store.member(identity_id).await?;
    let pending = member
        .filter(|m| !m.email_verified && m.status != MemberStatus::Blocked)
        .and_then(|m| m.pending_verification.clone().map(|id| (m, id)));
    let Some((member, verification_id)) = pending else {
        return Ok(());
    };
    let code = random_code();
    let restarted = app
        .store
        .restart_verification(
            &verification_id,
            &member.id,
            &code_hash(&app.config.signing_keys, &verification_id, &code),
            app.clock.now() + CODE_TTL_SECS,
        )
        .await?;
    if restarted {
        send_code(app, &member, &code, asked).await?;
        info!(member_id = %member.id, "verification code sent again");
    }
    Ok(())
}
