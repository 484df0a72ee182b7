//! The authorize endpoint (GET): with a session token, a code at once; without one,
//! the hosted sign-in page (Wix's "Wix-managed login page"), whose forms post back to
//! the same path (`sign_in.rs`). A browser signed in there before goes on in one click
//! (`prompt: 'login'`) or silently (`prompt: 'none'`).
//!
//! The page repeats the authorize request in hidden fields and links, and it is
//! checked again on every request exactly as on the first, so nothing reaches an
//! unregistered redirect. Cross-site posts are refused by a double-submit token: a
//! random value in a `__Host-` cookie (SameSite=Strict) that every form repeats.

use lambda_http::{Body, Response, http::StatusCode};
use serde::Deserialize;
use serde_json::Value;

use crate::{
    App,
    app::Backend,
    domain::{Member, token::random_token},
    error::ApiError,
    flows::{
        browser,
        oauth::{self, ResponseMode},
    },
    http::{
        Call,
        cookies::{BROWSER_SESSION, SIGN_IN_FORM},
        pages::{self, HostedPage, Look, Problem, Screen},
    },
};

type Answer = Result<Response<Body>, ApiError>;

/// The authorize request, as the query (GET) or the forms' hidden fields (POST) carry it.
#[derive(Deserialize, Default)]
pub(super) struct AuthorizeParams {
    #[serde(default)]
    pub client_id: String,
    #[serde(default)]
    pub redirect_uri: Option<String>,
    #[serde(default)]
    pub response_type: String,
    #[serde(default)]
    pub response_mode: String,
    #[serde(default)]
    pub code_challenge: String,
    #[serde(default)]
    pub code_challenge_method: String,
    #[serde(default)]
    pub state: String,
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

    fn fields(&self) -> Vec<(&'static str, &str)> {
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

    /// The request as a query string: the page's links, and where a recovery link
    /// brings the member back to.
    pub fn query(&self) -> String {
        serde_urlencoded::to_string(self.fields()).unwrap_or_default()
    }
}

/// An authorize request known good: its client and where its answer goes.
pub(super) struct Checked<'a> {
    pub client_id: &'a str,
    pub redirect_uri: String,
    pub reply: Reply<'a>,
}

impl Checked<'_> {
    /// A code for `member`, answered to the client.
    pub async fn code_for<B: Backend>(
        &self,
        app: &App<B>,
        params: &AuthorizeParams,
        member: &Member,
    ) -> Answer {
        let session_id = uuid::Uuid::new_v4().to_string();
        let request = oauth::CodeRequest {
            client_id: self.client_id,
            redirect_uri: &self.redirect_uri,
            code_challenge: &params.code_challenge,
            session_id: &session_id,
        };
        let code = oauth::issue_code_for(app, &request, member).await?;
        Ok(self.reply.send(&[("code", &code)]))
    }
}

/// Until the client and redirect are known good, problems are shown on an error page
/// (the route is HTML), never sent to an unchecked redirect.
pub(super) fn check<'a, B: Backend>(
    app: &'a App<B>,
    params: &AuthorizeParams,
    look: Look<'a>,
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
            look,
            mode,
            redirect_uri: redirect_uri.clone(),
            origins: &client.origins,
            state: params.state.clone(),
        },
        redirect_uri,
    })
}

/// Where an authorize outcome goes once the client and redirect are known good.
pub(super) struct Reply<'a> {
    look: Look<'a>,
    mode: ResponseMode,
    redirect_uri: String,
    origins: &'a [String],
    state: String,
}

impl Reply<'_> {
    pub fn send(&self, params: &[(&str, &str)]) -> Response<Body> {
        let mut pairs: Vec<(&str, &str)> = params.to_vec();
        pairs.push(("state", &self.state));
        match self.mode {
            ResponseMode::WebMessage => {
                let message: serde_json::Map<String, Value> = pairs
                    .iter()
                    .map(|(k, v)| (k.to_string(), Value::from(*v)))
                    .collect();
                pages::web_message(self.look, self.origins, &Value::Object(message))
            }
            ResponseMode::Query | ResponseMode::Fragment => {
                let separator = match (self.mode, self.redirect_uri.contains('?')) {
                    (ResponseMode::Fragment, _) => '#',
                    (_, true) => '&',
                    _ => '?',
                };
                let query = serde_urlencoded::to_string(&pairs).unwrap_or_default();
                pages::redirect(
                    self.look,
                    &format!("{}{separator}{query}", self.redirect_uri),
                )
            }
        }
    }

    pub fn error(&self, error: &str, description: &str) -> Response<Body> {
        self.send(&[("error", error), ("error_description", description)])
    }
}

pub async fn authorize<B: Backend>(app: &App<B>, call: Call<'_>) -> Answer {
    let params = AuthorizeParams::from_query(&call);
    let checked = check(app, &params, Look::for_call(&app.config.ui, &call))?;
    let reply = &checked.reply;
    if call.query("idp").is_some_and(|idp| !idp.is_empty()) {
        return Ok(reply.error(
            "invalid_request",
            "no identity provider is configured by that name",
        ));
    }
    if let Some(session_token) = call.query("sessionToken").filter(|t| !t.is_empty()) {
        return match oauth::issue_code(
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
        };
    }
    let signed_in = browser_member(app, &call).await?;
    let screen = call.query("screen").unwrap_or_default();
    match (call.query("prompt").as_deref(), signed_in) {
        (Some("none"), Some(member)) => checked.code_for(app, &params, &member).await,
        (Some("none"), None) => Ok(reply.error("login_required", "no one is signed in")),
        (_, Some(member)) if screen.is_empty() => Ok(page(
            app,
            &call,
            &params,
            &Screen::Continue {
                email: member.login_email.as_str(),
            },
            None,
            StatusCode::OK,
        )),
        _ => {
            let screen = match screen.as_str() {
                "sign-up" => Screen::SignUp { email: "" },
                "forgot" => Screen::Forgot { email: "" },
                _ => Screen::SignIn { email: "" },
            };
            Ok(page(app, &call, &params, &screen, None, StatusCode::OK))
        }
    }
}

/// The member this browser signed in as on the hosted page before, while that lasts.
pub(super) async fn browser_member<B: Backend>(
    app: &App<B>,
    call: &Call<'_>,
) -> Result<Option<Member>, ApiError> {
    match BROWSER_SESSION.read(call.request) {
        Some(token) => browser::member(app, &token).await,
        None => Ok(None),
    }
}

/// A screen of the hosted page for `params`, with the double-submit token (the
/// browser's own, or a new one) in its forms and its cookie.
pub(super) fn page<B: Backend>(
    app: &App<B>,
    call: &Call<'_>,
    params: &AuthorizeParams,
    screen: &Screen<'_>,
    problem: Option<Problem>,
    status: StatusCode,
) -> Response<Body> {
    let csrf = SIGN_IN_FORM.read(call.request).unwrap_or_else(random_token);
    let hosted = HostedPage {
        look: Look::for_call(&app.config.ui, call),
        hidden: params.fields(),
        query: params.query(),
        csrf: &csrf,
        problem,
        form_targets: app.config.redirect_origins(),
        password_min_length: app.config.password_min_length,
        captcha: app.config.captcha_widget(),
    };
    let mut response = pages::hosted_page(&hosted, screen, status);
    SIGN_IN_FORM.set(&mut response, &csrf);
    response
}
