//! One fixed DynamoDB answer in process, for the `sdk/get_item` bench: the AWS SDK's
//! own work per call (request and endpoint building, SigV4 signing, JSON both ways,
//! its interceptors) with no socket and no server. It is no DynamoDB: every request
//! gets the one item it was given; the handler benches run on the in-memory store.

use aws_smithy_runtime_api::client::{
    http::{
        HttpClient, HttpConnector, HttpConnectorFuture, HttpConnectorSettings, SharedHttpConnector,
    },
    orchestrator::{HttpRequest, HttpResponse},
    result::ConnectorError,
    runtime_components::RuntimeComponents,
};
use aws_smithy_types::body::SdkBody;
use serde_json::{Value, json};

/// Answers every request `{"Item": item}`, as a GetItem that found `item`.
#[derive(Clone, Debug)]
pub struct CannedGetItem {
    answer: String,
}

impl CannedGetItem {
    /// `item` in DynamoDB's JSON form (`{"pk": {"S": "..."}, ...}`).
    pub fn new(item: Value) -> Self {
        Self {
            answer: json!({ "Item": item }).to_string(),
        }
    }
}

impl CannedGetItem {
    /// The answer's body, for a client that is not the SDK (the request is not read).
    pub fn answer_to<B>(&self, _request: &http::Request<B>) -> String {
        self.answer.clone()
    }
}

impl HttpClient for CannedGetItem {
    fn http_connector(
        &self,
        _settings: &HttpConnectorSettings,
        _components: &RuntimeComponents,
    ) -> SharedHttpConnector {
        SharedHttpConnector::new(self.clone())
    }
}

impl HttpConnector for CannedGetItem {
    fn call(&self, _request: HttpRequest) -> HttpConnectorFuture {
        let mut response = HttpResponse::new(
            200.try_into().expect("valid status"),
            SdkBody::from(self.answer.clone()),
        );
        response
            .headers_mut()
            .insert("content-type", "application/x-amz-json-1.0");
        HttpConnectorFuture::ready(Ok::<_, ConnectorError>(response))
    }
}
