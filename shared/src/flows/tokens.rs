//! The token endpoint: visitor tokens, the authorization-code exchange (PKCE) and
//! refresh. Re-exported by [`super::oauth`], whose authorize step issues the codes.

use tracing::info;

use crate::{
    App,
    app::Backend,
    config::OAuthClient,
    domain::{
        Member,
        token::{
            AccessClaims, TypedClaims, issue_access_token, pkce_matches, random_token, token_hash,
            verify_session_token,
        },
    },
    error::ApiError,
    store::{
        Expected, MemberStore, RecordStore, Redemption, RefreshRecord, Session, SessionStore,
        StoreResultExt,
    },
};

use super::oauth::{
    ACCESS_TOKEN_TTL_SECS, REFRESH_TOKEN_TTL_SECS, member_for_session_token, member_may_hold_tokens,
};

pub struct TokenSet {
    pub access_token: String,
    pub refresh_token: String,
}

fn access_token<B: Backend>(
    app: &App<B>,
    subject: &str,
    session_id: Option<&str>,
    token_version: Option<u64>,
    client_id: &str,
) -> Result<String, ApiError> {
    let now = app.clock.now();
    Ok(issue_access_token(
        &app.config.signing_keys,
        &AccessClaims {
            sub: subject.to_string(),
            sid: session_id.map(str::to_string),
            ver: token_version,
            cid: client_id.to_string(),
            iat: now,
            exp: now + ACCESS_TOKEN_TTL_SECS,
            typ: AccessClaims::TYPE.into(),
        },
    )?)
}

pub(super) fn registered_client<'a, B: Backend>(
    app: &'a App<B>,
    client_id: &str,
) -> Result<&'a OAuthClient, ApiError> {
    app.config
        .oauth_client(client_id)
        .ok_or(ApiError::OAuthInvalidRequest("unknown clientId"))
}

/// `grantType=anonymous`: tokens for a visitor.
pub async fn visitor_tokens<B: Backend>(
    app: &App<B>,
    client_id: &str,
) -> Result<TokenSet, ApiError> {
    let client = registered_client(app, client_id)?;
    let visitor_id = uuid::Uuid::new_v4().to_string();
    let refresh_token = random_token();
    app.store
        .put_refresh(&RefreshRecord {
            token_hash: token_hash(&refresh_token),
            subject: visitor_id.clone(),
            session_id: None,
            token_version: None,
            client_id: client.client_id.clone(),
            expires_at: app.clock.now() + REFRESH_TOKEN_TTL_SECS,
        })
        .await?;
    Ok(TokenSet {
        access_token: access_token(app, &visitor_id, None, None, &client.client_id)?,
        refresh_token,
    })
}

/// `grantType=authorization_code`: the code works once; a second use revokes the
/// session the first one opened.
pub async fn exchange_code<B: Backend>(
    app: &App<B>,
    client_id: &str,
    code: &str,
    code_verifier: &str,
    redirect_uri: Option<&str>,
) -> Result<TokenSet, ApiError> {
    let client = registered_client(app, client_id)?;
    let code = match app.store.redeem_auth_code(&token_hash(code)).await? {
        Redemption::First(code) => code,
        Redemption::Reused(code) => {
            app.store.revoke_session(&code.session_id).await?;
            info!(member_id = %code.member_id, "authorization code reused; its session revoked");
            return Err(ApiError::InvalidGrant);
        }
        Redemption::Unknown => return Err(ApiError::InvalidGrant),
    };
    let redirect_matches = redirect_uri
        .filter(|u| !u.is_empty())
        .is_none_or(|u| u == code.redirect_uri);
    if code.expires_at <= app.clock.now()
        || code.client_id != client.client_id
        || !redirect_matches
        || !pkce_matches(code_verifier, &code.code_challenge)
    {
        return Err(ApiError::InvalidGrant);
    }
    let member = app
        .store
        .member(&code.member_id)
        .await?
        .filter(|m| member_may_hold_tokens(m, code.token_version))
        .ok_or(ApiError::InvalidGrant)?;
    open_session(app, &client.client_id, &member, &code.session_id).await
}

