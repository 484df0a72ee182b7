//! The OAuth side of the headless flow: redirect sessions, authorization codes (PKCE
//! S256), the token endpoint and the current member (logout: [`super::logout`]).

use tracing::info;

use crate::{
    App,
    app::Backend,
    config::OAuthClient,
    domain::{
        Member, MemberStatus,
        token::{
            SessionClaims, random_token, token_hash, verify_access_token, verify_session_token,
        },
    },
    error::ApiError,
    store::{AuthCode, RecordStore, Session, SessionStore},
};

pub use super::logout::{end_session, logout, logout_url};
pub use super::tokens::{TokenSet, exchange_code, external_tokens, refresh, visitor_tokens};

pub const ACCESS_TOKEN_TTL_SECS: u64 = 14_400;
pub const AUTH_CODE_TTL_SECS: u64 = 600;
/// Refresh tokens are not rotated (the client library reuses its first one), so
/// they carry an absolute expiry.
pub const REFRESH_TOKEN_TTL_SECS: u64 = 30 * 24 * 3600;
pub const LOGOUT_REQUEST_TTL_SECS: u64 = 600;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ResponseMode {
    Query,
    Fragment,
    WebMessage,
}

impl ResponseMode {
    pub fn parse(raw: &str) -> Option<Self> {
        match raw {
            "query" => Some(Self::Query),
            "fragment" => Some(Self::Fragment),
            "web_message" => Some(Self::WebMessage),
            _ => None,
        }
    }

    fn as_str(self) -> &'static str {
        match self {
            Self::Query => "query",
            Self::Fragment => "fragment",
            Self::WebMessage => "web_message",
        }
    }
}

/// An authorization request, as the redirect session receives it and as the
/// authorize URL carries it.
#[derive(Debug, Clone)]
pub struct AuthRequest {
    pub client_id: String,
    pub redirect_uri: Option<String>,
    pub response_mode: ResponseMode,
    pub scope: String,
    pub state: String,
    pub code_challenge: String,
    pub session_token: Option<String>,
    /// `login` or `none`: whether the authorize page may ask who signs in.
    pub prompt: Option<String>,
    /// An identity provider to sign in with; none is configured, so any is refused at
    /// the authorize URL, to the redirect URI.
    pub idp: Option<String>,
}

fn is_valid_challenge(challenge: &str) -> bool {
    challenge.len() == 43
        && challenge
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// Checks what a client may ask for: a registered client, `code` with PKCE S256, and
/// a registered redirect URI when one is named (or needed).
pub fn validate_auth_request<'a, B: Backend>(
    app: &'a App<B>,
    client_id: &str,
    response_type: &str,
    challenge_method: &str,
    code_challenge: &str,
    redirect_uri: Option<&str>,
    response_mode: ResponseMode,
) -> Result<(&'a OAuthClient, String), ApiError> {
    let client = app
        .config
        .oauth_client(client_id)
        .ok_or(ApiError::OAuthInvalidRequest("unknown clientId"))?;
    if response_type != "code" {
        return Err(ApiError::OAuthInvalidRequest("responseType must be code"));
    }
    if challenge_method != "S256" {
        return Err(ApiError::OAuthInvalidRequest(
            "codeChallengeMethod must be S256",
        ));
    }
    if !is_valid_challenge(code_challenge) {
        return Err(ApiError::OAuthInvalidRequest(
            "codeChallenge must be a base64url SHA-256",
        ));
    }
    let redirect_uri = match redirect_uri.filter(|u| !u.is_empty()) {
        Some(uri) if client.redirect_uris.iter().any(|r| r == uri) => uri.to_string(),
        Some(_) => {
            return Err(ApiError::OAuthInvalidRequest(
                "redirectUri is not registered",
            ));
        }
        None if response_mode == ResponseMode::WebMessage => String::new(),
        None => client
            .redirect_uris
            .first()
            .cloned()
            .ok_or(ApiError::OAuthInvalidRequest(
                "the client has no redirect URI",
            ))?,
    };
    Ok((client, redirect_uri))
}

/// Where a redirect session sends the browser: an endpoint and its query, which the
/// client reads apart (`urlDetails`) as well as whole (`fullUrl`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RedirectUrl {
    pub endpoint: String,
    pub params: Vec<(&'static str, String)>,
}

impl RedirectUrl {
    pub fn full(&self) -> String {
        if self.params.is_empty() {
            return self.endpoint.clone();
        }
        let query = serde_urlencoded::to_string(&self.params).unwrap_or_default();
        format!("{}?{query}", self.endpoint)
    }
}

pub const SESSION_PAGE_PATH: &str = "/oauth2/session";

/// The `login` intent's URL: the auth host's session page.
pub fn session_page_url<B: Backend>(app: &App<B>) -> RedirectUrl {
    RedirectUrl {
        endpoint: format!("{}{SESSION_PAGE_PATH}", app.config.public_base_url),
        params: Vec::new(),
    }
}

