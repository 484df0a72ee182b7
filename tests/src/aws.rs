//! The local AWS stand-ins as the suite reaches them, and the DynamoDB call counter
//! behind the call budgets and the IAM role checks.

use std::sync::{
    Arc,
    atomic::{AtomicUsize, Ordering},
};

use aws_sdk_dynamodb::{
    config::{Intercept, interceptors::BeforeSerializationInterceptorContextRef},
    error::BoxError,
};
use members_auth::http::Function;

/// Counts DynamoDB operations (not retries), for call budgets, and the items (or
/// index entries) their answers held, and remembers the IAM actions they need, so the
/// suite can check each function's role (infra/locals.tf).
#[derive(Debug, Default, Clone)]
pub struct CallCounter(
    Arc<AtomicUsize>,
    Arc<std::sync::Mutex<Vec<&'static str>>>,
    Arc<AtomicUsize>,
);

impl CallCounter {
    pub fn take(&self) -> usize {
        self.0.swap(0, Ordering::SeqCst)
    }

    /// Items read since the last call: a Query's `Count` (what it read, or counted),
    /// a GetItem's item, a BatchGetItem's items.
    pub fn take_items_read(&self) -> usize {
        self.2.swap(0, Ordering::SeqCst)
    }

    pub(crate) fn take_actions(&self) -> Vec<&'static str> {
        self.1
            .lock()
            .map(|mut a| std::mem::take(&mut *a))
            .unwrap_or_default()
    }
}

/// The IAM actions an operation needs: a transaction needs its items' actions.
fn iam_actions(
    input: &aws_sdk_dynamodb::config::interceptors::BeforeSerializationInterceptorContextRef<'_>,
) -> Vec<&'static str> {
    use aws_sdk_dynamodb::operation::{
        batch_get_item::BatchGetItemInput, batch_write_item::BatchWriteItemInput,
        create_table::CreateTableInput, delete_item::DeleteItemInput, get_item::GetItemInput,
        put_item::PutItemInput, query::QueryInput, transact_write_items::TransactWriteItemsInput,
        update_item::UpdateItemInput,
    };
    let input = input.input();
    if input.downcast_ref::<GetItemInput>().is_some() {
        vec!["GetItem"]
    } else if input.downcast_ref::<PutItemInput>().is_some() {
        vec!["PutItem"]
    } else if input.downcast_ref::<UpdateItemInput>().is_some() {
        vec!["UpdateItem"]
    } else if input.downcast_ref::<DeleteItemInput>().is_some() {
        vec!["DeleteItem"]
    } else if input.downcast_ref::<BatchGetItemInput>().is_some() {
        vec!["BatchGetItem"]
    } else if input.downcast_ref::<BatchWriteItemInput>().is_some() {
        vec!["BatchWriteItem"]
    } else if input.downcast_ref::<QueryInput>().is_some() {
        vec!["Query"]
    } else if input.downcast_ref::<CreateTableInput>().is_some() {
        vec![]
    } else if let Some(transaction) = input.downcast_ref::<TransactWriteItemsInput>() {
        transaction
            .transact_items()
            .iter()
            .map(|item| {
                if item.put().is_some() {
                    "PutItem"
                } else if item.update().is_some() {
                    "UpdateItem"
                } else if item.delete().is_some() {
                    "DeleteItem"
                } else {
                    "ConditionCheckItem"
                }
            })
            .collect()
    } else {
        vec!["(unknown operation)"]
    }
}

/// Where the suite writes which function used which DynamoDB action;
/// `infra/checks/observed_actions.py` holds them against the IAM roles.
pub(crate) fn record_actions(function: Function, actions: &[&'static str]) {
    use std::io::Write;
    if actions.is_empty() {
        return;
    }
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../target/dynamodb-actions");
    let _ = std::fs::create_dir_all(dir);
    let path = format!("{dir}/{}.txt", std::process::id());
    // One write of whole lines: appends from parallel tests never interleave.
    let lines: String = actions
        .iter()
        .map(|a| format!("{} {a}\n", function.name()))
        .collect();
    if let Ok(mut file) = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)
    {
        let _ = file.write_all(lines.as_bytes());
    }
}

impl Intercept for CallCounter {
    fn name(&self) -> &'static str {
        "CallCounter"
    }

    fn read_before_execution(
        &self,
        context: &BeforeSerializationInterceptorContextRef<'_>,
        _cfg: &mut aws_sdk_dynamodb::config::ConfigBag,
    ) -> Result<(), BoxError> {
        self.0.fetch_add(1, Ordering::SeqCst);
        if let Ok(mut actions) = self.1.lock() {
            actions.extend(iam_actions(context));
        }
        Ok(())
    }

    fn read_after_deserialization(
        &self,
        context: &aws_sdk_dynamodb::config::interceptors::AfterDeserializationInterceptorContextRef<
            '_,
        >,
        _components: &aws_sdk_dynamodb::config::RuntimeComponents,
        _cfg: &mut aws_sdk_dynamodb::config::ConfigBag,
    ) -> Result<(), BoxError> {
        use aws_sdk_dynamodb::operation::{
            batch_get_item::BatchGetItemOutput, get_item::GetItemOutput, query::QueryOutput,
        };
        let Ok(output) = context.output_or_error() else {
            return Ok(());
        };
        let read = if let Some(query) = output.downcast_ref::<QueryOutput>() {
            usize::try_from(query.count).unwrap_or_default()
        } else if let Some(batch) = output.downcast_ref::<BatchGetItemOutput>() {
            batch
                .responses
                .as_ref()
                .map_or(0, |r| r.values().map(Vec::len).sum())
        } else if let Some(get) = output.downcast_ref::<GetItemOutput>() {
            usize::from(get.item.is_some())
        } else {
            0
        };
        self.2.fetch_add(read, Ordering::SeqCst);
        Ok(())
    }
}

pub(crate) fn local_endpoint(variable: &str, default: &str) -> String {
    std::env::var(variable).unwrap_or_else(|_| default.to_string())
}

/// Always the local stand-ins with dummy credentials, whatever AWS settings the
/// developer's shell holds: tests can never reach a real account. Timeouts are
/// roomier than production's (moto serves one request at a time, and the suite runs
/// tests in parallel); the outage tests use production's.
pub(crate) async fn local_aws_config() -> aws_config::SdkConfig {
    local_aws_config_with(roomy_timeouts()).await
}

fn roomy_timeouts() -> aws_config::timeout::TimeoutConfig {
    aws_config::timeout::TimeoutConfig::builder()
        .connect_timeout(std::time::Duration::from_secs(5))
        .operation_timeout(std::time::Duration::from_secs(60))
        .build()
}

async fn local_aws_config_with(
    timeouts: aws_config::timeout::TimeoutConfig,
) -> aws_config::SdkConfig {
    local_aws_loader().timeout_config(timeouts).load().await
}

fn local_aws_loader() -> aws_config::ConfigLoader {
    aws_config::defaults(aws_config::BehaviorVersion::latest())
        .http_client(members_auth::https::SdkHttpClient::default())
        .region(aws_config::Region::new("us-east-1"))
        .credentials_provider(aws_sdk_dynamodb::config::Credentials::new(
            "local", "local", None, None, "tests",
        ))
}

/// Every AWS service at moto (DynamoDB, Secrets Manager, SES v2): what a `LazyApp`
/// under test builds its clients from.
pub fn moto_aws_loader() -> aws_config::ConfigLoader {
    local_aws_loader()
        .timeout_config(roomy_timeouts())
        .endpoint_url(local_endpoint("AWS_ENDPOINT_URL", "http://127.0.0.1:5000"))
}
