//! The hosted sign-in page's screens (sign in, sign up, the emailed code, forgotten
//! password, pending approval, continue as the signed-in member). Every form repeats
//! the authorize request and the double-submit token, names its `action`, and works
//! without JavaScript; errors are announced and tied to the form.

use lambda_http::{Body, Response, http::StatusCode};

use super::{html_response, layout, posting_csp};
use crate::{config::CaptchaWidget, domain::token::random_token, escape::escape_html};

/// What every screen of one authorize request shares.
pub struct HostedPage<'a> {
    pub site_name: &'a str,
    /// The authorize request, as hidden fields.
    pub hidden: Vec<(&'static str, &'a str)>,
    /// The same request as a query string, for links between screens.
    pub query: String,
    pub csrf: &'a str,
    pub problem: Option<&'a str>,
    /// The origins the forms' answers may redirect to (CSP `form-action`).
    pub form_targets: Vec<String>,
    pub password_min_length: usize,
    /// Shown in the sign-in and sign-up forms when the site asks for a captcha.
    pub captcha: Option<CaptchaWidget<'a>>,
}

/// One screen of the hosted page.
pub enum Screen<'a> {
    SignIn {
        email: &'a str,
    },
    SignUp {
        email: &'a str,
    },
    /// The emailed code of a sign-up; `state_token` and `identity_id` are what the
    /// verify and resend forms post back.
    Code {
        email: &'a str,
        state_token: &'a str,
        identity_id: &'a str,
        notice: Option<&'a str>,
    },
    Forgot {
        email: &'a str,
    },
    ForgotSent,
    Pending,
    /// A browser signed in before: one click goes on as that member.
    Continue {
        email: &'a str,
    },
}

impl HostedPage<'_> {
    fn form(
        &self,
        action: &str,
        fields: &str,
        extra_hidden: &[(&str, &str)],
        described: bool,
    ) -> String {
        let hidden: String = self
            .hidden
            .iter()
            .map(|(name, value)| (*name, *value))
            .chain(extra_hidden.iter().copied())
            .chain([("csrf", self.csrf), ("action", action)])
            .map(|(name, value)| {
                format!(
                    "<input type=\"hidden\" name=\"{name}\" value=\"{}\">",
                    escape_html(value)
                )
            })
            .collect();
        let described = if described && self.problem.is_some() {
            " aria-describedby=\"error\""
        } else {
            ""
        };
        format!(
            "<form method=\"post\" action=\"/oauth2/authorize\" id=\"{action}-form\"{described}>{hidden}{fields}</form>"
        )
    }

    fn link(&self, screen: Option<&str>, text: &str) -> String {
        let screen = screen.map(|s| format!("&screen={s}")).unwrap_or_default();
        format!(
            "<p><a href=\"/oauth2/authorize?{}{screen}\">{}</a></p>",
            escape_html(&self.query),
            escape_html(text)
        )
    }
}

impl HostedPage<'_> {
    /// The captcha widget's place in a form (it posts `g-recaptcha-response`).
    fn captcha_field(&self) -> String {
        self.captcha
            .as_ref()
            .map(|w| {
                format!(
                    "<div class=\"g-recaptcha\" data-sitekey=\"{}\"></div>",
                    escape_html(w.site_key)
                )
            })
            .unwrap_or_default()
    }
}

fn email_field(email: &str) -> String {
    format!(
        "<label for=\"email\">Email</label>\
         <input id=\"email\" name=\"email\" type=\"email\" autocomplete=\"username\" value=\"{}\" required>",
        escape_html(email)
    )
}

