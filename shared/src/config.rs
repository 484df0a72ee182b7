//! Typed settings, read once per cold start from the environment.

use std::{env, time::Duration};

pub use crate::domain::password::Argon2Settings;
use crate::{
    domain::{api_key::ApiKeys, token::SigningKeys},
    ui::{Brand, Lang, Overrides, Ui, brand},
};

#[derive(Debug, thiserror::Error)]
#[error("configuration variable {name}: {problem}")]
pub struct ConfigError {
    pub name: &'static str,
    pub problem: String,
}

impl ConfigError {
    fn new(name: &'static str, problem: impl Into<String>) -> Self {
        Self {
            name,
            problem: problem.into(),
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ApprovalMode {
    Automatic,
    Manual,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CaptchaMode {
    Off,
    Always,
    /// Only for requests that look automated: repeated failures on the account or from
    /// the source, or a burst of requests from the source (see flows::throttle).
    SuspectedBots,
}

/// An OAuth client of the headless flow, as registered by the site owner.
#[derive(Clone, Debug, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OAuthClient {
    pub client_id: String,
    #[serde(default)]
    pub redirect_uris: Vec<String>,
    #[serde(default)]
    pub origins: Vec<String>,
    #[serde(default)]
    pub post_logout_urls: Vec<String>,
}

#[derive(Clone, Debug)]
pub struct Config {
    pub table: String,
    pub signing_keys: SigningKeys,
    /// Local runs authorise privileged calls with this key; in AWS, IAM does.
    pub admin_key: Option<String>,
    /// Site API keys (`ApiKeyStrategy`, external login): trusted like the admin key.
    pub api_keys: ApiKeys,
    pub approval: ApprovalMode,
    pub owner_email: Option<String>,
    pub mail_from: String,
    pub approval_link_url: String,
    /// The site's name, branding, language and template overrides.
    pub ui: Ui,
    pub password_min_length: usize,
    pub argon2: Argon2Settings,
    pub session_token_ttl: Duration,
    pub approval_token_ttl: Duration,
    pub max_body_bytes: usize,
    pub ses_configuration_set: Option<String>,
    /// Headless registrations must confirm their email with a code.
    pub email_verification_required: bool,
    /// Where this service is reached from browsers: links in emails and redirect
    /// sessions point here.
    pub public_base_url: String,
    pub oauth_clients: Vec<OAuthClient>,
    pub captcha: CaptchaMode,
    pub captcha_secret: Option<String>,
    pub captcha_verify_url: String,
    /// The reCAPTCHA site key the hosted page shows its widget with; without one, the
    /// page cannot ask for a captcha and fails closed where one is required.
    pub captcha_site_key: Option<String>,
    /// The widget's script (reCAPTCHA's, or a compatible provider's).
    pub captcha_script_url: String,
    /// Requests per source per minute, by kind (`RATE_LIMITS=register=10,verify=30,...`).
    pub rate_limits: RateLimits,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RateLimits {
    pub register: u64,
    pub verify: u64,
    pub recovery: u64,
    pub token: u64,
}

impl Default for RateLimits {
    fn default() -> Self {
        Self {
            register: 10,
            verify: 30,
            recovery: 5,
            token: 60,
        }
    }
}

impl RateLimits {
    fn parse(raw: &str) -> Result<Self, String> {
        let mut limits = Self::default();
        for entry in raw.split(',').map(str::trim).filter(|e| !e.is_empty()) {
            let (kind, value) = entry
                .split_once('=')
                .ok_or("each entry must be kind=number")?;
            let value: u64 = value
                .trim()
                .parse()
                .map_err(|_| format!("{entry:?} needs a whole number"))?;
            match kind.trim() {
                "register" => limits.register = value,
                "verify" => limits.verify = value,
                "recovery" => limits.recovery = value,
                "token" => limits.token = value,
                other => {
                    return Err(format!(
                        "unknown kind {other:?} (register, verify, recovery, token)"
                    ));
                }
            }
        }
        Ok(limits)
    }
}

impl Config {
    pub fn oauth_client(&self, client_id: &str) -> Option<&OAuthClient> {
        self.oauth_clients.iter().find(|c| c.client_id == client_id)
    }

    /// Every origin a flow may send a browser back to (registered origins and the
    /// origins of redirect URIs), deduplicated.
    pub fn redirect_origins(&self) -> Vec<String> {
        let mut origins: Vec<String> = self
            .oauth_clients
            .iter()
            .flat_map(|c| c.origins.iter().chain(&c.redirect_uris))
            .filter_map(|url| origin_of(url))
            .collect();
        origins.sort();
        origins.dedup();
        origins
    }
}

/// `scheme://host[:port]` of an http(s) URL.
fn origin_of(url: &str) -> Option<String> {
    let (scheme, rest) = url.split_once("://")?;
    let host = rest.split(['/', '?', '#']).next()?;
    let safe = !host.is_empty()
        && host
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || ".-:[]".contains(c));
    safe.then(|| format!("{scheme}://{host}"))
}

/// The captcha widget the hosted page shows: site key, script and the script's origin.
pub struct CaptchaWidget<'a> {
    pub site_key: &'a str,
    pub script_url: &'a str,
    pub script_origin: String,
}

impl Config {
    /// The widget the hosted page shows, when the captcha setting may ask for one and
    /// a site key is configured.
    pub fn captcha_widget(&self) -> Option<CaptchaWidget<'_>> {
        if self.captcha == CaptchaMode::Off {
            return None;
        }
        Some(CaptchaWidget {
            site_key: self.captcha_site_key.as_deref()?,
            script_url: &self.captcha_script_url,
            script_origin: origin_of(&self.captcha_script_url)
                .filter(|o| o.starts_with("https://") || o.starts_with("http://127.0.0.1"))?,
        })
    }

    pub fn from_env() -> Result<Self, ConfigError> {
        Self::from_lookup(|name| env::var(name).ok())
    }

    /// Reads settings through `lookup`, so tests can build a config without touching
    /// the process environment.
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let get = |name: &str| lookup(name).filter(|v| !v.trim().is_empty());
        let number = |name: &'static str, default: u64| -> Result<u64, ConfigError> {
            match get(name) {
                None => Ok(default),
                Some(v) => v.trim().parse().map_err(|_| {
                    ConfigError::new(name, format!("expected a whole number, got {v:?}"))
                }),
            }
        };

