//! The hosted page's forms (POST /oauth2/authorize): sign in, continue as the browser's
//! member, sign up, verify the emailed code, send a new one, and ask for a recovery
//! link. Each checks the authorize request and the double-submit token first; what
//! goes wrong for the visitor is shown in place, failures of the service are an
//! error page.

use lambda_http::{Body, Response, http::StatusCode};
use serde::Deserialize;

use crate::{
    App,
    app::Backend,
    domain::{Email, Member, Password, member::HeadlessProfile, token::constant_time_eq},
    error::ApiError,
    flows::{
        self, browser,
        headless::{AuthState, RegistrationV2},
        login::LoginAttempt,
        recovery::{AfterReset, PasswordMail},
        throttle::{RateKind, take_rate},
    },
    http::{
        Call,
        call::new_credentials,
        cookies::{BROWSER_SESSION, DEVICE, SIGN_IN_FORM},
        pages::{Look, Problem, Screen},
    },
};

use super::authorize::{AuthorizeParams, Checked, browser_member, check, page};

type Answer = Result<Response<Body>, ApiError>;

#[derive(Deserialize)]
struct HostedForm {
    #[serde(flatten)]
    params: AuthorizeParams,
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    action: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    code: String,
    #[serde(default)]
    state_token: String,
    #[serde(default)]
    identity_id: String,
    /// What the captcha widget posts.
    #[serde(default, rename = "g-recaptcha-response")]
    captcha: Option<String>,
}

/// One post of the hosted page, with what every answer needs.
struct Post<'a, B: Backend> {
    app: &'a App<B>,
    call: &'a Call<'a>,
    form: HostedForm,
    checked: Checked<'a>,
}

pub async fn submit<B: Backend>(app: &App<B>, call: Call<'_>) -> Answer {
    let form: HostedForm = call.json_or_form(app.config.max_body_bytes)?;
    let checked = check(app, &form.params, Look::for_call(&app.config.ui, &call))?;
    let post = Post {
        app,
        call: &call,
        form,
        checked,
    };
    let expected = SIGN_IN_FORM.read(call.request);
    let fresh = !post.form.csrf.is_empty()
        && expected.is_some_and(|c| constant_time_eq(c.as_bytes(), post.form.csrf.as_bytes()));
    if !fresh {
        return post.again(
            &Screen::SignIn {
                email: &post.form.email,
            },
            "This form has expired. Please try again.",
            StatusCode::BAD_REQUEST,
        );
    }
    let result = match post.form.action.as_str() {
        "sign-in" => post.sign_in().await,
        "continue" => post.continue_as_browser_member().await,
        "sign-up" => post.sign_up().await,
        "verify" => post.verify().await,
        "resend" => post.resend().await,
        "forgot" => post.forgot().await,
        _ => Err(ApiError::OAuthInvalidRequest("unknown form action")),
    };
    match result {
        Err(ApiError::CaptchaMissing | ApiError::CaptchaInvalid)
            if app.config.captcha_widget().is_none() =>
        {
            post.again(
                &post.screen_again(),
                "problem-captcha-unavailable",
                StatusCode::FORBIDDEN,
            )
        }
        Err(err) => match problem_of(&err) {
            Some((problem, status)) => post.again(&post.screen_again(), problem, status),
            None => Err(err),
        },
        answer => answer,
    }
}

