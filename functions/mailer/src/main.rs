//! Sends the emails the request paths queue, from the table's stream (`mail::delivery`).

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), lambda_http::Error> {
    members_auth::mail::delivery::run().await
}