        let signing_keys = get("SIGNING_KEYS")
            .ok_or_else(|| ConfigError::new("SIGNING_KEYS", "is required (kid:base64url-key,...)"))
            .and_then(|raw| {
                SigningKeys::parse(&raw)
                    .map_err(|problem| ConfigError::new("SIGNING_KEYS", problem))
            })?;

        let approval = match get("APPROVAL_MODE").as_deref().map(str::trim) {
            None | Some("automatic") => ApprovalMode::Automatic,
            Some("manual") => ApprovalMode::Manual,
            Some(other) => {
                return Err(ConfigError::new(
                    "APPROVAL_MODE",
                    format!("expected automatic or manual, got {other:?}"),
                ));
            }
        };
        let owner_email = get("OWNER_EMAIL");
        if approval == ApprovalMode::Manual && owner_email.is_none() {
            return Err(ConfigError::new(
                "OWNER_EMAIL",
                "is required when APPROVAL_MODE=manual",
            ));
        }

        let password_min_length = fit("PASSWORD_MIN_LENGTH", number("PASSWORD_MIN_LENGTH", 8)?)?;
        if !(4..=100).contains(&password_min_length) {
            return Err(ConfigError::new(
                "PASSWORD_MIN_LENGTH",
                "must be between 4 and 100",
            ));
        }

