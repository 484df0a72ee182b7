//! Reading members (`getMember`, `listMembers`, `queryMembers`) on a table of the
//! test's own: the site sees everyone in full; visitors and other members see the
//! approved PUBLIC members, PUBLIC fields only; what no index answers is a 400 naming
//! it; a page costs DynamoDB calls in proportion to the partitions it reads.

use std::time::Duration;

use base64::Engine;
use integration_tests::{CLIENT_ID, PASSWORD, TestApp, TestResponse, paths::TOKEN, random_email};
use serde_json::{Value, json};

const MEMBERS: &str = "/members/v1/members";

struct Made {
    id: String,
    email: String,
}

/// Registers `first last` (nickname "first last"), one second after the last one.
async fn register(app: &TestApp, first: &str, last: &str, public: bool) -> Made {
    app.advance(Duration::from_secs(1));
    let email = random_email();
    let privacy = if public { "PUBLIC" } else { "PRIVATE" };
    let registered = app
        .post(
            integration_tests::paths::REGISTER,
            json!({ "email": email, "password": PASSWORD, "options": {
                "contactInfo": { "firstName": first, "lastName": last },
                "privacyStatus": privacy,
            }}),
        )
        .await;
    assert_eq!(registered.status, 200, "{registered:?}");
    Made {
        id: registered.body["member"]["_id"].as_str().unwrap().into(),
        email,
    }
}

async fn call(
    app: &TestApp,
    method: &str,
    path: &str,
    auth: Option<&str>,
    body: Option<Value>,
) -> TestResponse {
    let mut headers = vec![("content-type", "application/json")];
    if let Some(auth) = auth {
        headers.push(("authorization", auth));
    }
    let body = body.map(|b| b.to_string());
    app.request(method, path, &headers, body.as_deref()).await
}

async fn query(app: &TestApp, auth: Option<&str>, query: Value) -> TestResponse {
    let path = format!("{MEMBERS}/query");
    let body = json!({ "query": query, "fieldsets": ["FULL"] });
    call(app, "POST", &path, auth, Some(body)).await
}

fn nicknames(page: &TestResponse) -> Vec<String> {
    page.body["members"]
        .as_array()
        .unwrap_or_else(|| panic!("{page:?}"))
        .iter()
        .map(|m| m["profile"]["nickname"].as_str().unwrap().to_string())
        .collect()
}

async fn approve(app: &TestApp, id: &str) {
    let path = format!("{MEMBERS}/{id}/approve");
    let approved = call(app, "POST", &path, Some(&app.api_key), Some(json!({}))).await;
    assert_eq!(approved.status, 200, "{approved:?}");
}

async fn visitor_token(app: &TestApp) -> String {
    let visitor = app
        .post(
            TOKEN,
            json!({ "clientId": CLIENT_ID, "grantType": "anonymous" }),
        )
        .await;
    visitor.body["access_token"].as_str().unwrap().to_string()
}

#[tokio::test]
async fn the_site_pages_through_pending_members_newest_first() {
    let app = TestApp::with_own_table(&[("APPROVAL_MODE", "manual")]).await;
    let ada = register(&app, "Ada", "Lovelace", false).await;
    register(&app, "Bob", "Byron", false).await;
    register(&app, "Cy", "Clerk", true).await;
    register(&app, "Di", "Dirac", false).await;
    approve(&app, &ada.id).await;
    let key = app.api_key.clone();

    app.dynamodb_calls.take();
    let first = query(
        &app,
        Some(&key),
        json!({
            "filter": { "status": "PENDING" },
            "sort": [{ "fieldName": "createdDate", "order": "DESC" }],
            "paging": { "limit": 2, "offset": 0 },
        }),
    )
    .await;
    assert_eq!(first.status, 200, "{first:?}");
    assert_eq!(nicknames(&first), ["Di Dirac", "Cy Clerk"]);
    assert_eq!(
        first.body["metadata"],
        json!({ "count": 2, "offset": 0, "total": 3, "tooManyToCount": false })
    );
    assert_eq!(first.body["members"][0]["status"], "PENDING");
    assert!(
        first.body["members"][0]["loginEmail"].is_string(),
        "the site sees FULL"
    );
    // Two pending partitions (public, private) walked, each to its end (fewer than
    // offset + limit + 1 entries, so the total needs no count), one batch read of the
    // page's members: no scan, nothing else.
    assert_eq!(app.dynamodb_calls.take(), 3);

    // A page that ends inside a partition takes the total from the partitions' member
    // counts: one more call, one small batch read whatever the partitions hold.
    let one = query(
        &app,
        Some(&key),
        json!({ "filter": { "status": "PENDING" }, "paging": { "limit": 1 } }),
    )
    .await;
    assert_eq!(nicknames(&one), ["Di Dirac"]);
    assert_eq!(one.body["metadata"]["total"], 3);
    assert_eq!(app.dynamodb_calls.take(), 4);

    let second = query(
        &app,
        Some(&key),
        json!({
            "filter": { "status": "PENDING" },
            "sort": [{ "fieldName": "createdDate", "order": "DESC" }],
            "paging": { "limit": 2, "offset": 2 },
        }),
    )
    .await;
    assert_eq!(nicknames(&second), ["Bob Byron"]);
    assert_eq!(second.body["metadata"]["total"], 3);

    // listMembers sends the same as base64url JSON in `.r`.
    let request = json!({
        "paging": { "limit": 10, "offset": 0 },
        "sorting": [{ "fieldName": "createdDate", "order": "ASC" }],
        "fieldsets": ["FULL"],
    });
    let r = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(request.to_string());
    let listed = app
        .get(&format!("{MEMBERS}?.r={r}"), &[("authorization", &key)])
        .await;
    assert_eq!(listed.status, 200, "{listed:?}");
    assert_eq!(
        nicknames(&listed),
        ["Ada Lovelace", "Bob Byron", "Cy Clerk", "Di Dirac"]
    );
    assert_eq!(listed.body["metadata"]["total"], 4);
}

