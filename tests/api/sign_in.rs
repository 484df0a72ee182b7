//! The hosted sign-in page: an authorize request without a session token shows it, its
//! form posts back with a double-submit token, and a good password answers the code
//! at the registered redirect URI; every failure is shown in place.

use base64::Engine;
use integration_tests::{
    CLIENT_ID, PASSWORD, REDIRECT_URI, TestApp, TestResponse, paths::TOKEN, random_email,
};
use serde_json::json;
use std::collections::HashMap;

const AUTHORIZE: &str = "/oauth2/authorize";

fn pkce() -> (String, String) {
    use sha2::Digest;
    let verifier = format!(
        "{}{}",
        uuid::Uuid::new_v4().simple(),
        uuid::Uuid::new_v4().simple()
    );
    let challenge = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .encode(sha2::Sha256::digest(verifier.as_bytes()));
    (verifier, challenge)
}

fn authorize_query(challenge: &str, extra: &[(&str, &str)]) -> String {
    let mut params = vec![
        ("client_id", CLIENT_ID),
        ("redirect_uri", REDIRECT_URI),
        ("response_type", "code"),
        ("response_mode", "query"),
        ("code_challenge", challenge),
        ("code_challenge_method", "S256"),
        ("state", "state-9"),
    ];
    params.extend_from_slice(extra);
    format!(
        "{AUTHORIZE}?{}",
        serde_urlencoded::to_string(&params).unwrap()
    )
}

/// The hidden fields and the double-submit token of a sign-in page, and its cookie.
fn form_of(page: &TestResponse) -> (Vec<(String, String)>, String) {
    let mut fields = Vec::new();
    for input in page.text.split("<input type=\"hidden\" ").skip(1) {
        let attr = |name: &str| {
            input
                .split_once(&format!("{name}=\""))
                .and_then(|(_, rest)| rest.split_once('"'))
                .map(|(value, _)| value.replace("&amp;", "&").replace("&#x2F;", "/"))
                .unwrap()
        };
        fields.push((attr("name"), attr("value")));
    }
    let cookie = page
        .set_cookies
        .iter()
        .find(|c| c.starts_with("__Host-members-signin="))
        .expect("the page sets its double-submit cookie");
    for part in ["Secure", "HttpOnly", "SameSite=Strict", "Path=/"] {
        assert!(cookie.contains(part), "{cookie}");
    }
    let cookie = cookie.split(';').next().unwrap().to_string();
    (fields, cookie)
}

async fn submit(
    app: &TestApp,
    fields: &[(String, String)],
    cookie: Option<&str>,
    email: &str,
    password: &str,
) -> TestResponse {
    let mut form: Vec<(&str, &str)> = fields
        .iter()
        .map(|(n, v)| (n.as_str(), v.as_str()))
        .collect();
    form.push(("email", email));
    form.push(("password", password));
    let body = serde_urlencoded::to_string(&form).unwrap();
    let mut headers = vec![("content-type", "application/x-www-form-urlencoded")];
    if let Some(cookie) = cookie {
        headers.push(("cookie", cookie));
    }
    app.request("POST", AUTHORIZE, &headers, Some(&body)).await
}

