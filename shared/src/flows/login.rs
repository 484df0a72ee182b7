use tracing::info;

use crate::{
    App,
    domain::{Email, Member, Password},
    error::ApiError,
    store::StoreError,
};

use super::{session, timestamp};

pub struct LoggedIn {
    pub member: Member,
    pub session_token: String,
}

pub enum LoginError {
    /// The password was right but the member may not sign in as it stands (pending,
    /// blocked, email not verified): the caller decides what that means.
    NotSignedIn(Box<Member>),
    Api(ApiError),
}

impl<E: Into<ApiError>> From<E> for LoginError {
    fn from(err: E) -> Self {
        LoginError::Api(err.into())
    }
}

/// Checks the password and stamps the login: one read, one conditional update.
/// An unknown (or unparseable) email and a wrong password take the same path, time
/// and answer.
pub async fn login(
    app: &App,
    email: Option<Email>,
    password: Password,
) -> Result<LoggedIn, LoginError> {
    let credentials = match &email {
        Some(email) => app.store.credentials(email).await?,
        None => None,
    };
    let (member_id, stored_hash) = match credentials {
        Some(c) => (Some(c.member_id), Some(c.password_hash)),
        None => (None, None),
    };
    let matched = app.hasher.verify(password, stored_hash).await?;
    let member_id = match member_id {
        Some(id) if matched => id,
        _ => {
            info!(outcome = "wrong_credentials", "login refused");
            return Err(ApiError::WrongCredentials.into());
        }
    };
    match app.store.record_login(&member_id, &timestamp()).await {
        Ok(member) => {
            let session_token = session::issue_for(app, &member)?;
            Ok(LoggedIn {
                member,
                session_token,
            })
        }
        Err(StoreError::StateMismatch(Some(member))) => Err(LoginError::NotSignedIn(member)),
        Err(StoreError::NotFound) => Err(ApiError::internal("email claim without member").into()),
        Err(err) => Err(err.into()),
    }
}

/// The Velo `login`: any state but approved-and-verified is an error.
pub async fn velo_login(
    app: &App,
    email: Option<Email>,
    password: Password,
) -> Result<LoggedIn, ApiError> {
    match login(app, email, password).await {
        Ok(logged_in) => Ok(logged_in),
        Err(LoginError::NotSignedIn(member)) => {
            session::ensure_may_sign_in(&member)?;
            Err(ApiError::internal(
                "login condition failed for an approved member",
            ))
        }
        Err(LoginError::Api(err)) => Err(err),
    }
}