#[tokio::test]
async fn the_site_filters_by_unique_fields_and_names_and_sorts_by_names_and_logins() {
    let app = TestApp::with_own_table(&[]).await;
    let ada = register(&app, "Ada", "Lovelace", true).await;
    let alan = register(&app, "Alan", "Turing", false).await;
    let grace = register(&app, "Grace", "Hopper", true).await;
    let key = app.api_key.clone();

    let by_email = query(
        &app,
        Some(&key),
        json!({ "filter": { "loginEmail": alan.email.to_uppercase() } }),
    )
    .await;
    assert_eq!(nicknames(&by_email), ["Alan Turing"]);
    assert_eq!(by_email.body["metadata"]["total"], 1);
    let slug = by_email.body["members"][0]["profile"]["slug"]
        .as_str()
        .unwrap()
        .to_string();
    let contact = by_email.body["members"][0]["contactId"]
        .as_str()
        .unwrap()
        .to_string();
    let by_slug = query(
        &app,
        Some(&key),
        json!({ "filter": { "profile.slug": slug } }),
    )
    .await;
    assert_eq!(nicknames(&by_slug), ["Alan Turing"]);
    let by_contact = query(
        &app,
        Some(&key),
        json!({ "filter": { "contactId": contact } }),
    )
    .await;
    assert_eq!(nicknames(&by_contact), ["Alan Turing"]);
    let by_ids = query(
        &app,
        Some(&key),
        json!({
            "filter": { "$and": [
                { "id": { "$in": [ada.id, alan.id, grace.id] } },
                { "privacyStatus": "PUBLIC" },
            ]},
            "sort": [{ "fieldName": "profile.nickname", "order": "DESC" }],
        }),
    )
    .await;
    assert_eq!(nicknames(&by_ids), ["Grace Hopper", "Ada Lovelace"]);

    let starts = query(
        &app,
        Some(&key),
        json!({ "filter": { "profile.nickname": { "$startsWith": "A" } } }),
    )
    .await;
    assert_eq!(
        nicknames(&starts),
        ["Ada Lovelace", "Alan Turing"],
        "a name filter sorts by it"
    );
    let exact = query(
        &app,
        Some(&key),
        json!({ "filter": { "contact.lastName": "Hopper" } }),
    )
    .await;
    assert_eq!(nicknames(&exact), ["Grace Hopper"]);
    let by_last = query(
        &app,
        Some(&key),
        json!({ "sort": [{ "fieldName": "contact.lastName", "order": "ASC" }] }),
    )
    .await;
    assert_eq!(
        nicknames(&by_last),
        ["Grace Hopper", "Ada Lovelace", "Alan Turing"]
    );

    // Logins order lastLoginDate; never signed in comes first ascending.
    app.advance(Duration::from_secs(5));
    assert_eq!(app.login(&grace.email, PASSWORD).await.status, 200);
    app.advance(Duration::from_secs(5));
    assert_eq!(app.login(&ada.email, PASSWORD).await.status, 200);
    let by_login = query(
        &app,
        Some(&key),
        json!({ "sort": [{ "fieldName": "lastLoginDate", "order": "DESC" }] }),
    )
    .await;
    assert_eq!(
        nicknames(&by_login),
        ["Ada Lovelace", "Grace Hopper", "Alan Turing"]
    );
    // An update moves updatedDate.
    let token = app.access_token(&grace.email, PASSWORD).await;
    app.advance(Duration::from_secs(5));
    let path = format!("{MEMBERS}/{}", grace.id);
    let patched = call(
        &app,
        "PATCH",
        &path,
        Some(&token),
        Some(json!({ "member": { "contact": { "company": "Navy" } } })),
    )
    .await;
    assert_eq!(patched.status, 200, "{patched:?}");
    let by_update = query(&app, Some(&key), json!({ "sort": [{ "fieldName": "updatedDate", "order": "DESC" }], "paging": { "limit": 1 } })).await;
    assert_eq!(nicknames(&by_update), ["Grace Hopper"]);
    assert_eq!(by_update.body["metadata"]["total"], 3);
}