/// The authorize URL a redirect session hands back.
pub fn authorize_url<B: Backend>(
    app: &App<B>,
    request: &AuthRequest,
    redirect_uri: &str,
) -> RedirectUrl {
    let mut params = vec![
        ("client_id", request.client_id.clone()),
        ("response_type", "code".into()),
        ("response_mode", request.response_mode.as_str().into()),
        ("scope", request.scope.clone()),
        ("state", request.state.clone()),
        ("code_challenge", request.code_challenge.clone()),
        ("code_challenge_method", "S256".into()),
    ];
    if !redirect_uri.is_empty() {
        params.push(("redirect_uri", redirect_uri.to_string()));
    }
    if let Some(token) = &request.session_token {
        params.push(("sessionToken", token.clone()));
    }
    if let Some(prompt) = &request.prompt {
        params.push(("prompt", prompt.clone()));
    }
    if let Some(idp) = &request.idp {
        params.push(("idp", idp.clone()));
    }
    RedirectUrl {
        endpoint: format!("{}/oauth2/authorize", app.config.public_base_url),
        params,
    }
}

pub(super) fn member_may_hold_tokens(member: &Member, token_version: u64) -> bool {
    member.status == MemberStatus::Approved
        && member.email_verified
        && member.token_version == token_version
}

/// Issues an authorization code for the member holding `session_token`, for the one
/// session the token may open: a token whose session exists already (redeemed, or
/// logged out since) opens nothing.
pub async fn issue_code<B: Backend>(
    app: &App<B>,
    client_id: &str,
    redirect_uri: &str,
    code_challenge: &str,
    session_token: &str,
) -> Result<String, ApiError> {
    let claims = verify_session_token(&app.config.signing_keys, session_token, app.clock.now())
        .map_err(|_| ApiError::Unauthenticated)?;
    let member = member_for_session_token(app, &claims)
        .await?
        .ok_or(ApiError::Unauthenticated)?;
    let code = CodeRequest {
        client_id,
        redirect_uri,
        code_challenge,
        session_id: &claims.sid,
    };
    issue_code_for(app, &code, &member).await
}

/// The member a session token names, if it may still open its session: the member
/// current at the token's version, and the session not yet there (one read).
pub(super) async fn member_for_session_token<B: Backend>(
    app: &App<B>,
    claims: &SessionClaims,
) -> Result<Option<Member>, ApiError> {
    let (member, session) = app
        .store
        .member_and_session(&claims.sub, &claims.sid)
        .await?;
    if session.is_some() {
        info!(member_id = %claims.sub, "session token redeemed again");
        return Ok(None);
    }
    Ok(member.filter(|m| member_may_hold_tokens(m, claims.ver)))
}

/// What an authorization code is issued for.
pub struct CodeRequest<'a> {
    pub client_id: &'a str,
    pub redirect_uri: &'a str,
    pub code_challenge: &'a str,
    /// The session the code opens.
    pub session_id: &'a str,
}

/// Issues an authorization code for `member`, whom the caller has just signed in.
pub async fn issue_code_for<B: Backend>(
    app: &App<B>,
    request: &CodeRequest<'_>,
    member: &Member,
) -> Result<String, ApiError> {
    let code = random_token();
    app.store
        .put_auth_code(&AuthCode {
            code_hash: token_hash(&code),
            member_id: member.id.clone(),
            client_id: request.client_id.to_string(),
            redirect_uri: request.redirect_uri.to_string(),
            code_challenge: request.code_challenge.to_string(),
            session_id: request.session_id.to_string(),
            token_version: member.token_version,
            expires_at: app.clock.now() + AUTH_CODE_TTL_SECS,
        })
        .await?;
    info!(member_id = %member.id, client_id = request.client_id, "authorization code issued");
    Ok(code)
}

/// The member behind a member access token; visitors, revoked sessions, blocked
/// members and stale token versions are refused. One DynamoDB read.
pub async fn current_member<B: Backend>(
    app: &App<B>,
    access_token: &str,
) -> Result<Member, ApiError> {
    Ok(signed_in(app, access_token).await?.0)
}

/// The member behind a member access token, and the live session it belongs to (one
/// read); anything else is `Unauthenticated`.
pub(super) async fn signed_in<B: Backend>(
    app: &App<B>,
    access_token: &str,
) -> Result<(Member, Session), ApiError> {
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
    match member {
        Some(member) if member_may_hold_tokens(&member, session.version_of(version)) => {
            Ok((member, session))
        }
        _ => Err(ApiError::Unauthenticated),
    }
}

/// The OAuth client an access token of ours was issued to, if it is one.
pub fn token_client<B: Backend>(app: &App<B>, access_token: &str) -> Option<String> {
    verify_access_token(&app.config.signing_keys, access_token, app.clock.now())
        .ok()
        .map(|claims| claims.cid)
}
