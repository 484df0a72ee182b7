//! The hosted pages: the sign-in page, the authorize `web_message` page, the password
//! reset page and error pages, rendered by the site's templates (`ui`, `page/*.html`)
//! in the visitor's language. Every value reaching HTML is escaped; scripts run only
//! with a nonce.

use fluent_bundle::FluentArgs;
use lambda_http::{
    Body, Request, RequestExt, Response,
    http::{HeaderValue, StatusCode, header},
};
use minijinja::{Value, context};
use tracing::error;

use crate::{
    domain::token::random_token,
    http::{Call, call::lang_of},
    ui::{Lang, Ui, catalog},
};

mod sign_in;

pub use sign_in::{HostedPage, Screen, hosted_page};

fn html_response(status: StatusCode, look: Look<'_>, html: String, csp: &str) -> Response<Body> {
    let mut response = Response::new(Body::Text(html));
    *response.status_mut() = status;
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_LANGUAGE,
        HeaderValue::from_static(look.lang.code()),
    );
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(
        "x-content-type-options",
        HeaderValue::from_static("nosniff"),
    );
    headers.insert("referrer-policy", HeaderValue::from_static("no-referrer"));
    if let Ok(value) = HeaderValue::from_str(csp) {
        headers.insert("content-security-policy", value);
    }
    response
}

const PLAIN_CSP: &str = "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

/// The plain pages' policy for a page whose forms' answers may redirect to `targets`:
/// browsers hold the redirect after a form post to `form-action` too.
fn posting_csp(targets: &[String]) -> String {
    PLAIN_CSP.replace(
        "form-action 'self'",
        &format!("form-action 'self' {}", targets.join(" ")),
    )
}

/// The look and language a page is rendered in: the site's templates and branding,
/// and the language the request asks for.
#[derive(Clone, Copy, Debug)]
pub struct Look<'a> {
    pub ui: &'a Ui,
    pub lang: Lang,
}

impl<'a> Look<'a> {
    /// The language from the browser's `Accept-Language` (an OAuth `ui_locales`, when
    /// the request names one, first), else the site's.
    pub fn for_call(ui: &'a Ui, call: &Call<'_>) -> Self {
        Self::for_request(ui, call.request)
    }

    /// [`Look::for_call`] of any request.
    pub fn for_request(ui: &'a Ui, request: &Request) -> Self {
        let locales = request.query_string_parameters_ref();
        let asked = lang_of(request, locales.and_then(|q| q.first("ui_locales")));
        Self {
            ui,
            lang: asked.resolve(None, ui.site_lang),
        }
    }

    /// A message of the catalog, in the page's language.
    pub fn message(&self, id: &str) -> String {
        catalog::message(self.lang, id, &FluentArgs::new()).unwrap_or_else(|| id.to_string())
    }

    /// Page template `name` with `vars`; a built-in template that fails (a defect the
    /// tests rule out) gives a bare page rather than none.
    fn render(&self, name: &str, title_id: &str, vars: Value) -> String {
        let vars = context! { title => self.message(title_id), ..vars };
        self.ui.render(name, self.lang, vars).unwrap_or_else(|err| {
            error!(error = %err, "page template failed");
            "<!doctype html><title>Error</title><p>Something went wrong.</p>".to_string()
        })
    }
}

/// An error shown in the browser: never a redirect to somewhere unregistered.
/// `detail` is the service's own English description of what was wrong with the
/// request (for the site's developer); the member reads a sentence in its language
/// above it.
pub fn error_page(look: Look<'_>, status: StatusCode, detail: &str) -> Response<Body> {
    error_saying(look, status, context! { detail => detail })
}

/// An error shown in the browser, said by catalog message `id`.
pub fn error_page_saying(look: Look<'_>, status: StatusCode, id: &str) -> Response<Body> {
    error_saying(look, status, context! { message => look.message(id) })
}

fn error_saying(look: Look<'_>, status: StatusCode, vars: Value) -> Response<Body> {
    let html = look.render("page/error.html", "error-title", vars);
    html_response(status, look, html, PLAIN_CSP)
}

