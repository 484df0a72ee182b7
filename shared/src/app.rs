//! Everything a handler needs, built once per cold start.

use std::time::Duration;

use aws_config::{BehaviorVersion, retry::RetryConfig, timeout::TimeoutConfig};

use crate::{
    captcha::CaptchaVerifier,
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
    pub captcha: CaptchaVerifier,
}

/// Reads the deployment's secret (JSON `{signingKeys, adminKey?, captchaSecret?}`) once
/// per cold start, as the settings it stands for.
async fn read_secrets(
    aws: &aws_config::SdkConfig,
    arn: &str,
) -> Result<std::collections::HashMap<&'static str, String>, ConfigError> {
    let problem = |problem: String| ConfigError {
        name: "SECRETS_ARN",
        problem,
    };
    let out = aws_sdk_secretsmanager::Client::new(aws)
        .get_secret_value()
        .secret_id(arn)
        .send()
        .await
        .map_err(|e| {
            problem(format!(
                "cannot read the secret: {}",
                aws_sdk_secretsmanager::error::DisplayErrorContext(&e)
            ))
        })?;
    let json: serde_json::Value = serde_json::from_str(out.secret_string().unwrap_or_default())
        .map_err(|_| problem("the secret is not a JSON object".into()))?;
    let mut settings = std::collections::HashMap::new();
    for (key, setting) in [
        ("signingKeys", "SIGNING_KEYS"),
        ("adminKey", "ADMIN_KEY"),
        ("captchaSecret", "CAPTCHA_SECRET"),
    ] {
        if let Some(value) = json[key].as_str().filter(|v| !v.is_empty()) {
            settings.insert(setting, value.to_string());
        }
    }
    Ok(settings)
}

/// A dead dependency must cost a request seconds, not the Lambda's whole timeout:
/// 1 s to connect, 2 s an attempt, two attempts, 5 s in all.
pub fn aws_defaults() -> aws_config::ConfigLoader {
    let timeouts = TimeoutConfig::builder()
        .connect_timeout(Duration::from_secs(1))
        .operation_attempt_timeout(Duration::from_secs(2))
        .operation_timeout(Duration::from_secs(5))
        .build();
    aws_config::defaults(BehaviorVersion::latest())
        .timeout_config(timeouts)
        .retry_config(RetryConfig::standard().with_max_attempts(2))
}

impl App {
    /// Reads the environment and builds the AWS clients. Credentials and region come
    /// from the environment (as Lambda provides them), so no network call happens here.
    pub async fn from_env() -> Result<Self, ConfigError> {
        let aws = aws_defaults().load().await;
        let secrets = match std::env::var("SECRETS_ARN")
            .ok()
            .filter(|arn| !arn.is_empty())
        {
            Some(arn) => read_secrets(&aws, &arn).await?,
            None => Default::default(),
        };
        // The environment wins, so a local run never needs Secrets Manager.
        let config = Config::from_lookup(|name| {
            std::env::var(name)
                .ok()
                .or_else(|| secrets.get(name).cloned())
        })?;
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
            captcha: CaptchaVerifier::default(),
            config,
        })
    }
}
