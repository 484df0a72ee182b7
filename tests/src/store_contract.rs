//! The store contract: what every store must answer, run against the DynamoDB store
//! on the local stand-in (`tests/api/store_contract.rs`) and against the in-memory
//! store (below), so the two cannot drift. Every case uses fresh ids and emails, so
//! stores may be shared with other tests.

// A contract failure names its case; panicking is how it reports.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use members_auth::{
    domain::{
        Email, Member, MemberStatus,
        member::{ContactInfo, PrivacyStatus},
        member_query::{Facet, Listing, MemberPage, NameMatch, Order, Sort, SortField, Unique},
    },
    store::{
        AccountBudget, Attempt, AttemptRule, AuthCode, BrowserSession, LoginCounters, LoginFailure,
        LoginGate, LogoutRequest, NewRecord, RateCounter, Recovery, Redemption, RefreshRecord,
        Session, StatusChange, Store, StoreError, Verification,
    },
};

use crate::random_email;

const NOW: &str = "2026-12-01T12:00:00.000Z";
const LATER: &str = "2026-12-01T13:00:00.000Z";

fn id() -> String {
    uuid::Uuid::new_v4().to_string()
}

fn email() -> Email {
    Email::parse(&random_email()).unwrap()
}

fn member(status: MemberStatus) -> Member {
    Member::new(
        email(),
        status,
        PrivacyStatus::Private,
        ContactInfo::default(),
        NOW,
    )
}

async fn registered<S: Store>(store: &S, status: MemberStatus) -> Member {
    let member = member(status);
    store.create_member(&member, "hash-1", &[]).await.unwrap();
    member
}

/// Every case, in turn, against `store`.
pub async fn run<S: Store>(store: &S) {
    a_member_reads_back_as_created(store).await;
    an_email_is_claimed_once_and_a_failed_registration_writes_nothing(store).await;
    logins_are_stamped_only_on_approved_verified_members(store).await;
    status_changes_are_conditional(store).await;
    email_verification_and_passwords(store).await;
    login_email_changes_are_all_or_nothing(store).await;
    single_use_records_are_taken_once(store).await;
    verification_attempts_are_counted_and_capped(store).await;
    authorization_codes_are_redeemed_once(store).await;
    sessions_open_once_and_revoke_before_opening(store).await;
    browser_sessions_are_created_once_read_and_ended(store).await;
    slugs_are_claimed_by_one_member_at_a_time(store).await;
    erasure_takes_the_member_and_what_names_it(store).await;
    the_directory_walks_the_asked_partitions_in_order(store).await;
    the_directory_follows_status_privacy_and_profile_changes(store).await;
    the_directory_finds_members_by_unique_fields(store).await;
    login_counters_count_restart_and_clear(store).await;
    parallel_attempts_stop_at_the_lock_threshold(store).await;
    the_account_budget_is_shared_by_every_source(store).await;
    rates_stop_at_their_limit(store).await;
}

/// Members of this case alone: nicknames under a fresh prefix, which a name filter
/// selects from whatever else the store holds.
async fn named<S: Store>(
    store: &S,
    prefix: &str,
    names: &[(&str, MemberStatus, PrivacyStatus)],
) -> Vec<Member> {
    let mut made = Vec::new();
    for (i, (name, status, privacy)) in names.iter().enumerate() {
        let mut m = member(*status);
        m.profile.nickname = format!("{prefix}{name}");
        m.privacy_status = *privacy;
        // Distinct creation times, in the order given.
        m.created_date = format!("2026-12-01T12:00:0{i}.000Z");
        store.create_member(&m, "hash-1", &[]).await.unwrap();
        made.push(m);
    }
    made
}

fn listing(prefix: &str, facets: Vec<Facet>, sort: SortField, order: Order) -> Listing {
    Listing {
        facets,
        sort: Sort { field: sort, order },
        name: Some(NameMatch::Prefix(prefix.to_string())),
        offset: 0,
        limit: 100,
    }
}

fn every_facet() -> Vec<Facet> {
    let mut facets = Vec::new();
    for status in [
        MemberStatus::Approved,
        MemberStatus::Pending,
        MemberStatus::Blocked,
    ] {
        for privacy in [PrivacyStatus::Public, PrivacyStatus::Private] {
            facets.push(Facet { status, privacy });
        }
    }
    facets
}

fn nicknames(page: &MemberPage, prefix: &str) -> Vec<String> {
    page.members
        .iter()
        .map(|m| m.profile.nickname.trim_start_matches(prefix).to_string())
        .collect()
}

