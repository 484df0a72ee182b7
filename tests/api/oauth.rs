use base64::Engine;
use integration_tests::{
    CLIENT_ID, ORIGIN, PASSWORD, POST_LOGOUT_URL, REDIRECT_URI, TestApp, TestResponse,
    paths::{CURRENT_MEMBER, REDIRECT_SESSION, TOKEN},
    random_email,
};
use serde_json::{Value, json};

/// A PKCE pair as the Wix client makes one.
fn pkce() -> (String, String) {
    let verifier = format!(
        "{}{}",
        uuid::Uuid::new_v4().simple(),
        uuid::Uuid::new_v4().simple()
    );
    let digest = sha256(verifier.as_bytes());
    let challenge = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(digest);
    (verifier, challenge)
}

fn sha256(data: &[u8]) -> Vec<u8> {
    use sha2::Digest;
    sha2::Sha256::digest(data).to_vec()
}

async fn session_token(app: &TestApp) -> (String, String) {
    let email = random_email();
    let registered = app.register(&email, PASSWORD).await;
    (
        email,
        registered.body["sessionToken"]
            .as_str()
            .unwrap()
            .to_string(),
    )
}

fn auth_request(challenge: &str, mode: &str, session_token: &str) -> Value {
    json!({ "auth": { "authRequest": {
        "clientId": CLIENT_ID, "codeChallenge": challenge, "codeChallengeMethod": "S256",
        "responseMode": mode, "responseType": "code", "scope": "offline_access",
        "state": "state-123", "redirectUri": REDIRECT_URI, "sessionToken": session_token
    }}})
}

/// The path and query of the authorize URL a redirect session returns.
async fn authorize_path(app: &TestApp, challenge: &str, mode: &str, session_token: &str) -> String {
    let response = app
        .post(
            REDIRECT_SESSION,
            auth_request(challenge, mode, session_token),
        )
        .await;
    assert_eq!(response.status, 200, "{response:?}");
    let session = &response.body["redirectSession"];
    let full_url = session["fullUrl"].as_str().unwrap();
    assert!(session["id"].is_string());
    assert_eq!(session["shortUrl"], session["fullUrl"]);
    // What `@wix/redirects` reads apart: the endpoint, and the query as a map.
    let details = &session["urlDetails"];
    assert_eq!(details["endpoint"], "https://auth.example/oauth2/authorize");
    assert_eq!(details["searchParams"]["code_challenge"], challenge);
    assert_eq!(details["searchParams"]["response_mode"], mode);
    let (endpoint, query) = full_url.split_once('?').unwrap();
    assert_eq!(endpoint, details["endpoint"]);
    let params: std::collections::HashMap<String, String> =
        serde_urlencoded::from_str(query).unwrap();
    assert_eq!(
        params.len(),
        details["searchParams"].as_object().unwrap().len()
    );
    full_url
        .strip_prefix("https://auth.example")
        .unwrap()
        .to_string()
}

/// The `{code, state}` message of a web_message page.
fn posted_message(page: &TestResponse) -> Value {
    let start = page.text.find("var m=").expect("message in page") + "var m=".len();
    let end = page.text[start..].find(";var o=").unwrap() + start;
    serde_json::from_str(&page.text[start..end]).unwrap()
}

async fn exchange(app: &TestApp, code: &str, verifier: &str) -> TestResponse {
    app.post(
        TOKEN,
        json!({ "clientId": CLIENT_ID, "grantType": "authorization_code", "code": code, "codeVerifier": verifier }),
    )
    .await
}

async fn refresh(app: &TestApp, refresh_token: &str) -> TestResponse {
    app.post(
        TOKEN,
        json!({ "clientId": CLIENT_ID, "grantType": "refresh_token", "refreshToken": refresh_token }),
    )
    .await
}

async fn member_tokens(app: &TestApp) -> (String, String, String) {
    let (email, session) = session_token(app).await;
    let (verifier, challenge) = pkce();
    let path = authorize_path(app, &challenge, "web_message", &session).await;
    let page = app.get(&path, &[]).await;
    let code = posted_message(&page)["code"].as_str().unwrap().to_string();
    let tokens = exchange(app, &code, &verifier).await;
    assert_eq!(tokens.status, 200, "{tokens:?}");
    (
        email,
        tokens.body["access_token"].as_str().unwrap().to_string(),
        tokens.body["refresh_token"].as_str().unwrap().to_string(),
    )
}

