//! A browser's sign-in on the hosted page: a random token in its cookie (only its
//! hash is stored) that lets the member through the next authorize request of that
//! browser, until logout ends it or the member's token version moves on (blocked,
//! password changed or reset, login email changed).

use tracing::info;

use crate::{
    App,
    app::Backend,
    domain::{
        Member,
        token::{random_token, token_hash},
    },
    error::ApiError,
    store::{BrowserSession, MemberStore, SessionStore},
};

use super::oauth::member_may_hold_tokens;

pub const BROWSER_SESSION_TTL_SECS: u64 = 30 * 24 * 3600;

/// Opens a browser session for `member`; the token goes into the browser's cookie.
pub async fn open<B: Backend>(app: &App<B>, member: &Member) -> Result<String, ApiError> {
    let token = random_token();
    app.store
        .put_browser_session(&BrowserSession {
            token_hash: token_hash(&token),
            member_id: member.id.clone(),
            token_version: member.token_version,
            expires_at: app.clock.now() + BROWSER_SESSION_TTL_SECS,
        })
        .await?;
    info!(member_id = %member.id, "browser session opened");
    Ok(token)
}

/// The member a browser's token still signs in: two reads (the session, the member).
pub async fn member<B: Backend>(app: &App<B>, token: &str) -> Result<Option<Member>, ApiError> {
    let Some(browser) = app.store.browser_session(&token_hash(token)).await? else {
        return Ok(None);
    };
    if browser.expires_at <= app.clock.now() {
        return Ok(None);
    }
    Ok(app
        .store
        .member(&browser.member_id)
        .await?
        .filter(|m| member_may_hold_tokens(m, browser.token_version)))
}

/// Ends a browser's session (logout in that browser).
pub async fn end<B: Backend>(app: &App<B>, token: &str) -> Result<(), ApiError> {
    app.store.end_browser_session(&token_hash(token)).await?;
    Ok(())
}