#[tokio::test]
async fn a_member_signs_in_on_the_hosted_page_and_the_site_gets_a_code() {
    let app = TestApp::new().await;
    let email = random_email();
    assert_eq!(app.register(&email, PASSWORD).await.status, 200);
    let (verifier, challenge) = pkce();

    let page = app
        .get(&authorize_query(&challenge, &[("prompt", "login")]), &[])
        .await;
    assert_eq!(page.status, 200, "{page:?}");
    assert!(
        page.text
            .contains("<form method=\"post\" action=\"/oauth2/authorize\"")
    );
    let (fields, cookie) = form_of(&page);
    assert!(fields.iter().any(|(n, v)| n == "state" && v == "state-9"));

    let wrong = submit(&app, &fields, Some(&cookie), &email, "not-the-password").await;
    assert_eq!(wrong.status, 401);
    assert!(
        wrong
            .text
            .contains("role=\"alert\">Wrong email or password."),
        "{}",
        wrong.text
    );
    assert!(
        wrong.text.contains(&email.to_lowercase()) || wrong.text.contains(&email),
        "the email stays typed"
    );

    let done = submit(&app, &fields, Some(&cookie), &email, PASSWORD).await;
    assert_eq!(done.status, 302, "{done:?}");
    let location = done.location.unwrap();
    let query = location
        .strip_prefix(&format!("{REDIRECT_URI}?"))
        .expect("the registered redirect URI");
    let params: HashMap<String, String> = serde_urlencoded::from_str(query).unwrap();
    assert_eq!(params["state"], "state-9");
    let tokens = app
        .post(
            TOKEN,
            json!({ "clientId": CLIENT_ID, "grantType": "authorization_code", "code": params["code"],
                    "codeVerifier": verifier, "redirectUri": REDIRECT_URI }),
        )
        .await;
    assert_eq!(tokens.status, 200, "{tokens:?}");
}

#[tokio::test]
async fn a_post_without_the_pages_own_token_signs_nobody_in() {
    let app = TestApp::new().await;
    let email = random_email();
    app.register(&email, PASSWORD).await;
    let (_, challenge) = pkce();
    let page = app.get(&authorize_query(&challenge, &[]), &[]).await;
    let (fields, cookie) = form_of(&page);

    let no_cookie = submit(&app, &fields, None, &email, PASSWORD).await;
    assert_eq!(no_cookie.status, 400);
    assert!(no_cookie.text.contains("This sign-in form has expired"));
    let other = format!("__Host-members-signin={}", "x".repeat(43));
    let forged = submit(&app, &fields, Some(&other), &email, PASSWORD).await;
    assert_eq!((forged.status, forged.location), (400, None));

    // A changed redirect is checked again: an error page, never a redirect there.
    let mut elsewhere = fields.clone();
    for (name, value) in &mut elsewhere {
        if name == "redirect_uri" {
            *value = "https://evil.example/callback".into();
        }
    }
    let refused = submit(&app, &elsewhere, Some(&cookie), &email, PASSWORD).await;
    assert_eq!((refused.status, refused.location), (400, None));
}

#[tokio::test]
async fn without_a_session_prompt_none_and_an_unknown_idp_answer_oauth_errors_to_the_site() {
    let app = TestApp::new().await;
    let (_, challenge) = pkce();
    for (extra, error) in [
        (vec![("prompt", "none")], "login_required"),
        (vec![("idp", "google")], "invalid_request"),
    ] {
        let answer = app.get(&authorize_query(&challenge, &extra), &[]).await;
        assert_eq!(answer.status, 302, "{extra:?}");
        let location = answer.location.unwrap();
        assert!(
            location.starts_with(&format!("{REDIRECT_URI}?")),
            "{location}"
        );
        assert!(location.contains(&format!("error={error}")), "{location}");
        assert!(location.contains("state=state-9"), "{location}");
    }
}

#[tokio::test]
async fn pending_and_blocked_members_are_told_in_place() {
    let app = TestApp::with_settings(&[("APPROVAL_MODE", "manual")]).await;
    let email = random_email();
    app.register(&email, PASSWORD).await;
    let (_, challenge) = pkce();
    let page = app.get(&authorize_query(&challenge, &[]), &[]).await;
    let (fields, cookie) = form_of(&page);
    let pending = submit(&app, &fields, Some(&cookie), &email, PASSWORD).await;
    assert_eq!(pending.status, 403);
    assert!(
        pending.text.contains("waiting for the site owner"),
        "{}",
        pending.text
    );

    app.post_as_admin(
        "/backend/authentication/block-by-email",
        json!({ "email": email }),
    )
    .await;
    let blocked = submit(&app, &fields, Some(&cookie), &email, PASSWORD).await;
    assert_eq!(blocked.status, 403);
    assert!(
        blocked.text.contains("This account is blocked"),
        "{}",
        blocked.text
    );
}
