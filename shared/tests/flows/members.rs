//! The `@wix/members` flows on the in-memory store: a member's own account, erasure,
//! the directory, and the site's management (create, mute, disconnect, bulk jobs).

use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use members_auth::{
    App,
    app::InMemory,
    domain::{
        Member, MemberStatus,
        member::{ContactInfo, PrivacyStatus},
        member_patch::{ContactList, ContactPatch, MemberPatch, ProfilePatch},
        member_query::MemberQuery,
    },
    error::ApiError,
    flows::{
        bulk::{self, JobAction},
        create, directory, erasure, moderation, oauth, profile, register,
    },
    store::MemberStore,
};
use serde_json::json;
use sha2::Digest;

use crate::{CLIENT_ID, REDIRECT_URI, app, email, new_password};

const VERIFIER: &str = "a-verifier-of-forty-three-characters-or-more-00";

/// A registered member (approved when approval is automatic), and, when approved, a
/// member access token of its own.
async fn member(app: &App<InMemory>, privacy: PrivacyStatus) -> (Member, Option<String>) {
    let registered = register::register(
        app,
        register::Registration {
            email: email(),
            password: new_password(),
            contact: ContactInfo::default(),
            privacy_status: privacy,
        },
    )
    .await
    .unwrap();
    let Some(session_token) = registered.session_token else {
        return (registered.member, None);
    };
    let challenge = URL_SAFE_NO_PAD.encode(sha2::Sha256::digest(VERIFIER.as_bytes()));
    let code = oauth::issue_code(app, CLIENT_ID, REDIRECT_URI, &challenge, &session_token)
        .await
        .unwrap();
    let tokens = oauth::exchange_code(app, CLIENT_ID, &code, VERIFIER, Some(REDIRECT_URI))
        .await
        .unwrap();
    (registered.member, Some(tokens.access_token))
}

fn nickname(name: &str) -> MemberPatch {
    MemberPatch {
        profile: Some(ProfilePatch {
            nickname: Some(name.into()),
            photo: None,
        }),
        contact: Some(ContactPatch {
            phones: Some(vec!["+1 555 0100".into()]),
            ..Default::default()
        }),
        privacy_status: None,
    }
}

#[tokio::test]
async fn a_member_edits_its_own_account_and_no_one_elses() {
    let app = app(&[]);
    let (me, token) = member(&app, PrivacyStatus::Private).await;
    let token = token.unwrap();
    let (other, _) = member(&app, PrivacyStatus::Private).await;

    let updated = profile::update(&app, &token, &me.id, nickname("Ada"))
        .await
        .unwrap();
    assert_eq!(updated.profile.nickname, "Ada");
    assert!(matches!(
        profile::update(&app, &token, &other.id, nickname("Eve")).await,
        Err(ApiError::Forbidden)
    ));
    assert!(matches!(
        profile::update(&app, "not-a-token", &me.id, nickname("Eve")).await,
        Err(ApiError::Unauthenticated)
    ));

    let cleared = profile::clear(&app, &token, &me.id, ContactList::Phones)
        .await
        .unwrap();
    assert!(cleared.contact_details.phones.is_empty());
    let public = profile::set_privacy(&app, &token, PrivacyStatus::Public)
        .await
        .unwrap();
    assert_eq!(public.privacy_status, PrivacyStatus::Public);

    let slugged = profile::set_slug(&app, &token, "ada-lovelace")
        .await
        .unwrap();
    assert_eq!(slugged.profile.slug, "ada-lovelace");
    // Slugs are the site's: another member cannot take this one.
    assert!(matches!(
        profile::set_slug_of(&app, &other.id, "ada-lovelace").await,
        Err(ApiError::SlugTaken)
    ));
}

