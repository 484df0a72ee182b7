//! reCAPTCHA verification: a form POST of `secret` and `response` to the configured
//! siteverify URL, answered `{"success": bool}`.

use std::time::Duration;

use http_body_util::{BodyExt, Full};
use hyper::body::Bytes;
use hyper_rustls::HttpsConnector;
use hyper_util::{
    client::legacy::{Client, connect::HttpConnector},
    rt::TokioExecutor,
};
use tokio::sync::OnceCell;

#[derive(Debug, thiserror::Error)]
#[error("captcha verification failed: {0}")]
pub struct CaptchaError(pub String);

type HttpsClient = Client<HttpsConnector<HttpConnector>, Full<Bytes>>;

/// Built on first use: loading the CA roots is a cost only captcha-checking requests
/// should pay, never a cold start.
#[derive(Clone, Default)]
pub struct CaptchaVerifier {
    client: std::sync::Arc<OnceCell<HttpsClient>>,
}

impl CaptchaVerifier {
    async fn client(&self) -> Result<&HttpsClient, CaptchaError> {
        self.client
            .get_or_try_init(|| async {
                let connector = hyper_rustls::HttpsConnectorBuilder::new()
                    .with_provider_and_native_roots(rustls::crypto::aws_lc_rs::default_provider())
                    .map_err(|e| CaptchaError(e.to_string()))?
                    .https_or_http()
                    .enable_http1()
                    .build();
                Ok(Client::builder(TokioExecutor::new()).build(connector))
            })
            .await
    }

    /// True when the provider accepts `token`.
    pub async fn verify(&self, url: &str, secret: &str, token: &str) -> Result<bool, CaptchaError> {
        let body = serde_urlencoded::to_string([("secret", secret), ("response", token)])
            .map_err(|e| CaptchaError(e.to_string()))?;
        let request = hyper::Request::post(url)
            .header("content-type", "application/x-www-form-urlencoded")
            .body(Full::new(Bytes::from(body)))
            .map_err(|e| CaptchaError(e.to_string()))?;
        let client = self.client().await?;
        let response = tokio::time::timeout(Duration::from_secs(3), client.request(request))
            .await
            .map_err(|_| CaptchaError("timed out".into()))?
            .map_err(|e| CaptchaError(e.to_string()))?;
        if !response.status().is_success() {
            return Err(CaptchaError(format!("status {}", response.status())));
        }
        let bytes = tokio::time::timeout(Duration::from_secs(3), response.into_body().collect())
            .await
            .map_err(|_| CaptchaError("timed out".into()))?
            .map_err(|e| CaptchaError(e.to_string()))?
            .to_bytes();
        let answer: serde_json::Value =
            serde_json::from_slice(&bytes).map_err(|e| CaptchaError(e.to_string()))?;
        Ok(answer["success"] == serde_json::Value::Bool(true))
    }
}
