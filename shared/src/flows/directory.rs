//! Reading members (`@wix/members` `getMember`, `listMembers`, `queryMembers`): the
//! site (API key or IAM) reads everyone in full; a member reads itself in full; other
//! callers with a visitor or member token see only approved members who joined the
//! community (privacy PUBLIC), and only their public fields.

use crate::{
    App,
    app::Backend,
    domain::{
        Member, MemberStatus,
        member::PrivacyStatus,
        member_query::{MemberPage, MemberQuery},
        token::verify_access_token,
    },
    error::{ApiError, FieldViolation},
    store::{DirectoryStore, MemberStore},
};

use super::oauth::signed_in;

/// Who is reading.
pub enum Viewer {
    /// The site's backend: API key or IAM.
    Site,
    Member(Box<Member>),
    Visitor,
}

impl Viewer {
    /// Whether the viewer may see `member` at all, and in full.
    fn sees(&self, member: &Member) -> (bool, bool) {
        match self {
            Viewer::Site => (true, true),
            Viewer::Member(me) if me.id == member.id => (true, true),
            _ => (is_public(member), false),
        }
    }
}

fn is_public(member: &Member) -> bool {
    member.status == MemberStatus::Approved && member.privacy_status == PrivacyStatus::Public
}

/// The viewer of a call: the site when it is trusted, else the holder of its access
/// token (none, or one that does not verify: 401).
pub async fn viewer<B: Backend>(
    app: &App<B>,
    trusted: bool,
    access_token: Option<&str>,
) -> Result<Viewer, ApiError> {
    if trusted {
        return Ok(Viewer::Site);
    }
    let token = access_token.ok_or(ApiError::Unauthenticated)?;
    let claims = verify_access_token(&app.config.signing_keys, token, app.clock.now())
        .map_err(|_| ApiError::Unauthenticated)?;
    if claims.is_visitor() {
        return Ok(Viewer::Visitor);
    }
    Ok(Viewer::Member(Box::new(signed_in(app, token).await?.0)))
}

/// `getMember(id)`: the member, and whether the viewer may see all of it. A member
/// the viewer may not see is as unknown as a missing one (404).
pub async fn get_member<B: Backend>(
    app: &App<B>,
    viewer: &Viewer,
    id: &str,
) -> Result<(Member, bool), ApiError> {
    let member = match viewer {
        Viewer::Member(me) if me.id == id => (**me).clone(),
        _ => app
            .store
            .member(id)
            .await?
            .ok_or(ApiError::MemberNotFound)?,
    };
    match viewer.sees(&member) {
        (true, full) => Ok((member, full)),
        (false, _) => Err(ApiError::MemberNotFound),
    }
}

/// `listMembers` / `queryMembers`: a page and whether its members are shown in full
/// (to the site only; a member finds itself in the public directory like anyone).
pub async fn query<B: Backend>(
    app: &App<B>,
    viewer: &Viewer,
    mut query: MemberQuery,
) -> Result<(MemberPage, bool), ApiError> {
    let site = matches!(viewer, Viewer::Site);
    if !site {
        if let Some((unique, _)) = query.lookups.iter().find(|(u, _)| u.is_private()) {
            return Err(ApiError::Validation(vec![FieldViolation::new(
                &format!("query.filter.{}", unique.name()),
                "FORBIDDEN",
                format!("filtering on {} needs the site's API key", unique.name()),
            )]));
        }
        query.restrict(&[MemberStatus::Approved], &[PrivacyStatus::Public]);
    }
    let page = match query.lookups.first() {
        Some((unique, values)) => {
            let found = app.store.members_by(*unique, values).await?;
            query.page_of(found)
        }
        None if query.facets().is_empty() => MemberPage {
            members: Vec::new(),
            total: 0,
        },
        None => app.store.list_members(&query.listing()).await?,
    };
    Ok((page, site))
}