async fn the_directory_walks_the_asked_partitions_in_order<S: Store>(store: &S) {
    let prefix = format!("dir-{}-", &id()[..8]);
    use MemberStatus::{Approved, Blocked, Pending};
    use PrivacyStatus::{Private, Public};
    named(
        store,
        &prefix,
        &[
            ("c", Approved, Public),
            ("a", Pending, Private),
            ("b", Approved, Private),
            ("ab", Blocked, Public),
        ],
    )
    .await;
    let all = every_facet();
    let page = store
        .list_members(&listing(
            &prefix,
            all.clone(),
            SortField::Nickname,
            Order::Ascending,
        ))
        .await
        .unwrap();
    assert_eq!(nicknames(&page, &prefix), ["a", "ab", "b", "c"]);
    assert_eq!(page.total, 4);

    let mut paged = listing(&prefix, all.clone(), SortField::Nickname, Order::Descending);
    (paged.offset, paged.limit) = (1, 2);
    let page = store.list_members(&paged).await.unwrap();
    assert_eq!(nicknames(&page, &prefix), ["b", "ab"]);
    assert_eq!(page.total, 4, "the total counts past the page");

    let approved = vec![
        Facet {
            status: Approved,
            privacy: Public,
        },
        Facet {
            status: Approved,
            privacy: Private,
        },
    ];
    let page = store
        .list_members(&listing(
            &prefix,
            approved,
            SortField::Nickname,
            Order::Ascending,
        ))
        .await
        .unwrap();
    assert_eq!(nicknames(&page, &prefix), ["b", "c"]);

    let mut exact = listing(&prefix, all, SortField::Nickname, Order::Ascending);
    exact.name = Some(NameMatch::Exact(format!("{prefix}a")));
    let page = store.list_members(&exact).await.unwrap();
    assert_eq!(
        nicknames(&page, &prefix),
        ["a"],
        "an exact name is not a prefix"
    );
}

async fn the_directory_follows_status_privacy_and_profile_changes<S: Store>(store: &S) {
    let prefix = format!("dir-{}-", &id()[..8]);
    let made = named(
        store,
        &prefix,
        &[
            ("x", MemberStatus::Pending, PrivacyStatus::Public),
            ("y", MemberStatus::Approved, PrivacyStatus::Private),
        ],
    )
    .await;
    let public_approved = || {
        listing(
            &prefix,
            vec![Facet {
                status: MemberStatus::Approved,
                privacy: PrivacyStatus::Public,
            }],
            SortField::Nickname,
            Order::Ascending,
        )
    };
    assert!(
        store
            .list_members(&public_approved())
            .await
            .unwrap()
            .members
            .is_empty()
    );

    // A public member's status change keeps its privacy.
    let approve = StatusChange {
        to: MemberStatus::Approved,
        only_from: &[MemberStatus::Pending],
        revoke_tokens: false,
        now: LATER,
    };
    let approved = store
        .update_member_status(&made[0].id, approve)
        .await
        .unwrap();
    assert_eq!(approved.privacy_status, PrivacyStatus::Public);
    // A profile change moves a member between partitions and names.
    let mut joined = made[1].clone();
    joined.privacy_status = PrivacyStatus::Public;
    joined.profile.nickname = format!("{prefix}w");
    store.save_profile(&made[1], &joined, LATER).await.unwrap();
    let page = store.list_members(&public_approved()).await.unwrap();
    assert_eq!(nicknames(&page, &prefix), ["w", "x"]);
}

async fn the_directory_finds_members_by_unique_fields<S: Store>(store: &S) {
    let a = registered(store, MemberStatus::Approved).await;
    let b = registered(store, MemberStatus::Pending).await;
    let ids = |found: Vec<Member>| {
        let mut ids: Vec<String> = found.into_iter().map(|m| m.id).collect();
        ids.sort();
        ids
    };
    let mut both = vec![a.id.clone(), b.id.clone()];
    both.sort();
    let by_id = store
        .members_by(Unique::Id, &[a.id.clone(), b.id.clone(), id()])
        .await
        .unwrap();
    assert_eq!(ids(by_id), both);
    let by_email = store
        .members_by(Unique::LoginEmail, &[b.login_email.as_str().to_uppercase()])
        .await
        .unwrap();
    assert_eq!(ids(by_email), vec![b.id.clone()]);
    let by_slug = store
        .members_by(Unique::Slug, std::slice::from_ref(&a.profile.slug))
        .await
        .unwrap();
    assert_eq!(ids(by_slug), vec![a.id.clone()]);
    let by_contact = store
        .members_by(Unique::ContactId, &[b.contact_id.clone(), id()])
        .await
        .unwrap();
    assert_eq!(ids(by_contact), vec![b.id.clone()]);
}

