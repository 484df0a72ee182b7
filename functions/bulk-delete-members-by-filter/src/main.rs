use members_auth::http::{Function, run};

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), lambda_http::Error> {
    run::<{ Function::BulkDeleteMembersByFilter as u8 }>().await
}
