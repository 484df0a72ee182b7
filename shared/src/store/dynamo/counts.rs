//! How many members each listing partition holds, kept by the writes that move members
//! between partitions (registration, status changes, privacy changes, disconnect,
//! erasure), in the same transaction, so a page's `total` is one small read instead of
//! a count of the partition. Each partition's count is spread over [`COUNT_SHARDS`]
//! items, a random one per write, so concurrent registrations rarely conflict on one.

use aws_sdk_dynamodb::types::{AttributeValue, TransactWriteItem, Update};

use super::{DynamoStore, corrupt, pk};
use crate::{
    domain::member_query::Facet,
    store::{
        StoreError,
        keys::{COUNT_SHARDS, Key, attr},
    },
};

impl DynamoStore {
    /// A transaction step adding `delta` to one share of `facet`'s count.
    fn count_step(&self, facet: Facet, delta: i64) -> Result<TransactWriteItem, StoreError> {
        let shard = uuid::Uuid::new_v4().as_bytes()[0] % COUNT_SHARDS;
        let key = facet.key();
        let update = Update::builder()
            .table_name(&self.table)
            .key(attr::PK, pk(Key::Count { facet: &key, shard }))
            .update_expression(format!("ADD {} :delta", attr::MEMBERS))
            .expression_attribute_values(":delta", AttributeValue::N(delta.to_string()))
            .build()
            .map_err(corrupt)?;
        Ok(TransactWriteItem::builder().update(update).build())
    }

    /// The steps that count a member moving from `from` to `to` (none when it stays;
    /// `None` is outside every partition: not yet created, or erased).
    pub(super) fn count_moves(
        &self,
        from: Option<Facet>,
        to: Option<Facet>,
    ) -> Result<Vec<TransactWriteItem>, StoreError> {
        if from == to {
            return Ok(Vec::new());
        }
        let mut steps = Vec::new();
        if let Some(from) = from {
            steps.push(self.count_step(from, -1)?);
        }
        if let Some(to) = to {
            steps.push(self.count_step(to, 1)?);
        }
        Ok(steps)
    }

    /// The members in `facets`, from their counts: one batch read.
    pub(super) async fn counted(&self, facets: &[Facet]) -> Result<usize, StoreError> {
        let pks: Vec<String> = facets
            .iter()
            .flat_map(|facet| {
                let key = facet.key();
                (0..COUNT_SHARDS).map(move |shard| Key::Count { facet: &key, shard }.pk())
            })
            .collect();
        let total: i64 = self
            .batch_get(pks)
            .await?
            .iter()
            .filter_map(|item| match item.get(attr::MEMBERS) {
                Some(AttributeValue::N(n)) => n.parse::<i64>().ok(),
                _ => None,
            })
            .sum();
        Ok(usize::try_from(total).unwrap_or(0))
    }
}
