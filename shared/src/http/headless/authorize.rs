//! The authorize endpoint: with a session token, a code at once; without one, the
//! hosted sign-in page (Wix's "Wix-managed login page"), whose form posts back here.
//!
//! The form carries the authorize request in hidden fields, and it is checked again on
//! every post exactly as on the first GET, so nothing reaches an unregistered redirect.
//! Cross-site posts are refused by a double-submit token: a random value in a
//! `__Host-` cookie (Secure, HttpOnly, SameSite=Strict, this host only) that the form
//! must repeat.

use lambda_http::{Body, Response, http::StatusCode};
use serde::Deserialize;
use serde_json::Value;

use crate::{
    App,
    app::Backend,
    domain::{
        Email, Password,
        token::{constant_time_eq, random_token},
    },
    error::ApiError,
    flows::{
        login::LoginAttempt,
        oauth::{self, ResponseMode},
    },
    http::{Call, pages},
};

type Answer = Result<Response<Body>, ApiError>;

/// The double-submit cookie of the sign-in form.
const CSRF_COOKIE: &str = "__Host-members-signin";

/// The authorize request, as the query (GET) or the form's hidden fields (POST) carry it.
#[derive(Deserialize, Default)]
struct AuthorizeParams {
    #[serde(default)]
    client_id: String,
    #[serde(default)]
    redirect_uri: Option<String>,
    #[serde(default)]
    response_type: String,
    #[serde(default)]
    response_mode: String,
    #[serde(default)]
    code_challenge: String,
    #[serde(default)]
    code_challenge_method: String,
    #[serde(default)]
    state: String,
}

impl AuthorizeParams {
    fn from_query(call: &Call<'_>) -> Self {
        let q = |name: &str| call.query(name).unwrap_or_default();
        Self {
            client_id: q("client_id"),
            redirect_uri: call.query("redirect_uri"),
            response_type: q("response_type"),
            response_mode: q("response_mode"),
            code_challenge: q("code_challenge"),
            code_challenge_method: q("code_challenge_method"),
            state: q("state"),
        }
    }

    /// What the form repeats, as hidden fields.
    fn hidden_fields(&self) -> Vec<(&'static str, &str)> {
        let mut fields = vec![
            ("client_id", self.client_id.as_str()),
            ("response_type", self.response_type.as_str()),
            ("response_mode", self.response_mode.as_str()),
            ("code_challenge", self.code_challenge.as_str()),
            ("code_challenge_method", self.code_challenge_method.as_str()),
            ("state", self.state.as_str()),
        ];
        if let Some(uri) = &self.redirect_uri {
            fields.push(("redirect_uri", uri.as_str()));
        }
        fields
    }
}

/// An authorize request known good: its client and where its answer goes.
struct Checked<'a> {
    client_id: &'a str,
    redirect_uri: String,
    reply: Reply<'a>,
}

/// Until the client and redirect are known good, problems are shown on an error page
/// (the route is HTML), never sent to an unchecked redirect.
fn check<'a, B: Backend>(
    app: &'a App<B>,
    params: &AuthorizeParams,
) -> Result<Checked<'a>, ApiError> {
    let mode = ResponseMode::parse(&params.response_mode)
        .ok_or(ApiError::OAuthInvalidRequest("Unsupported response_mode."))?;
    let (client, redirect_uri) = oauth::validate_auth_request(
        app,
        &params.client_id,
        &params.response_type,
        &params.code_challenge_method,
        &params.code_challenge,
        params.redirect_uri.as_deref(),
        mode,
    )?;
    Ok(Checked {
        client_id: &client.client_id,
        reply: Reply {
            mode,
            redirect_uri: redirect_uri.clone(),
            origins: &client.origins,
            state: params.state.clone(),
        },
        redirect_uri,
    })
}

/// Where an authorize outcome goes once the client and redirect are known good.
struct Reply<'a> {
    mode: ResponseMode,
    redirect_uri: String,
    origins: &'a [String],
    state: String,
}

impl Reply<'_> {
    fn send(&self, params: &[(&str, &str)]) -> Response<Body> {
        let mut pairs: Vec<(&str, &str)> = params.to_vec();
        pairs.push(("state", &self.state));
        match self.mode {
            ResponseMode::WebMessage => {
                let message: serde_json::Map<String, Value> = pairs
                    .iter()
                    .map(|(k, v)| (k.to_string(), Value::from(*v)))
                    .collect();
                pages::web_message(self.origins, &Value::Object(message))
            }
            ResponseMode::Query | ResponseMode::Fragment => {
                let separator = match (self.mode, self.redirect_uri.contains('?')) {
                    (ResponseMode::Fragment, _) => '#',
                    (_, true) => '&',
                    _ => '?',
                };
                let query = serde_urlencoded::to_string(&pairs).unwrap_or_default();
                pages::redirect(&format!("{}{separator}{query}", self.redirect_uri))
            }
        }
    }

    fn error(&self, error: &str, description: &str) -> Response<Body> {
        self.send(&[("error", error), ("error_description", description)])
    }
}

