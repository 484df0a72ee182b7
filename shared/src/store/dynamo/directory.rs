//! Reading members from DynamoDB: unique fields by key, pages by walking the listing
//! indexes (`keys::listing_index`) of the partitions a query allows. Never a scan:
//! a page reads at most `offset + limit + 1` index entries per partition and then the
//! page's members in one batch; the total comes from the partitions' member counts
//! (`counts.rs`, one batch read), or, under a name condition, from counting the
//! matching index entries (keys only) of the partitions the page did not read to
//! their end.

use std::collections::HashMap;

use aws_sdk_dynamodb::types::{AttributeValue, KeysAndAttributes, Select};

use super::{DynamoStore, Item, corrupt, items::member_from_item, s, unavailable};
use crate::{
    domain::{
        Email, Member,
        member_query::{Facet, Listing, MemberPage, Order, Unique},
    },
    store::{
        DirectoryStore, StoreError,
        keys::{self, Key, attr},
    },
};

/// BatchGetItem's most keys per call.
const BATCH: usize = 100;

/// One index entry: the member's key in the index's order, and its table key.
type Entry = (String, String);

impl DirectoryStore for DynamoStore {
    async fn members_by(
        &self,
        field: Unique,
        values: &[String],
    ) -> Result<Vec<Member>, StoreError> {
        let member_pks: Vec<String> = match field {
            Unique::Id => values.iter().map(|id| Key::Member(id).pk()).collect(),
            Unique::LoginEmail => {
                let emails: Vec<Email> =
                    values.iter().filter_map(|v| Email::parse(v).ok()).collect();
                let claims = emails.iter().map(|e| Key::Email(e).pk()).collect();
                self.claimed_members(claims).await?
            }
            Unique::Slug => {
                let claims = values.iter().map(|slug| Key::Slug(slug).pk()).collect();
                self.claimed_members(claims).await?
            }
            Unique::ContactId => {
                let mut found = Vec::new();
                for contact_id in values {
                    found.extend(self.members_of_contact(contact_id).await?);
                }
                found
            }
        };
        let items = self.batch_get(member_pks).await?;
        items.iter().map(member_from_item).collect()
    }

    async fn list_members(&self, listing: &Listing) -> Result<MemberPage, StoreError> {
        let wanted = listing.offset + listing.limit + 1;
        let mut entries: Vec<Entry> = Vec::new();
        let mut total = 0;
        let mut unfinished = Vec::new();
        for facet in &listing.facets {
            let (found, finished) = self.walk(listing, *facet, wanted).await?;
            if finished {
                total += found.len();
            } else {
                unfinished.push(*facet);
            }
            entries.extend(found);
        }
        entries.sort();
        if listing.sort.order == Order::Descending {
            entries.reverse();
        }
        let page: Vec<String> = entries
            .into_iter()
            .skip(listing.offset)
            .take(listing.limit)
            .map(|(_, pk)| pk)
            .collect();
        // A walk that stopped inside a partition did not see all of it: without a name
        // condition the partitions' counts say how many there are (one small read);
        // with one, its matches in those partitions are counted.
        if !unfinished.is_empty() {
            total = match &listing.name {
                None => self.counted(&listing.facets).await?,
                Some(_) => {
                    let mut counted = total;
                    for facet in unfinished {
                        counted += self.count(listing, facet).await?;
                    }
                    counted
                }
            };
        }
        let mut by_pk: HashMap<String, Item> = self
            .batch_get(page.clone())
            .await?
            .into_iter()
            .filter_map(|item| match item.get(attr::PK) {
                Some(AttributeValue::S(pk)) => Some((pk.clone(), item)),
                _ => None,
            })
            .collect();
        // A member erased since the index saw it is left out.
        let members = page
            .iter()
            .filter_map(|pk| by_pk.remove(pk))
            .map(|item| member_from_item(&item))
            .collect::<Result<_, _>>()?;
        Ok(MemberPage { members, total })
    }
}

