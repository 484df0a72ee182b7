//! The hosted sign-in page: an authorize request without a session token shows it; its
//! forms post back with a double-submit token; a good sign-in, sign-up or code answers
//! the code at the registered redirect URI and remembers the browser, which then goes
//! on in one click (or silently with `prompt=none`) until logout or a block ends it.
//! Every failure is shown in place.

use base64::Engine;
use integration_tests::{
    CLIENT_ID, PASSWORD, REDIRECT_URI, TestApp, TestResponse, captcha_stub, inbox, paths::TOKEN,
    random_email,
};
use serde_json::json;
use std::collections::HashMap;

const AUTHORIZE: &str = "/oauth2/authorize";
const SESSION_COOKIE: &str = "__Host-members-session";

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

fn unescape(value: &str) -> String {
    value
        .replace("&quot;", "\"")
        .replace("&#x27;", "'")
        .replace("&#x2F;", "/")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

/// The hidden fields of the page's form for `action`.
fn form(page: &TestResponse, action: &str) -> Vec<(String, String)> {
    let start = page
        .text
        .find(&format!("id=\"{action}-form\""))
        .unwrap_or_else(|| panic!("no {action} form in {}", page.text));
    let html = &page.text[start..];
    let html = &html[..html.find("</form>").unwrap()];
    html.split("<input type=\"hidden\" ")
        .skip(1)
        .map(|input| {
            let attr = |name: &str| {
                input
                    .split_once(&format!("{name}=\""))
                    .and_then(|(_, rest)| rest.split_once('"'))
                    .map(|(value, _)| unescape(value))
                    .unwrap()
            };
            (attr("name"), attr("value"))
        })
        .collect()
}

/// A browser's cookie jar, as far as the hosted page goes.
#[derive(Default)]
struct Browser {
    cookies: HashMap<String, String>,
}

impl Browser {
    fn header(&self) -> String {
        self.cookies
            .iter()
            .map(|(n, v)| format!("{n}={v}"))
            .collect::<Vec<_>>()
            .join("; ")
    }

    fn keep(&mut self, response: &TestResponse) {
        for cookie in &response.set_cookies {
            let (pair, attributes) = cookie.split_once(';').unwrap();
            for part in ["Secure", "HttpOnly", "Path=/"] {
                assert!(attributes.contains(part), "{cookie}");
            }
            assert!(pair.starts_with("__Host-"), "{cookie}");
            let (name, value) = pair.split_once('=').unwrap();
            if attributes.contains("Max-Age=0") {
                self.cookies.remove(name);
            } else {
                self.cookies.insert(name.into(), value.into());
            }
        }
    }

    async fn get(&mut self, app: &TestApp, path: &str) -> TestResponse {
        let cookie = self.header();
        let response = app.get(path, &[("cookie", &cookie)]).await;
        self.keep(&response);
        response
    }

    /// Posts `page`'s form for `action` with `fields` added.
    async fn post(
        &mut self,
        app: &TestApp,
        page: &TestResponse,
        action: &str,
        fields: &[(&str, &str)],
    ) -> TestResponse {
        let mut body = form(page, action);
        body.extend(fields.iter().map(|(n, v)| (n.to_string(), v.to_string())));
        let cookie = self.header();
        let response = app
            .request(
                "POST",
                AUTHORIZE,
                &[
                    ("content-type", "application/x-www-form-urlencoded"),
                    ("cookie", &cookie),
                ],
                Some(&serde_urlencoded::to_string(&body).unwrap()),
            )
            .await;
        self.keep(&response);
        response
    }
}

/// The code and state of a redirect to the registered URI.
fn code_of(response: &TestResponse) -> HashMap<String, String> {
    assert_eq!(response.status, 302, "{response:?}");
    let location = response.location.as_deref().unwrap();
    let query = location
        .strip_prefix(&format!("{REDIRECT_URI}?"))
        .unwrap_or_else(|| panic!("not the registered redirect URI: {location}"));
    let params: HashMap<String, String> = serde_urlencoded::from_str(query).unwrap();
    assert_eq!(params["state"], "state-9");
    params
}

async fn tokens(app: &TestApp, code: &str, verifier: &str) -> TestResponse {
    app.post(
        TOKEN,
        json!({ "clientId": CLIENT_ID, "grantType": "authorization_code", "code": code,
                "codeVerifier": verifier, "redirectUri": REDIRECT_URI }),
    )
    .await
}

fn alert(page: &TestResponse) -> String {
    page.text
        .split_once("role=\"alert\">")
        .and_then(|(_, rest)| rest.split_once("</p>"))
        .map(|(text, _)| unescape(text))
        .unwrap_or_default()
}

#[tokio::test]
async fn a_member_signs_in_and_the_browser_goes_on_until_logout() {
    let app = TestApp::new().await;
    let email = random_email();
    assert_eq!(app.register(&email, PASSWORD).await.status, 200);
    let (verifier, challenge) = pkce();
    let mut browser = Browser::default();

    let page = browser
        .get(&app, &authorize_query(&challenge, &[("prompt", "login")]))
        .await;
    assert_eq!(page.status, 200, "{page:?}");
    assert!(
        page.set_cookies[0].contains("SameSite=Strict"),
        "{:?}",
        page.set_cookies
    );
    let wrong = browser
        .post(
            &app,
            &page,
            "sign-in",
            &[("email", &email), ("password", "not-the-password")],
        )
        .await;
    assert_eq!(
        (wrong.status, alert(&wrong).as_str()),
        (401, "Wrong email or password.")
    );
    assert!(
        wrong.text.contains(&format!("value=\"{email}\"")),
        "the email stays typed"
    );
    assert!(!browser.cookies.contains_key(SESSION_COOKIE));

    let done = browser
        .post(
            &app,
            &wrong,
            "sign-in",
            &[("email", &email), ("password", PASSWORD)],
        )
        .await;
    let code = code_of(&done);
    assert_eq!(tokens(&app, &code["code"], &verifier).await.status, 200);
    let session_cookie = done
        .set_cookies
        .iter()
        .find(|c| c.starts_with(SESSION_COOKIE))
        .unwrap();
    assert!(session_cookie.contains("SameSite=Lax"), "{session_cookie}");

    // Back with prompt login: one click, as the same member.
    let (verifier, challenge) = pkce();
    let welcome = browser.get(&app, &authorize_query(&challenge, &[])).await;
    assert!(
        welcome.text.contains("id=\"continue-form\""),
        "{}",
        welcome.text
    );
    assert!(welcome.text.contains(&email.to_lowercase()));
    let again = browser.post(&app, &welcome, "continue", &[]).await;
    assert_eq!(
        tokens(&app, &code_of(&again)["code"], &verifier)
            .await
            .status,
        200
    );

    // prompt none: silently.
    let (verifier, challenge) = pkce();
    let silent = browser
        .get(&app, &authorize_query(&challenge, &[("prompt", "none")]))
        .await;
    assert_eq!(
        tokens(&app, &code_of(&silent)["code"], &verifier)
            .await
            .status,
        200
    );

    // Logout in this browser ends it: prompt none is login_required again.
    let out = browser.get(&app, "/oauth2/logout?id=stale").await;
    assert_eq!(out.status, 400);
    assert!(
        !browser.cookies.contains_key(SESSION_COOKIE),
        "the cookie is cleared"
    );
    let (_, challenge) = pkce();
    let after = browser
        .get(&app, &authorize_query(&challenge, &[("prompt", "none")]))
        .await;
    assert!(after.location.unwrap().contains("error=login_required"));
}

#[tokio::test]
async fn blocking_the_member_ends_its_browser_sessions() {
    let app = TestApp::new().await;
    let email = random_email();
    app.register(&email, PASSWORD).await;
    let (_, challenge) = pkce();
    let mut browser = Browser::default();
    let page = browser.get(&app, &authorize_query(&challenge, &[])).await;
    let done = browser
        .post(
            &app,
            &page,
            "sign-in",
            &[("email", &email), ("password", PASSWORD)],
        )
        .await;
    code_of(&done);
    app.post_as_admin(
        "/backend/authentication/block-by-email",
        json!({ "email": email }),
    )
    .await;
    let silent = browser
        .get(&app, &authorize_query(&challenge, &[("prompt", "none")]))
        .await;
    assert!(silent.location.unwrap().contains("error=login_required"));
    let page = browser.get(&app, &authorize_query(&challenge, &[])).await;
    assert!(
        page.text.contains("id=\"sign-in-form\""),
        "no one-click continue"
    );
}

#[tokio::test]
async fn a_post_without_the_pages_own_token_signs_nobody_in() {
    let app = TestApp::new().await;
    let email = random_email();
    app.register(&email, PASSWORD).await;
    let (_, challenge) = pkce();
    let mut browser = Browser::default();
    let page = browser.get(&app, &authorize_query(&challenge, &[])).await;

    let mut stranger = Browser::default();
    let forged = stranger
        .post(
            &app,
            &page,
            "sign-in",
            &[("email", &email), ("password", PASSWORD)],
        )
        .await;
    assert_eq!((forged.status, forged.location.as_deref()), (400, None));
    assert!(alert(&forged).contains("This form has expired"));
    stranger
        .cookies
        .insert("__Host-members-signin".into(), "x".repeat(43));
    let forged = stranger
        .post(
            &app,
            &page,
            "sign-in",
            &[("email", &email), ("password", PASSWORD)],
        )
        .await;
    assert_eq!((forged.status, forged.location), (400, None));

    // A changed redirect is checked again: an error page, never a redirect there.
    let mut fields = form(&page, "sign-in");
    for (name, value) in &mut fields {
        if name == "redirect_uri" {
            *value = "https://evil.example/callback".into();
        }
    }
    fields.push(("email".into(), email.clone()));
    fields.push(("password".into(), PASSWORD.into()));
    let cookie = browser.header();
    let refused = app
        .request(
            "POST",
            AUTHORIZE,
            &[
                ("content-type", "application/x-www-form-urlencoded"),
                ("cookie", &cookie),
            ],
            Some(&serde_urlencoded::to_string(&fields).unwrap()),
        )
        .await;
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
async fn a_visitor_signs_up_with_the_emailed_code_and_may_ask_for_another() {
    let app = TestApp::new().await;
    let email = random_email();
    let (verifier, challenge) = pkce();
    let mut browser = Browser::default();
    let page = browser
        .get(&app, &authorize_query(&challenge, &[("screen", "sign-up")]))
        .await;
    assert!(page.text.contains("autocomplete=\"new-password\""));
    let weak = browser
        .post(
            &app,
            &page,
            "sign-up",
            &[("email", &email), ("password", "short")],
        )
        .await;
    assert_eq!(weak.status, 400);
    assert!(weak.text.contains("id=\"sign-up-form\""));

    let code_page = browser
        .post(
            &app,
            &weak,
            "sign-up",
            &[("email", &email), ("password", PASSWORD)],
        )
        .await;
    assert_eq!(code_page.status, 200, "{code_page:?}");
    assert!(code_page.text.contains("autocomplete=\"one-time-code\""));
    let first = inbox::code_in(&inbox::latest_mail_to(&email).await);

    let resent = browser.post(&app, &code_page, "resend", &[]).await;
    assert!(
        resent.text.contains("We sent a new code"),
        "{}",
        resent.text
    );
    let second = inbox::code_in(&inbox::latest_mail_to(&email).await);
    assert_ne!(first, second);
    let stale = browser
        .post(&app, &resent, "verify", &[("code", &first)])
        .await;
    assert_eq!(stale.status, 400);
    assert!(
        alert(&stale).starts_with("That code is not right"),
        "{}",
        stale.text
    );

    let done = browser
        .post(&app, &stale, "verify", &[("code", &second)])
        .await;
    assert_eq!(
        tokens(&app, &code_of(&done)["code"], &verifier)
            .await
            .status,
        200
    );
    assert!(browser.cookies.contains_key(SESSION_COOKIE));
    assert_eq!(app.login(&email, PASSWORD).await.status, 200);
}

#[tokio::test]
async fn under_manual_approval_a_sign_up_waits_and_a_pending_sign_in_is_told_so() {
    let app = TestApp::with_settings(&[("APPROVAL_MODE", "manual")]).await;
    let email = random_email();
    let (_, challenge) = pkce();
    let mut browser = Browser::default();
    let page = browser
        .get(&app, &authorize_query(&challenge, &[("screen", "sign-up")]))
        .await;
    let code_page = browser
        .post(
            &app,
            &page,
            "sign-up",
            &[("email", &email), ("password", PASSWORD)],
        )
        .await;
    let code = inbox::code_in(&inbox::latest_mail_to(&email).await);
    let pending = browser
        .post(&app, &code_page, "verify", &[("code", &code)])
        .await;
    assert_eq!(pending.status, 200);
    assert!(pending.text.contains("id=\"pending\""), "{}", pending.text);
    assert!(!browser.cookies.contains_key(SESSION_COOKIE));

    let page = browser.get(&app, &authorize_query(&challenge, &[])).await;
    let told = browser
        .post(
            &app,
            &page,
            "sign-in",
            &[("email", &email), ("password", PASSWORD)],
        )
        .await;
    assert_eq!(told.status, 403);
    assert!(alert(&told).contains("waiting for the site owner"));

    app.post_as_admin(
        "/backend/authentication/block-by-email",
        json!({ "email": email }),
    )
    .await;
    let blocked = browser
        .post(
            &app,
            &told,
            "sign-in",
            &[("email", &email), ("password", PASSWORD)],
        )
        .await;
    assert_eq!(blocked.status, 403);
    assert!(alert(&blocked).contains("This account is blocked"));
}

#[tokio::test]
async fn a_forgotten_password_is_reset_by_email_and_leads_back_to_the_page() {
    let app = TestApp::new().await;
    let email = random_email();
    app.register(&email, PASSWORD).await;
    let (verifier, challenge) = pkce();
    let mut browser = Browser::default();
    let page = browser
        .get(&app, &authorize_query(&challenge, &[("screen", "forgot")]))
        .await;
    let sent = browser
        .post(&app, &page, "forgot", &[("email", &email)])
        .await;
    assert!(sent.text.contains("id=\"sent\""), "{}", sent.text);
    let nobody = browser
        .post(&app, &page, "forgot", &[("email", &random_email())])
        .await;
    assert_eq!(
        nobody.text.replace(&email, ""),
        sent.text.replace(&email, ""),
        "the same answer"
    );

    let link = inbox::link_in(
        &inbox::latest_mail_to(&email).await,
        "https://auth.example/recovery/reset-password?token=",
    );
    let token = link.split("token=").nth(1).unwrap();
    let form =
        serde_urlencoded::to_string([("token", token), ("password", "a-new-password-1")]).unwrap();
    let reset = app
        .request(
            "POST",
            "/recovery/reset-password",
            &[("content-type", "application/x-www-form-urlencoded")],
            Some(&form),
        )
        .await;
    assert_eq!(reset.status, 302, "{reset:?}");
    let back = reset.location.unwrap();
    let path = back
        .strip_prefix("https://auth.example")
        .expect("back to the hosted page");
    assert!(path.starts_with("/oauth2/authorize?"), "{back}");

    let page = browser.get(&app, path).await;
    let done = browser
        .post(
            &app,
            &page,
            "sign-in",
            &[("email", &email), ("password", "a-new-password-1")],
        )
        .await;
    assert_eq!(
        tokens(&app, &code_of(&done)["code"], &verifier)
            .await
            .status,
        200
    );
}

#[tokio::test]
async fn where_the_site_asks_for_a_captcha_the_page_shows_the_widget_and_checks_its_token() {
    let url = captcha_stub().await;
    let app = TestApp::with_settings(&[
        ("CAPTCHA_MODE", "always"),
        ("CAPTCHA_SECRET", "test-secret"),
        ("CAPTCHA_VERIFY_URL", &url),
        ("CAPTCHA_SITE_KEY", "the-site-key"),
    ])
    .await;
    let email = random_email();
    let (verifier, challenge) = pkce();
    let mut browser = Browser::default();
    for screen in ["sign-in", "sign-up"] {
        let page = browser
            .get(&app, &authorize_query(&challenge, &[("screen", screen)]))
            .await;
        assert!(
            page.text.contains("data-sitekey=\"the-site-key\""),
            "{}",
            page.text
        );
        assert!(
            page.text
                .contains("src=\"https://www.google.com/recaptcha/api.js\"")
        );
    }
    let page = browser
        .get(&app, &authorize_query(&challenge, &[("screen", "sign-up")]))
        .await;
    let refused = browser
        .post(
            &app,
            &page,
            "sign-up",
            &[("email", &email), ("password", PASSWORD)],
        )
        .await;
    assert_eq!(refused.status, 403);
    assert_eq!(alert(&refused), "Please complete the captcha check.");
    let code_page = browser
        .post(
            &app,
            &refused,
            "sign-up",
            &[
                ("email", &email),
                ("password", PASSWORD),
                ("g-recaptcha-response", "good-token"),
            ],
        )
        .await;
    assert!(
        code_page.text.contains("id=\"verify-form\""),
        "{}",
        code_page.text
    );
    let code = inbox::code_in(&inbox::latest_mail_to(&email).await);
    code_of(
        &browser
            .post(&app, &code_page, "verify", &[("code", &code)])
            .await,
    );

    let page = browser
        .get(&app, &authorize_query(&challenge, &[("screen", "sign-in")]))
        .await;
    let wrong = browser
        .post(
            &app,
            &page,
            "sign-in",
            &[
                ("email", &email),
                ("password", PASSWORD),
                ("g-recaptcha-response", "bad-token"),
            ],
        )
        .await;
    assert_eq!(wrong.status, 403);
    let done = browser
        .post(
            &app,
            &wrong,
            "sign-in",
            &[
                ("email", &email),
                ("password", PASSWORD),
                ("g-recaptcha-response", "good-token"),
            ],
        )
        .await;
    assert_eq!(
        tokens(&app, &code_of(&done)["code"], &verifier)
            .await
            .status,
        200
    );
}

#[tokio::test]
async fn without_a_site_key_a_captcha_the_page_cannot_show_fails_closed() {
    let url = captcha_stub().await;
    let app = TestApp::with_settings(&[
        ("CAPTCHA_MODE", "always"),
        ("CAPTCHA_SECRET", "test-secret"),
        ("CAPTCHA_VERIFY_URL", &url),
    ])
    .await;
    let email = random_email();
    app.post_as_admin(
        "/backend/authentication/register",
        json!({ "email": email, "password": PASSWORD }),
    )
    .await;
    let (_, challenge) = pkce();
    let mut browser = Browser::default();
    let page = browser.get(&app, &authorize_query(&challenge, &[])).await;
    assert!(!page.text.contains("g-recaptcha"));
    let refused = browser
        .post(
            &app,
            &page,
            "sign-in",
            &[("email", &email), ("password", PASSWORD)],
        )
        .await;
    assert_eq!((refused.status, refused.location.as_deref()), (403, None));
    assert!(alert(&refused).contains("cannot show"), "{}", refused.text);
}

#[tokio::test]
async fn a_hosted_sign_in_costs_eight_dynamodb_calls_and_a_return_three() {
    let app = TestApp::new().await;
    let email = random_email();
    app.register(&email, PASSWORD).await;
    let (_, challenge) = pkce();
    let mut browser = Browser::default();
    app.dynamodb_calls.take();
    let page = browser.get(&app, &authorize_query(&challenge, &[])).await;
    assert_eq!(
        app.dynamodb_calls.take(),
        0,
        "the page itself reads nothing"
    );
    code_of(
        &browser
            .post(
                &app,
                &page,
                "sign-in",
                &[("email", &email), ("password", PASSWORD)],
            )
            .await,
    );
    // The login (six: see tests/api/login.rs), the browser session and the code.
    assert_eq!(app.dynamodb_calls.take(), 8);
    code_of(
        &browser
            .get(&app, &authorize_query(&challenge, &[("prompt", "none")]))
            .await,
    );
    // The browser session, the member, the code.
    assert_eq!(app.dynamodb_calls.take(), 3);
}

#[tokio::test]
async fn signing_in_as_another_account_replaces_the_browsers_member() {
    let app = TestApp::new().await;
    let (first, second) = (random_email(), random_email());
    app.register(&first, PASSWORD).await;
    app.register(&second, PASSWORD).await;
    let mut browser = Browser::default();
    for email in [&first, &second] {
        let (_, challenge) = pkce();
        let page = browser
            .get(&app, &authorize_query(&challenge, &[("screen", "sign-in")]))
            .await;
        code_of(
            &browser
                .post(
                    &app,
                    &page,
                    "sign-in",
                    &[("email", email), ("password", PASSWORD)],
                )
                .await,
        );
    }
    let (verifier, challenge) = pkce();
    let silent = browser
        .get(&app, &authorize_query(&challenge, &[("prompt", "none")]))
        .await;
    let tokens = tokens(&app, &code_of(&silent)["code"], &verifier).await;
    let access = tokens.body["accessToken"]
        .as_str()
        .or(tokens.body["access_token"].as_str());
    let me = app
        .get(
            integration_tests::paths::CURRENT_MEMBER,
            &[("authorization", access.expect("an access token"))],
        )
        .await;
    assert_eq!(
        me.body["member"]["loginEmail"],
        second.to_lowercase(),
        "{me:?}"
    );
}

#[tokio::test]
async fn a_locked_account_is_told_in_place_and_web_message_mode_posts_the_code_to_the_site() {
    let app = TestApp::new().await;
    let email = random_email();
    app.register(&email, PASSWORD).await;
    let (_, challenge) = pkce();
    let mut browser = Browser::default();
    let web_message = authorize_query(&challenge, &[])
        .replace("response_mode=query", "response_mode=web_message");
    let mut page = browser.get(&app, &web_message).await;
    let mut statuses = Vec::new();
    for _ in 0..6 {
        page = browser
            .post(
                &app,
                &page,
                "sign-in",
                &[("email", &email), ("password", "wrong-password-1")],
            )
            .await;
        statuses.push(page.status);
    }
    assert_eq!(statuses.last(), Some(&429), "{statuses:?}");
    assert!(
        alert(&page).starts_with("Too many attempts"),
        "{}",
        alert(&page)
    );

    // Another account from the same browser is not locked; its code goes by postMessage.
    let other = random_email();
    app.register(&other, PASSWORD).await;
    let done = browser
        .post(
            &app,
            &page,
            "sign-in",
            &[("email", &other), ("password", PASSWORD)],
        )
        .await;
    assert_eq!(done.status, 200, "{done:?}");
    assert!(done.text.contains("postMessage"), "{}", done.text);
    assert!(done.text.contains("\"https://site.example\""));
    assert!(done.text.contains("\"code\":\""));
}

/// Strangers at many addresses spend the account's budget; the browser the member
/// signed in with before (its device cookie) still signs in with the password, a
/// browser without one is told to wait.
#[tokio::test]
async fn a_browser_that_signed_in_before_goes_on_while_strangers_spend_the_budget() {
    use members_auth::flows::throttle;
    let app = TestApp::new().await;
    let email = random_email();
    app.register(&email, PASSWORD).await;
    let (_, challenge) = pkce();
    let mut known = Browser::default();
    let page = known.get(&app, &authorize_query(&challenge, &[])).await;
    let signed_in = known
        .post(
            &app,
            &page,
            "sign-in",
            &[("email", &email), ("password", PASSWORD)],
        )
        .await;
    code_of(&signed_in);
    assert!(known.cookies.contains_key("__Host-members-device"));
    // Its browser session ends (as at logout): the next sign-in takes the password.
    known.cookies.remove(SESSION_COOKIE);

    let admin = format!("Bearer {}", app.admin_key);
    let body = json!({ "email": email, "password": "wrong-password" }).to_string();
    // Strangers guess until the budget refuses them (a retried counting write may
    // spend it a little early, never late).
    let mut refused = false;
    for source in 0..throttle::ACCOUNT_FAILURE_BUDGET + 1 {
        let address = format!("203.0.113.{}", source + 1);
        let guess = app
            .request(
                "POST",
                integration_tests::paths::LOGIN,
                &[
                    ("content-type", "application/json"),
                    ("authorization", &admin),
                    (members_auth::http::END_USER_IP_HEADER, &address),
                ],
                Some(&body),
            )
            .await;
        refused |= guess.status == 429;
        assert!(matches!(guess.status, 401 | 429), "{guess:?}");
    }
    assert!(refused, "the budget held no stranger back");

    let page = known.get(&app, &authorize_query(&challenge, &[])).await;
    let again = known
        .post(
            &app,
            &page,
            "sign-in",
            &[("email", &email), ("password", PASSWORD)],
        )
        .await;
    code_of(&again);
    let mut stranger = Browser::default();
    let page = stranger.get(&app, &authorize_query(&challenge, &[])).await;
    let refused = stranger
        .post(
            &app,
            &page,
            "sign-in",
            &[("email", &email), ("password", PASSWORD)],
        )
        .await;
    assert_eq!(refused.status, 429, "{refused:?}");
    assert!(alert(&refused).starts_with("Too many attempts"));
}