/// The screen `screen` of `page`, answered with `status`.
pub fn hosted_page(
    page: &HostedPage<'_>,
    screen: &Screen<'_>,
    status: StatusCode,
) -> Response<Body> {
    let site = escape_html(page.site_name);
    let problem = page
        .problem
        .map(|p| format!("<p id=\"error\" role=\"alert\">{}</p>", escape_html(p)))
        .unwrap_or_default();
    let (title, body) = match screen {
        Screen::SignIn { email } => (
            "Sign in",
            format!(
                "<h1>Sign in to {site}</h1>{problem}{}{}{}",
                page.form(
                    "sign-in",
                    &format!(
                        "{}<label for=\"password\">Password</label>\
                         <input id=\"password\" name=\"password\" type=\"password\" autocomplete=\"current-password\" required>\
                         {}<button id=\"sign-in\" type=\"submit\">Sign in</button>",
                        email_field(email),
                        page.captcha_field()
                    ),
                    &[],
                    true,
                ),
                page.link(Some("forgot"), "Forgot your password?"),
                page.link(Some("sign-up"), "Create an account"),
            ),
        ),
        Screen::SignUp { email } => (
            "Create an account",
            format!(
                "<h1>Create an account on {site}</h1>{problem}{}{}",
                page.form(
                    "sign-up",
                    &format!(
                        "{}<label for=\"password\">Password ({min}–100 characters)</label>\
                         <input id=\"password\" name=\"password\" type=\"password\" autocomplete=\"new-password\" minlength=\"{min}\" maxlength=\"100\" required>\
                         {captcha}<button id=\"sign-up\" type=\"submit\">Create account</button>",
                        email_field(email),
                        min = page.password_min_length,
                        captcha = page.captcha_field()
                    ),
                    &[],
                    true,
                ),
                page.link(None, "I have an account: sign in"),
            ),
        ),
        Screen::Code {
            email,
            state_token,
            identity_id,
            notice,
        } => {
            let carried = [
                ("state_token", *state_token),
                ("identity_id", *identity_id),
                ("email", *email),
            ];
            let notice = notice
                .map(|n| format!("<p id=\"notice\" role=\"status\">{}</p>", escape_html(n)))
                .unwrap_or_default();
            (
                "Check your email",
                format!(
                    "<h1>Check your email</h1><p>We sent a 6-digit code to <strong>{}</strong>. It works for 10 minutes.</p>{problem}{notice}{}{}",
                    escape_html(email),
                    page.form(
                        "verify",
                        "<label for=\"code\">Code</label>\
                         <input id=\"code\" name=\"code\" type=\"text\" inputmode=\"numeric\" pattern=\"[0-9]{6}\" maxlength=\"6\" autocomplete=\"one-time-code\" required>\
                         <button id=\"verify\" type=\"submit\">Verify</button>",
                        &carried,
                        true,
                    ),
                    page.form(
                        "resend",
                        "<button id=\"resend\" type=\"submit\">Send a new code</button>",
                        &carried,
                        false,
                    ),
                ),
            )
        }
        Screen::Forgot { email } => (
            "Reset your password",
            format!(
                "<h1>Reset your password</h1><p>We will email you a link to choose a new password.</p>{problem}{}{}",
                page.form(
                    "forgot",
                    &format!(
                        "{}<button id=\"forgot\" type=\"submit\">Send the link</button>",
                        email_field(email)
                    ),
                    &[],
                    true,
                ),
                page.link(None, "Back to sign in"),
            ),
        ),
        Screen::ForgotSent => (
            "Check your email",
            format!(
                "<h1>Check your email</h1><p id=\"sent\">If an account uses that address, we sent it a link to choose a new password. The link works once, for an hour, and brings you back here.</p>{}",
                page.link(None, "Back to sign in"),
            ),
        ),
        Screen::Pending => (
            "Waiting for approval",
            "<h1>Almost there</h1><p id=\"pending\" role=\"status\">Your account is waiting for the site owner's approval. You can sign in once it is approved.</p>".to_string(),
        ),
        Screen::Continue { email } => (
            "Continue",
            format!(
                "<h1>Welcome back to {site}</h1>{problem}<p>You are signed in as <strong>{}</strong>.</p>{}{}",
                escape_html(email),
                page.form(
                    "continue",
                    &format!(
                        "<button id=\"continue\" type=\"submit\">Continue as {}</button>",
                        escape_html(email)
                    ),
                    &[],
                    false,
                ),
                page.link(Some("sign-in"), "Use another account"),
            ),
        ),
    };
    let mut csp = posting_csp(&page.form_targets);
    let wants_captcha = matches!(screen, Screen::SignIn { .. } | Screen::SignUp { .. });
    let body = match page.captcha.as_ref().filter(|_| wants_captcha) {
        Some(widget) => {
            // The widget's script runs with this response's nonce and may load its own
            // (strict-dynamic); its frame comes from the script's origin only.
            let nonce = random_token();
            csp = csp.replace(
                "default-src 'none';",
                &format!(
                    "default-src 'none'; script-src 'nonce-{nonce}' 'strict-dynamic'; frame-src {};",
                    widget.script_origin
                ),
            );
            format!(
                "{body}<script src=\"{}\" nonce=\"{nonce}\" async defer></script>",
                escape_html(widget.script_url)
            )
        }
        None => body,
    };
    html_response(status, layout(title, &body), &csp)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(response: &Response<Body>) -> String {
        match response.body() {
            Body::Text(t) => t.clone(),
            _ => String::new(),
        }
    }

    fn page<'a>(problem: Option<&'a str>) -> HostedPage<'a> {
        HostedPage {
            site_name: "<Site>",
            hidden: vec![("state", "\"><script>alert(1)</script>")],
            query: "state=%22%3E&client_id=c".into(),
            csrf: "token",
            problem,
            form_targets: vec!["https://site.example".into()],
            password_min_length: 8,
            captcha: None,
        }
    }

    #[test]
    fn the_captcha_widget_is_in_the_sign_in_and_sign_up_forms_with_its_script_allowed() {
        let mut with_widget = page(None);
        with_widget.captcha = Some(CaptchaWidget {
            site_key: "site-key\"",
            script_url: "https://www.google.com/recaptcha/api.js",
            script_origin: "https://www.google.com".into(),
        });
        for screen in [Screen::SignIn { email: "" }, Screen::SignUp { email: "" }] {
            let response = hosted_page(&with_widget, &screen, StatusCode::OK);
            let html = text(&response);
            assert!(
                html.contains("class=\"g-recaptcha\" data-sitekey=\"site-key&quot;\""),
                "{html}"
            );
            let csp = response.headers()["content-security-policy"]
                .to_str()
                .unwrap();
            let nonce = csp
                .split("'nonce-")
                .nth(1)
                .unwrap()
                .split('\'')
                .next()
                .unwrap();
            assert!(html.contains(&format!("nonce=\"{nonce}\"")), "{html}");
            assert!(csp.contains("frame-src https://www.google.com;"), "{csp}");
        }
        let html = text(&hosted_page(
            &with_widget,
            &Screen::Forgot { email: "" },
            StatusCode::OK,
        ));
        assert!(!html.contains("g-recaptcha") && !html.contains("<script"));
    }

    #[test]
    fn every_screen_escapes_what_it_carries_and_posts_only_to_known_places() {
        let hostile = "a\"><script>alert(2)</script>@example.com";
        let screens = [
            Screen::SignIn { email: hostile },
            Screen::SignUp { email: hostile },
            Screen::Code {
                email: hostile,
                state_token: hostile,
                identity_id: hostile,
                notice: Some(hostile),
            },
            Screen::Forgot { email: hostile },
            Screen::ForgotSent,
            Screen::Pending,
            Screen::Continue { email: hostile },
        ];
        for screen in &screens {
            let response = hosted_page(&page(Some("<b>no</b>")), screen, StatusCode::UNAUTHORIZED);
            let html = text(&response);
            assert!(!html.contains("<script>"), "{html}");
            assert!(
                html.contains("&lt;Site&gt;") || !html.contains("Site"),
                "{html}"
            );
            let csp = response.headers()["content-security-policy"]
                .to_str()
                .unwrap();
            assert!(
                csp.contains("form-action 'self' https://site.example;"),
                "{csp}"
            );
            assert!(csp.contains("frame-ancestors 'none'"), "{csp}");
        }
    }

    #[test]
    fn forms_name_their_action_and_fields_say_what_password_managers_fill() {
        let html = text(&hosted_page(
            &page(Some("x")),
            &Screen::SignIn { email: "" },
            StatusCode::OK,
        ));
        assert!(html.contains("name=\"action\" value=\"sign-in\""));
        assert!(html.contains("name=\"csrf\" value=\"token\""));
        assert!(html.contains("autocomplete=\"current-password\""));
        assert!(html.contains("aria-describedby=\"error\""));
        assert!(html.contains("role=\"alert\">x</p>"));
        let html = text(&hosted_page(
            &page(None),
            &Screen::SignUp { email: "" },
            StatusCode::OK,
        ));
        assert!(html.contains("autocomplete=\"new-password\" minlength=\"8\""));
        assert!(!html.contains("aria-describedby"));
        let html = text(&hosted_page(
            &page(None),
            &Screen::Code {
                email: "e",
                state_token: "s",
                identity_id: "i",
                notice: None,
            },
            StatusCode::OK,
        ));
        assert!(html.contains("autocomplete=\"one-time-code\""));
        assert!(html.contains("name=\"action\" value=\"resend\""));
    }
}