impl DynamoStore {
    /// The first `wanted` entries of one partition in the listing's order, and whether
    /// that is all of them.
    async fn walk(
        &self,
        listing: &Listing,
        facet: Facet,
        wanted: usize,
    ) -> Result<(Vec<Entry>, bool), StoreError> {
        let (_, sort_attr) = keys::listing_index(listing.sort.field);
        let mut found = Vec::new();
        let mut start = None;
        loop {
            let left = i32::try_from(wanted - found.len()).unwrap_or(i32::MAX);
            let out = self
                .listing_query(listing, facet)
                .scan_index_forward(listing.sort.order == Order::Ascending)
                .limit(left)
                .set_exclusive_start_key(start)
                .send()
                .await
                .map_err(unavailable)?;
            for item in out.items.unwrap_or_default() {
                let text = |name: &str| match item.get(name) {
                    Some(AttributeValue::S(v)) => Ok(v.clone()),
                    _ => Err(StoreError::Corrupt(format!("index entry without {name}"))),
                };
                found.push((text(sort_attr)?, text(attr::PK)?));
            }
            start = out.last_evaluated_key.filter(|k| !k.is_empty());
            // Fewer than asked means the partition ended (a full page may have more,
            // whether or not DynamoDB says so).
            if start.is_none() || found.len() >= wanted {
                let finished = found.len() < wanted;
                return Ok((found, finished));
            }
        }
    }

    /// How many entries of one partition match the listing's name condition.
    async fn count(&self, listing: &Listing, facet: Facet) -> Result<usize, StoreError> {
        let mut total = 0;
        let mut start = None;
        loop {
            let out = self
                .listing_query(listing, facet)
                .select(Select::Count)
                .set_exclusive_start_key(start)
                .send()
                .await
                .map_err(unavailable)?;
            total += usize::try_from(out.count).unwrap_or_default();
            start = out.last_evaluated_key.filter(|k| !k.is_empty());
            if start.is_none() {
                return Ok(total);
            }
        }
    }

    fn listing_query(
        &self,
        listing: &Listing,
        facet: Facet,
    ) -> aws_sdk_dynamodb::operation::query::builders::QueryFluentBuilder {
        let (index, sort_attr) = keys::listing_index(listing.sort.field);
        let mut query = self
            .client
            .query()
            .table_name(&self.table)
            .index_name(index)
            .expression_attribute_names("#facet", attr::FACET)
            .expression_attribute_values(":facet", s(&facet.key()));
        match &listing.name {
            Some(name) => {
                query = query
                    .key_condition_expression("#facet = :facet AND begins_with(#sort, :prefix)")
                    .expression_attribute_names("#sort", sort_attr)
                    .expression_attribute_values(":prefix", s(&name.key_prefix()));
            }
            None => query = query.key_condition_expression("#facet = :facet"),
        }
        query
    }

    /// The member keys that the claim items `claims` (email or slug) name.
    async fn claimed_members(&self, claims: Vec<String>) -> Result<Vec<String>, StoreError> {
        Ok(self
            .batch_get(claims)
            .await?
            .iter()
            .filter_map(|item| match item.get(attr::MEMBER_ID) {
                Some(AttributeValue::S(id)) => Some(Key::Member(id).pk()),
                _ => None,
            })
            .collect())
    }

    async fn members_of_contact(&self, contact_id: &str) -> Result<Vec<String>, StoreError> {
        let out = self
            .client
            .query()
            .table_name(&self.table)
            .index_name(keys::BY_CONTACT)
            .key_condition_expression("#contact = :contact")
            .expression_attribute_names("#contact", attr::CONTACT_ID)
            .expression_attribute_values(":contact", s(contact_id))
            .send()
            .await
            .map_err(unavailable)?;
        Ok(out
            .items
            .unwrap_or_default()
            .iter()
            .filter_map(|item| match item.get(attr::PK) {
                Some(AttributeValue::S(pk)) => Some(pk.clone()),
                _ => None,
            })
            .collect())
    }

    /// The items of `pks` that exist, strongly consistent, in batches (and again for
    /// any keys DynamoDB leaves unprocessed).
    pub(super) async fn batch_get(&self, mut pks: Vec<String>) -> Result<Vec<Item>, StoreError> {
        pks.sort();
        pks.dedup();
        let mut found = Vec::new();
        for chunk in pks.chunks(BATCH) {
            let mut keys: Vec<Item> = chunk
                .iter()
                .map(|p| HashMap::from([(attr::PK.to_string(), s(p))]))
                .collect();
            while !keys.is_empty() {
                let request = KeysAndAttributes::builder()
                    .set_keys(Some(keys))
                    .consistent_read(true)
                    .build()
                    .map_err(corrupt)?;
                let mut out = self
                    .client
                    .batch_get_item()
                    .request_items(&self.table, request)
                    .send()
                    .await
                    .map_err(unavailable)?;
                if let Some(items) = out.responses.as_mut().and_then(|r| r.remove(&self.table)) {
                    found.extend(items);
                }
                keys = out
                    .unprocessed_keys
                    .and_then(|mut u| u.remove(&self.table))
                    .map(|k| k.keys)
                    .unwrap_or_default();
            }
        }
        Ok(found)
    }
}