async fn a_member_reads_back_as_created<S: Store>(store: &S) {
    let member = registered(store, MemberStatus::Approved).await;
    assert_eq!(
        store.member(&member.id).await.unwrap(),
        Some(member.clone())
    );
    let credentials = store
        .credentials(&member.login_email)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(credentials.member_id, member.id);
    assert_eq!(credentials.password_hash, "hash-1");
    assert!(store.member(&id()).await.unwrap().is_none());
    assert!(store.credentials(&email()).await.unwrap().is_none());
}

async fn an_email_is_claimed_once_and_a_failed_registration_writes_nothing<S: Store>(store: &S) {
    let first = registered(store, MemberStatus::Approved).await;
    let mut second = member(MemberStatus::Pending);
    second.login_email = first.login_email.clone();
    let approval = NewRecord::Approval {
        token_hash: id(),
        member_id: second.id.clone(),
        expires_at: 10,
    };
    let token_hash = match &approval {
        NewRecord::Approval { token_hash, .. } => token_hash.clone(),
        NewRecord::Verification(_) => unreachable!(),
    };
    let result = store.create_member(&second, "hash-2", &[approval]).await;
    assert!(
        matches!(result, Err(StoreError::EmailTaken(_))),
        "{result:?}"
    );
    assert!(store.member(&second.id).await.unwrap().is_none());
    assert!(store.take_approval(&token_hash).await.unwrap().is_none());
    let kept = store
        .credentials(&first.login_email)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (kept.member_id, kept.password_hash),
        (first.id, "hash-1".into())
    );
}

async fn logins_are_stamped_only_on_approved_verified_members<S: Store>(store: &S) {
    let approved = registered(store, MemberStatus::Approved).await;
    let stamped = store.record_login(&approved.id, LATER).await.unwrap();
    assert_eq!(stamped.last_login_date.as_deref(), Some(LATER));

    let pending = registered(store, MemberStatus::Pending).await;
    match store.record_login(&pending.id, LATER).await {
        Err(StoreError::StateMismatch(Some(found))) => {
            assert_eq!(found.status, MemberStatus::Pending);
            assert_eq!(found.last_login_date, None);
        }
        other => panic!("pending login: {other:?}"),
    }

    let mut unverified = member(MemberStatus::Approved);
    unverified.email_verified = false;
    store.create_member(&unverified, "h", &[]).await.unwrap();
    assert!(matches!(
        store.record_login(&unverified.id, LATER).await,
        Err(StoreError::StateMismatch(Some(_)))
    ));
    assert!(matches!(
        store.record_login(&id(), LATER).await,
        Err(StoreError::NotFound)
    ));
}

async fn status_changes_are_conditional<S: Store>(store: &S) {
    let pending = registered(store, MemberStatus::Pending).await;
    let block = StatusChange {
        to: MemberStatus::Blocked,
        only_from: &[],
        revoke_tokens: true,
        now: LATER,
    };
    let blocked = store
        .update_member_status(&pending.id, block)
        .await
        .unwrap();
    assert_eq!(blocked.status, MemberStatus::Blocked);
    assert_eq!(blocked.token_version, pending.token_version + 1);
    assert_eq!(blocked.updated_date, LATER);

    let approve_pending = || StatusChange {
        to: MemberStatus::Approved,
        only_from: &[MemberStatus::Pending],
        revoke_tokens: false,
        now: LATER,
    };
    match store
        .update_member_status(&pending.id, approve_pending())
        .await
    {
        Err(StoreError::StateMismatch(Some(found))) => {
            assert_eq!(found.status, MemberStatus::Blocked)
        }
        other => panic!("approve a blocked member: {other:?}"),
    }
    let stored = store.member(&pending.id).await.unwrap().unwrap();
    assert_eq!(
        stored.status,
        MemberStatus::Blocked,
        "a failed change changes nothing"
    );
    assert!(matches!(
        store.update_member_status(&id(), approve_pending()).await,
        Err(StoreError::NotFound)
    ));
}

