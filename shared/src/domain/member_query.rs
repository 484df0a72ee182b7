//! A members query as `listMembers` and `queryMembers` send it, read into what the
//! indexes can answer: point lookups by a unique field, or a walk of the listing
//! indexes (partitioned by status and privacy, one per sort field). Whatever no index
//! answers is refused here, naming the field, so no query becomes a full read.

use serde_json::{Map, Value};

use super::{Email, Member, MemberStatus, member::PrivacyStatus};
use crate::error::{ApiError, FieldViolation};

/// At most this many members a page, as Wix allows.
pub const MAX_LIMIT: usize = 100;
/// Offset paging reads every member before the page; past this it is refused.
pub const MAX_OFFSET: usize = 10_000;
const DEFAULT_LIMIT: usize = 50;

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

    fn parse(name: &str) -> Option<Self> {
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

    fn name_of(self, member: &Member) -> Option<&str> {
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
const NAME_END: char = '\u{1}';

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

const STATUSES: [MemberStatus; 4] = [
    MemberStatus::Approved,
    MemberStatus::Pending,
    MemberStatus::Blocked,
    MemberStatus::Offline,
];
const PRIVACIES: [PrivacyStatus; 2] = [PrivacyStatus::Public, PrivacyStatus::Private];

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
    fn of(self, member: &Member) -> &str {
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

    fn matches(&self, name: &str) -> bool {
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

/// A members query, checked: every condition is one an index answers.
#[derive(Debug, Clone, PartialEq)]
pub struct MemberQuery {
    /// Exact values of unique fields (any of them, for `$in`); conditions on the same
    /// field intersect.
    pub lookups: Vec<(Unique, Vec<String>)>,
    pub statuses: Vec<MemberStatus>,
    pub privacies: Vec<PrivacyStatus>,
    pub name: Option<(SortField, NameMatch)>,
    pub sort: Sort,
    pub offset: usize,
    pub limit: usize,
}

/// A page: the members and how many match in all.
#[derive(Debug, Clone)]
pub struct MemberPage {
    pub members: Vec<Member>,
    pub total: usize,
}

fn invalid(field: &str, problem: impl Into<String>) -> ApiError {
    ApiError::Validation(vec![FieldViolation::new(field, "INVALID", problem)])
}

impl MemberQuery {
    /// `queryMembers`' `query` object: `{filter, sort, paging: {limit, offset}}`.
    pub fn from_query(query: &Value) -> Result<Self, ApiError> {
        let query = match query {
            Value::Null => &Value::Object(Map::new()),
            Value::Object(_) => query,
            _ => return Err(invalid("query", "must be an object")),
        };
        let mut parsed = Self::new(
            query.get("sort"),
            query.get("paging"),
            "query.sort",
            "query.paging",
        )?;
        if let Some(filter) = query.get("filter").filter(|f| !f.is_null()) {
            parsed.add_filter(filter)?;
        }
        parsed.check_name_sort()?;
        Ok(parsed)
    }

    /// `listMembers`' request (decoded from `.r`): `{paging, sorting}`.
    pub fn from_list_request(request: &Value) -> Result<Self, ApiError> {
        Self::new(
            request.get("sorting"),
            request.get("paging"),
            "sorting",
            "paging",
        )
    }

    fn new(
        sort: Option<&Value>,
        paging: Option<&Value>,
        sort_field: &str,
        paging_field: &str,
    ) -> Result<Self, ApiError> {
        let (offset, limit) = parse_paging(paging, paging_field)?;
        Ok(Self {
            lookups: Vec::new(),
            statuses: STATUSES.to_vec(),
            privacies: PRIVACIES.to_vec(),
            name: None,
            sort: parse_sort(sort, sort_field)?,
            offset,
            limit,
        })
    }

    fn add_filter(&mut self, filter: &Value) -> Result<(), ApiError> {
        let Value::Object(conditions) = filter else {
            return Err(invalid("query.filter", "must be an object"));
        };
        for (field, condition) in conditions {
            match field.as_str() {
                "$and" => {
                    let Value::Array(parts) = condition else {
                        return Err(invalid("query.filter.$and", "must be an array"));
                    };
                    for part in parts {
                        self.add_filter(part)?;
                    }
                }
                "id" | "_id" => self.add_lookup(Unique::Id, field, condition)?,
                "loginEmail" => self.add_lookup(Unique::LoginEmail, field, condition)?,
                "contactId" => self.add_lookup(Unique::ContactId, field, condition)?,
                "profile.slug" => self.add_lookup(Unique::Slug, field, condition)?,
                "status" => {
                    let wanted = choice(field, condition, &STATUSES, |s| s.as_str())?;
                    self.statuses.retain(|s| wanted.contains(s));
                }
                "privacyStatus" => {
                    let wanted = choice(field, condition, &PRIVACIES, privacy_name)?;
                    self.privacies.retain(|p| wanted.contains(p));
                }
                "profile.nickname" | "contact.firstName" | "contact.lastName" => {
                    let sort_field = SortField::parse(field).expect("a name field");
                    if let Some((other, _)) = &self.name {
                        return Err(invalid(
                            &format!("query.filter.{field}"),
                            format!(
                                "one name filter at a time: {field} cannot be combined with {}",
                                other.name()
                            ),
                        ));
                    }
                    self.name = Some((sort_field, name_match(field, condition)?));
                }
                other => {
                    return Err(invalid(
                        &format!("query.filter.{other}"),
                        format!("filtering on {other} is not supported"),
                    ));
                }
            }
        }
        Ok(())
    }

    fn add_lookup(
        &mut self,
        unique: Unique,
        field: &str,
        condition: &Value,
    ) -> Result<(), ApiError> {
        let path = format!("query.filter.{field}");
        let values = match operator(condition) {
            (None, value) | (Some("$eq"), value) => vec![string_value(&path, value)?],
            (Some("$in"), Value::Array(values)) if values.len() <= MAX_LIMIT => values
                .iter()
                .map(|v| string_value(&path, v))
                .collect::<Result<_, _>>()?,
            (Some("$in"), _) => {
                return Err(invalid(
                    &path,
                    format!("$in takes an array of at most {MAX_LIMIT} values"),
                ));
            }
            (Some(op), _) => {
                return Err(invalid(
                    &path,
                    format!("{op} on {field} is not supported (use $eq or $in)"),
                ));
            }
        };
        // Emails compare as stored: normalised; one that is no email names nobody.
        let values: Vec<String> = match unique {
            Unique::LoginEmail => values
                .iter()
                .filter_map(|v| Email::parse(v).ok())
                .map(|e| e.as_str().to_string())
                .collect(),
            _ => values,
        };
        match self.lookups.iter_mut().find(|(u, _)| *u == unique) {
            Some((_, known)) => known.retain(|v| values.contains(v)),
            None => self.lookups.push((unique, values)),
        }
        Ok(())
    }

    /// A name filter walks that name's index, so it sorts by that name.
    fn check_name_sort(&mut self) -> Result<(), ApiError> {
        let Some((field, _)) = &self.name else {
            return Ok(());
        };
        if !self.lookups.is_empty() || self.sort.field == *field {
            return Ok(());
        }
        if self.sort == DEFAULT_SORT {
            self.sort = Sort {
                field: *field,
                order: Order::Ascending,
            };
            return Ok(());
        }
        Err(invalid(
            "query.sort",
            format!(
                "a filter on {} sorts by {0}; sorting by {} with it is not supported",
                field.name(),
                self.sort.field.name()
            ),
        ))
    }

    /// Narrows the query to what `visible` allows (a visitor sees approved public
    /// members only).
    pub fn restrict(&mut self, statuses: &[MemberStatus], privacies: &[PrivacyStatus]) {
        self.statuses.retain(|s| statuses.contains(s));
        self.privacies.retain(|p| privacies.contains(p));
    }

    /// Whether `member` meets every condition.
    pub fn matches(&self, member: &Member) -> bool {
        self.lookups
            .iter()
            .all(|(unique, values)| values.iter().any(|v| v == unique.of(member)))
            && self.statuses.contains(&member.status)
            && self.privacies.contains(&member.privacy_status)
            && self
                .name
                .as_ref()
                .is_none_or(|(field, wanted)| wanted.matches(field.name_of(member).unwrap_or("")))
    }

    /// The partitions a walk reads.
    pub fn facets(&self) -> Vec<Facet> {
        self.statuses
            .iter()
            .flat_map(|&status| {
                self.privacies
                    .iter()
                    .map(move |&privacy| Facet { status, privacy })
            })
            .collect()
    }

    /// The index walk that answers this query, when it has no lookups.
    pub fn listing(&self) -> Listing {
        Listing {
            facets: self.facets(),
            sort: self.sort,
            name: self.name.as_ref().map(|(_, m)| m.clone()),
            offset: self.offset,
            limit: self.limit,
        }
    }

    /// Sorts, filters and pages members found by lookups, as a walk would.
    pub fn page_of(&self, mut found: Vec<Member>) -> MemberPage {
        found.retain(|m| self.matches(m));
        found.sort_by(|a, b| compare(self.sort, a, b));
        found.dedup_by(|a, b| a.id == b.id);
        let total = found.len();
        let members = found
            .into_iter()
            .skip(self.offset)
            .take(self.limit)
            .collect();
        MemberPage { members, total }
    }
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

/// Newest first, when the caller names no order.
const DEFAULT_SORT: Sort = Sort {
    field: SortField::Created,
    order: Order::Descending,
};

fn parse_sort(sort: Option<&Value>, path: &str) -> Result<Sort, ApiError> {
    let entries = match sort {
        None | Some(Value::Null) => return Ok(DEFAULT_SORT),
        Some(Value::Array(entries)) => entries,
        Some(_) => return Err(invalid(path, "must be an array")),
    };
    match entries.as_slice() {
        [] => Ok(DEFAULT_SORT),
        [entry] => {
            let name = entry
                .get("fieldName")
                .and_then(Value::as_str)
                .ok_or_else(|| invalid(path, "fieldName is required"))?;
            let field = SortField::parse(name)
                .ok_or_else(|| invalid(path, format!("sorting by {name} is not supported")))?;
            let order = match entry.get("order").and_then(Value::as_str) {
                None | Some("ASC") => Order::Ascending,
                Some("DESC") => Order::Descending,
                Some(other) => {
                    return Err(invalid(path, format!("order {other} is not ASC or DESC")));
                }
            };
            Ok(Sort { field, order })
        }
        _ => Err(invalid(
            path,
            "sorting by more than one field is not supported",
        )),
    }
}

fn parse_paging(paging: Option<&Value>, path: &str) -> Result<(usize, usize), ApiError> {
    let number = |name: &str, default: usize, max: usize| -> Result<usize, ApiError> {
        let field = format!("{path}.{name}");
        match paging.and_then(|p| p.get(name)) {
            None | Some(Value::Null) => Ok(default),
            Some(value) => {
                let n = value
                    .as_u64()
                    .or_else(|| value.as_str().and_then(|s| s.parse().ok()))
                    .ok_or_else(|| invalid(&field, "must be a whole number"))?;
                usize::try_from(n)
                    .ok()
                    .filter(|n| *n <= max)
                    .ok_or_else(|| invalid(&field, format!("at most {max}")))
            }
        }
    };
    Ok((
        number("offset", 0, MAX_OFFSET)?,
        number("limit", DEFAULT_LIMIT, MAX_LIMIT)?,
    ))
}

/// A condition's operator and operand: `"x"` is `(None, "x")`, `{"$in": [...]}` is
/// `(Some("$in"), [...])`.
fn operator(condition: &Value) -> (Option<&str>, &Value) {
    match condition {
        Value::Object(map) if map.len() == 1 => {
            let (op, value) = map.iter().next().expect("one entry");
            (Some(op.as_str()), value)
        }
        other => (None, other),
    }
}

fn string_value(path: &str, value: &Value) -> Result<String, ApiError> {
    value
        .as_str()
        .map(str::to_string)
        .ok_or_else(|| invalid(path, "must be a string"))
}

/// The values of an enumerated field a condition allows.
fn choice<T: Copy + PartialEq>(
    field: &str,
    condition: &Value,
    all: &[T],
    name: fn(T) -> &'static str,
) -> Result<Vec<T>, ApiError> {
    let path = format!("query.filter.{field}");
    let one = |value: &Value| -> Result<T, ApiError> {
        let raw = string_value(&path, value)?;
        all.iter()
            .copied()
            .find(|v| name(*v) == raw)
            .ok_or_else(|| invalid(&path, format!("{raw} is not a {field}")))
    };
    let many = |value: &Value| -> Result<Vec<T>, ApiError> {
        match value {
            Value::Array(values) => values.iter().map(one).collect(),
            _ => Err(invalid(&path, "must be an array")),
        }
    };
    let complement = |out: Vec<T>| all.iter().copied().filter(|v| !out.contains(v)).collect();
    match operator(condition) {
        (None, value) | (Some("$eq"), value) => Ok(vec![one(value)?]),
        (Some("$ne"), value) => Ok(complement(vec![one(value)?])),
        (Some("$in"), value) => many(value),
        (Some("$nin"), value) => Ok(complement(many(value)?)),
        (Some(op), _) => Err(invalid(
            &path,
            format!("{op} on {field} is not supported (use $eq, $ne, $in or $nin)"),
        )),
    }
}

fn name_match(field: &str, condition: &Value) -> Result<NameMatch, ApiError> {
    let path = format!("query.filter.{field}");
    match operator(condition) {
        (None, value) | (Some("$eq"), value) => Ok(NameMatch::Exact(string_value(&path, value)?)),
        (Some("$startsWith"), value) => Ok(NameMatch::Prefix(string_value(&path, value)?)),
        (Some(op), _) => Err(invalid(
            &path,
            format!("{op} on {field} is not supported (use $eq or $startsWith)"),
        )),
    }
}

fn privacy_name(privacy: PrivacyStatus) -> &'static str {
    match privacy {
        PrivacyStatus::Public => "PUBLIC",
        PrivacyStatus::Private => "PRIVATE",
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn query(value: Value) -> Result<MemberQuery, ApiError> {
        MemberQuery::from_query(&value)
    }

    fn problem(value: Value) -> String {
        match query(value) {
            Err(ApiError::Validation(v)) => format!("{}: {}", v[0].field, v[0].description),
            other => panic!("expected a 400, got {other:?}"),
        }
    }

    #[test]
    fn the_clients_pending_newest_first_query_walks_the_pending_partitions() {
        let q = query(json!({
            "filter": {"status": "PENDING"},
            "paging": {"offset": 20, "limit": 10},
            "sort": [{"fieldName": "createdDate", "order": "DESC"}],
        }))
        .unwrap();
        let listing = q.listing();
        assert_eq!(listing.facets.len(), 2);
        assert!(
            listing
                .facets
                .iter()
                .all(|f| f.status == MemberStatus::Pending)
        );
        assert_eq!(
            listing.sort,
            Sort {
                field: SortField::Created,
                order: Order::Descending
            }
        );
        assert_eq!((listing.offset, listing.limit), (20, 10));
    }

    #[test]
    fn and_in_ne_and_starts_with_are_read_as_the_client_sends_them() {
        let q = query(json!({
            "filter": {"$and": [
                {"profile.nickname": {"$startsWith": "ab"}},
                {"id": {"$in": ["a", "b"]}},
                {"privacyStatus": {"$ne": "PUBLIC"}},
            ]},
            "sort": [{"fieldName": "profile.nickname", "order": "ASC"}],
        }))
        .unwrap();
        assert_eq!(q.lookups, vec![(Unique::Id, vec!["a".into(), "b".into()])]);
        assert_eq!(q.privacies, vec![PrivacyStatus::Private]);
        assert_eq!(
            q.name,
            Some((SortField::Nickname, NameMatch::Prefix("ab".into())))
        );
    }

    #[test]
    fn a_name_filter_sorts_by_its_name_and_refuses_another_sort() {
        let q = query(json!({"filter": {"contact.lastName": "Lee"}})).unwrap();
        assert_eq!(q.sort.field, SortField::LastName);
        assert!(
            problem(json!({
                "filter": {"contact.lastName": "Lee"},
                "sort": [{"fieldName": "updatedDate"}],
            }))
            .contains("sorting by updatedDate with it is not supported")
        );
    }

    #[test]
    fn what_no_index_answers_is_refused_by_name() {
        assert!(problem(json!({"filter": {"contact.company": "x"}})).contains("contact.company"));
        assert!(problem(json!({"filter": {"$or": []}})).contains("$or"));
        assert!(
            problem(json!({"filter": {"loginEmail": {"$startsWith": "a"}}}))
                .contains("$startsWith")
        );
        assert!(problem(json!({"sort": [{"fieldName": "loginEmail"}]})).contains("loginEmail"));
        assert!(problem(json!({"paging": {"limit": 101}})).contains("query.paging.limit"));
        assert!(problem(json!({"paging": {"offset": 10_001}})).contains("query.paging.offset"));
        assert!(problem(json!({"filter": {"status": "GONE"}})).contains("GONE"));
        assert!(
            problem(json!({"filter": {"profile.nickname": "a", "contact.firstName": "b"}}))
                .contains("one name filter")
        );
    }

    #[test]
    fn name_keys_sort_a_name_before_its_extensions_and_match_exactly() {
        let exact = NameMatch::Exact("ab".into()).key_prefix();
        let ab = format!("ab{NAME_END}id1");
        let abc = format!("abc{NAME_END}id2");
        assert!(ab < abc);
        assert!(ab.starts_with(&exact) && !abc.starts_with(&exact));
        assert!(abc.starts_with(&NameMatch::Prefix("ab".into()).key_prefix()));
    }

    #[test]
    fn list_requests_read_paging_and_sorting() {
        let q = MemberQuery::from_list_request(&json!({
            "paging": {"limit": 5, "offset": 2},
            "sorting": [{"fieldName": "createdDate", "order": "ASC"}],
            "fieldsets": ["PUBLIC"],
        }))
        .unwrap();
        assert_eq!((q.offset, q.limit), (2, 5));
        assert_eq!(q.sort.order, Order::Ascending);
        assert_eq!(q.facets().len(), 8);
    }
}
