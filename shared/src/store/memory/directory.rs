//! Reading members from the in-memory store, in the order and with the call counts
//! of the DynamoDB store's index walks.

use std::sync::atomic::Ordering;

use super::MemoryStore;
use crate::{
    domain::{
        Email, Member,
        member_query::{Facet, Listing, MemberPage, Unique, compare},
    },
    store::{DirectoryStore, StoreError},
};

impl DirectoryStore for MemoryStore {
    async fn members_by(
        &self,
        field: Unique,
        values: &[String],
    ) -> Result<Vec<Member>, StoreError> {
        // By id one batch read; by email or slug the claims first; by contact one
        // index query per value.
        let calls = match field {
            Unique::Id => 1,
            Unique::LoginEmail | Unique::Slug => 2,
            Unique::ContactId => values.len() + 1,
        };
        let tables = self.call(calls)?;
        let ids: Vec<String> = match field {
            Unique::Id => values.to_vec(),
            Unique::LoginEmail => values
                .iter()
                .filter_map(|v| Email::parse(v).ok())
                .filter_map(|e| tables.emails.get(e.as_str()))
                .map(|c| c.member_id.clone())
                .collect(),
            Unique::Slug => values
                .iter()
                .filter_map(|v| tables.slugs.get(v).cloned())
                .collect(),
            Unique::ContactId => tables
                .members
                .values()
                .filter(|m| values.contains(&m.contact_id))
                .map(|m| m.id.clone())
                .collect(),
        };
        Ok(ids
            .iter()
            .filter_map(|id| tables.members.get(id).cloned())
            .collect())
    }

    async fn list_members(&self, listing: &Listing) -> Result<MemberPage, StoreError> {
        let wanted = listing.offset + listing.limit + 1;
        let tables = self.call(0)?;
        let field = listing.sort.field;
        let mut matching: Vec<&Member> = tables
            .members
            .values()
            .filter(|m| listing.facets.contains(&Facet::of(m)))
            .filter(|m| {
                listing
                    .name
                    .as_ref()
                    .is_none_or(|name| field.key_of(m).starts_with(&name.key_prefix()))
            })
            .collect();
        matching.sort_by(|a, b| compare(listing.sort, a, b));
        // One query per partition; for the total, when a partition was not read to its
        // end, one read of the counts (or, under a name condition, a count of each such
        // partition); one batch read of the page.
        let unfinished = listing
            .facets
            .iter()
            .filter(|f| matching.iter().filter(|m| Facet::of(m) == **f).count() >= wanted)
            .count();
        let members: Vec<Member> = matching
            .iter()
            .skip(listing.offset)
            .take(listing.limit)
            .map(|m| (*m).clone())
            .collect();
        let total_calls = match (unfinished, &listing.name) {
            (0, _) => 0,
            (_, None) => 1,
            (n, Some(_)) => n,
        };
        let calls = listing.facets.len() + total_calls + usize::from(!members.is_empty());
        self.calls.fetch_add(calls, Ordering::SeqCst);
        Ok(MemberPage {
            total: matching.len(),
            members,
        })
    }
}