async fn email_verification_and_passwords<S: Store>(store: &S) {
    let mut unverified = member(MemberStatus::Approved);
    unverified.email_verified = false;
    store.create_member(&unverified, "h", &[]).await.unwrap();
    let verified = store
        .mark_email_verified(&unverified.id, LATER)
        .await
        .unwrap();
    assert!(verified.email_verified);
    assert!(matches!(
        store.mark_email_verified(&id(), LATER).await,
        Err(StoreError::NotFound)
    ));

    store
        .set_password(&verified, "hash-new", LATER)
        .await
        .unwrap();
    let credentials = store
        .credentials(&verified.login_email)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(credentials.password_hash, "hash-new");
    let stored = store.member(&verified.id).await.unwrap().unwrap();
    assert_eq!(stored.token_version, verified.token_version + 1);
}

async fn login_email_changes_are_all_or_nothing<S: Store>(store: &S) {
    let moving = registered(store, MemberStatus::Approved).await;
    let other = registered(store, MemberStatus::Approved).await;
    let taken = store
        .change_login_email(&moving, &other.login_email, LATER)
        .await;
    assert!(matches!(taken, Err(StoreError::EmailTaken(_))), "{taken:?}");
    assert_eq!(
        store.member(&moving.id).await.unwrap(),
        Some(moving.clone())
    );
    let still = store
        .credentials(&moving.login_email)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(still.member_id, moving.id);

    let new_email = email();
    store
        .change_login_email(&moving, &new_email, LATER)
        .await
        .unwrap();
    assert!(
        store
            .credentials(&moving.login_email)
            .await
            .unwrap()
            .is_none()
    );
    let claim = store.credentials(&new_email).await.unwrap().unwrap();
    assert_eq!(
        (claim.member_id, claim.password_hash),
        (moving.id.clone(), "hash-1".into())
    );
    let moved = store.member(&moving.id).await.unwrap().unwrap();
    assert_eq!(moved.login_email, new_email);
    assert_eq!(moved.token_version, moving.token_version + 1);

    let gone = member(MemberStatus::Approved);
    assert!(matches!(
        store.change_login_email(&gone, &email(), LATER).await,
        Err(StoreError::NotFound)
    ));
}

async fn single_use_records_are_taken_once<S: Store>(store: &S) {
    let hash = id();
    store.put_approval(&hash, "m-1", 42).await.unwrap();
    assert!(
        store.put_approval(&hash, "m-2", 43).await.is_err(),
        "no overwrite"
    );
    let taken = store.take_approval(&hash).await.unwrap().unwrap();
    assert_eq!((taken.member_id.as_str(), taken.expires_at), ("m-1", 42));
    assert!(store.take_approval(&hash).await.unwrap().is_none());

    let recovery = Recovery {
        token_hash: id(),
        member_id: "m-1".into(),
        redirect_url: Some("https://site.example/after".into()),
        client_id: None,
        expires_at: 99,
    };
    store.put_recovery(&recovery).await.unwrap();
    let taken = store
        .take_recovery(&recovery.token_hash)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(taken.redirect_url, recovery.redirect_url);
    assert_eq!(taken.client_id, None);
    assert!(
        store
            .take_recovery(&recovery.token_hash)
            .await
            .unwrap()
            .is_none()
    );

    // A taken email's registration: the owner's link and a decoy code, in one write.
    let link = Recovery {
        token_hash: id(),
        member_id: "m-1".into(),
        redirect_url: None,
        client_id: None,
        expires_at: 99,
    };
    let decoy = Verification {
        id: id(),
        member_id: None,
        code_hash: "unsent".into(),
        attempts: 0,
        expires_at: 99,
    };
    store
        .put_recovery_beside_decoy(&link, &decoy)
        .await
        .unwrap();
    let found = store
        .attempt_verification(&decoy.id, 5)
        .await
        .unwrap()
        .unwrap();
    assert_eq!((found.member_id, found.attempts), (None, 1));
    let taken = store
        .take_recovery(&link.token_hash)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(taken.member_id, "m-1");
    let named = Verification {
        member_id: Some("m-1".into()),
        ..decoy.clone()
    };
    assert!(
        store
            .put_recovery_beside_decoy(&link, &named)
            .await
            .is_err(),
        "a decoy names no member"
    );

    let logout = LogoutRequest {
        id: id(),
        session_id: None,
        client_id: "c".into(),
        post_flow_url: "https://site.example/out".into(),
        expires_at: 7,
    };
    store.put_logout(&logout).await.unwrap();
    let taken = store.take_logout(&logout.id).await.unwrap().unwrap();
    assert_eq!((taken.session_id, taken.expires_at), (None, 7));
    assert!(store.take_logout(&logout.id).await.unwrap().is_none());

    let refresh = RefreshRecord {
        token_hash: id(),
        subject: "visitor".into(),
        session_id: None,
        token_version: None,
        client_id: "c".into(),
        expires_at: 5,
    };
    store.put_refresh(&refresh).await.unwrap();
    assert!(store.put_refresh(&refresh).await.is_err(), "no overwrite");
    let read = store.refresh(&refresh.token_hash).await.unwrap().unwrap();
    assert_eq!(
        (read.subject.as_str(), read.token_version),
        ("visitor", None)
    );
    assert!(store.refresh(&id()).await.unwrap().is_none());
}