/// Opens session `session_id` of `member` for `client_id` with its first refresh token,
/// and answers both tokens.
async fn open_session<B: Backend>(
    app: &App<B>,
    client_id: &str,
    member: &Member,
    session_id: &str,
) -> Result<TokenSet, ApiError> {
    let refresh_token = random_token();
    let now = app.clock.now();
    app.store
        .create_session(
            &Session {
                id: session_id.to_string(),
                member_id: member.id.clone(),
                client_id: client_id.to_string(),
                revoked: false,
                expires_at: now + REFRESH_TOKEN_TTL_SECS,
                token_version: None,
            },
            &RefreshRecord {
                token_hash: token_hash(&refresh_token),
                subject: member.id.clone(),
                session_id: Some(session_id.to_string()),
                token_version: Some(member.token_version),
                client_id: client_id.to_string(),
                expires_at: now + REFRESH_TOKEN_TTL_SECS,
            },
        )
        .await
        // The session was revoked before it opened: its code was used twice.
        .on_expected(|expected| match expected {
            Expected::StateMismatch(_) => ApiError::InvalidGrant,
            Expected::EmailTaken => ApiError::EmailTaken,
            Expected::SlugTaken => ApiError::SlugTaken,
            Expected::NotFound => ApiError::InvalidGrant,
        })?;
    info!(member_id = %member.id, "session opened");
    Ok(TokenSet {
        access_token: access_token(
            app,
            &member.id,
            Some(session_id),
            Some(member.token_version),
            client_id,
        )?,
        refresh_token,
    })
}

/// `grantType=authorized_client` (external login, with a site API key the caller has
/// shown): a new session for `member_id`. With a session token (from `sign-on`), the
/// token must be that member's and current.
pub async fn external_tokens<B: Backend>(
    app: &App<B>,
    client_id: &str,
    member_id: &str,
    session_token: Option<&str>,
) -> Result<TokenSet, ApiError> {
    let client = registered_client(app, client_id)?;
    if member_id.is_empty() || member_id.len() > 64 {
        return Err(ApiError::InvalidGrant);
    }
    // With a session token, the session is the token's one (opened once); without,
    // the API key vouches for the member and the session is new.
    let (member, session_id) = match session_token {
        Some(token) => {
            let claims = verify_session_token(&app.config.signing_keys, token, app.clock.now())
                .map_err(|_| ApiError::InvalidGrant)?;
            if claims.sub != member_id {
                return Err(ApiError::InvalidGrant);
            }
            (member_for_session_token(app, &claims).await?, claims.sid)
        }
        None => {
            let member = app.store.member(member_id).await?;
            let member = member.filter(|m| member_may_hold_tokens(m, m.token_version));
            (member, uuid::Uuid::new_v4().to_string())
        }
    };
    let member = member.ok_or(ApiError::InvalidGrant)?;
    let tokens = open_session(app, &client.client_id, &member, &session_id).await?;
    info!(member_id = %member.id, client_id = %client.client_id, "external login");
    Ok(tokens)
}

/// `grantType=refresh_token`: a new access token; the refresh token stays valid
/// until it expires or its session or member is revoked.
pub async fn refresh<B: Backend>(
    app: &App<B>,
    client_id: Option<&str>,
    refresh_token: &str,
) -> Result<TokenSet, ApiError> {
    if refresh_token.is_empty() || refresh_token.len() > 512 {
        return Err(ApiError::InvalidGrant);
    }
    let record = app
        .store
        .refresh(&token_hash(refresh_token))
        .await?
        .ok_or(ApiError::InvalidGrant)?;
    let client_matches = client_id.is_none_or(|id| id == record.client_id);
    if record.expires_at <= app.clock.now() || !client_matches {
        return Err(ApiError::InvalidGrant);
    }
    let access = match (&record.session_id, record.token_version) {
        (Some(session_id), Some(version)) => {
            let (member, session) = app
                .store
                .member_and_session(&record.subject, session_id)
                .await?;
            let Some(session) = session.filter(|s| !s.revoked && s.member_id == record.subject)
            else {
                return Err(ApiError::InvalidGrant);
            };
            let version = session.version_of(version);
            if !member.is_some_and(|m| member_may_hold_tokens(&m, version)) {
                return Err(ApiError::InvalidGrant);
            }
            access_token(
                app,
                &record.subject,
                Some(session_id),
                Some(version),
                &record.client_id,
            )?
        }
        _ => access_token(app, &record.subject, None, None, &record.client_id)?,
    };
    Ok(TokenSet {
        access_token: access,
        refresh_token: refresh_token.to_string(),
    })
}
