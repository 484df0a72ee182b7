//! What a page of members costs: seeds a table of its own in the local DynamoDB with
//! `MEMBERS` members (10,000 by default; 20 % pending, 10 % blocked, 30 % public), then
//! runs the owner's common queries through the real flow and prints, per query, the
//! DynamoDB calls and the items (or index entries) they read, as JSON for
//! `bench/directory.py`. Run by `make bench-directory` (and `make bench`).

use std::time::Instant;

use integration_tests::{TestApp, moto_aws_loader};
use members_auth::{
    domain::{
        Email, Member, MemberStatus,
        member::{ContactInfo, PrivacyStatus},
        member_query::MemberQuery,
    },
    flows::directory::{Viewer, query},
    store::DynamoStore,
};
use serde_json::{Value, json};

const FIRST: [&str; 8] = [
    "Ada", "Alan", "Grace", "Edsger", "Barbara", "Donald", "Frances", "John",
];
const LAST: [&str; 8] = [
    "Lovelace", "Turing", "Hopper", "Dijkstra", "Liskov", "Knuth", "Allen", "Backus",
];

fn seeded(i: usize) -> Member {
    let status = match i % 10 {
        0 | 1 => MemberStatus::Pending,
        2 => MemberStatus::Blocked,
        _ => MemberStatus::Approved,
    };
    let privacy = if (i / 10) % 10 < 3 {
        PrivacyStatus::Public
    } else {
        PrivacyStatus::Private
    };
    let contact = ContactInfo {
        first_name: Some(format!("{}{}", FIRST[i % 8], i / 64)),
        last_name: Some(LAST[(i / 8) % 8].to_string()),
        ..ContactInfo::default()
    };
    let created = format!(
        "2026-{:02}-{:02}T{:02}:{:02}:{:02}.000Z",
        1 + i % 12,
        1 + (i / 12) % 28,
        (i / 336) % 24,
        (i / 8064) % 60,
        i % 60
    );
    let email = Email::parse(&format!("seeded.{i}@example.com")).expect("an email");
    Member::new(email, status, privacy, contact, &created)
}

async fn seed(app: &TestApp, count: usize) -> Result<Vec<Member>, Box<dyn std::error::Error>> {
    use aws_sdk_dynamodb::types::{PutRequest, WriteRequest};
    let client = aws_sdk_dynamodb::Client::new(&moto_aws_loader().load().await);
    let members: Vec<Member> = (0..count).map(seeded).collect();
    let mut requests = Vec::new();
    for item in DynamoStore::seed_items(&members, "seeded-hash")? {
        requests.push(
            WriteRequest::builder()
                .put_request(PutRequest::builder().set_item(Some(item)).build()?)
                .build(),
        );
    }
    for batch in requests.chunks(25) {
        let mut pending = batch.to_vec();
        while !pending.is_empty() {
            let out = client
                .batch_write_item()
                .request_items(&app.app.config.table, pending)
                .send()
                .await?;
            pending = out
                .unprocessed_items
                .and_then(|mut u| u.remove(&app.app.config.table))
                .unwrap_or_default();
        }
    }
    Ok(members)
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let count: usize = std::env::var("MEMBERS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(10_000);
    let app = TestApp::with_own_table(&[]).await;
    let started = Instant::now();
    let members = seed(&app, count).await?;
    let seed_seconds = started.elapsed().as_secs_f64();
    let someone = &members[count / 2];
    let pending = members
        .iter()
        .filter(|m| m.status == MemberStatus::Pending)
        .count();

    let cases: Vec<(&str, Viewer, Value)> = vec![
        (
            "pending members, newest first, first page of 50",
            Viewer::Site,
            json!({ "filter": { "status": "PENDING" }, "sort": [{ "fieldName": "createdDate", "order": "DESC" }], "paging": { "limit": 50 } }),
        ),
        (
            "pending members, newest first, page 10 (offset 450)",
            Viewer::Site,
            json!({ "filter": { "status": "PENDING" }, "sort": [{ "fieldName": "createdDate", "order": "DESC" }], "paging": { "limit": 50, "offset": 450 } }),
        ),
        (
            "by login email",
            Viewer::Site,
            json!({ "filter": { "loginEmail": someone.login_email.as_str() } }),
        ),
        (
            "by slug",
            Viewer::Site,
            json!({ "filter": { "profile.slug": someone.profile.slug } }),
        ),
        (
            "every member, newest first, page of 100",
            Viewer::Site,
            json!({ "paging": { "limit": 100 } }),
        ),
        (
            "last name = Hopper, page of 50",
            Viewer::Site,
            json!({ "filter": { "contact.lastName": "Hopper" }, "paging": { "limit": 50 } }),
        ),
        (
            "public directory (a visitor), by nickname, page of 50",
            Viewer::Visitor,
            json!({ "sort": [{ "fieldName": "profile.nickname", "order": "ASC" }], "paging": { "limit": 50 } }),
        ),
    ];
    let mut results = Vec::new();
    for (name, viewer, request) in cases {
        let parsed = MemberQuery::from_query(&request)?;
        app.dynamodb_calls.take();
        app.dynamodb_calls.take_items_read();
        let started = Instant::now();
        let (page, _) = query(&app.app, &viewer, parsed).await?;
        let ms = started.elapsed().as_secs_f64() * 1000.0;
        results.push(json!({
            "query": name,
            "request": request,
            "returned": page.members.len(),
            "total": page.total,
            "dynamodb_calls": app.dynamodb_calls.take(),
            "items_read": app.dynamodb_calls.take_items_read(),
            "moto_ms": (ms * 10.0).round() / 10.0,
        }));
    }
    println!(
        "{}",
        serde_json::to_string_pretty(&json!({
            "members": count,
            "pending": pending,
            "seed_seconds": (seed_seconds * 10.0).round() / 10.0,
            "queries": results,
        }))?
    );
    Ok(())
}