#[tokio::test]
async fn erasure_ends_every_token_and_frees_the_email() {
    let app = app(&[]);
    let (me, token) = member(&app, PrivacyStatus::Private).await;
    let token = token.unwrap();

    erasure::delete_my_member(&app, &token).await.unwrap();
    assert!(matches!(
        oauth::current_member(&app, &token).await,
        Err(ApiError::Unauthenticated)
    ));
    assert!(app.store.member(&me.id).await.unwrap().is_none());
    assert!(matches!(
        erasure::delete_member(&app, &me.id).await,
        Err(ApiError::MemberNotFound)
    ));
    // The email registers again, as a new member.
    let again = register::register(
        &app,
        register::Registration {
            email: me.login_email.clone(),
            password: new_password(),
            contact: ContactInfo::default(),
            privacy_status: PrivacyStatus::Private,
        },
    )
    .await
    .unwrap();
    assert_ne!(again.member.id, me.id);
}

#[tokio::test]
async fn visitors_see_public_approved_members_and_the_site_sees_everyone() {
    let app = app(&[]);
    let (public, _) = member(&app, PrivacyStatus::Public).await;
    let (private, _) = member(&app, PrivacyStatus::Private).await;
    let everyone = || MemberQuery::from_query(&json!({ "paging": { "limit": 100 } })).unwrap();

    assert!(matches!(
        directory::viewer(&app, false, None).await,
        Err(ApiError::Unauthenticated)
    ));
    let visitor_token = oauth::visitor_tokens(&app, CLIENT_ID)
        .await
        .unwrap()
        .access_token;
    let visitor = directory::viewer(&app, false, Some(&visitor_token))
        .await
        .unwrap();
    let (page, _) = directory::query(&app, &visitor, everyone()).await.unwrap();
    let ids: Vec<&str> = page.members.iter().map(|m| m.id.as_str()).collect();
    assert!(ids.contains(&public.id.as_str()));
    assert!(!ids.contains(&private.id.as_str()));
    assert!(
        directory::get_member(&app, &visitor, &private.id)
            .await
            .is_err()
    );

    let site = directory::viewer(&app, true, None).await.unwrap();
    let (page, full) = directory::query(&app, &site, everyone()).await.unwrap();
    assert!(full, "the site reads every field");
    assert_eq!(page.total, 2);
    let (found, _) = directory::get_member(&app, &site, &private.id)
        .await
        .unwrap();
    assert_eq!(found.id, private.id);
}

#[tokio::test]
async fn the_site_creates_mutes_and_disconnects_members() {
    let app = app(&[]);
    let address = email();
    let created = create::create_member(&app, Some(address.as_str()), nickname("Grace"))
        .await
        .unwrap();
    assert_eq!(created.status, MemberStatus::Approved);
    assert!(matches!(
        create::create_member(&app, Some(address.as_str()), MemberPatch::default()).await,
        Err(ApiError::EmailTaken)
    ));

    assert!(
        moderation::set_muted(&app, &created.id, true)
            .await
            .unwrap()
            .muted
    );
    assert!(
        !moderation::set_muted(&app, &created.id, false)
            .await
            .unwrap()
            .muted
    );

    let gone = moderation::disconnect(&app, &created.id).await.unwrap();
    assert_eq!(gone.status, MemberStatus::Offline);
    // Its login email is released: someone may register it again.
    create::create_member(&app, Some(address.as_str()), MemberPatch::default())
        .await
        .unwrap();
}

#[tokio::test]
async fn bulk_deletes_answer_per_id_and_filter_jobs_act_on_what_matches() {
    let app = app(&[("APPROVAL_MODE", "manual")]);
    let mut pending = Vec::new();
    for _ in 0..3 {
        pending.push(member(&app, PrivacyStatus::Private).await.0);
    }

    let job = bulk::run_job(
        &app,
        JobAction::Approve,
        MemberQuery::from_query(&json!({ "filter": { "status": "PENDING" } })).unwrap(),
    )
    .await
    .unwrap();
    assert_eq!((job.done, job.failed), (3, 0));
    for m in &pending {
        let now = app.store.member(&m.id).await.unwrap().unwrap();
        assert_eq!(now.status, MemberStatus::Approved);
    }

    let results = bulk::delete_members(&app, vec![pending[0].id.clone(), "nobody".into()])
        .await
        .unwrap();
    assert_eq!(results.len(), 2);
    assert!(results[0].error.is_none());
    assert!(matches!(results[1].error, Some(ApiError::MemberNotFound)));
    assert!(app.store.member(&pending[0].id).await.unwrap().is_none());
}
