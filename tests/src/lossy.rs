//! A DynamoDB whose answers get lost: a TCP proxy in front of the local stand-in that
//! forwards every request and, for the first few of one operation, lets DynamoDB apply
//! it but never delivers the answer. The SDK's attempt times out and it sends the same
//! request again — what happens in AWS when a response is lost on the way.
//!
//! The proxy handles one request per connection: read it (headers, then `Content-Length`
//! bytes), send it upstream on a connection of its own with `Connection: close` (the
//! stand-in keeps connections open otherwise), read the answer to its end.

use std::sync::{
    Arc,
    atomic::{AtomicUsize, Ordering},
};
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// Longer than the production SDK's 2 s attempt timeout (`app::aws_defaults`).
const HOLD: Duration = Duration::from_secs(4);

pub struct LossyDynamo {
    /// Where the SDK under test sends its requests.
    pub endpoint: String,
    lost: Arc<AtomicUsize>,
}

impl LossyDynamo {
    /// Proxies to `upstream` (`host:port`); the first `losses` answers to `operation`
    /// (`PutItem`, `UpdateItem`, `TransactWriteItems`, ...) are lost.
    pub async fn start(upstream: &str, operation: &str, losses: usize) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("a free port");
        let endpoint = format!("http://{}", listener.local_addr().expect("a bound port"));
        let lost = Arc::new(AtomicUsize::new(0));
        let target = format!(
            "x-amz-target: dynamodb_20120810.{}",
            operation.to_lowercase()
        );
        let (upstream, counter) = (upstream.to_string(), lost.clone());
        tokio::spawn(async move {
            while let Ok((client, _)) = listener.accept().await {
                let (upstream, target, lost) = (upstream.clone(), target.clone(), counter.clone());
                tokio::spawn(async move {
                    // A connection the proxy gave up on is only a lost answer: ignore errors.
                    let _ = relay(client, &upstream, &target, &lost, losses).await;
                });
            }
        });
        Self { endpoint, lost }
    }

    /// How many answers were lost so far.
    pub fn lost(&self) -> usize {
        self.lost.load(Ordering::SeqCst)
    }
}

async fn relay(
    mut client: TcpStream,
    upstream: &str,
    target: &str,
    lost: &AtomicUsize,
    losses: usize,
) -> std::io::Result<()> {
    let request = closing(read_request(&mut client).await?);
    let mut server = TcpStream::connect(upstream).await?;
    server.write_all(&request).await?;
    let mut answer = Vec::new();
    server.read_to_end(&mut answer).await?;
    let head = String::from_utf8_lossy(&request).to_lowercase();
    let matches = head
        .split("\r\n\r\n")
        .next()
        .is_some_and(|headers| headers.lines().any(|line| line.trim() == target));
    if matches
        && lost
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| {
                (n < losses).then_some(n + 1)
            })
            .is_ok()
    {
        // Applied upstream; the answer never arrives.
        tokio::time::sleep(HOLD).await;
        return Ok(());
    }
    client.write_all(&answer).await?;
    client.shutdown().await
}

/// The request with `Connection: close` after its request line, so that its answer ends
/// with the connection and the client is told not to send another on it.
fn closing(request: Vec<u8>) -> Vec<u8> {
    let Some(line_end) = request.windows(2).position(|w| w == b"\r\n") else {
        return request;
    };
    let mut out = Vec::with_capacity(request.len() + 19);
    out.extend_from_slice(&request[..line_end + 2]);
    out.extend_from_slice(b"connection: close\r\n");
    out.extend_from_slice(&request[line_end + 2..]);
    out
}

/// One HTTP/1.1 request: its head and a body of `Content-Length` bytes.
async fn read_request(client: &mut TcpStream) -> std::io::Result<Vec<u8>> {
    let mut request = Vec::new();
    let mut buffer = [0u8; 8192];
    loop {
        let read = client.read(&mut buffer).await?;
        if read == 0 {
            return Err(std::io::ErrorKind::UnexpectedEof.into());
        }
        request.extend_from_slice(&buffer[..read]);
        let Some(end) = request.windows(4).position(|w| w == b"\r\n\r\n") else {
            continue;
        };
        let head = String::from_utf8_lossy(&request[..end]).to_lowercase();
        let length: usize = head
            .lines()
            .find_map(|line| line.strip_prefix("content-length:"))
            .and_then(|value| value.trim().parse().ok())
            .unwrap_or(0);
        if request.len() >= end + 4 + length {
            return Ok(request);
        }
    }
}
