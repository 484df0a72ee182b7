//! reCAPTCHA verification: a form POST of `secret` and `response` to the configured
//! siteverify URL, answered `{"success": bool}`.

use std::time::Duration;

use http_body_util::{BodyExt, Full};
use hyper::body::Bytes;
use hyper_rustls::HttpsConnector;
use hyper_util::client::legacy::{Client, connect::HttpConnector};

#[derive(Debug, thiserror::Error)]
#[error("captcha verification failed: {0}")]
pub struct CaptchaError(pub String);

type HttpsClient = Client<HttpsConnector<HttpConnector>, Full<Bytes>>;

const CONNECT_TIMEOUT: Duration = Duration::from_secs(1);

/// Its connection pool is built on first use, by captcha-checking requests only.
#[derive(Clone, Default)]
pub struct CaptchaVerifier {
    client: std::sync::Arc<std::sync::OnceLock<HttpsClient>>,
}

impl CaptchaVerifier {
    fn client(&self) -> &HttpsClient {
        self.client
            .get_or_init(|| crate::https::client(Some(CONNECT_TIMEOUT)))
    }

    /// True when the provider accepts `token`.
    pub async fn verify(&self, url: &str, secret: &str, token: &str) -> Result<bool, CaptchaError> {
        let body = serde_urlencoded::to_string([("secret", secret), ("response", token)])
            .map_err(|e| CaptchaError(e.to_string()))?;
        let request = hyper::Request::post(url)
            .header("content-type", "application/x-www-form-urlencoded")
            .body(Full::new(Bytes::from(body)))
            .map_err(|e| CaptchaError(e.to_string()))?;
        let client = self.client();
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
