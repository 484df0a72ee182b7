//! Where a member sits in the listing indexes: the partitions (status and privacy),
//! the sort fields and their keys, the unique fields and the name conditions a walk
//! answers.

use crate::domain::{Member, MemberStatus, member::PrivacyStatus};

/// The fields a listing index sorts on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SortField {
    Nickname,
    FirstName,
    LastName,
    Created,
    Updated,
    LastLogin,
}

impl SortField {
    pub const ALL: [SortField; 6] = [
        SortField::Nickname,
        SortField::FirstName,
        SortField::LastName,
        SortField::Created,
        SortField::Updated,
        SortField::LastLogin,
    ];

    pub(super) fn parse(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|f| f.name() == name)
    }

    /// The field as the client names it.
    pub fn name(self) -> &'static str {
        match self {
            SortField::Nickname => "profile.nickname",
            SortField::FirstName => "contact.firstName",
            SortField::LastName => "contact.lastName",
            SortField::Created => "createdDate",
            SortField::Updated => "updatedDate",
            SortField::LastLogin => "lastLoginDate",
        }
    }

    /// The member's position in this field's index. Names and last logins end in
    /// their member's id, so equal ones keep one order from page to page and no key is
    /// empty; a member that never signed in sorts before every one that did.
    pub fn key_of(self, member: &Member) -> String {
        let named = |name: Option<&str>| format!("{}{NAME_END}{}", name.unwrap_or(""), member.id);
        match self {
            SortField::Nickname => named(Some(&member.profile.nickname)),
            SortField::FirstName => named(member.contact_details.first_name.as_deref()),
            SortField::LastName => named(member.contact_details.last_name.as_deref()),
            SortField::Created => member.created_date.clone(),
            SortField::Updated => member.updated_date.clone(),
            SortField::LastLogin => last_login_key(&member.id, member.last_login_date.as_deref()),
        }
    }

    pub(super) fn name_of(self, member: &Member) -> Option<&str> {
        match self {
            SortField::Nickname => Some(&member.profile.nickname),
            SortField::FirstName => member.contact_details.first_name.as_deref(),
            SortField::LastName => member.contact_details.last_name.as_deref(),
            _ => None,
        }
    }
}

/// Ends the name part of a name key: below every printable character, so a name sorts
/// before its extensions ("ab" before "abc").
pub(super) const NAME_END: char = '\u{1}';

/// A member's key in the last-login index (a login writes it without reading the
/// member).
pub fn last_login_key(member_id: &str, last_login: Option<&str>) -> String {
    format!("{}{NAME_END}{member_id}", last_login.unwrap_or(""))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Order {
    Ascending,
    Descending,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sort {
    pub field: SortField,
    pub order: Order,
}

/// A listing partition: every member is in exactly one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Facet {
    pub status: MemberStatus,
    pub privacy: PrivacyStatus,
}

pub(super) const STATUSES: [MemberStatus; 4] = [
    MemberStatus::Approved,
    MemberStatus::Pending,
    MemberStatus::Blocked,
    MemberStatus::Offline,
];
pub(super) const PRIVACIES: [PrivacyStatus; 2] = [PrivacyStatus::Public, PrivacyStatus::Private];

impl Facet {
    pub fn of(member: &Member) -> Self {
        Self {
            status: member.status,
            privacy: member.privacy_status,
        }
    }

    /// The partition key, e.g. `APPROVED#PUBLIC`.
    pub fn key(self) -> String {
        let privacy = match self.privacy {
            PrivacyStatus::Public => "PUBLIC",
            PrivacyStatus::Private => "PRIVATE",
        };
        format!("{}#{privacy}", self.status.as_str())
    }
}

/// Fields that name at most one member each.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unique {
    Id,
    LoginEmail,
    Slug,
    ContactId,
}

impl Unique {
    pub(super) fn of(self, member: &Member) -> &str {
        match self {
            Unique::Id => &member.id,
            Unique::LoginEmail => member.login_email.as_str(),
            Unique::Slug => &member.profile.slug,
            Unique::ContactId => &member.contact_id,
        }
    }

    /// Only the site may look members up by these: they would tell a visitor whose
    /// email (or contact) belongs to a member.
    pub fn is_private(self) -> bool {
        matches!(self, Unique::LoginEmail | Unique::ContactId)
    }

    pub fn name(self) -> &'static str {
        match self {
            Unique::Id => "id",
            Unique::LoginEmail => "loginEmail",
            Unique::Slug => "profile.slug",
            Unique::ContactId => "contactId",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NameMatch {
    Exact(String),
    Prefix(String),
}

impl NameMatch {
    /// The index key prefix that selects exactly the matching names.
    pub fn key_prefix(&self) -> String {
        match self {
            NameMatch::Exact(name) => format!("{name}{NAME_END}"),
            NameMatch::Prefix(prefix) => prefix.clone(),
        }
    }

    pub(super) fn matches(&self, name: &str) -> bool {
        match self {
            NameMatch::Exact(wanted) => name == wanted,
            NameMatch::Prefix(prefix) => name.starts_with(prefix.as_str()),
        }
    }
}

/// What an index walk reads: the partitions, in the sort's order, from `offset`. A
/// `name` condition is on the sort field, which is then a name (the index key starts
/// with the name).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Listing {
    pub facets: Vec<Facet>,
    pub sort: Sort,
    pub name: Option<NameMatch>,
    pub offset: usize,
    pub limit: usize,
}

/// Members in `sort`'s order, ties by id (as the indexes order them).
pub fn compare(sort: Sort, a: &Member, b: &Member) -> std::cmp::Ordering {
    let ordering = sort
        .field
        .key_of(a)
        .cmp(&sort.field.key_of(b))
        .then_with(|| a.id.cmp(&b.id));
    match sort.order {
        Order::Ascending => ordering,
        Order::Descending => ordering.reverse(),
    }
}
