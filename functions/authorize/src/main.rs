use lambda_http::{Error, run, service_fn};
use members_auth::{LazyApp, http::headless, telemetry};

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Error> {
    telemetry::init();
    let app = LazyApp::from_env()?;
    run(service_fn(|request| headless::authorize(&app, request))).await
}
