//! The hosted pages' cookies: `__Host-` prefixed (Secure, `Path=/`, no `Domain`: this
//! host only, no subdomain can set or read them), HttpOnly, holding random tokens.

use lambda_http::{Body, Request, Response, http::HeaderValue};

/// The sign-in form's double-submit token: only our own pages post the form.
pub const SIGN_IN_FORM: Cookie = Cookie {
    name: "__Host-members-signin",
    same_site: "Strict",
    max_age_secs: 3600,
    signed: false,
};

/// A browser signed in on the hosted page. Lax, so that a site's top-level navigation
/// to the authorize URL (or the logout URL) carries it; never sent from another site's
/// frames or posts.
pub const BROWSER_SESSION: Cookie = Cookie {
    name: "__Host-members-session",
    same_site: "Lax",
    max_age_secs: crate::flows::browser::BROWSER_SESSION_TTL_SECS,
    signed: false,
};

/// The device token of the account this browser signed in to last (a signed token,
/// not a secret of the session: it only keeps the normal pace during an attack on
/// the account). Strict: only the sign-in form's own posts need it.
pub const DEVICE: Cookie = Cookie {
    name: "__Host-members-device",
    same_site: "Strict",
    max_age_secs: crate::domain::device::DEVICE_TOKEN_TTL_SECS,
    signed: true,
};

pub struct Cookie {
    pub name: &'static str,
    same_site: &'static str,
    max_age_secs: u64,
    /// Holds a signed token (base64url parts and dots) rather than a random one.
    signed: bool,
}

impl Cookie {
    /// Its value in `request`, if it looks like one of our tokens (random ones:
    /// base64url, 32–128 characters; signed ones: base64url parts and dots, at most
    /// 1024); anything else is no cookie.
    pub fn read(&self, request: &Request) -> Option<String> {
        request
            .headers()
            .get_all("cookie")
            .iter()
            .filter_map(|value| value.to_str().ok())
            .flat_map(|value| value.split(';'))
            .filter_map(|pair| pair.trim().split_once('='))
            .find(|(name, _)| *name == self.name)
            .map(|(_, value)| value.to_string())
            .filter(|value| {
                let lengths = if self.signed { 32..=1024 } else { 32..=128 };
                lengths.contains(&value.len())
                    && value.bytes().all(|b| {
                        b.is_ascii_alphanumeric()
                            || b == b'-'
                            || b == b'_'
                            || (self.signed && b == b'.')
                    })
            })
    }

    /// Sets it to `value` on `response`.
    pub fn set(&self, response: &mut Response<Body>, value: &str) {
        self.append(response, value, self.max_age_secs);
    }

    /// Removes it from the browser.
    pub fn clear(&self, response: &mut Response<Body>) {
        self.append(response, "", 0);
    }

    fn append(&self, response: &mut Response<Body>, value: &str, max_age: u64) {
        let cookie = format!(
            "{}={value}; Path=/; Secure; HttpOnly; SameSite={}; Max-Age={max_age}",
            self.name, self.same_site
        );
        if let Ok(header) = HeaderValue::from_str(&cookie) {
            response.headers_mut().append("set-cookie", header);
        }
    }
}
