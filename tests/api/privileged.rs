use integration_tests::{TestApp, random_email};
use members_auth::http::Function;
use serde_json::{Value, json};

const PRIVILEGED: [&str; 3] = [
    "/backend/authentication/generate-session-token",
    "/backend/authentication/approve-by-email",
    "/backend/authentication/block-by-email",
];

#[tokio::test]
async fn privileged_methods_refuse_callers_without_authorisation() {
    let app = TestApp::new().await;
    let email = random_email();
    app.register(&email, "correct-horse-battery").await;
    let body = json!({ "email": email }).to_string();
    let wrong_key = format!("Bearer {}x", app.admin_key);
    let header_sets: [&[(&str, &str)]; 4] = [
        &[("content-type", "application/json")],
        &[
            ("content-type", "application/json"),
            ("authorization", "Bearer "),
        ],
        &[
            ("content-type", "application/json"),
            ("authorization", wrong_key.as_str()),
        ],
        &[
            ("content-type", "application/json"),
            ("authorization", app.admin_key.as_str()),
        ],
    ];
    for path in PRIVILEGED {
        for headers in header_sets {
            let response = app.request("POST", path, headers, Some(&body)).await;
            assert_eq!(response.status, 403, "{path} {headers:?}: {response:?}");
            assert_eq!(response.code(), "FORBIDDEN");
        }
    }
    // Nothing happened: the member still logs in.
    assert_eq!(app.login(&email, "correct-horse-battery").await.status, 200);
}

#[tokio::test]
async fn privileged_methods_accept_the_admin_key() {
    let app = TestApp::new().await;
    let email = random_email();
    app.register(&email, "correct-horse-battery").await;
    for path in PRIVILEGED {
        let response = app.post_as_admin(path, json!({ "email": email })).await;
        assert_eq!(response.status, 200, "{path}: {response:?}");
    }
}

/// The committed fixture events carry the IAM identity API Gateway adds on an
/// `AWS_IAM` route; the handlers trust it.
#[tokio::test]
async fn privileged_methods_accept_an_iam_caller_from_api_gateway() {
    let app = TestApp::new().await;
    let email = random_email();
    for (function, file) in [
        (Function::GenerateSessionToken, "generate-session-token"),
        (Function::BlockByEmail, "block-by-email"),
        (Function::ApproveByEmail, "approve-by-email"),
    ] {
        let fixture = std::fs::read_to_string(format!(
            "{}/fixtures/{file}.json",
            env!("CARGO_MANIFEST_DIR")
        ))
        .unwrap();
        let mut event: Value = serde_json::from_str(&fixture).unwrap();
        assert!(event["requestContext"]["authorizer"]["iam"]["userArn"].is_string());
        event["body"] = json!({ "email": email }).to_string().into();
        let response = app.send_event(function, event).await;
        assert_eq!(response.status, 200, "{file}: {response:?}");
    }
}

#[tokio::test]
async fn generate_session_token_creates_a_member_that_cannot_log_in_with_a_guess() {
    let app = TestApp::new().await;
    let email = random_email();

    let response = app
        .post_as_admin(
            "/backend/authentication/generate-session-token",
            json!({ "email": email }),
        )
        .await;
    assert_eq!(response.status, 200, "{response:?}");
    assert!(
        response.body["sessionToken"]
            .as_str()
            .unwrap()
            .starts_with("JWS.")
    );

    // The member exists now (registration is taken) but has a random password.
    assert_eq!(
        app.register(&email, "correct-horse-battery").await.status,
        409
    );
    assert_eq!(app.login(&email, "correct-horse-battery").await.status, 401);

    let again = app
        .post_as_admin(
            "/backend/authentication/generate-session-token",
            json!({ "email": email }),
        )
        .await;
    assert_eq!(again.status, 200);
}

#[tokio::test]
async fn every_committed_fixture_drives_its_function() {
    let app = TestApp::new().await;
    for function in Function::ALL {
        let fixture = std::fs::read_to_string(format!(
            "{}/fixtures/{}.json",
            env!("CARGO_MANIFEST_DIR"),
            function.name()
        ))
        .unwrap();
        let event: Value = serde_json::from_str(&fixture).unwrap();
        let response = app.send_event(function, event).await;
        assert!(response.status < 500, "{}: {response:?}", function.name());
        let is_page = response.text.starts_with("<!doctype html>");
        assert!(
            response.status == 200
                || response.status == 302
                || is_page
                || response.body["details"]["applicationError"]["code"].is_string(),
            "{}: {response:?}",
            function.name()
        );
    }
}
