//! The OAuth side of the headless flow: redirect sessions, the token endpoint, logout
//! and the current member (authorize and its sign-in page: `authorize.rs`).

use lambda_http::{Body, Response};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::{
    App,
    app::Backend,
    error::ApiError,
    flows::{
        browser,
        oauth::{self, AuthRequest, ResponseMode},
        throttle::{RateKind, take_rate},
    },
    http::{
        Call,
        call::{fuzz_request, parse_json_body},
        cookies::BROWSER_SESSION,
        ok,
        pages::{self, Look},
    },
};

type Answer = Result<Response<Body>, ApiError>;

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct AuthRequestBody {
    client_id: String,
    code_challenge: String,
    code_challenge_method: String,
    response_mode: String,
    response_type: String,
    #[serde(default)]
    scope: Option<String>,
    #[serde(default)]
    state: Option<String>,
    #[serde(default)]
    redirect_uri: Option<String>,
    #[serde(default)]
    session_token: Option<String>,
    /// An identity provider to sign in with (`getAuthUrl`'s `idp`).
    #[serde(default)]
    idp: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct AuthPart {
    auth_request: AuthRequestBody,
    /// `login` (the default: ask who signs in) or `none` (never show a page).
    #[serde(default)]
    prompt: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct LogoutPart {
    client_id: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Callbacks {
    #[serde(default)]
    post_flow_url: Option<String>,
}

/// The `login` intent (`sessions.syncToWixPages`) carries nothing.
#[derive(Deserialize)]
struct LoginPart {}

#[derive(Deserialize)]
struct RedirectSessionBody {
    #[serde(default)]
    auth: Option<AuthPart>,
    #[serde(default)]
    logout: Option<LogoutPart>,
    #[serde(default)]
    login: Option<LoginPart>,
    #[serde(default)]
    callbacks: Option<Callbacks>,
}

pub async fn redirect_session<B: Backend>(app: &App<B>, call: Call<'_>) -> Answer {
    let body: RedirectSessionBody = call.json(app.config.max_body_bytes)?;
    let url = match (body.auth, body.logout, body.login) {
        (Some(auth), None, None) => {
            let r = auth.auth_request;
            let mode =
                ResponseMode::parse(&r.response_mode).ok_or(ApiError::OAuthInvalidRequest(
                    "responseMode must be query, fragment or web_message",
                ))?;
            let (_, redirect_uri) = oauth::validate_auth_request(
                app,
                &r.client_id,
                &r.response_type,
                &r.code_challenge_method,
                &r.code_challenge,
                r.redirect_uri.as_deref(),
                mode,
            )?;
            let request = AuthRequest {
                client_id: r.client_id,
                redirect_uri: r.redirect_uri,
                response_mode: mode,
                scope: r.scope.unwrap_or_else(|| "offline_access".into()),
                state: r.state.unwrap_or_default(),
                code_challenge: r.code_challenge,
                session_token: r.session_token,
                prompt: auth.prompt.filter(|p| !p.is_empty()),
                idp: r.idp.filter(|i| !i.is_empty()),
            };
            oauth::authorize_url(app, &request, &redirect_uri)
        }
        (None, Some(logout), None) => {
            let post_flow_url = body.callbacks.and_then(|c| c.post_flow_url).ok_or(
                ApiError::OAuthInvalidRequest("callbacks.postFlowUrl is required"),
            )?;
            oauth::logout_url(app, &logout.client_id, &post_flow_url, call.access_token()).await?
        }
        (None, None, Some(LoginPart {})) => oauth::session_page_url(app),
        _ => {
            return Err(ApiError::OAuthInvalidRequest(
                "give exactly one of auth, logout or login",
            ));
        }
    };
    Ok(ok(
        json!({ "redirectSession": redirect_session_json(&url) }),
    ))
}

/// A redirect session as `@wix/redirects` reads it: the whole URL and its parts (the
/// client takes `urlDetails.endpoint`); the short URL is the full one, as nothing here
/// shortens URLs.
fn redirect_session_json(url: &oauth::RedirectUrl) -> Value {
    let full_url = url.full();
    let search_params: serde_json::Map<String, Value> = url
        .params
        .iter()
        .map(|(name, value)| (name.to_string(), Value::from(value.as_str())))
        .collect();
    json!({
        "id": uuid::Uuid::new_v4().to_string(),
        "fullUrl": full_url,
        "shortUrl": full_url,
        "urlDetails": { "endpoint": url.endpoint, "searchParams": search_params },
    })
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct TokenBody {
    #[serde(default, alias = "client_id")]
    client_id: Option<String>,
    #[serde(alias = "grant_type")]
    grant_type: String,
    #[serde(default)]
    code: Option<String>,
    #[serde(default, alias = "code_verifier")]
    code_verifier: Option<String>,
    #[serde(default, alias = "redirect_uri")]
    redirect_uri: Option<String>,
    #[serde(default, alias = "refresh_token")]
    refresh_token: Option<String>,
    #[serde(default, alias = "member_id")]
    member_id: Option<String>,
    #[serde(default, alias = "session_token")]
    session_token: Option<String>,
}

pub async fn token<B: Backend>(app: &App<B>, call: Call<'_>) -> Answer {
    let body: TokenBody = call.json_or_form(app.config.max_body_bytes)?;
    let client_id = body.client_id.as_deref().unwrap_or_default();
    // Refresh tokens carry 256 bits; guessing them is hopeless, and the refresh
    // path keeps its two-read budget. The grants that mint new tokens are limited.
    if body.grant_type != "refresh_token" {
        take_rate(app, RateKind::Token, &call.source(&app.config)).await?;
    }
    let tokens = match body.grant_type.as_str() {
        "anonymous" => oauth::visitor_tokens(app, client_id).await?,
        "authorization_code" => {
            let code = body
                .code
                .as_deref()
                .ok_or(ApiError::OAuthInvalidRequest("code is required"))?;
            let verifier = body
                .code_verifier
                .as_deref()
                .ok_or(ApiError::OAuthInvalidRequest("codeVerifier is required"))?;
            oauth::exchange_code(app, client_id, code, verifier, body.redirect_uri.as_deref())
                .await?
        }
        "refresh_token" => {
            let refresh = body
                .refresh_token
                .as_deref()
                .ok_or(ApiError::OAuthInvalidRequest("refreshToken is required"))?;
            oauth::refresh(app, body.client_id.as_deref(), refresh).await?
        }
        "authorized_client" => {
            // External login: only a site holding an API key may mint a member's tokens.
            call.require_api_key(&app.config)?;
            let member_id = body
                .member_id
                .as_deref()
                .ok_or(ApiError::OAuthInvalidRequest("member_id is required"))?;
            // The client library names its OAuth client only in its visitor token.
            let client = match body.client_id.filter(|id| !id.is_empty()) {
                Some(id) => id,
                None => call
                    .access_token_before_key()
                    .and_then(|token| oauth::token_client(app, token))
                    .ok_or(ApiError::OAuthInvalidRequest(
                        "clientId or a visitor access token is required",
                    ))?,
            };
            oauth::external_tokens(app, &client, member_id, body.session_token.as_deref()).await?
        }
        _ => return Err(ApiError::OAuthInvalidRequest("unsupported grantType")),
    };
    Ok(ok(json!({
        "access_token": tokens.access_token,
        "token_type": "Bearer",
        "expires_in": oauth::ACCESS_TOKEN_TTL_SECS,
        "refresh_token": tokens.refresh_token,
    })))
}

/// Follows a logout URL in the browser: ends the session it names and the browser's
/// hosted-page sign-in (even when the URL itself is stale: the visitor asked to leave).
pub async fn logout<B: Backend>(app: &App<B>, call: Call<'_>) -> Answer {
    if let Some(token) = BROWSER_SESSION.read(call.request) {
        browser::end(app, &token).await?;
    }
    let id = call.query("id").unwrap_or_default();
    let look = Look::for_call(&app.config.ui, &call);
    let mut response = if id.is_empty() || id.len() > 64 {
        pages::error_page(
            look,
            lambda_http::http::StatusCode::BAD_REQUEST,
            "unknown or expired logout request",
        )
    } else {
        match oauth::logout(app, &id).await {
            Ok(next) => pages::redirect(look, &next),
            Err(ApiError::OAuthInvalidRequest(message)) => {
                pages::error_page(look, lambda_http::http::StatusCode::BAD_REQUEST, message)
            }
            Err(err) => return Err(err),
        }
    };
    BROWSER_SESSION.clear(&mut response);
    Ok(response)
}

/// `authentication.logout` (v1): a JSON `RawHttpResponse` (`body` as base64 bytes,
/// `headers`), as the client library reads it; `Location` names the allowed place
/// to go next, when one was asked for.
pub async fn logout_v1<B: Backend>(app: &App<B>, call: Call<'_>) -> Answer {
    let client_id = call.query("clientId");
    let next = call.query("postLogoutRedirectUri");
    if next.as_ref().is_some_and(|u| u.len() > 2048) {
        return Err(ApiError::OAuthInvalidRequest(
            "postLogoutRedirectUri is too long",
        ));
    }
    let next = oauth::end_session(
        app,
        client_id.as_deref(),
        next.as_deref(),
        call.access_token(),
    )
    .await?;
    let headers: Vec<Value> = next
        .into_iter()
        .map(|url| json!({ "key": "Location", "value": url }))
        .collect();
    Ok(ok(json!({ "body": "", "headers": headers })))
}

/// The auth host's session page, which `sessions.syncToWixPages` loads in a hidden
/// iframe: framed only by the registered sites, it holds no secret and sets nothing.
pub async fn session_page<B: Backend>(app: &App<B>, call: Call<'_>) -> Answer {
    let look = Look::for_call(&app.config.ui, &call);
    Ok(pages::session_page(look, &app.config.redirect_origins()))
}

pub async fn current_member<B: Backend>(app: &App<B>, call: Call<'_>) -> Answer {
    let token = call.access_token().ok_or(ApiError::Unauthenticated)?;
    let member = oauth::current_member(app, token).await?;
    Ok(ok(json!({ "member": member.to_rest_json() })))
}

pub(super) fn fuzz_bodies(data: &[u8]) {
    let limit = 16 * 1024;
    let request = fuzz_request(data);
    let _ = parse_json_body::<RedirectSessionBody>(&request, limit);
    let _ = serde_urlencoded::from_bytes::<TokenBody>(data);
    let _ = parse_json_body::<TokenBody>(&request, limit);
}
