use integration_tests::{
    TestApp,
    paths::{LOGIN, REGISTER},
    random_email,
};
use serde_json::json;

const JSON: (&str, &str) = ("content-type", "application/json");

fn assert_envelope(response: &integration_tests::TestResponse, status: u16, code: &str) {
    assert_eq!(response.status, status, "{response:?}");
    assert!(response.body["message"].is_string(), "{response:?}");
    assert_eq!(response.code(), code, "{response:?}");
}

#[tokio::test]
async fn malformed_bodies_are_400_in_the_envelope() {
    let app = TestApp::new().await;
    for body in [
        "{",
        "not json",
        "[1,2]",
        "\"string\"",
        "null",
        "{\"email\": \"a@b.co\",}",
        "",
    ] {
        for path in [LOGIN, REGISTER] {
            let response = app.request("POST", path, &[JSON], Some(body)).await;
            assert_envelope(&response, 400, "INVALID_JSON");
        }
    }
}

#[tokio::test]
async fn wrong_types_and_missing_fields_name_the_field() {
    let app = TestApp::new().await;
    let cases = [
        (
            json!({ "email": 42, "password": "correct-horse-battery" }),
            "email",
            "INVALID_TYPE",
        ),
        (
            json!({ "email": null, "password": "correct-horse-battery" }),
            "email",
            "INVALID_TYPE",
        ),
        (
            json!({ "email": random_email() }),
            "password",
            "REQUIRED_FIELD",
        ),
        (
            json!({ "email": random_email(), "password": ["x"] }),
            "password",
            "INVALID_TYPE",
        ),
        (
            json!({ "email": random_email(), "password": "correct-horse-battery", "options": { "contactInfo": { "firstName": 7 } } }),
            "options.contactInfo.firstName",
            "INVALID_TYPE",
        ),
        (
            json!({ "email": random_email(), "password": "correct-horse-battery", "options": { "privacyStatus": "SECRET" } }),
            "options.privacyStatus",
            "INVALID_TYPE",
        ),
    ];
    for (body, field, rule) in cases {
        let response = app.post(REGISTER, body).await;
        assert_envelope(&response, 400, "INVALID_ARGUMENT");
        let violation = &response.body["details"]["validationError"]["fieldViolations"][0];
        assert_eq!(violation["field"], field, "{response:?}");
        assert_eq!(violation["violatedRule"], rule, "{response:?}");
        assert!(violation["data"].is_object());
    }
}

#[tokio::test]
async fn extra_fields_are_ignored() {
    let app = TestApp::new().await;
    let response = app
        .post(
            REGISTER,
            json!({ "email": random_email(), "password": "correct-horse-battery", "admin": true, "status": "APPROVED" }),
        )
        .await;
    assert_eq!(response.status, 200);
}

#[tokio::test]
async fn oversized_bodies_are_413() {
    let app = TestApp::new().await;
    let huge = json!({ "email": random_email(), "password": "x".repeat(20_000) }).to_string();
    let response = app.request("POST", REGISTER, &[JSON], Some(&huge)).await;
    assert_envelope(&response, 413, "PAYLOAD_TOO_LARGE");
}

#[tokio::test]
async fn non_json_content_types_are_415() {
    let app = TestApp::new().await;
    let response = app
        .request(
            "POST",
            LOGIN,
            &[("content-type", "application/x-www-form-urlencoded")],
            Some("email=a%40b.co&password=x"),
        )
        .await;
    assert_envelope(&response, 415, "UNSUPPORTED_MEDIA_TYPE");
}

#[tokio::test]
async fn wrong_methods_are_405_and_unknown_paths_404() {
    let app = TestApp::new().await;
    for method in ["GET", "PUT", "DELETE", "PATCH"] {
        let response = app.request(method, LOGIN, &[JSON], None).await;
        assert_envelope(&response, 405, "METHOD_NOT_ALLOWED");
    }
    let response = app
        .request("POST", "/backend/authentication/nope", &[JSON], Some("{}"))
        .await;
    assert_envelope(&response, 404, "NOT_FOUND");
}

#[tokio::test]
async fn a_dynamodb_outage_is_a_clean_503_with_only_a_request_id() {
    let app = TestApp::with_unreachable_dynamodb().await;

    let response = app.login(&random_email(), "correct-horse-battery").await;

    assert_envelope(&response, 503, "UNAVAILABLE");
    let request_id = response.body["details"]["applicationError"]["data"]["requestId"]
        .as_str()
        .unwrap();
    assert!(!request_id.is_empty());
    let lowered = response.text.to_lowercase();
    for leak in ["dispatch", "connect", "dynamodb", "127.0.0.1", "sdk"] {
        assert!(!lowered.contains(leak), "{leak} leaked: {}", response.text);
    }
}