#[tokio::test]
async fn what_no_index_answers_is_a_400_that_names_it() {
    let app = TestApp::with_own_table(&[]).await;
    let key = app.api_key.clone();
    for (body, named) in [
        (
            json!({ "filter": { "contact.company": "x" } }),
            "contact.company",
        ),
        (
            json!({ "filter": { "$or": [{ "status": "PENDING" }] } }),
            "$or",
        ),
        (
            json!({ "filter": { "profile.nickname": { "$regex": "." } } }),
            "$regex",
        ),
        (
            json!({ "sort": [{ "fieldName": "loginEmail" }] }),
            "loginEmail",
        ),
        (
            json!({ "sort": [{ "fieldName": "createdDate" }, { "fieldName": "updatedDate" }] }),
            "more than one",
        ),
        (
            json!({ "filter": { "contact.firstName": "A" }, "sort": [{ "fieldName": "createdDate" }] }),
            "createdDate",
        ),
        (json!({ "paging": { "limit": 101 } }), "query.paging.limit"),
    ] {
        let refused = query(&app, Some(&key), body.clone()).await;
        assert_eq!(
            (refused.status, refused.code()),
            (400, "INVALID_ARGUMENT"),
            "{body}"
        );
        assert!(refused.text.contains(named), "{body}: {refused:?}");
    }
    assert_eq!(app.dynamodb_calls.take(), 0, "refused before any read");
}

