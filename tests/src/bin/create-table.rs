//! Creates the members table in whatever DynamoDB the environment points at
//! (the local moto server under `make dev`).

use members_auth::store::create_table_if_missing;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let table = std::env::args().nth(1).unwrap_or_else(|| "members".into());
    let aws = members_auth::app::aws_defaults().load().await;
    let client = aws_sdk_dynamodb::Client::new(&aws);
    let created = create_table_if_missing(&client, &table).await?;
    println!(
        "table {table}: {}",
        if created { "created" } else { "exists" }
    );
    Ok(())
}