        let link = |name: &'static str| -> Result<Option<String>, ConfigError> {
            get(name)
                .map(|raw| brand::parse_link(&raw).map_err(|p| ConfigError::new(name, p)))
                .transpose()
        };
        let site_lang = match get("SITE_LANGUAGE") {
            None => Lang::En,
            Some(tag) => Lang::from_tag(&tag).ok_or_else(|| {
                ConfigError::new(
                    "SITE_LANGUAGE",
                    format!("expected one of en, fr, es, ar, got {tag:?}"),
                )
            })?,
        };
        let ui = Ui {
            brand: Brand {
                site: get("SITE_NAME").unwrap_or_else(|| "Members".into()),
                logo_url: link("BRAND_LOGO_URL")?,
                accent: match get("BRAND_ACCENT_COLOR") {
                    None => brand::DEFAULT_ACCENT.to_string(),
                    Some(raw) => brand::parse_colour(&raw)
                        .map_err(|p| ConfigError::new("BRAND_ACCENT_COLOR", p))?,
                },
                support_email: get("SUPPORT_EMAIL")
                    .map(|raw| {
                        crate::domain::Email::parse(&raw)
                            .map(|email| email.as_str().to_string())
                            .map_err(|e| ConfigError::new("SUPPORT_EMAIL", e.to_string()))
                    })
                    .transpose()?,
                terms_url: link("TERMS_URL")?,
                privacy_url: link("PRIVACY_URL")?,
            },
            site_lang,
            overrides: get("TEMPLATE_DIR").map(|dir| Overrides::new(dir.into())),
        };

        let argon2 = Argon2Settings {
            memory_kib: fit("ARGON2_MEMORY_KIB", number("ARGON2_MEMORY_KIB", 19_456)?)?,
            iterations: fit("ARGON2_ITERATIONS", number("ARGON2_ITERATIONS", 2)?)?,
            parallelism: fit("ARGON2_PARALLELISM", number("ARGON2_PARALLELISM", 1)?)?,
        };
        argon2::Params::new(
            argon2.memory_kib,
            argon2.iterations,
            argon2.parallelism,
            None,
        )
        .map_err(|e| {
            ConfigError::new(
                "ARGON2_MEMORY_KIB",
                format!("invalid argon2 parameters: {e}"),
            )
        })?;

        let api_keys = ApiKeys::parse(&get("API_KEYS").unwrap_or_default())
            .map_err(|problem| ConfigError::new("API_KEYS", problem))?;
        let admin_key = get("ADMIN_KEY");
        if admin_key.as_ref().is_some_and(|k| k.len() < 32) {
            return Err(ConfigError::new(
                "ADMIN_KEY",
                "must be at least 32 characters",
            ));
        }

        let email_verification_required = match get("EMAIL_VERIFICATION").as_deref().map(str::trim)
        {
            None | Some("required") => true,
            Some("off") => false,
            Some(other) => {
                return Err(ConfigError::new(
                    "EMAIL_VERIFICATION",
                    format!("expected required or off, got {other:?}"),
                ));
            }
        };
        let captcha = match get("CAPTCHA_MODE").as_deref().map(str::trim) {
            None | Some("off") => CaptchaMode::Off,
            Some("always") => CaptchaMode::Always,
            Some("suspected-bots") => CaptchaMode::SuspectedBots,
            Some(other) => {
                return Err(ConfigError::new(
                    "CAPTCHA_MODE",
                    format!("expected off, always or suspected-bots, got {other:?}"),
                ));
            }
        };
        let captcha_secret = get("CAPTCHA_SECRET");
        if captcha != CaptchaMode::Off && captcha_secret.is_none() {
            return Err(ConfigError::new(
                "CAPTCHA_SECRET",
                "is required when CAPTCHA_MODE is on",
            ));
        }
        let oauth_clients: Vec<OAuthClient> = match get("OAUTH_CLIENTS") {
            None => Vec::new(),
            Some(raw) => serde_json::from_str(&raw).map_err(|e| {
                ConfigError::new(
                    "OAUTH_CLIENTS",
                    format!("expected a JSON list of {{clientId, redirectUris, origins, postLogoutUrls}}: {e}"),
                )
            })?,
        };
        for client in &oauth_clients {
            let urls = client
                .redirect_uris
                .iter()
                .chain(&client.origins)
                .chain(&client.post_logout_urls);
            if let Some(bad) = urls
                .clone()
                .find(|u| !(u.starts_with("https://") || u.starts_with("http://")))
            {
                return Err(ConfigError::new(
                    "OAUTH_CLIENTS",
                    format!("{bad:?} is not an http(s) URL"),
                ));
            }
        }

        let rate_limits = match get("RATE_LIMITS") {
            None => RateLimits::default(),
            Some(raw) => RateLimits::parse(&raw).map_err(|p| ConfigError::new("RATE_LIMITS", p))?,
        };

        Ok(Self {
            rate_limits,
            email_verification_required,
            public_base_url: get("PUBLIC_BASE_URL")
                .unwrap_or_else(|| "http://127.0.0.1:9000".into())
                .trim_end_matches('/')
                .to_string(),
            oauth_clients,
            captcha,
            captcha_secret,
            captcha_verify_url: get("CAPTCHA_VERIFY_URL")
                .unwrap_or_else(|| "https://www.google.com/recaptcha/api/siteverify".into()),
            captcha_site_key: get("CAPTCHA_SITE_KEY").filter(|k| !k.trim().is_empty()),
            captcha_script_url: get("CAPTCHA_SCRIPT_URL")
                .unwrap_or_else(|| "https://www.google.com/recaptcha/api.js".into()),
            table: get("MEMBERS_TABLE").unwrap_or_else(|| "members".into()),
            signing_keys,
            admin_key,
            api_keys,
            approval,
            owner_email,
            mail_from: get("MAIL_FROM").unwrap_or_else(|| "no-reply@example.com".into()),
            approval_link_url: get("APPROVAL_LINK_URL")
                .unwrap_or_else(|| "http://127.0.0.1:9000/approve".into()),
            ui,
            password_min_length,
            argon2,
            session_token_ttl: Duration::from_secs(number("SESSION_TOKEN_TTL_SECONDS", 600)?),
            approval_token_ttl: Duration::from_secs(number(
                "APPROVAL_TOKEN_TTL_SECONDS",
                30 * 3600,
            )?),
            max_body_bytes: fit("MAX_BODY_BYTES", number("MAX_BODY_BYTES", 16 * 1024)?)?,
            ses_configuration_set: get("SES_CONFIGURATION_SET"),
        })
    }
}

/// A number setting in the type that holds it: too large is an error that names the
/// setting, never a silent truncation.
fn fit<T: TryFrom<u64>>(name: &'static str, value: u64) -> Result<T, ConfigError> {
    T::try_from(value).map_err(|_| ConfigError::new(name, format!("{value} is too large")))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with(name: &'static str, value: &'static str) -> Result<Config, ConfigError> {
        Config::from_lookup(|n| match n {
            "SIGNING_KEYS" => Some(format!("k:{}", "A".repeat(43))),
            _ if n == name => Some(value.to_string()),
            _ => None,
        })
    }

    #[test]
    fn numbers_too_large_for_their_setting_are_refused_by_name() {
        // 2^32 + 2 would have been 2 passes, silently.
        let err = with("ARGON2_ITERATIONS", "4294967298").err().unwrap();
        assert_eq!(err.name, "ARGON2_ITERATIONS");
        assert!(with("ARGON2_ITERATIONS", "3").is_ok());
    }
}