async fn verification_attempts_are_counted_and_capped<S: Store>(store: &S) {
    let verification = Verification {
        id: id(),
        member_id: None,
        code_hash: "code".into(),
        attempts: 0,
        expires_at: 600,
    };
    store.put_verification(&verification).await.unwrap();
    for attempt in 1..=3 {
        let seen = store
            .attempt_verification(&verification.id, 3)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(seen.attempts, attempt);
        assert_eq!(seen.member_id, None, "a decoy stays a decoy");
    }
    assert!(
        store
            .attempt_verification(&verification.id, 3)
            .await
            .unwrap()
            .is_none()
    );
    assert!(store.consume_verification(&verification.id).await.unwrap());
    assert!(!store.consume_verification(&verification.id).await.unwrap());
    assert!(
        store
            .attempt_verification(&id(), 3)
            .await
            .unwrap()
            .is_none()
    );

    // A registration's verification is created with the member, all at once.
    let member = member(MemberStatus::Approved);
    let with_member = Verification {
        id: id(),
        member_id: Some(member.id.clone()),
        ..verification
    };
    store
        .create_member(
            &member,
            "h",
            &[NewRecord::Verification(with_member.clone())],
        )
        .await
        .unwrap();
    let seen = store
        .attempt_verification(&with_member.id, 5)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(seen.member_id, Some(member.id));
}

async fn authorization_codes_are_redeemed_once<S: Store>(store: &S) {
    let code = AuthCode {
        code_hash: id(),
        member_id: "m-1".into(),
        client_id: "c".into(),
        redirect_uri: "https://site.example/callback".into(),
        code_challenge: "challenge".into(),
        session_id: id(),
        token_version: 3,
        expires_at: 600,
    };
    store.put_auth_code(&code).await.unwrap();
    match store.redeem_auth_code(&code.code_hash).await.unwrap() {
        Redemption::First(first) => assert_eq!(first.session_id, code.session_id),
        _ => panic!("the first redemption"),
    }
    match store.redeem_auth_code(&code.code_hash).await.unwrap() {
        Redemption::Reused(again) => assert_eq!(again.token_version, 3),
        _ => panic!("the second redemption"),
    }
    assert!(matches!(
        store.redeem_auth_code(&id()).await.unwrap(),
        Redemption::Unknown
    ));
}

fn session(member_id: &str) -> (Session, RefreshRecord) {
    let session = Session {
        id: id(),
        member_id: member_id.into(),
        client_id: "c".into(),
        revoked: false,
        expires_at: 1_000,
        token_version: None,
    };
    let refresh = RefreshRecord {
        token_hash: id(),
        subject: member_id.into(),
        session_id: Some(session.id.clone()),
        token_version: Some(0),
        client_id: "c".into(),
        expires_at: 1_000,
    };
    (session, refresh)
}

async fn sessions_open_once_and_revoke_before_opening<S: Store>(store: &S) {
    let member = registered(store, MemberStatus::Approved).await;
    let (open, refresh) = session(&member.id);
    store.create_session(&open, &refresh).await.unwrap();
    let (found_member, found_session) = store
        .member_and_session(&member.id, &open.id)
        .await
        .unwrap();
    assert_eq!(found_member, Some(member.clone()));
    let found_session = found_session.unwrap();
    assert!(!found_session.revoked);
    assert_eq!(found_session.member_id, member.id);

    let (_, another_refresh) = session(&member.id);
    assert!(matches!(
        store.create_session(&open, &another_refresh).await,
        Err(StoreError::StateMismatch(None))
    ));
    assert!(
        store
            .refresh(&another_refresh.token_hash)
            .await
            .unwrap()
            .is_none(),
        "a failed opening writes nothing"
    );

    store.revoke_session(&open.id).await.unwrap();
    let (_, revoked) = store
        .member_and_session(&member.id, &open.id)
        .await
        .unwrap();
    assert!(revoked.unwrap().revoked);

    // Revoked before it opened (a reused code): it can never open, nor be carried.
    let (early, early_refresh) = session(&member.id);
    store.revoke_session(&early.id).await.unwrap();
    assert!(!store.carry_session(&early.id, 1).await.unwrap());
    assert!(matches!(
        store.create_session(&early, &early_refresh).await,
        Err(StoreError::StateMismatch(None))
    ));
    let (nobody, none) = store.member_and_session(&id(), &id()).await.unwrap();
    assert!(nobody.is_none() && none.is_none());
}

