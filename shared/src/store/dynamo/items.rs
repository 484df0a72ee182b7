//! Members and their email and slug claims to items and back, and the readers every
//! item kind shares. Attribute names come from [`attr`] only.

use std::collections::HashMap;

use aws_sdk_dynamodb::types::AttributeValue;

use super::{Item, n, pk, s};
use crate::{
    domain::{
        Email, Member, MemberStatus,
        member::{ContactDetails, PrivacyStatus, Profile},
        member_query::{Facet, SortField},
    },
    store::{
        Credentials, StoreError,
        keys::{Key, attr},
    },
};

pub(crate) fn get_s<'a>(item: &'a Item, name: &str) -> Result<&'a str, StoreError> {
    match item.get(name) {
        Some(AttributeValue::S(v)) => Ok(v),
        _ => Err(StoreError::Corrupt(format!("attribute {name} missing"))),
    }
}

pub(crate) fn get_n(item: &Item, name: &str) -> Result<u64, StoreError> {
    match item.get(name) {
        Some(AttributeValue::N(v)) => v
            .parse()
            .map_err(|_| StoreError::Corrupt(format!("attribute {name} not a number"))),
        _ => Err(StoreError::Corrupt(format!("attribute {name} missing"))),
    }
}

pub(crate) fn get_n_or_zero(item: Option<&Item>, name: &str) -> u64 {
    item.and_then(|i| get_n(i, name).ok()).unwrap_or(0)
}

pub(super) fn opt_s(item: &Item, name: &str) -> Option<String> {
    match item.get(name) {
        Some(AttributeValue::S(v)) => Some(v.clone()),
        _ => None,
    }
}

pub(super) fn opt_n(item: &Item, name: &str) -> Option<u64> {
    match item.get(name) {
        Some(AttributeValue::N(v)) => v.parse().ok(),
        _ => None,
    }
}

pub(super) fn is_true(item: &Item, name: &str) -> bool {
    matches!(item.get(name), Some(AttributeValue::Bool(true)))
}

/// An item of `key` with the fields that are set.
pub(super) fn record(key: Key<'_>, fields: Vec<(&str, Option<AttributeValue>)>) -> Item {
    let mut item: Item = fields
        .into_iter()
        .filter_map(|(name, value)| value.map(|v| (name.to_string(), v)))
        .collect();
    item.insert(attr::PK.into(), pk(key));
    item
}

pub(crate) fn email_item(email: &Email, member_id: &str, password_hash: &str) -> Item {
    record(
        Key::Email(email),
        vec![
            (attr::MEMBER_ID, Some(s(member_id))),
            (attr::PASSWORD_HASH, Some(s(password_hash))),
        ],
    )
}

pub(crate) fn credentials_from_item(item: &Item) -> Result<Credentials, StoreError> {
    Ok(Credentials {
        member_id: get_s(item, attr::MEMBER_ID)?.to_string(),
        password_hash: get_s(item, attr::PASSWORD_HASH)?.to_string(),
    })
}

pub(crate) fn to_json<T: serde::Serialize>(value: &T) -> Result<String, StoreError> {
    serde_json::to_string(value).map_err(|e| StoreError::Corrupt(e.to_string()))
}

pub(crate) fn privacy_name(privacy: PrivacyStatus) -> &'static str {
    match privacy {
        PrivacyStatus::Public => "PUBLIC",
        PrivacyStatus::Private => "PRIVATE",
    }
}

pub(crate) fn slug_item(slug: &str, member_id: &str) -> Item {
    record(Key::Slug(slug), vec![(attr::MEMBER_ID, Some(s(member_id)))])
}