#[tokio::test]
async fn the_whole_journey_from_session_token_to_logout() {
    let app = TestApp::new().await;
    let (email, session) = session_token(&app).await;
    let (verifier, challenge) = pkce();

    let path = authorize_path(&app, &challenge, "web_message", &session).await;
    let page = app.get(&path, &[]).await;
    assert_eq!(page.status, 200, "{page:?}");
    assert!(page.text.contains(&format!("\"{ORIGIN}\"")));
    assert!(!page.text.contains("\"*\""));
    let message = posted_message(&page);
    assert_eq!(message["state"], "state-123");
    let code = message["code"].as_str().unwrap();

    let tokens = exchange(&app, code, &verifier).await;
    assert_eq!(tokens.status, 200, "{tokens:?}");
    assert_eq!(tokens.body["expires_in"], 14400);
    assert_eq!(tokens.body["token_type"], "Bearer");
    let access = tokens.body["access_token"].as_str().unwrap();
    let refresh_token = tokens.body["refresh_token"].as_str().unwrap();

    let me = app.get(CURRENT_MEMBER, &[("authorization", access)]).await;
    assert_eq!(me.status, 200, "{me:?}");
    assert_eq!(me.body["member"]["loginEmail"], email.to_lowercase());
    let bearer = format!("Bearer {access}");
    assert_eq!(
        app.get(CURRENT_MEMBER, &[("authorization", &bearer)])
            .await
            .status,
        200
    );

    let refreshed = refresh(&app, refresh_token).await;
    assert_eq!(refreshed.status, 200, "{refreshed:?}");
    let new_access = refreshed.body["access_token"].as_str().unwrap();
    assert_eq!(
        app.get(CURRENT_MEMBER, &[("authorization", new_access)])
            .await
            .status,
        200
    );
    // The client library keeps using its first refresh token.
    assert_eq!(refresh(&app, refresh_token).await.status, 200);

    let logout_session = app
        .post_with_token(
            REDIRECT_SESSION,
            new_access,
            json!({ "logout": { "clientId": CLIENT_ID }, "callbacks": { "postFlowUrl": POST_LOGOUT_URL } }),
        )
        .await;
    assert_eq!(logout_session.status, 200, "{logout_session:?}");
    let logout_url = logout_session.body["redirectSession"]["fullUrl"]
        .as_str()
        .unwrap();
    let logout = app
        .get(
            logout_url.strip_prefix("https://auth.example").unwrap(),
            &[],
        )
        .await;
    assert_eq!(logout.status, 302);
    assert_eq!(logout.location.as_deref(), Some(POST_LOGOUT_URL));

    let after = refresh(&app, refresh_token).await;
    assert_eq!(after.status, 400);
    assert_eq!(after.code(), "invalid_grant");
    assert_eq!(
        app.get(CURRENT_MEMBER, &[("authorization", access)])
            .await
            .status,
        401
    );
    assert_eq!(
        app.get(CURRENT_MEMBER, &[("authorization", new_access)])
            .await
            .status,
        401
    );
    // The logout URL works once.
    let again = app
        .get(
            logout_url.strip_prefix("https://auth.example").unwrap(),
            &[],
        )
        .await;
    assert_eq!(again.status, 400);
    assert!(again.location.is_none());
    // Nor does the session token that opened the session open another one.
    let (_, challenge) = pkce();
    let path = authorize_path(&app, &challenge, "web_message", &session).await;
    let message = posted_message(&app.get(&path, &[]).await);
    assert_eq!(message["error"], "access_denied", "{message}");
    assert!(message.get("code").is_none());
}