async fn browser_sessions_are_created_once_read_and_ended<S: Store>(store: &S) {
    let browser = BrowserSession {
        token_hash: id(),
        member_id: "m-1".into(),
        token_version: 4,
        expires_at: 77,
    };
    store.put_browser_session(&browser).await.unwrap();
    assert!(
        store.put_browser_session(&browser).await.is_err(),
        "no overwrite"
    );
    assert_eq!(
        store.browser_session(&browser.token_hash).await.unwrap(),
        Some(browser.clone())
    );
    store
        .end_browser_session(&browser.token_hash)
        .await
        .unwrap();
    assert_eq!(
        store.browser_session(&browser.token_hash).await.unwrap(),
        None
    );
    store
        .end_browser_session(&browser.token_hash)
        .await
        .unwrap();
}

async fn slugs_are_claimed_by_one_member_at_a_time<S: Store>(store: &S) {
    let ada = registered(store, MemberStatus::Approved).await;
    let bob = registered(store, MemberStatus::Approved).await;
    assert!(
        matches!(
            store.claim_slug(&bob, &ada.profile.slug, LATER).await,
            Err(StoreError::SlugTaken)
        ),
        "a registration claims its slug"
    );
    let wanted = format!("ada-{}", id());
    let claimed = store.claim_slug(&ada, &wanted, LATER).await.unwrap();
    assert_eq!(claimed.profile.slug, wanted);
    assert_eq!(
        store.member(&ada.id).await.unwrap().unwrap().profile.slug,
        wanted
    );
    assert!(matches!(
        store.claim_slug(&bob, &wanted, LATER).await,
        Err(StoreError::SlugTaken)
    ));
    // The old slug is free again; a profile save does not move the slug back.
    let moved = store
        .claim_slug(&bob, &ada.profile.slug, LATER)
        .await
        .unwrap();
    let mut stale = bob.clone();
    stale.profile.nickname = "Bob".into();
    let saved = store.save_profile(&bob, &stale, LATER).await.unwrap();
    assert_eq!(saved.profile.slug, moved.profile.slug);
    assert_eq!(saved.profile.nickname, "Bob");
    assert_eq!(
        store.member(&bob.id).await.unwrap().unwrap().profile.slug,
        ada.profile.slug
    );
}

async fn erasure_takes_the_member_and_what_names_it<S: Store>(store: &S) {
    let member = registered(store, MemberStatus::Approved).await;
    let bystander = registered(store, MemberStatus::Approved).await;
    let (open, refresh) = session(&member.id);
    store.create_session(&open, &refresh).await.unwrap();
    let (theirs, their_refresh) = session(&bystander.id);
    store.create_session(&theirs, &their_refresh).await.unwrap();
    let recovery = Recovery {
        token_hash: id(),
        member_id: member.id.clone(),
        redirect_url: None,
        client_id: None,
        expires_at: 99,
    };
    store.put_recovery(&recovery).await.unwrap();
    let browser = BrowserSession {
        token_hash: id(),
        member_id: member.id.clone(),
        token_version: 0,
        expires_at: 77,
    };
    store.put_browser_session(&browser).await.unwrap();

    let erased = store.erase_member(&member).await.unwrap();
    assert!(
        erased >= 7,
        "member, email, slug, session, refresh, recovery, browser: {erased}"
    );
    assert!(store.member(&member.id).await.unwrap().is_none());
    assert!(
        store
            .credentials(&member.login_email)
            .await
            .unwrap()
            .is_none()
    );
    assert!(store.refresh(&refresh.token_hash).await.unwrap().is_none());
    assert!(
        store
            .take_recovery(&recovery.token_hash)
            .await
            .unwrap()
            .is_none()
    );
    assert!(
        store
            .browser_session(&browser.token_hash)
            .await
            .unwrap()
            .is_none()
    );
    let (_, gone) = store
        .member_and_session(&member.id, &open.id)
        .await
        .unwrap();
    assert!(gone.is_none());
    assert!(
        store
            .claim_slug(&bystander, &member.profile.slug, LATER)
            .await
            .is_ok(),
        "the slug is free"
    );
    // Nothing of the bystander went.
    assert!(
        store
            .refresh(&their_refresh.token_hash)
            .await
            .unwrap()
            .is_some()
    );
    assert!(matches!(
        store.erase_member(&member).await,
        Err(StoreError::NotFound)
    ));
    // The email registers again.
    let again = Member::new(
        member.login_email.clone(),
        MemberStatus::Approved,
        PrivacyStatus::Private,
        ContactInfo::default(),
        NOW,
    );
    store.create_member(&again, "hash-2", &[]).await.unwrap();
}