/// The member's listing attributes: its partition and its key in each index whose
/// sort attribute is not a member field itself.
pub(crate) fn listing_attrs(member: &Member) -> [(&'static str, AttributeValue); 5] {
    let key = |field: SortField| s(&field.key_of(member));
    [
        (attr::FACET, s(&Facet::of(member).key())),
        (attr::NICKNAME_KEY, key(SortField::Nickname)),
        (attr::FIRST_NAME_KEY, key(SortField::FirstName)),
        (attr::LAST_NAME_KEY, key(SortField::LastName)),
        (attr::LAST_LOGIN_KEY, key(SortField::LastLogin)),
    ]
}

pub(crate) fn member_item(member: &Member) -> Result<Item, StoreError> {
    let mut item = record(
        Key::Member(&member.id),
        vec![
            (attr::MEMBER_ID, Some(s(&member.id))),
            (attr::LOGIN_EMAIL, Some(s(member.login_email.as_str()))),
            (attr::STATUS, Some(s(member.status.as_str()))),
            (attr::CONTACT_ID, Some(s(&member.contact_id))),
            (
                attr::PRIVACY_STATUS,
                Some(s(privacy_name(member.privacy_status))),
            ),
            (attr::CREATED_DATE, Some(s(&member.created_date))),
            (attr::UPDATED_DATE, Some(s(&member.updated_date))),
            (attr::TOKEN_VERSION, Some(n(member.token_version))),
            (
                attr::EMAIL_VERIFIED,
                Some(AttributeValue::Bool(member.email_verified)),
            ),
            (attr::PROFILE, Some(s(&to_json(&member.profile)?))),
            (attr::SLUG, Some(s(&member.profile.slug))),
            (
                attr::CONTACT_DETAILS,
                Some(s(&to_json(&member.contact_details)?)),
            ),
            (
                attr::LAST_LOGIN_DATE,
                member.last_login_date.as_deref().map(s),
            ),
            (
                attr::PENDING_VERIFICATION,
                member.pending_verification.as_deref().map(s),
            ),
            (
                attr::MUTED,
                member.muted.then_some(AttributeValue::Bool(true)),
            ),
        ],
    );
    item.extend(
        listing_attrs(member)
            .into_iter()
            .map(|(name, value)| (name.to_string(), value)),
    );
    Ok(item)
}

pub(crate) fn member_from_item(item: &Item) -> Result<Member, StoreError> {
    let parse_json = |name: &str| -> Result<serde_json::Value, StoreError> {
        serde_json::from_str(get_s(item, name)?)
            .map_err(|e| StoreError::Corrupt(format!("{name}: {e}")))
    };
    let mut profile: Profile = serde_json::from_value(parse_json(attr::PROFILE)?)
        .map_err(|e| StoreError::Corrupt(format!("profile: {e}")))?;
    // The slug attribute is the one its claim moves; the profile's copy may be stale
    // (and members from before slug claims have only that).
    if let Some(slug) = opt_s(item, attr::SLUG) {
        profile.slug = slug;
    }
    let contact_details: ContactDetails =
        serde_json::from_value(parse_json(attr::CONTACT_DETAILS)?)
            .map_err(|e| StoreError::Corrupt(format!("contactDetails: {e}")))?;
    Ok(Member {
        id: get_s(item, attr::MEMBER_ID)?.to_string(),
        login_email: Email::parse(get_s(item, attr::LOGIN_EMAIL)?)
            .map_err(|e| StoreError::Corrupt(format!("loginEmail: {e}")))?,
        status: MemberStatus::parse(get_s(item, attr::STATUS)?)
            .ok_or_else(|| StoreError::Corrupt("status".into()))?,
        contact_id: get_s(item, attr::CONTACT_ID)?.to_string(),
        privacy_status: match get_s(item, attr::PRIVACY_STATUS)? {
            "PUBLIC" => PrivacyStatus::Public,
            _ => PrivacyStatus::Private,
        },
        created_date: get_s(item, attr::CREATED_DATE)?.to_string(),
        updated_date: get_s(item, attr::UPDATED_DATE)?.to_string(),
        last_login_date: opt_s(item, attr::LAST_LOGIN_DATE),
        token_version: get_n(item, attr::TOKEN_VERSION)?,
        // Members from before verification existed have no flag: they are verified.
        email_verified: !matches!(
            item.get(attr::EMAIL_VERIFIED),
            Some(AttributeValue::Bool(false))
        ),
        pending_verification: opt_s(item, attr::PENDING_VERIFICATION),
        muted: is_true(item, attr::MUTED),
        profile,
        contact_details,
    })
}

/// The single key of a `BatchGetItem` or `DeleteItem` request.
pub(crate) fn key_map(key: Key<'_>) -> Item {
    HashMap::from([(attr::PK.to_string(), pk(key))])
}
