//! When a request must carry a solved captcha, and checking it.

use crate::{App, app::Backend, config::CaptchaMode, error::ApiError};

/// Requires a valid captcha token when the site asks for one: always, or (with
/// `suspected-bots`) when the request looks automated.
pub async fn check<B: Backend>(
    app: &App<B>,
    token: Option<&str>,
    suspected: bool,
) -> Result<(), ApiError> {
    match app.config.captcha {
        CaptchaMode::Off => Ok(()),
        CaptchaMode::SuspectedBots if !suspected => Ok(()),
        CaptchaMode::Always | CaptchaMode::SuspectedBots => {
            let token = token
                .filter(|t| !t.is_empty() && t.len() <= 4096)
                .ok_or(ApiError::CaptchaMissing)?;
            let secret = app.config.captcha_secret.as_deref().unwrap_or_default();
            match app
                .captcha
                .verify(&app.config.captcha_verify_url, secret, token)
                .await
            {
                Ok(true) => Ok(()),
                Ok(false) => Err(ApiError::CaptchaInvalid),
                Err(err) => Err(ApiError::unavailable(err)),
            }
        }
    }
}
