//! The store contract (`integration_tests::store_contract`) against the DynamoDB store
//! on the local stand-in, through the real AWS SDK.

use integration_tests::{TestApp, store_contract};

#[tokio::test]
async fn the_dynamodb_store_passes_the_contract() {
    let app = TestApp::new().await;
    store_contract::run(&app.app.store).await;
}
