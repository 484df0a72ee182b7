//! The local stand-in for Lambda's event source mapping of the mailer function: reads
//! the table's stream (moto's DynamoDB Streams), keeps what the mapping's filter keeps
//! (inserts of `MAIL#` items, infra/mailer.tf), hands the records to the mailer in
//! order, and hands a batch the mailer failed back again, from the failed record on.
//! Tests hand batches to the mailer in process (`TestApp`); `make dev` runs the
//! `mail-driver` binary, which hands them to the `mailer` function under cargo-lambda.

use std::future::Future;

use aws_sdk_dynamodbstreams::types::ShardIteratorType;
use members_auth::mail::delivery::{BatchResponse, StreamChange, StreamEvent, StreamRecord};

/// Where a new reader starts: at the stream's end (what a mapping created now sees),
/// or at its beginning.
#[derive(Debug, Clone, Copy)]
pub enum StartAt {
    Latest,
    TrimHorizon,
}

/// One table's stream, read from a position on. Plain strings only, so a reader may be
/// used from any runtime with clients made there.
#[derive(Debug)]
pub struct MailQueue {
    iterators: Vec<String>,
    /// Records read and not yet taken by the mailer, oldest first.
    backlog: Vec<StreamRecord>,
}

impl MailQueue {
    pub async fn open(
        dynamodb: &aws_sdk_dynamodb::Client,
        streams: &aws_sdk_dynamodbstreams::Client,
        table: &str,
        start: StartAt,
    ) -> Result<Self, String> {
        let described = dynamodb
            .describe_table()
            .table_name(table)
            .send()
            .await
            .map_err(|e| format!("describe table: {e:?}"))?;
        let arn = match described.table().and_then(|t| t.latest_stream_arn()) {
            Some(arn) => arn.to_string(),
            None => enable_stream(dynamodb, table).await?,
        };
        let stream = streams
            .describe_stream()
            .stream_arn(&arn)
            .send()
            .await
            .map_err(|e| format!("describe stream: {e:?}"))?;
        let shards = stream
            .stream_description()
            .map(|d| d.shards().to_vec())
            .unwrap_or_default();
        let kind = match start {
            StartAt::Latest => ShardIteratorType::Latest,
            StartAt::TrimHorizon => ShardIteratorType::TrimHorizon,
        };
        let mut iterators = Vec::new();
        for shard in shards {
            let iterator = streams
                .get_shard_iterator()
                .stream_arn(&arn)
                .shard_id(shard.shard_id().unwrap_or_default())
                .shard_iterator_type(kind.clone())
                .send()
                .await
                .map_err(|e| format!("shard iterator: {e:?}"))?;
            iterators.extend(iterator.shard_iterator().map(str::to_string));
        }
        Ok(Self {
            iterators,
            backlog: Vec::new(),
        })
    }

    /// Drops what waits (a dead letter), answering how many records that was.
    pub fn give_up(&mut self) -> usize {
        std::mem::take(&mut self.backlog).len()
    }

    /// Reads what the stream gained since the last read into the backlog.
    async fn read(&mut self, streams: &aws_sdk_dynamodbstreams::Client) -> Result<(), String> {
        self.iterators.retain(|iterator| !iterator.is_empty());
        for iterator in &mut self.iterators {
            loop {
                let out = streams
                    .get_records()
                    .shard_iterator(iterator.as_str())
                    .send()
                    .await
                    .map_err(|e| format!("get records: {e:?}"))?;
                let records = out.records();
                let read = records.len();
                self.backlog.extend(records.iter().filter_map(mail_record));
                // A closed shard has no next iterator: read to its end, then leave it.
                // (moto keeps one open shard for ever; new shards are not looked for.)
                let Some(next) = out.next_shard_iterator() else {
                    iterator.clear();
                    break;
                };
                *iterator = next.to_string();
                if read == 0 {
                    break;
                }
            }
        }
        Ok(())
    }

    /// Reads the stream and hands every waiting record to `mailer` in one batch;
    /// what it fails stays waiting for the next call. Answers how many wait.
    pub async fn drain<F, Fut>(
        &mut self,
        streams: &aws_sdk_dynamodbstreams::Client,
        mailer: F,
    ) -> Result<usize, String>
    where
        F: FnOnce(StreamEvent) -> Fut,
        Fut: Future<Output = Result<BatchResponse, String>>,
    {
        self.read(streams).await?;
        if self.backlog.is_empty() {
            return Ok(0);
        }
        let batch = StreamEvent {
            records: std::mem::take(&mut self.backlog),
        };
        let answer = mailer(StreamEvent {
            records: batch.records.clone(),
        })
        .await;
        let failed_from = match answer {
            Ok(response) => response
                .batch_item_failures
                .first()
                .map(|failure| failure.item_identifier.clone()),
            // The mailer did not answer: the whole batch again, as Lambda would.
            Err(_) => batch
                .records
                .first()
                .map(|r| r.dynamodb.sequence_number.clone()),
        };
        if let Some(sequence) = failed_from {
            let from = batch
                .records
                .iter()
                .position(|r| r.dynamodb.sequence_number == sequence)
                .unwrap_or(0);
            self.backlog = batch.records.into_iter().skip(from).collect();
        }
        Ok(self.backlog.len())
    }
}

/// Turns on the stream of a table made before the outbox (a long-lived local stack).
async fn enable_stream(dynamodb: &aws_sdk_dynamodb::Client, table: &str) -> Result<String, String> {
    use aws_sdk_dynamodb::types::{StreamSpecification, StreamViewType};
    let updated = dynamodb
        .update_table()
        .table_name(table)
        .stream_specification(
            StreamSpecification::builder()
                .stream_enabled(true)
                .stream_view_type(StreamViewType::KeysOnly)
                .build()
                .map_err(|e| e.to_string())?,
        )
        .send()
        .await
        .map_err(|e| format!("enable the stream: {e:?}"))?;
    updated
        .table_description()
        .and_then(|t| t.latest_stream_arn())
        .map(str::to_string)
        .ok_or_else(|| "the table has no stream".into())
}

/// The record as the mapping's filter passes it: an insert of a `MAIL#` item.
fn mail_record(record: &aws_sdk_dynamodbstreams::types::Record) -> Option<StreamRecord> {
    use aws_sdk_dynamodbstreams::types::AttributeValue;
    let change = record.dynamodb()?;
    let AttributeValue::S(pk) = change.keys()?.get("pk")? else {
        return None;
    };
    let record = StreamRecord {
        event_name: record.event_name()?.as_str().to_string(),
        dynamodb: StreamChange {
            keys: [("pk".to_string(), [("S".to_string(), pk.clone())].into())].into(),
            sequence_number: change.sequence_number()?.to_string(),
        },
    };
    record.mail_id().is_some().then_some(record)
}