fn rule(now: u64) -> AttemptRule {
    AttemptRule {
        now,
        lock_after: 5,
        idle_before: now - 900,
        expires_at: now + 1_800,
        account_budget: None,
        account_expires_at: now + 900,
    }
}

async fn begin<S: Store>(store: &S, counters: &LoginCounters<'_>, now: u64) -> LoginGate {
    store.begin_login(None, counters, &rule(now)).await.unwrap()
}

fn counted(number: u64, stale: u64) -> Attempt {
    Attempt::Counted { number, stale }
}

async fn login_counters_count_restart_and_clear<S: Store>(store: &S) {
    let raw_email = random_email();
    let source = id();
    let counters = LoginCounters {
        raw_email: &raw_email,
        source: &source,
        window: 7,
    };
    let failed = |number, stale, locked_until| LoginFailure {
        number,
        stale,
        locked_until,
        source_expires_at: 8 * 900,
    };
    let gate = begin(store, &counters, 1_000).await;
    assert_eq!((gate.attempt, gate.source_failures), (counted(1, 0), 0));
    assert!(gate.credentials.is_none());
    store
        .record_login_failure(&counters, &failed(1, 0, 0))
        .await
        .unwrap();
    for number in 2..=4 {
        assert_eq!(
            begin(store, &counters, 1_000).await.attempt,
            counted(number, 0)
        );
        store
            .record_login_failure(&counters, &failed(number, 0, 0))
            .await
            .unwrap();
    }
    assert_eq!(begin(store, &counters, 1_000).await.attempt, counted(5, 0));
    // The fifth attempt holds the turn until its outcome is written.
    assert_eq!(
        begin(store, &counters, 1_000).await.attempt,
        Attempt::Refused {
            locked_until: 1_001
        }
    );
    store
        .record_login_failure(&counters, &failed(5, 0, 1_002))
        .await
        .unwrap();
    let gate = begin(store, &counters, 1_001).await;
    assert_eq!(
        gate.attempt,
        Attempt::Refused {
            locked_until: 1_002
        }
    );
    assert_eq!(gate.source_failures, 5);
    assert_eq!(begin(store, &counters, 1_002).await.attempt, counted(6, 0));
    // An attempt refused before its password was checked is taken back.
    store.release_attempt(&counters, 0).await.unwrap();
    assert_eq!(begin(store, &counters, 1_002).await.attempt, counted(6, 0));
    store
        .record_login_failure(&counters, &failed(6, 0, 1_004))
        .await
        .unwrap();

    // The email is normalised, so case and spaces do not open a new run; a run idle
    // for 15 minutes has ended: its attempts come off with the next one's outcome.
    let shouted = format!(" {} ", raw_email.to_uppercase());
    let same_account = LoginCounters {
        raw_email: &shouted,
        ..counters
    };
    assert_eq!(
        begin(store, &same_account, 3_000).await.attempt,
        counted(1, 6)
    );
    store
        .record_login_failure(&same_account, &failed(1, 6, 0))
        .await
        .unwrap();
    let gate = begin(store, &counters, 3_000).await;
    assert_eq!(gate.attempt, counted(2, 0), "a restart begins a new run");
    assert_eq!(gate.source_failures, 7, "the source counts on");
    store.release_attempt(&counters, 0).await.unwrap();

    let next_window = LoginCounters {
        window: 8,
        ..counters
    };
    assert_eq!(begin(store, &next_window, 3_000).await.source_failures, 0);
    store.release_attempt(&counters, 0).await.unwrap();

    store.clear_lockout(&counters).await.unwrap();
    let gate = begin(store, &counters, 3_000).await;
    assert_eq!(gate.attempt, counted(1, 0), "a right password ends the run");
    assert_eq!(
        gate.source_failures, 7,
        "clearing the account leaves the source"
    );
    // A failure written after the run ended (a right password in parallel) does
    // not bring the run back.
    store.clear_lockout(&counters).await.unwrap();
    store
        .record_login_failure(&counters, &failed(5, 0, 9_999))
        .await
        .unwrap();
    assert_eq!(begin(store, &counters, 3_000).await.attempt, counted(1, 0));

    let member = registered(store, MemberStatus::Approved).await;
    let gate = store
        .begin_login(Some(&member.login_email), &counters, &rule(3_000))
        .await
        .unwrap();
    assert_eq!(gate.credentials.unwrap().member_id, member.id);
}

