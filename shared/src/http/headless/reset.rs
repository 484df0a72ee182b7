//! The hosted password reset page of a recovery link: the form, and its answer.

use lambda_http::{Body, Response};
use serde::Deserialize;

use crate::{
    App,
    app::Backend,
    domain::{Password, password::PasswordError},
    error::ApiError,
    flows,
    http::{
        Call,
        pages::{self, Look, Problem},
    },
};

type Answer = Result<Response<Body>, ApiError>;

#[derive(Deserialize)]
struct ResetBody {
    token: String,
    password: String,
}

pub async fn form<B: Backend>(app: &App<B>, call: Call<'_>) -> Answer {
    let token = call.query("token").unwrap_or_default();
    let targets = app.config.redirect_origins();
    Ok(pages::reset_form(
        Look::for_call(&app.config.ui, &call),
        &token,
        app.config.password_min_length,
        None,
        &targets,
    ))
}

pub async fn submit<B: Backend>(app: &App<B>, call: Call<'_>) -> Answer {
    let min = app.config.password_min_length;
    let look = Look::for_call(&app.config.ui, &call);
    let body: ResetBody = call.json_or_form(app.config.max_body_bytes)?;
    let password = match Password::parse_new(body.password, min) {
        Ok(password) => password,
        Err(problem) => {
            let targets = app.config.redirect_origins();
            let problem = password_problem(&problem);
            return Ok(pages::reset_form(
                look,
                &body.token,
                min,
                Some(problem),
                &targets,
            ));
        }
    };
    let reset = flows::recovery::reset_password(app, &body.token, password).await?;
    Ok(match reset.redirect_url {
        Some(url) => pages::redirect(look, &url),
        None => pages::reset_done(look),
    })
}

/// What the form says of a password it refused.
fn password_problem(problem: &PasswordError) -> Problem {
    match problem {
        PasswordError::TooShort(min) => Problem {
            id: "problem-password-short",
            min: Some(*min),
        },
        PasswordError::TooLong => Problem::new("problem-password-long"),
        PasswordError::NotPrintableAscii => Problem::new("problem-password-ascii"),
        PasswordError::TooCommon => Problem::new("problem-password-common"),
    }
}

pub(super) fn fuzz_bodies(data: &[u8]) {
    let _ = serde_urlencoded::from_bytes::<ResetBody>(data);
}
