//! The parts of a query's JSON: sort, paging and the operators of one condition, each
//! refused by name when no index answers it.

use serde_json::Value;

use super::{DEFAULT_LIMIT, MAX_LIMIT, MAX_OFFSET, NameMatch, Order, Sort, SortField};
use crate::{
    domain::member::PrivacyStatus,
    error::{ApiError, FieldViolation},
};

pub(super) fn invalid(field: &str, problem: impl Into<String>) -> ApiError {
    ApiError::Validation(vec![FieldViolation::new(field, "INVALID", problem)])
}

/// Newest first, when the caller names no order.
pub(super) const DEFAULT_SORT: Sort = Sort {
    field: SortField::Created,
    order: Order::Descending,
};

pub(super) fn parse_sort(sort: Option<&Value>, path: &str) -> Result<Sort, ApiError> {
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

pub(super) fn parse_paging(paging: Option<&Value>, path: &str) -> Result<(usize, usize), ApiError> {
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
pub(super) fn operator(condition: &Value) -> (Option<&str>, &Value) {
    match condition {
        Value::Object(map) if map.len() == 1 => {
            let (op, value) = map.iter().next().expect("one entry");
            (Some(op.as_str()), value)
        }
        other => (None, other),
    }
}

pub(super) fn string_value(path: &str, value: &Value) -> Result<String, ApiError> {
    value
        .as_str()
        .map(str::to_string)
        .ok_or_else(|| invalid(path, "must be a string"))
}

/// The values of an enumerated field a condition allows.
pub(super) fn choice<T: Copy + PartialEq>(
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

pub(super) fn name_match(field: &str, condition: &Value) -> Result<NameMatch, ApiError> {
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

pub(super) fn privacy_name(privacy: PrivacyStatus) -> &'static str {
    match privacy {
        PrivacyStatus::Public => "PUBLIC",
        PrivacyStatus::Private => "PRIVATE",
    }
}
