//! A members query as `listMembers` and `queryMembers` send it, read into what the
//! indexes can answer: point lookups by a unique field, or a walk of the listing
//! indexes (partitioned by status and privacy, one per sort field). Whatever no index
//! answers is refused here, naming the field, so no query becomes a full read.

mod conditions;
mod listing;

use serde_json::{Map, Value};

use self::conditions::{
    DEFAULT_SORT, choice, invalid, name_match, operator, parse_paging, parse_sort, privacy_name,
    string_value,
};
pub use self::listing::{
    Facet, Listing, NameMatch, Order, Sort, SortField, Unique, compare, last_login_key,
};
use self::listing::{PRIVACIES, STATUSES};
use super::{Email, Member, MemberStatus, member::PrivacyStatus};
use crate::error::ApiError;

/// At most this many members a page, as Wix allows.
pub const MAX_LIMIT: usize = 100;
/// Offset paging reads every member before the page; past this it is refused.
pub const MAX_OFFSET: usize = 10_000;
const DEFAULT_LIMIT: usize = 50;

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

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::{listing::NAME_END, *};

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