pub async fn authorize<B: Backend>(app: &App<B>, call: Call<'_>) -> Answer {
    let params = AuthorizeParams::from_query(&call);
    let checked = check(app, &params)?;
    let reply = &checked.reply;
    if call.query("idp").is_some_and(|idp| !idp.is_empty()) {
        return Ok(reply.error(
            "invalid_request",
            "no identity provider is configured by that name",
        ));
    }
    let Some(session_token) = call.query("sessionToken").filter(|t| !t.is_empty()) else {
        if call.query("prompt").as_deref() == Some("none") {
            return Ok(reply.error("login_required", "a session token is required"));
        }
        return Ok(sign_in_page(app, &call, &params, "", None, StatusCode::OK));
    };
    match oauth::issue_code(
        app,
        checked.client_id,
        &checked.redirect_uri,
        &params.code_challenge,
        &session_token,
    )
    .await
    {
        Ok(code) => Ok(reply.send(&[("code", &code)])),
        Err(ApiError::Unauthenticated) => Ok(reply.error(
            "access_denied",
            "the session token is invalid, expired or revoked",
        )),
        Err(err) => Err(err),
    }
}

#[derive(Deserialize)]
struct SignInForm {
    #[serde(flatten)]
    params: AuthorizeParams,
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
}

/// The sign-in form's post: the member's code, in the requested response mode, or
/// the page again with what went wrong.
pub async fn sign_in<B: Backend>(app: &App<B>, call: Call<'_>) -> Answer {
    let form: SignInForm = call.json_or_form(app.config.max_body_bytes)?;
    let checked = check(app, &form.params)?;
    let again = |problem: &str, status: StatusCode| {
        Ok(sign_in_page(
            app,
            &call,
            &form.params,
            &form.email,
            Some(problem),
            status,
        ))
    };
    let expected = csrf_cookie(&call);
    if form.csrf.is_empty()
        || !expected.is_some_and(|cookie| constant_time_eq(cookie.as_bytes(), form.csrf.as_bytes()))
    {
        return again(
            "This sign-in form has expired. Please sign in again.",
            StatusCode::BAD_REQUEST,
        );
    }
    let Ok(password) = Password::for_login(form.password) else {
        return again("Wrong email or password.", StatusCode::UNAUTHORIZED);
    };
    let attempt = LoginAttempt {
        // A browser: the captcha setting applies (this page shows no widget, so a site
        // that always asks for one cannot use it yet; it fails closed).
        captcha: Some(None),
        email: Email::parse(&form.email).ok(),
        raw_email: form.email.clone(),
        password,
        source: call.source_ip(),
    };
    let signed_in = match crate::flows::login::velo_login(app, attempt).await {
        Ok(signed_in) => signed_in,
        Err(err) => {
            return match problem_of(&err) {
                Some((problem, status)) => again(problem, status),
                None => Err(err),
            };
        }
    };
    let code = oauth::issue_code(
        app,
        checked.client_id,
        &checked.redirect_uri,
        &form.params.code_challenge,
        &signed_in.session_token,
    )
    .await?;
    Ok(checked.reply.send(&[("code", &code)]))
}

/// What the page says, in place, for a sign-in that did not go through; `None` for
/// failures of the service itself (an error page).
fn problem_of(err: &ApiError) -> Option<(&'static str, StatusCode)> {
    Some(match err {
        ApiError::WrongCredentials => ("Wrong email or password.", StatusCode::UNAUTHORIZED),
        ApiError::MemberPending => (
            "Your account is waiting for the site owner's approval. You can sign in once it is approved.",
            StatusCode::FORBIDDEN,
        ),
        ApiError::MemberBlocked => (
            "This account is blocked. Contact the site owner.",
            StatusCode::FORBIDDEN,
        ),
        ApiError::EmailNotVerified => (
            "Your email address is not verified yet. Use the code we emailed you.",
            StatusCode::FORBIDDEN,
        ),
        ApiError::TooManyRequests(_) => (
            "Too many sign-in attempts. Please wait a few minutes and try again.",
            StatusCode::TOO_MANY_REQUESTS,
        ),
        ApiError::CaptchaMissing | ApiError::CaptchaInvalid => (
            "This site asks for a captcha check, which this page cannot show. Sign in on the site itself.",
            StatusCode::FORBIDDEN,
        ),
        _ => return None,
    })
}

/// The form's double-submit token from its cookie, if the browser sent one.
fn csrf_cookie(call: &Call<'_>) -> Option<String> {
    call.request
        .headers()
        .get_all("cookie")
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == CSRF_COOKIE)
        .map(|(_, value)| value.to_string())
        .filter(|value| {
            value.len() >= 32
                && value
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        })
}

/// The sign-in page for `params`, with a double-submit token (the browser's own, or a
/// new one) in its form and its cookie.
fn sign_in_page<B: Backend>(
    app: &App<B>,
    call: &Call<'_>,
    params: &AuthorizeParams,
    email: &str,
    problem: Option<&str>,
    status: StatusCode,
) -> Response<Body> {
    let csrf = csrf_cookie(call).unwrap_or_else(random_token);
    let page = pages::SignInPage {
        site_name: &app.config.site_name,
        hidden: params.hidden_fields(),
        csrf: &csrf,
        email,
        problem,
        form_targets: app.config.redirect_origins(),
    };
    let mut response = pages::sign_in(&page, status);
    let cookie =
        format!("{CSRF_COOKIE}={csrf}; Path=/; Secure; HttpOnly; SameSite=Strict; Max-Age=3600");
    if let Ok(value) = lambda_http::http::HeaderValue::from_str(&cookie) {
        response.headers_mut().append("set-cookie", value);
    }
    response
}

pub(super) fn fuzz_bodies(data: &[u8]) {
    let _ = serde_urlencoded::from_bytes::<SignInForm>(data);
}