impl<B: Backend> Post<'_, B> {
    fn show(&self, screen: &Screen<'_>, problem: Option<Problem>, status: StatusCode) -> Answer {
        Ok(page(
            self.app,
            self.call,
            &self.form.params,
            screen,
            problem,
            status,
        ))
    }

    fn again(&self, screen: &Screen<'_>, problem: &'static str, status: StatusCode) -> Answer {
        self.show(screen, Some(Problem::new(problem)), status)
    }

    /// The screen a failed action shows again, with what was typed (never a password).
    fn screen_again(&self) -> Screen<'_> {
        let email = self.form.email.as_str();
        match self.form.action.as_str() {
            "sign-up" => Screen::SignUp { email },
            "forgot" => Screen::Forgot { email },
            "verify" | "resend" => Screen::Code {
                email,
                state_token: &self.form.state_token,
                identity_id: &self.form.identity_id,
                notice: None,
            },
            _ => Screen::SignIn { email },
        }
    }

    /// `member` is signed in: this browser remembers it (instead of whoever it
    /// remembered before), and the client gets its code.
    async fn signed_in(&self, member: &Member) -> Answer {
        if let Some(before) = BROWSER_SESSION.read(self.call.request) {
            browser::end(self.app, &before).await?;
        }
        let token = browser::open(self.app, member).await?;
        let mut response = self
            .checked
            .code_for(self.app, &self.form.params, member)
            .await?;
        BROWSER_SESSION.set(&mut response, &token);
        Ok(response)
    }

    async fn sign_in(&self) -> Answer {
        let password = Password::for_login(self.form.password.clone())
            .map_err(|_| ApiError::WrongCredentials)?;
        let attempt = LoginAttempt {
            // A browser: the captcha setting applies (the page shows the widget when a
            // site key is configured; without one it fails closed with a message).
            captcha: Some(self.form.captcha.clone()),
            email: Email::parse(&self.form.email).ok(),
            raw_email: self.form.email.clone(),
            password,
            source: self.call.source(&self.app.config),
            device_token: DEVICE.read(self.call.request),
        };
        let logged_in = flows::login::velo_login(self.app, attempt).await?;
        let mut response = self.signed_in(&logged_in.member).await?;
        DEVICE.set(&mut response, &logged_in.device_token);
        Ok(response)
    }

    async fn continue_as_browser_member(&self) -> Answer {
        match browser_member(self.app, self.call).await? {
            Some(member) => {
                self.checked
                    .code_for(self.app, &self.form.params, &member)
                    .await
            }
            None => self.again(
                &Screen::SignIn { email: "" },
                "Your session has ended. Please sign in again.",
                StatusCode::UNAUTHORIZED,
            ),
        }
    }

    async fn sign_up(&self) -> Answer {
        let suspected = take_rate(
            self.app,
            RateKind::Register,
            &self.call.source(&self.app.config),
        )
        .await?;
        flows::captcha::check(self.app, self.form.captcha.as_deref(), suspected).await?;
        let (email, password) = new_credentials(
            &self.app.config,
            "email",
            &self.form.email,
            self.form.password.clone(),
        )?;
        let registration = RegistrationV2 {
            email,
            password,
            profile: HeadlessProfile::default(),
            lang: self.call.lang(None),
        };
        let state = flows::headless::register(self.app, registration).await?;
        self.after(state).await
    }

    async fn verify(&self) -> Answer {
        take_rate(
            self.app,
            RateKind::Verify,
            &self.call.source(&self.app.config),
        )
        .await?;
        let state =
            flows::headless::verify(self.app, self.form.code.trim(), &self.form.state_token)
                .await?;
        self.after(state).await
    }

    /// Where a sign-up or a code leads: signed in, the code to type, or the wait for
    /// the owner's approval.
    async fn after(&self, state: AuthState) -> Answer {
        match state {
            AuthState::Success { member, .. } => self.signed_in(&member).await,
            AuthState::RequireEmailVerification {
                state_token,
                member,
            } => self.show(
                &Screen::Code {
                    email: member.login_email.as_str(),
                    state_token: &state_token,
                    identity_id: &member.id,
                    notice: None,
                },
                None,
                StatusCode::OK,
            ),
            AuthState::RequireOwnerApproval { .. } => {
                self.show(&Screen::Pending, None, StatusCode::OK)
            }
        }
    }

    async fn resend(&self) -> Answer {
        take_rate(
            self.app,
            RateKind::Verify,
            &self.call.source(&self.app.config),
        )
        .await?;
        // Member ids are UUIDs; a longer one is no member (and no DynamoDB key).
        if !self.form.identity_id.is_empty() && self.form.identity_id.len() <= 64 {
            let asked = self.call.lang(None);
            flows::headless::resend_code(self.app, &self.form.identity_id, asked).await?;
        }
        self.show(
            &Screen::Code {
                email: &self.form.email,
                state_token: &self.form.state_token,
                identity_id: &self.form.identity_id,
                notice: Some("code-resent"),
            },
            None,
            StatusCode::OK,
        )
    }

    /// The same answer whether or not the email is a member's; the link leads back to
    /// this authorize request once the password is set.
    async fn forgot(&self) -> Answer {
        take_rate(
            self.app,
            RateKind::Recovery,
            &self.call.source(&self.app.config),
        )
        .await?;
        let back = AfterReset {
            url: format!(
                "{}/oauth2/authorize?{}",
                self.app.config.public_base_url,
                self.form.params.query()
            ),
            client_id: self.form.params.client_id.clone(),
        };
        flows::recovery::send_recovery_email(
            self.app,
            Email::parse(&self.form.email).ok(),
            Some(back),
            PasswordMail::Reset,
            self.call.lang(None),
        )
        .await?;
        self.show(&Screen::ForgotSent, None, StatusCode::OK)
    }
}

/// What the page says, in place, for an action that did not go through; `None` for
/// failures of the service itself (an error page).
fn problem_of(err: &ApiError) -> Option<(&'static str, StatusCode)> {
    Some(match err {
        ApiError::WrongCredentials => ("problem-wrong-credentials", StatusCode::UNAUTHORIZED),
        ApiError::MemberPending => ("problem-pending", StatusCode::FORBIDDEN),
        ApiError::MemberBlocked => ("problem-blocked", StatusCode::FORBIDDEN),
        ApiError::EmailNotVerified => ("problem-not-verified", StatusCode::FORBIDDEN),
        ApiError::EmailTaken => ("problem-taken", StatusCode::CONFLICT),
        ApiError::Validation(_) => ("problem-invalid", StatusCode::BAD_REQUEST),
        ApiError::InvalidCode => ("problem-code", StatusCode::BAD_REQUEST),
        ApiError::InvalidStateToken => ("problem-code-expired", StatusCode::BAD_REQUEST),
        ApiError::TooManyRequests(_) => ("problem-too-many", StatusCode::TOO_MANY_REQUESTS),
        ApiError::CaptchaMissing | ApiError::CaptchaInvalid => {
            ("problem-captcha", StatusCode::FORBIDDEN)
        }
        _ => return None,
    })
}

pub(super) fn fuzz_bodies(data: &[u8]) {
    let _ = serde_urlencoded::from_bytes::<HostedForm>(data);
}
