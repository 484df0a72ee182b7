//! The hosted sign-in page's screens (sign in, sign up, the emailed code, forgotten
//! password, pending approval, continue as the signed-in member), each a template
//! (`page/<screen>.html`). Every form repeats the authorize request and the
//! double-submit token, names its `action`, and works without JavaScript; errors are
//! announced and tied to their fields; the password fields get a show/hide toggle.

use lambda_http::{Body, Response, http::StatusCode};
use minijinja::{Value, context};

use super::{Look, Problem, html_response, posting_csp, with_script_nonce};
use crate::{config::CaptchaWidget, domain::token::random_token};

/// What every screen of one authorize request shares.
pub struct HostedPage<'a> {
    pub look: Look<'a>,
    /// The authorize request, as hidden fields.
    pub hidden: Vec<(&'static str, &'a str)>,
    /// The same request as a query string, for links between screens.
    pub query: String,
    pub csrf: &'a str,
    pub problem: Option<Problem>,
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
    /// verify and resend forms post back; `notice` a catalog message.
    Code {
        email: &'a str,
        state_token: &'a str,
        identity_id: &'a str,
        notice: Option<&'static str>,
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

impl Screen<'_> {
    /// Its template, its title's message, and what it shows or carries.
    fn template(
        &self,
    ) -> (
        &'static str,
        &'static str,
        Value,
        Vec<(&'static str, String)>,
    ) {
        match *self {
            Screen::SignIn { email } => ("sign-in", "signin-title", context! { email }, vec![]),
            Screen::SignUp { email } => ("sign-up", "signup-title", context! { email }, vec![]),
            Screen::Code {
                email,
                state_token,
                identity_id,
                notice,
            } => (
                "code",
                "code-title",
                context! { email, notice_id => notice },
                vec![
                    ("state_token", state_token.to_string()),
                    ("identity_id", identity_id.to_string()),
                    ("email", email.to_string()),
                ],
            ),
            Screen::Forgot { email } => ("forgot", "forgot-title", context! { email }, vec![]),
            Screen::ForgotSent => ("forgot-sent", "code-title", context! {}, vec![]),
            Screen::Pending => ("pending", "pending-title", context! {}, vec![]),
            Screen::Continue { email } => {
                ("continue", "continue-title", context! { email }, vec![])
            }
        }
    }
}

/// The screen `screen` of `page`, answered with `status`.
pub fn hosted_page(
    page: &HostedPage<'_>,
    screen: &Screen<'_>,
    status: StatusCode,
) -> Response<Body> {
    let look = page.look;
    let (name, title, vars, carried) = screen.template();
    let hidden: Vec<Value> = page
        .hidden
        .iter()
        .map(|(name, value)| (name.to_string(), value.to_string()))
        .chain(
            carried
                .into_iter()
                .map(|(name, value)| (name.to_string(), value)),
        )
        .map(|(name, value)| Value::from(vec![Value::from(name), Value::from(value)]))
        .collect();
    // Only the screens with a password run a script (its show/hide toggle, and the
    // captcha where asked for); the others answer the same bytes every time.
    let has_password = matches!(screen, Screen::SignIn { .. } | Screen::SignUp { .. });
    let captcha = page.captcha.as_ref().filter(|_| has_password);
    let nonce = has_password.then(random_token);
    let notice = match screen {
        Screen::Code {
            notice: Some(id), ..
        } => Some(look.message(id)),
        _ => None,
    };
    let html = look.render(
        &format!("page/{name}.html"),
        title,
        context! {
            hidden => hidden,
            query => page.query.clone(),
            csrf => page.csrf,
            problem => page.problem.map(|p| p.text(look)),
            notice => notice,
            password_min_length => page.password_min_length,
            captcha_site_key => captcha.map(|w| w.site_key),
            captcha_script => captcha.map(|w| w.script_url),
            nonce => nonce.clone(),
            reveal => has_password,
            ..vars
        },
    );
    let mut csp = posting_csp(&page.form_targets);
    if let Some(nonce) = &nonce {
        csp = with_script_nonce(&csp, nonce);
    }
    if let (Some(widget), Some(nonce)) = (captcha, &nonce) {
        // The widget's script runs with this response's nonce and may load its own
        // (strict-dynamic); its frame comes from the script's origin only.
        csp = csp.replace(
            &format!("script-src 'nonce-{nonce}';"),
            &format!(
                "script-src 'nonce-{nonce}' 'strict-dynamic'; frame-src {};",
                widget.script_origin
            ),
        );
    }
    html_response(status, look, html, &csp)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ui::{Brand, Lang, Ui};

    fn text(response: &Response<Body>) -> String {
        match response.body() {
            Body::Text(t) => t.clone(),
            _ => String::new(),
        }
    }

    static UI: std::sync::LazyLock<Ui> = std::sync::LazyLock::new(|| Ui {
        brand: Brand::named("<Site>"),
        site_lang: Lang::En,
        overrides: None,
    });

    fn page(problem: Option<Problem>) -> HostedPage<'static> {
        HostedPage {
            look: Look {
                ui: &UI,
                lang: Lang::En,
            },
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
        assert!(!html.contains("g-recaptcha") && !html.contains("recaptcha/api.js"));
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
                notice: Some("code-resent"),
            },
            Screen::Forgot { email: hostile },
            Screen::ForgotSent,
            Screen::Pending,
            Screen::Continue { email: hostile },
        ];
        for screen in &screens {
            let problem = Some(Problem::new("problem-wrong-credentials"));
            let response = hosted_page(&page(problem), screen, StatusCode::UNAUTHORIZED);
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
            &page(Some(Problem::new("problem-wrong-credentials"))),
            &Screen::SignIn { email: "" },
            StatusCode::OK,
        ));
        assert!(html.contains("name=\"action\" value=\"sign-in\""));
        assert!(html.contains("name=\"csrf\" value=\"token\""));
        assert!(html.contains("autocomplete=\"current-password\""));
        assert!(html.contains("aria-invalid=\"true\" aria-describedby=\"error\""));
        assert!(html.contains("role=\"alert\">Wrong email or password.</p>"));
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
