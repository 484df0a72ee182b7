//! The hosted pages: the sign-in page, the authorize `web_message` page, the password
//! reset page and error pages. Every value reaching HTML is escaped; scripts run only with a nonce.

use lambda_http::{
    Body, Response,
    http::{HeaderValue, StatusCode, header},
};

use crate::{domain::token::random_token, escape::escape_html};

mod sign_in;

pub use sign_in::{HostedPage, Screen, hosted_page};

fn html_response(status: StatusCode, html: String, csp: &str) -> Response<Body> {
    let mut response = Response::new(Body::Text(html));
    *response.status_mut() = status;
    let headers = response.headers_mut();
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

fn layout(title: &str, body: &str) -> String {
    format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width,initial-scale=1\"><title>{}</title>\
         <style>body{{font-family:system-ui,sans-serif;max-width:28rem;margin:4rem auto;padding:0 1rem}}\
         input,button{{font:inherit;padding:.5rem;width:100%;box-sizing:border-box;margin:.25rem 0}}</style>\
         </head><body>{body}</body></html>",
        escape_html(title)
    )
}

/// An error shown in the browser: never a redirect to somewhere unregistered.
pub fn error_page(status: StatusCode, message: &str) -> Response<Body> {
    let body = format!(
        "<h1>Something went wrong</h1><p id=\"error\">{}</p>",
        escape_html(message)
    );
    html_response(status, layout("Error", &body), PLAIN_CSP)
}

/// A 302 to `location`, which callers have checked against the registered URLs; one
/// that is not a valid header value gets an error page rather than a bare 302.
pub fn redirect(location: &str) -> Response<Body> {
    let Ok(value) = HeaderValue::from_str(location) else {
        return error_page(
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
pub fn web_message(origins: &[String], message: &serde_json::Value) -> Response<Body> {
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
    let html = layout(
        "Signing in",
        &format!("<p>Signing in…</p><script nonce=\"{nonce}\">{script}</script>"),
    );
    let ancestors = if origins.is_empty() {
        "'none'".to_string()
    } else {
        origins.join(" ")
    };
    let csp = format!(
        "default-src 'none'; script-src 'nonce-{nonce}'; style-src 'unsafe-inline'; frame-ancestors {ancestors}; base-uri 'none'"
    );
    html_response(StatusCode::OK, html, &csp)
}

/// The password form of a recovery link. The token travels in a hidden field, so it
/// is posted back rather than left in more URLs.
/// `form_targets` are the origins the form's answer may redirect to: browsers hold
/// the redirect after a form post to the CSP `form-action` list too.
pub fn reset_form(
    token: &str,
    min_length: usize,
    problem: Option<&str>,
    form_targets: &[String],
) -> Response<Body> {
    let problem = problem
        .map(|p| format!("<p id=\"error\" role=\"alert\">{}</p>", escape_html(p)))
        .unwrap_or_default();
    let body = format!(
        "<h1>Choose a new password</h1>{problem}\
         <form method=\"post\" action=\"/recovery/reset-password\">\
         <input type=\"hidden\" name=\"token\" value=\"{}\">\
         <label for=\"password\">New password ({min_length}–100 characters)</label>\
         <input id=\"password\" name=\"password\" type=\"password\" autocomplete=\"new-password\" minlength=\"{min_length}\" maxlength=\"100\" required>\
         <button id=\"submit\" type=\"submit\">Save password</button></form>",
        escape_html(token)
    );
    let status = if problem.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::BAD_REQUEST
    };
    let csp = posting_csp(form_targets);
    html_response(status, layout("Reset password", &body), &csp)
}

/// The session page (`sessions.syncToWixPages` loads it in an iframe): framed by the
/// registered `origins` only, no script, nothing set.
pub fn session_page(origins: &[String]) -> Response<Body> {
    let ancestors = if origins.is_empty() {
        "'none'".to_string()
    } else {
        origins.join(" ")
    };
    let csp = format!("default-src 'none'; frame-ancestors {ancestors}; base-uri 'none'");
    let body = "<p id=\"session\">Signed-in state is kept by this site.</p>";
    html_response(StatusCode::OK, layout("Session", body), &csp)
}

pub fn reset_done() -> Response<Body> {
    let body = "<h1 id=\"done\">Password saved</h1><p>You can sign in with your new password. Every other session was signed out.</p>";
    html_response(StatusCode::OK, layout("Password saved", body), PLAIN_CSP)
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

    #[test]
    fn web_message_targets_registered_origins_only() {
        let response = web_message(
            &["https://site.example".into()],
            &serde_json::json!({ "code": "c", "state": "</script><script>alert(1)</script>" }),
        );
        let html = text(&response);
        assert!(html.contains("\"https://site.example\""));
        assert!(!html.contains("\"*\""));
        assert!(!html.contains("</script><script>alert"));
        let csp = response.headers()["content-security-policy"]
            .to_str()
            .unwrap();
        assert!(csp.contains("frame-ancestors https://site.example"));
    }

    #[test]
    fn the_session_page_is_framed_by_registered_sites_only() {
        let response = session_page(&["https://site.example".into()]);
        let csp = response.headers()["content-security-policy"]
            .to_str()
            .unwrap();
        assert!(
            csp.contains("frame-ancestors https://site.example;"),
            "{csp}"
        );
        assert!(csp.starts_with("default-src 'none'"), "{csp}");
        assert!(!text(&response).contains("<script"));
        let nobody = session_page(&[]);
        let csp = nobody.headers()["content-security-policy"]
            .to_str()
            .unwrap();
        assert!(csp.contains("frame-ancestors 'none'"), "{csp}");
    }

    #[test]
    fn pages_escape_their_input() {
        let html = text(&error_page(
            StatusCode::BAD_REQUEST,
            "<img src=x onerror=alert(1)>",
        ));
        assert!(html.contains("&lt;img"));
        let response = reset_form("\"><script>", 8, None, &["https://site.example".into()]);
        assert!(!text(&response).contains("\"><script>"));
        let csp = response.headers()["content-security-policy"]
            .to_str()
            .unwrap();
        assert!(
            csp.contains("form-action 'self' https://site.example;"),
            "{csp}"
        );
    }
}
