//! Everything a handler needs, built once per cold start.

use std::time::Duration;

use aws_config::{BehaviorVersion, retry::RetryConfig, timeout::TimeoutConfig};

use crate::{
    config::{Config, ConfigError},
    domain::PasswordHasher,
    mail::Mailer,
    store::Store,
};

#[derive(Clone)]
pub struct App {
    pub config: Config,
    pub store: Store,
    pub mailer: Mailer,
    pub hasher: PasswordHasher,
}

/// A dead dependency must cost a request seconds, not the Lambda's whole timeout.
fn sdk_timeouts() -> TimeoutConfig {
    TimeoutConfig::builder()
        .connect_timeout(Duration::from_secs(1))
        .operation_attempt_timeout(Duration::from_secs(2))
        .operation_timeout(Duration::from_secs(5))
        .build()
}

impl App {
    /// Reads the environment and builds the AWS clients. Credentials and region come
    /// from the environment (as Lambda provides them), so no network call happens here.
    pub async fn from_env() -> Result<Self, ConfigError> {
        let config = Config::from_env()?;
        let aws = aws_config::defaults(BehaviorVersion::latest())
            .timeout_config(sdk_timeouts())
            .retry_config(RetryConfig::standard().with_max_attempts(2))
            .load()
            .await;
        Self::new(config, &aws)
    }

    pub fn new(config: Config, aws: &aws_config::SdkConfig) -> Result<Self, ConfigError> {
        Self::with_clients(
            config,
            aws_sdk_dynamodb::Client::new(aws),
            aws_sdk_sesv2::Client::new(aws),
        )
    }

    /// For callers that configure the clients themselves (tests count DynamoDB calls).
    pub fn with_clients(
        config: Config,
        dynamodb: aws_sdk_dynamodb::Client,
        ses: aws_sdk_sesv2::Client,
    ) -> Result<Self, ConfigError> {
        let hasher = PasswordHasher::new(config.argon2).map_err(|e| ConfigError {
            name: "ARGON2_MEMORY_KIB",
            problem: e.to_string(),
        })?;
        Ok(Self {
            store: Store::new(dynamodb, config.table.clone()),
            mailer: Mailer::new(
                ses,
                config.mail_from.clone(),
                config.ses_configuration_set.clone(),
            ),
            hasher,
            config,
        })
    }
}
