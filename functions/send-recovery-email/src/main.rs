use lambda_http::{Error, run, service_fn};
use members_auth::{App, http::headless, telemetry};

#[tokio::main]
async fn main() -> Result<(), Error> {
    telemetry::init();
    let app = App::from_env().await?;
    run(service_fn(|request| {
        headless::send_recovery_email(&app, request)
    }))
    .await
}