/// A 302 to `location`, which callers have checked against the registered URLs; one
/// that is not a valid header value gets an error page rather than a bare 302.
pub fn redirect(look: Look<'_>, location: &str) -> Response<Body> {
    let Ok(value) = HeaderValue::from_str(location) else {
        return error_page(
            look,
            StatusCode::BAD_REQUEST,
            "The address to return to is not valid.",
        );
    };
    let mut response = Response::new(Body::Empty);
    *response.status_mut() = StatusCode::FOUND;
    response.headers_mut().insert(header::LOCATION, value);
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

/// Hands `message` to the framing page, but only if that page is one of `origins`:
/// `postMessage` with an exact target origin, never `"*"`.
pub fn web_message(
    look: Look<'_>,
    origins: &[String],
    message: &serde_json::Value,
) -> Response<Body> {
    let nonce = random_token();
    // JSON in a script: escape `<` so no `</script>` can break out.
    let json = |value: &serde_json::Value| value.to_string().replace('<', "\\u003c");
    let origins_json = json(&serde_json::json!(origins));
    let script = format!(
        "(function(){{var m={};var o={};var t=window.parent!==window?window.parent:window.opener;\
         if(!t)return;for(var i=0;i<o.length;i++){{t.postMessage(m,o[i]);}}}})();",
        json(message),
        origins_json
    );
    let html = look.render(
        "page/signing-in.html",
        "signing-in",
        context! { nonce => nonce.clone(), inline_script => Value::from_safe_string(script) },
    );
    let ancestors = if origins.is_empty() {
        "'none'".to_string()
    } else {
        origins.join(" ")
    };
    let csp = format!(
        "default-src 'none'; script-src 'nonce-{nonce}'; style-src 'unsafe-inline'; frame-ancestors {ancestors}; base-uri 'none'"
    );
    html_response(StatusCode::OK, look, html, &csp)
}

/// A problem shown on a form, by catalog message and its one argument, if any.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Problem {
    pub id: &'static str,
    pub min: Option<usize>,
}

impl Problem {
    pub const fn new(id: &'static str) -> Self {
        Self { id, min: None }
    }

    fn text(&self, look: Look<'_>) -> String {
        let mut args = FluentArgs::new();
        if let Some(min) = self.min {
            args.set("min", min);
        }
        catalog::message(look.lang, self.id, &args).unwrap_or_else(|| self.id.to_string())
    }
}

/// The password form of a recovery link. The token travels in a hidden field, so it
/// is posted back rather than left in more URLs.
/// `form_targets` are the origins the form's answer may redirect to: browsers hold
/// the redirect after a form post to the CSP `form-action` list too.
pub fn reset_form(
    look: Look<'_>,
    token: &str,
    min_length: usize,
    problem: Option<Problem>,
    form_targets: &[String],
) -> Response<Body> {
    let nonce = random_token();
    let status = if problem.is_none() {
        StatusCode::OK
    } else {
        StatusCode::BAD_REQUEST
    };
    let html = look.render(
        "page/reset.html",
        "reset-title",
        context! {
            token => token,
            password_min_length => min_length,
            problem => problem.map(|p| p.text(look)),
            nonce => nonce.clone(),
            reveal => true,
        },
    );
    let csp = with_script_nonce(&posting_csp(form_targets), &nonce);
    html_response(status, look, html, &csp)
}

/// The session page (`sessions.syncToWixPages` loads it in an iframe): framed by the
/// registered `origins` only, no script, nothing set.
pub fn session_page(look: Look<'_>, origins: &[String]) -> Response<Body> {
    let ancestors = if origins.is_empty() {
        "'none'".to_string()
    } else {
        origins.join(" ")
    };
    let csp = format!(
        "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors {ancestors}; base-uri 'none'"
    );
    let html = look.render("page/session.html", "signing-in", context! {});
    html_response(StatusCode::OK, look, html, &csp)
}

pub fn reset_done(look: Look<'_>) -> Response<Body> {
    let html = look.render("page/reset-done.html", "done-title", context! {});
    html_response(StatusCode::OK, look, html, PLAIN_CSP)
}

