//! `@wix/members` `createMember` (privileged): the site adds a member with the fields
//! it names. The member is approved and has no password anyone knows (a random one,
//! hashed); it signs in after setting one through the set-password or activation
//! email, which only the address can receive.

use tracing::info;

use crate::{
    App,
    app::Backend,
    domain::{
        Email, Member, MemberStatus, Password,
        member::{ContactInfo, PrivacyStatus},
        member_patch::MemberPatch,
        token::random_token,
    },
    error::{ApiError, FieldViolation},
    store::{MemberStore, StoreResultExt},
};

fn invalid(field: &str, problem: impl Into<String>) -> ApiError {
    ApiError::Validation(vec![FieldViolation::new(field, "INVALID", problem)])
}

/// Creates the member `raw_email` names with `patch`'s fields; a taken email is 409.
pub async fn create_member<B: Backend>(
    app: &App<B>,
    raw_email: Option<&str>,
    patch: MemberPatch,
) -> Result<Member, ApiError> {
    let raw_email = raw_email.ok_or_else(|| invalid("member.loginEmail", "is required"))?;
    let email =
        Email::parse(raw_email).map_err(|_| invalid("member.loginEmail", "is not an email"))?;
    if let Some((field, problem)) = patch.problem() {
        return Err(invalid(field, problem));
    }
    let now = app.clock.timestamp();
    let mut member = Member::new(
        email,
        MemberStatus::Approved,
        PrivacyStatus::Private,
        ContactInfo::default(),
        &now,
    );
    member.apply(patch);
    let unknown = Password::parse_new(random_token(), 0)
        .map_err(|e| ApiError::internal(format!("random password refused: {e:?}")))?;
    let hash = app.hasher.hash(unknown).await?;
    app.store
        .create_member(&member, &hash, &[])
        .await
        .on_expected(|_| ApiError::EmailTaken)?;
    info!(member_id = %member.id, "member created by the site");
    Ok(member)
}