#[tokio::test]
async fn query_and_fragment_modes_redirect_to_the_registered_uri() {
    let app = TestApp::new().await;
    for (mode, separator) in [("query", '?'), ("fragment", '#')] {
        // A session token opens one session.
        let (_, session) = session_token(&app).await;
        let (verifier, challenge) = pkce();
        let path = authorize_path(&app, &challenge, mode, &session).await;
        let response = app.get(&path, &[]).await;
        assert_eq!(response.status, 302, "{response:?}");
        let location = response.location.unwrap();
        let prefix = format!("{REDIRECT_URI}{separator}");
        assert!(location.starts_with(&prefix), "{location}");
        let params: Vec<(String, String)> =
            serde_urlencoded::from_str(location.strip_prefix(&prefix).unwrap()).unwrap();
        let code = &params.iter().find(|(k, _)| k == "code").unwrap().1;
        assert!(params.iter().any(|(k, v)| k == "state" && v == "state-123"));
        let tokens = app
            .request(
                "POST",
                TOKEN,
                &[("content-type", "application/x-www-form-urlencoded")],
                Some(
                    &serde_urlencoded::to_string([
                        ("client_id", CLIENT_ID),
                        ("grant_type", "authorization_code"),
                        ("code", code.as_str()),
                        ("code_verifier", verifier.as_str()),
                        ("redirect_uri", REDIRECT_URI),
                    ])
                    .unwrap(),
                ),
            )
            .await;
        assert_eq!(tokens.status, 200, "form body: {tokens:?}");
    }
}

#[tokio::test]
async fn unregistered_clients_and_redirects_get_an_error_page_never_a_redirect() {
    let app = TestApp::new().await;
    let (_, session) = session_token(&app).await;
    let (_, challenge) = pkce();
    let path = authorize_path(&app, &challenge, "query", &session).await;
    for (from, to) in [
        (
            format!("redirect_uri={}", urlencode(REDIRECT_URI)),
            "redirect_uri=https%3A%2F%2Fevil.example%2Fcb".to_string(),
        ),
        (
            format!("client_id={CLIENT_ID}"),
            "client_id=unknown".to_string(),
        ),
        (
            "code_challenge_method=S256".to_string(),
            "code_challenge_method=plain".to_string(),
        ),
        (
            "response_mode=query".to_string(),
            "response_mode=form_post".to_string(),
        ),
    ] {
        assert!(path.contains(&from), "{path} lacks {from}");
        let response = app.get(&path.replace(&from, &to), &[]).await;
        assert_eq!(response.status, 400, "{to}: {response:?}");
        assert!(response.location.is_none());
        assert!(response.text.contains("id=\"error\""));
    }
}

fn urlencode(value: &str) -> String {
    serde_urlencoded::to_string([("x", value)]).unwrap()[2..].to_string()
}

#[tokio::test]
async fn redirect_sessions_refuse_plain_pkce_and_unknown_clients() {
    let app = TestApp::new().await;
    let (_, challenge) = pkce();
    let mut plain = auth_request(&challenge, "web_message", "JWS.x");
    plain["auth"]["authRequest"]["codeChallengeMethod"] = "plain".into();
    let response = app.post(REDIRECT_SESSION, plain).await;
    assert_eq!(response.status, 400);
    assert_eq!(response.code(), "invalid_request");

    let mut unknown = auth_request(&challenge, "web_message", "JWS.x");
    unknown["auth"]["authRequest"]["clientId"] = "nobody".into();
    assert_eq!(
        app.post(REDIRECT_SESSION, unknown).await.code(),
        "invalid_request"
    );

    let bad_logout = app
        .post(
            "/redirect-session/v1/redirect-session",
            json!({ "logout": { "clientId": CLIENT_ID }, "callbacks": { "postFlowUrl": "https://evil.example/" } }),
        )
        .await;
    assert_eq!(bad_logout.status, 400);
}

#[tokio::test]
async fn an_invalid_session_token_is_reported_to_the_client_not_coded() {
    let app = TestApp::new().await;
    let (_, challenge) = pkce();
    let path = authorize_path(&app, &challenge, "web_message", "JWS.forged").await;
    let page = app.get(&path, &[]).await;
    assert_eq!(page.status, 200);
    let message = posted_message(&page);
    assert_eq!(message["error"], "access_denied");
    assert!(message.get("code").is_none());
}

#[tokio::test]
async fn a_reused_code_fails_and_revokes_what_it_issued() {
    let app = TestApp::new().await;
    let (_, session) = session_token(&app).await;
    let (verifier, challenge) = pkce();
    let path = authorize_path(&app, &challenge, "web_message", &session).await;
    let code = posted_message(&app.get(&path, &[]).await)["code"]
        .as_str()
        .unwrap()
        .to_string();
    let first = exchange(&app, &code, &verifier).await;
    assert_eq!(first.status, 200);

    let second = exchange(&app, &code, &verifier).await;

    assert_eq!(second.code(), "invalid_grant");
    let refresh_token = first.body["refresh_token"].as_str().unwrap();
    assert_eq!(refresh(&app, refresh_token).await.code(), "invalid_grant");
    let access = first.body["access_token"].as_str().unwrap();
    assert_eq!(
        app.get(CURRENT_MEMBER, &[("authorization", access)])
            .await
            .status,
        401
    );
}