/// `csp` with scripts allowed that carry `nonce` (the show-password toggle).
fn with_script_nonce(csp: &str, nonce: &str) -> String {
    csp.replace(
        "default-src 'none';",
        &format!("default-src 'none'; script-src 'nonce-{nonce}';"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ui::Brand;

    fn ui() -> Ui {
        Ui {
            brand: Brand::named("<Site>"),
            site_lang: Lang::En,
            overrides: None,
        }
    }

    fn text(response: &Response<Body>) -> String {
        match response.body() {
            Body::Text(t) => t.clone(),
            _ => String::new(),
        }
    }

    fn csp(response: &Response<Body>) -> String {
        response.headers()["content-security-policy"]
            .to_str()
            .unwrap()
            .to_string()
    }

    #[test]
    fn web_message_targets_registered_origins_only() {
        let ui = ui();
        let look = Look {
            ui: &ui,
            lang: Lang::En,
        };
        let response = web_message(
            look,
            &["https://site.example".into()],
            &serde_json::json!({ "code": "c", "state": "</script><script>alert(1)</script>" }),
        );
        let html = text(&response);
        assert!(html.contains("\"https://site.example\""));
        assert!(!html.contains("\"*\""));
        assert!(!html.contains("</script><script>alert"));
        assert!(csp(&response).contains("frame-ancestors https://site.example"));
    }

    #[test]
    fn the_session_page_is_framed_by_registered_sites_only() {
        let ui = ui();
        let look = Look {
            ui: &ui,
            lang: Lang::En,
        };
        let response = session_page(look, &["https://site.example".into()]);
        let policy = csp(&response);
        assert!(
            policy.contains("frame-ancestors https://site.example;"),
            "{policy}"
        );
        assert!(policy.starts_with("default-src 'none'"), "{policy}");
        assert!(!text(&response).contains("<script"));
        let nobody = session_page(look, &[]);
        assert!(csp(&nobody).contains("frame-ancestors 'none'"));
    }

    #[test]
    fn pages_escape_their_input() {
        let ui = ui();
        let look = Look {
            ui: &ui,
            lang: Lang::En,
        };
        let html = text(&error_page(
            look,
            StatusCode::BAD_REQUEST,
            "<img src=x onerror=alert(1)>",
        ));
        assert!(html.contains("<p id=\"error\" lang=\"en\" dir=\"ltr\">&lt;img"));
        assert!(html.contains("&lt;Site&gt;"));
        let french = Look {
            ui: &ui,
            lang: Lang::Fr,
        };
        let html = text(&error_page_saying(
            french,
            StatusCode::BAD_REQUEST,
            "problem-link",
        ));
        assert!(
            html.contains("<p id=\"error\">Ce lien n’est pas valide"),
            "{html}"
        );
        let response = reset_form(
            look,
            "\"><script>",
            8,
            None,
            &["https://site.example".into()],
        );
        assert!(!text(&response).contains("\"><script>"));
        let policy = csp(&response);
        assert!(
            policy.contains("form-action 'self' https://site.example;"),
            "{policy}"
        );
    }

    #[test]
    fn the_reset_page_speaks_its_language_and_ties_its_error_to_the_field() {
        let ui = ui();
        let look = Look {
            ui: &ui,
            lang: Lang::Ar,
        };
        let problem = Problem {
            id: "problem-password-short",
            min: Some(8),
        };
        let response = reset_form(look, "t", 8, Some(problem), &[]);
        assert_eq!(response.status(), StatusCode::BAD_REQUEST);
        assert_eq!(response.headers()["content-language"], "ar");
        let html = text(&response);
        assert!(html.contains("<html lang=\"ar\" dir=\"rtl\">"));
        assert!(html.contains("id=\"error\" class=\"error\" role=\"alert\""));
        assert!(html.contains("aria-invalid=\"true\" aria-describedby=\"error\""));
        assert!(html.contains("autocomplete=\"new-password\""));
        // The show-password toggle runs with this response's nonce, and only it.
        let nonce = csp(&response)
            .split("'nonce-")
            .nth(1)
            .and_then(|rest| rest.split('\'').next())
            .unwrap()
            .to_string();
        assert!(html.contains(&format!("<script nonce=\"{nonce}\">")));
        assert!(html.contains("data-show=\"إظهار كلمة المرور\""));
    }
}