/// Parallel attempts on one account from one source: the lock threshold counts,
/// the rest are refused before any password could be checked.
async fn parallel_attempts_stop_at_the_lock_threshold<S: Store>(store: &S) {
    let raw_email = random_email();
    let source = id();
    let counters = LoginCounters {
        raw_email: &raw_email,
        source: &source,
        window: 7,
    };
    let rule = rule(1_000);
    let attempts = (0..20).map(|_| store.begin_login(None, &counters, &rule));
    let gates = futures::future::join_all(attempts).await;
    let mut numbers: Vec<u64> = gates
        .into_iter()
        .filter_map(|gate| match gate.unwrap().attempt {
            Attempt::Counted { number, .. } => Some(number),
            Attempt::Refused { .. } => None,
        })
        .collect();
    numbers.sort_unstable();
    assert_eq!(numbers, [1, 2, 3, 4, 5]);
}

/// The account-wide budget counts attempts from all sources (in parallel too), is
/// given back on release, exempts proved callers and starts again each window.
async fn the_account_budget_is_shared_by_every_source<S: Store>(store: &S) {
    let raw_email = random_email();
    let sources: Vec<String> = (0..12).map(|_| id()).collect();
    let budgeted = AttemptRule {
        account_budget: Some(5),
        ..rule(1_000)
    };
    let attempts = sources.iter().map(|source| {
        let counters = LoginCounters {
            raw_email: &raw_email,
            source,
            window: 7,
        };
        async move { store.begin_login(None, &counters, &budgeted).await.unwrap() }
    });
    let gates = futures::future::join_all(attempts).await;
    let within = gates
        .iter()
        .filter(|g| g.account == AccountBudget::Counted)
        .count();
    let spent = gates
        .iter()
        .filter(|g| g.account == AccountBudget::Spent)
        .count();
    assert_eq!((within, spent), (5, 7));
    // Every attempt was still counted for its own source.
    assert!(gates.iter().all(|g| g.attempt == counted(1, 0)));

    let counters = LoginCounters {
        raw_email: &raw_email,
        source: &sources[0],
        window: 7,
    };
    store.release_account_attempt(&counters).await.unwrap();
    let again = store.begin_login(None, &counters, &budgeted).await.unwrap();
    assert_eq!(
        again.account,
        AccountBudget::Counted,
        "a released attempt frees its place"
    );
    let spent = store.begin_login(None, &counters, &budgeted).await.unwrap();
    assert_eq!(spent.account, AccountBudget::Spent);
    let exempt = store
        .begin_login(None, &counters, &rule(1_000))
        .await
        .unwrap();
    assert_eq!(exempt.account, AccountBudget::Exempt);
    let next_window = LoginCounters {
        window: 8,
        ..counters
    };
    let fresh = store
        .begin_login(None, &next_window, &budgeted)
        .await
        .unwrap();
    assert_eq!(fresh.account, AccountBudget::Counted);
}

async fn rates_stop_at_their_limit<S: Store>(store: &S) {
    let source = id();
    let counter = RateCounter {
        kind: "register",
        source: &source,
        window: 1,
    };
    assert_eq!(store.take_rate(&counter, 2, 180).await.unwrap(), Some(1));
    assert_eq!(store.take_rate(&counter, 2, 180).await.unwrap(), Some(2));
    assert_eq!(store.take_rate(&counter, 2, 180).await.unwrap(), None);
    let other_kind = RateCounter {
        kind: "verify",
        ..counter
    };
    assert_eq!(store.take_rate(&other_kind, 2, 180).await.unwrap(), Some(1));
    let next_window = RateCounter {
        window: 2,
        ..counter
    };
    assert_eq!(
        store.take_rate(&next_window, 2, 180).await.unwrap(),
        Some(1)
    );
}

#[cfg(test)]
mod tests {
    use members_auth::store::MemoryStore;

    #[tokio::test]
    async fn the_in_memory_store_passes_the_contract() {
        super::run(&MemoryStore::default()).await;
    }
}