#[tokio::test]
async fn a_wrong_verifier_is_an_invalid_grant() {
    let app = TestApp::new().await;
    let (_, session) = session_token(&app).await;
    let (_, challenge) = pkce();
    let (other_verifier, _) = pkce();
    let path = authorize_path(&app, &challenge, "web_message", &session).await;
    let code = posted_message(&app.get(&path, &[]).await)["code"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(
        exchange(&app, &code, &other_verifier).await.code(),
        "invalid_grant"
    );
}

#[tokio::test]
async fn visitors_get_tokens_but_no_member() {
    let app = TestApp::new().await;
    let visitor = app
        .post(
            TOKEN,
            json!({ "clientId": CLIENT_ID, "grantType": "anonymous" }),
        )
        .await;
    assert_eq!(visitor.status, 200, "{visitor:?}");
    let access = visitor.body["access_token"].as_str().unwrap();
    assert_eq!(
        app.get(CURRENT_MEMBER, &[("authorization", access)])
            .await
            .status,
        401
    );
    let refreshed = refresh(&app, visitor.body["refresh_token"].as_str().unwrap()).await;
    assert_eq!(refreshed.status, 200);
    let unknown_client = app
        .post(
            TOKEN,
            json!({ "clientId": "nobody", "grantType": "anonymous" }),
        )
        .await;
    assert_eq!(unknown_client.status, 400);
}

#[tokio::test]
async fn blocking_kills_access_and_refresh_tokens_at_once() {
    let app = TestApp::new().await;
    let (email, access, refresh_token) = member_tokens(&app).await;
    assert_eq!(
        app.get(CURRENT_MEMBER, &[("authorization", &access)])
            .await
            .status,
        200
    );

    let blocked = app
        .post_as_admin(
            "/backend/authentication/block-by-email",
            json!({ "email": email }),
        )
        .await;
    assert_eq!(blocked.status, 200);

    assert_eq!(
        app.get(CURRENT_MEMBER, &[("authorization", &access)])
            .await
            .status,
        401
    );
    assert_eq!(refresh(&app, &refresh_token).await.code(), "invalid_grant");
}

#[tokio::test]
async fn token_and_member_reads_stay_within_their_dynamodb_budgets() {
    let app = TestApp::new().await;
    let (_, access, refresh_token) = member_tokens(&app).await;

    app.dynamodb_calls.take();
    assert_eq!(
        app.get(CURRENT_MEMBER, &[("authorization", &access)])
            .await
            .status,
        200
    );
    assert!(app.dynamodb_calls.take() <= 1);
    assert_eq!(refresh(&app, &refresh_token).await.status, 200);
    assert!(app.dynamodb_calls.take() <= 2);
}

#[tokio::test]
async fn garbage_tokens_are_refused_cleanly() {
    let app = TestApp::new().await;
    for token in [
        "",
        "Bearer ",
        "x",
        "a.b.c",
        "Bearer eyJhbGciOiJub25lIn0.e30.",
    ] {
        let response = app.get(CURRENT_MEMBER, &[("authorization", token)]).await;
        assert_eq!(response.status, 401, "{token:?}: {response:?}");
    }
    assert_eq!(app.get(CURRENT_MEMBER, &[]).await.status, 401);
    for body in [
        json!({ "grantType": "refresh_token", "refreshToken": "nope" }),
        json!({ "clientId": CLIENT_ID, "grantType": "authorization_code", "code": "nope", "codeVerifier": "x" }),
        json!({ "clientId": CLIENT_ID, "grantType": "password" }),
        json!({ "clientId": CLIENT_ID, "grantType": "authorization_code" }),
    ] {
        let response = app.post(TOKEN, body.clone()).await;
        assert_eq!(response.status, 400, "{body}: {response:?}");
    }
}

async fn assert_tokens_dead(app: &TestApp, access: &str, refresh_token: &str) {
    assert_eq!(
        app.get(CURRENT_MEMBER, &[("authorization", access)])
            .await
            .status,
        401
    );
    assert_eq!(refresh(app, refresh_token).await.code(), "invalid_grant");
}

#[tokio::test]
async fn a_password_reset_kills_every_token_at_once() {
    let app = TestApp::new().await;
    let (email, access, refresh_token) = member_tokens(&app).await;
    app.post(
        "/_api/iam/recovery/v1/send-email",
        json!({ "email": email }),
    )
    .await;
    let mail = integration_tests::inbox::latest_mail_to(&email).await;
    let link = integration_tests::inbox::link_in(
        &mail,
        "https://auth.example/recovery/reset-password?token=",
    );
    let token = link.split("token=").nth(1).unwrap();
    let form =
        serde_urlencoded::to_string([("token", token), ("password", "a-brand-new-password")])
            .unwrap();
    let reset = app
        .request(
            "POST",
            "/recovery/reset-password",
            &[("content-type", "application/x-www-form-urlencoded")],
            Some(&form),
        )
        .await;
    assert_eq!(reset.status, 200, "{reset:?}");

    assert_tokens_dead(&app, &access, &refresh_token).await;
}

#[tokio::test]
async fn a_login_email_change_kills_every_token_at_once() {
    let app = TestApp::new().await;
    let (_, access, refresh_token) = member_tokens(&app).await;
    let me = app.get(CURRENT_MEMBER, &[("authorization", &access)]).await;
    let id = me.body["member"]["id"].as_str().unwrap();
    let auth = format!("Bearer {}", app.admin_key);
    let changed = app
        .request(
            "PATCH",
            &format!("/backend/members/{id}/login-email"),
            &[
                ("content-type", "application/json"),
                ("authorization", &auth),
            ],
            Some(&json!({ "newEmail": random_email() }).to_string()),
        )
        .await;
    assert_eq!(changed.status, 200, "{changed:?}");

    assert_tokens_dead(&app, &access, &refresh_token).await;
}

#[tokio::test]
async fn access_tokens_of_another_algorithm_or_key_are_refused() {
    let app = TestApp::new().await;
    let (_, access, _) = member_tokens(&app).await;
    let (header, rest) = access.split_once('.').unwrap();
    let (payload, _) = rest.split_once('.').unwrap();
    let b64 = |v: &str| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(v);
    let decoded = String::from_utf8(
        base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(header)
            .unwrap(),
    )
    .unwrap();
    assert!(
        decoded.contains("\"alg\":\"HS256\"") && decoded.contains("\"kid\""),
        "{decoded}"
    );
    let kid = serde_json::from_str::<serde_json::Value>(&decoded).unwrap()["kid"]
        .as_str()
        .unwrap()
        .to_string();
    let forged = [
        format!("{}.{payload}.", b64(r#"{"alg":"none","typ":"JWT"}"#)),
        format!(
            "{}.{payload}.{}",
            b64(&format!(r#"{{"alg":"HS512","kid":"{kid}"}}"#)),
            b64("sig")
        ),
        format!(
            "{}.{payload}.{}",
            b64(&format!(r#"{{"alg":"RS256","kid":"{kid}"}}"#)),
            b64("sig")
        ),
        format!("{}.{rest}", b64(r#"{"alg":"HS256","kid":"unknown-kid"}"#)),
        format!(
            "{header}.{}.{}",
            b64(
                r#"{"sub":"x","sid":"y","ver":0,"cid":"test-client","iat":0,"exp":9999999999,"typ":"access"}"#
            ),
            rest.split_once('.').unwrap().1
        ),
    ];
    for token in forged {
        let response = app.get(CURRENT_MEMBER, &[("authorization", &token)]).await;
        assert_eq!(response.status, 401, "{token}: {response:?}");
    }
}

#[tokio::test]
async fn logout_v1_ends_the_session_of_its_access_token_and_names_the_next_page() {
    let app = TestApp::new().await;
    let (_, access_token, refresh_token) = member_tokens(&app).await;
    let other = TestApp::new().await;
    let (_, untouched, _) = member_tokens(&other).await;
    let path = format!(
        "/_api/iam/authentication/v1/logout?{}",
        serde_urlencoded::to_string([
            ("postLogoutRedirectUri", POST_LOGOUT_URL),
            ("clientId", CLIENT_ID)
        ])
        .unwrap()
    );
    let response = app.get(&path, &[("authorization", &access_token)]).await;
    assert_eq!(response.status, 200, "{response:?}");
    assert_eq!(
        response.body["headers"],
        json!([{ "key": "Location", "value": POST_LOGOUT_URL }])
    );
    let me = app
        .get(CURRENT_MEMBER, &[("authorization", &access_token)])
        .await;
    assert_eq!(me.status, 401, "the session is over");
    assert_eq!(refresh(&app, &refresh_token).await.code(), "invalid_grant");
    let still = other
        .get(CURRENT_MEMBER, &[("authorization", &untouched)])
        .await;
    assert_eq!(still.status, 200, "other sessions are not touched");

    let evil = format!(
        "/_api/iam/authentication/v1/logout?{}",
        serde_urlencoded::to_string([
            ("postLogoutRedirectUri", "https://evil.example/"),
            ("clientId", CLIENT_ID)
        ])
        .unwrap()
    );
    let refused = other.get(&evil, &[("authorization", &untouched)]).await;
    assert_eq!(refused.code(), "invalid_request", "{refused:?}");
    let ended = other
        .get(CURRENT_MEMBER, &[("authorization", &untouched)])
        .await;
    assert_eq!(
        ended.status, 401,
        "the member asked to sign out: a bad next page does not keep the session"
    );
}

#[tokio::test]
async fn the_login_intent_names_the_session_page_which_only_sites_may_frame() {
    let app = TestApp::new().await;
    let response = app.post(REDIRECT_SESSION, json!({ "login": {} })).await;
    assert_eq!(response.status, 200, "{response:?}");
    let session = &response.body["redirectSession"];
    assert_eq!(session["fullUrl"], "https://auth.example/oauth2/session");
    assert_eq!(session["urlDetails"]["endpoint"], session["fullUrl"]);
    let page = app.get("/oauth2/session", &[]).await;
    assert_eq!(page.status, 200);
    assert!(page.text.starts_with("<!doctype html>"));
    let both = app
        .post(
            REDIRECT_SESSION,
            json!({ "login": {}, "logout": { "clientId": CLIENT_ID } }),
        )
        .await;
    assert_eq!(both.code(), "invalid_request");
}

#[tokio::test]
async fn change_password_keeps_the_callers_session_and_ends_the_others() {
    let app = TestApp::new().await;
    let (email, access_token, refresh_token) = member_tokens(&app).await;
    let other_login = app.login(&email, PASSWORD).await;
    let old_session_token = other_login.body["sessionToken"]
        .as_str()
        .unwrap()
        .to_string();
    const CHANGE: &str = "/_api/iam/authentication/v2/change-password";

    let weak = app
        .post_with_token(CHANGE, &access_token, json!({ "newPassword": "abc" }))
        .await;
    assert_eq!(weak.code(), "INVALID_ARGUMENT", "{weak:?}");
    let anonymous = app
        .post(CHANGE, json!({ "newPassword": "a-brand-new-password" }))
        .await;
    assert_eq!(anonymous.code(), "UNAUTHENTICATED");

    let changed = app
        .post_with_token(
            CHANGE,
            &access_token,
            json!({ "newPassword": "a-brand-new-password" }),
        )
        .await;
    assert_eq!(changed.status, 200, "{changed:?}");
    let me = app
        .get(CURRENT_MEMBER, &[("authorization", &access_token)])
        .await;
    assert_eq!(me.status, 200, "this session goes on: {me:?}");
    assert_eq!(refresh(&app, &refresh_token).await.status, 200);
    assert_eq!(app.login(&email, PASSWORD).await.status, 401);
    assert_eq!(app.login(&email, "a-brand-new-password").await.status, 200);
    let (_, challenge) = pkce();
    let stale = app
        .post(
            REDIRECT_SESSION,
            auth_request(&challenge, "web_message", &old_session_token),
        )
        .await;
    let page = app
        .get(
            stale.body["redirectSession"]["fullUrl"]
                .as_str()
                .unwrap()
                .strip_prefix("https://auth.example")
                .unwrap(),
            &[],
        )
        .await;
    assert!(
        page.text.contains("access_denied"),
        "a session token from before opens nothing: {page:?}"
    );
}