#[tokio::test]
async fn others_see_approved_public_members_and_only_their_public_fields() {
    let app = TestApp::with_own_table(&[("APPROVAL_MODE", "manual")]).await;
    let public = register(&app, "Pia", "Public", true).await;
    let private = register(&app, "Pete", "Private", false).await;
    let pending = register(&app, "Pam", "Pending", true).await;
    approve(&app, &public.id).await;
    approve(&app, &private.id).await;
    let visitor = visitor_token(&app).await;
    let member = app.access_token(&private.email, PASSWORD).await;

    for auth in [visitor.as_str(), member.as_str()] {
        let seen = query(&app, Some(auth), json!({})).await;
        assert_eq!(seen.status, 200, "{seen:?}");
        assert_eq!(nicknames(&seen), ["Pia Public"]);
        assert_eq!(seen.body["metadata"]["total"], 1);
        let shown = &seen.body["members"][0];
        assert_eq!(shown["id"], public.id);
        assert!(
            shown.get("loginEmail").is_none() && shown.get("contact").is_none(),
            "{shown}"
        );
        let pending_asked = query(
            &app,
            Some(auth),
            json!({ "filter": { "status": "PENDING" } }),
        )
        .await;
        assert_eq!(nicknames(&pending_asked), Vec::<String>::new());
        let by_email = query(
            &app,
            Some(auth),
            json!({ "filter": { "loginEmail": public.email } }),
        )
        .await;
        assert_eq!(by_email.status, 400, "no probing whose email is a member's");

        let got = app
            .get(
                &format!("{MEMBERS}/{}?fieldsets=FULL", public.id),
                &[("authorization", auth)],
            )
            .await;
        assert_eq!(got.status, 200, "{got:?}");
        assert_eq!(got.body["member"]["profile"]["nickname"], "Pia Public");
        assert!(got.body["member"].get("loginEmail").is_none());
        let r =
            base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(r#"{"fieldsets":["FULL"]}"#);
        let listed = app
            .get(&format!("{MEMBERS}?.r={r}"), &[("authorization", auth)])
            .await;
        assert_eq!(nicknames(&listed), ["Pia Public"]);
    }
    for hidden in [&pending.id, &private.id] {
        let got = app
            .get(
                &format!("{MEMBERS}/{hidden}"),
                &[("authorization", &visitor)],
            )
            .await;
        assert_eq!(
            (got.status, got.code()),
            (404, "MEMBER_NOT_FOUND"),
            "as unknown as a missing id"
        );
    }
    let unknown = app
        .get(
            &format!("{MEMBERS}/00000000-0000-4000-8000-000000000000"),
            &[("authorization", &visitor)],
        )
        .await;
    assert_eq!(unknown.status, 404);

    // The member itself, and the site, see it in full.
    let me = app
        .get(
            &format!("{MEMBERS}/{}?fieldsets=FULL", private.id),
            &[("authorization", &member)],
        )
        .await;
    assert_eq!(
        me.body["member"]["loginEmail"],
        private.email.to_lowercase()
    );
    let site = app
        .get(
            &format!("{MEMBERS}/{}?fieldsets=FULL", pending.id),
            &[("authorization", &app.api_key)],
        )
        .await;
    assert_eq!(site.body["member"]["status"], "PENDING");
    let public_only = app
        .get(
            &format!("{MEMBERS}/{}", pending.id),
            &[("authorization", &app.api_key)],
        )
        .await;
    assert!(
        public_only.body["member"].get("loginEmail").is_none(),
        "PUBLIC unless FULL is asked"
    );

    // Without a token, or with a forged one: 401.
    assert_eq!(query(&app, None, json!({})).await.status, 401);
    assert_eq!(
        query(&app, Some("forged.token.here"), json!({}))
            .await
            .status,
        401
    );
    assert_eq!(
        app.get(&format!("{MEMBERS}/{}", public.id), &[])
            .await
            .status,
        401
    );
}

/// How many members each status has, as a page's total says (limit 0: the totals
/// come from the partitions' counts, not from a walk).
async fn totals(app: &TestApp) -> Vec<u64> {
    let mut totals = Vec::new();
    for status in ["PENDING", "APPROVED", "BLOCKED", "OFFLINE"] {
        let page = query(
            app,
            Some(&app.api_key),
            json!({ "filter": { "status": status }, "paging": { "limit": 0 } }),
        )
        .await;
        totals.push(page.body["metadata"]["total"].as_u64().unwrap());
    }
    totals
}

#[tokio::test]
async fn totals_follow_every_move_between_partitions() {
    let app = TestApp::with_own_table(&[("APPROVAL_MODE", "manual")]).await;
    let ann = register(&app, "Ann", "Ash", false).await;
    let ben = register(&app, "Ben", "Birch", true).await;
    let cat = register(&app, "Cat", "Cedar", false).await;
    assert_eq!(totals(&app).await, [3, 0, 0, 0]);
    app.dynamodb_calls.take();
    approve(&app, &ann.id).await;
    assert_eq!(
        app.dynamodb_calls.take(),
        2,
        "the member read, then one transaction: the member and both partitions' counts"
    );
    approve(&app, &ben.id).await;
    approve(&app, &ben.id).await; // again: no move
    assert_eq!(totals(&app).await, [1, 2, 0, 0]);

    // Joining the community moves a member to the public partition.
    let token = app.access_token(&ann.email, PASSWORD).await;
    let joined = call(
        &app,
        "POST",
        &format!("{MEMBERS}/join-community"),
        Some(&token),
        Some(json!({})),
    )
    .await;
    assert_eq!(joined.status, 200, "{joined:?}");
    let public = query(
        &app,
        Some(&app.api_key),
        json!({ "filter": { "status": "APPROVED", "privacyStatus": "PUBLIC" }, "paging": { "limit": 0 } }),
    )
    .await;
    assert_eq!(public.body["metadata"]["total"], 2);

    let key = app.api_key.clone();
    let blocked = call(
        &app,
        "POST",
        &format!("{MEMBERS}/{}/block", ben.id),
        Some(&key),
        Some(json!({})),
    )
    .await;
    assert_eq!(blocked.status, 200);
    let gone = call(
        &app,
        "POST",
        &format!("{MEMBERS}/{}/disconnect", cat.id),
        Some(&key),
        Some(json!({})),
    )
    .await;
    assert_eq!(gone.status, 200);
    assert_eq!(totals(&app).await, [0, 1, 1, 1]);
    let deleted = call(
        &app,
        "DELETE",
        &format!("{MEMBERS}/{}", ben.id),
        Some(&key),
        None,
    )
    .await;
    assert_eq!(deleted.status, 200);
    assert_eq!(totals(&app).await, [0, 1, 0, 1]);
    let everyone = query(&app, Some(&key), json!({ "paging": { "limit": 0 } })).await;
    assert_eq!(everyone.body["metadata"]["total"], 2);
}
