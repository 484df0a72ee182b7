//! Logout: the redirect session that names the session to end, following it, and the
//! v1 logout that ends the caller's session at once.

use tracing::info;

use super::{
    oauth::{LOGOUT_REQUEST_TTL_SECS, RedirectUrl},
    recovery::url_allowed,
    tokens::registered_client,
};
use crate::{
    App,
    app::Backend,
    domain::token::verify_access_token,
    error::ApiError,
    store::{LogoutRequest, RecordStore, SessionStore},
};

/// A logout redirect session: remembers which session the caller's access token
/// belongs to, so following the URL ends exactly that one.
pub async fn logout_url<B: Backend>(
    app: &App<B>,
    client_id: &str,
    post_flow_url: &str,
    access_token: Option<&str>,
) -> Result<RedirectUrl, ApiError> {
    let client = app
        .config
        .oauth_client(client_id)
        .ok_or(ApiError::OAuthInvalidRequest("unknown clientId"))?;
    if !url_allowed(post_flow_url, &client.post_logout_urls, &client.origins) {
        return Err(ApiError::OAuthInvalidRequest(
            "postFlowUrl is not allowed for this client",
        ));
    }
    let session_id = access_token
        .and_then(|token| {
            verify_access_token(&app.config.signing_keys, token, app.clock.now()).ok()
        })
        .and_then(|claims| claims.sid);
    let id = uuid::Uuid::new_v4().to_string();
    app.store
        .put_logout(&LogoutRequest {
            id: id.clone(),
            session_id,
            client_id: client.client_id.clone(),
            post_flow_url: post_flow_url.to_string(),
            expires_at: app.clock.now() + LOGOUT_REQUEST_TTL_SECS,
        })
        .await?;
    Ok(RedirectUrl {
        endpoint: format!("{}/oauth2/logout", app.config.public_base_url),
        params: vec![("id", id)],
    })
}

/// Follows a logout URL: ends its session and names the allowed place to go next.
pub async fn logout<B: Backend>(app: &App<B>, id: &str) -> Result<String, ApiError> {
    let request = app
        .store
        .take_logout(id)
        .await?
        .filter(|r| r.expires_at > app.clock.now())
        .ok_or(ApiError::OAuthInvalidRequest(
            "unknown or expired logout request",
        ))?;
    if let Some(session_id) = &request.session_id {
        app.store.revoke_session(session_id).await?;
        info!(session_id = %session_id, "session ended by logout");
    }
    let client = registered_client(app, &request.client_id)?;
    if !url_allowed(
        &request.post_flow_url,
        &client.post_logout_urls,
        &client.origins,
    ) {
        return Err(ApiError::OAuthInvalidRequest(
            "postFlowUrl is not allowed for this client",
        ));
    }
    Ok(request.post_flow_url)
}

/// `authentication.logout` (v1), called by the site with the member's access token:
/// ends that token's session at once and names where to go next, when a post-logout
/// URL is asked for (it must be allowed for the client).
pub async fn end_session<B: Backend>(
    app: &App<B>,
    client_id: Option<&str>,
    post_logout_url: Option<&str>,
    access_token: Option<&str>,
) -> Result<Option<String>, ApiError> {
    // The member asked to sign out: that happens whatever comes of the next page.
    let session_id = access_token
        .and_then(|token| {
            verify_access_token(&app.config.signing_keys, token, app.clock.now()).ok()
        })
        .and_then(|claims| claims.sid);
    if let Some(session_id) = &session_id {
        app.store.revoke_session(session_id).await?;
        info!(session_id = %session_id, "session ended by logout (v1)");
    }
    let Some(url) = post_logout_url.filter(|u| !u.is_empty()) else {
        return Ok(None);
    };
    let client = registered_client(app, client_id.unwrap_or_default())?;
    if !url_allowed(url, &client.post_logout_urls, &client.origins) {
        return Err(ApiError::OAuthInvalidRequest(
            "postLogoutRedirectUri is not allowed for this client",
        ));
    }
    Ok(Some(url.to_string()))
}
