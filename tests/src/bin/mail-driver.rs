//! `make dev`'s stand-in for Lambda's stream mapping of the mailer (infra/mailer.tf):
//! polls the table's stream and invokes the `mailer` function under cargo-lambda with
//! each batch of new `MAIL#` records; a batch the mailer fails is handed over again from
//! the failed record, with growing waits, and dropped as a dead letter after an hour
//! (the mapping's maximum record age).
//!
//! Usage: mail-driver TABLE INVOKE_BASE_URL   (e.g. members http://127.0.0.1:9000)

use std::time::{Duration, Instant};

use integration_tests::mail_driver::{MailQueue, StartAt};
use members_auth::mail::delivery::{BatchResponse, StreamEvent};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

const POLL: Duration = Duration::from_millis(200);
const FIRST_RETRY: Duration = Duration::from_secs(1);
const LONGEST_RETRY: Duration = Duration::from_secs(30);
const MAXIMUM_RECORD_AGE: Duration = Duration::from_secs(3600);

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let table = args.next().unwrap_or_else(|| "members".into());
    let invoke = args
        .next()
        .unwrap_or_else(|| "http://127.0.0.1:9000".into());
    let aws = members_auth::app::aws_defaults().load().await;
    let dynamodb = aws_sdk_dynamodb::Client::new(&aws);
    let streams = aws_sdk_dynamodbstreams::Client::new(&aws);
    // The whole stream: mail queued before the driver started is still sent once.
    let mut queue = MailQueue::open(&dynamodb, &streams, &table, StartAt::TrimHorizon).await?;
    eprintln!("mail-driver: feeding the mailer at {invoke} from table {table}'s stream");
    let mut wait = FIRST_RETRY;
    let mut failing_since: Option<Instant> = None;
    loop {
        let waiting = match queue
            .drain(&streams, |event| invoke_mailer(&invoke, event))
            .await
        {
            Ok(waiting) => waiting,
            Err(err) => {
                eprintln!("mail-driver: {err}");
                1
            }
        };
        if waiting == 0 {
            failing_since = None;
            wait = FIRST_RETRY;
            tokio::time::sleep(POLL).await;
            continue;
        }
        let since = *failing_since.get_or_insert_with(Instant::now);
        if since.elapsed() > MAXIMUM_RECORD_AGE {
            eprintln!(
                "mail-driver: dead letter: {} records dropped after an hour",
                queue.give_up()
            );
            failing_since = None;
            wait = FIRST_RETRY;
            continue;
        }
        eprintln!("mail-driver: {waiting} records wait for the mailer; again in {wait:?}");
        tokio::time::sleep(wait).await;
        wait = (wait * 2).min(LONGEST_RETRY);
    }
}

/// Lambda's invoke API, as cargo-lambda serves it.
async fn invoke_mailer(base: &str, event: StreamEvent) -> Result<BatchResponse, String> {
    let address = base.trim_start_matches("http://").trim_end_matches('/');
    let body = serde_json::to_string(&event).map_err(|e| e.to_string())?;
    let mut stream = tokio::net::TcpStream::connect(address)
        .await
        .map_err(|e| format!("mailer unreachable: {e}"))?;
    // HTTP/1.0: one request, one answer, no chunking to undo.
    let request = format!(
        "POST /2015-03-31/functions/mailer/invocations HTTP/1.0\r\nHost: {address}\r\n\
         Content-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    );
    stream
        .write_all(request.as_bytes())
        .await
        .map_err(|e| e.to_string())?;
    let mut response = String::new();
    stream
        .read_to_string(&mut response)
        .await
        .map_err(|e| e.to_string())?;
    let (head, body) = response.split_once("\r\n\r\n").unwrap_or_default();
    if !head.starts_with("HTTP/1.1 200") && !head.starts_with("HTTP/1.0 200")
        || head.to_ascii_lowercase().contains("x-amz-function-error")
    {
        return Err(format!(
            "the mailer failed: {}",
            head.lines().next().unwrap_or_default()
        ));
    }
    serde_json::from_str(body).map_err(|e| format!("the mailer's answer: {e}"))
}
