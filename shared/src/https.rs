//! The one HTTPS client of a function, shared by the AWS SDK clients and the captcha check.
//!
//! Why not the SDK's default client (measured in BENCHMARKS.md, "Tuning"):
//! - it loads the platform's CA roots when an SDK client is built, i.e. during every
//!   cold start's init, even for a request that never leaves the function; here they load
//!   on the first HTTPS connection, once per process;
//! - it links HTTP/2 (h2), which DynamoDB, SES and Secrets Manager do not need over
//!   HTTP/1.1 keep-alive: ~0.9 MB of every binary.

use std::{
    collections::HashMap,
    error::Error as StdError,
    sync::{Arc, LazyLock, Mutex},
    time::Duration,
};

use aws_smithy_runtime_api::client::{
    http::{
        HttpClient, HttpConnector, HttpConnectorFuture, HttpConnectorSettings, SharedHttpConnector,
    },
    orchestrator::{HttpRequest, HttpResponse},
    result::ConnectorError,
    runtime_components::RuntimeComponents,
};
use aws_smithy_types::body::SdkBody;
use hyper_rustls::HttpsConnector;
use hyper_util::{
    client::legacy::{Client, connect::HttpConnector as TcpConnector},
    rt::{TokioExecutor, TokioTimer},
};

/// Connections idle longer than this are closed: below the 60 s after which AWS front
/// ends drop an idle keep-alive connection, so a warm function never writes to a dead one.
const IDLE_TIMEOUT: Duration = Duration::from_secs(20);

/// The TLS settings, built on first use: reading the CA roots costs a cold start
/// milliseconds (a directory of files on Debian) that only an HTTPS call should pay.
static TLS: LazyLock<rustls::ClientConfig> = LazyLock::new(|| {
    let mut roots = rustls::RootCertStore::empty();
    let found = rustls_native_certs::load_native_certs();
    let (valid, _) = roots.add_parsable_certificates(found.certs);
    if valid == 0 {
        tracing::error!(errors = ?found.errors, "no CA roots found: HTTPS calls will fail");
    }
    // aws-lc-rs, for its post-quantum hybrid key exchange (X25519MLKEM768), which AWS
    // endpoints accept; see BENCHMARKS.md for what it costs in size against ring.
    rustls::ClientConfig::builder_with_provider(Arc::new(
        rustls::crypto::aws_lc_rs::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .expect("the aws-lc-rs provider supports TLS 1.2 and 1.3")
    .with_root_certificates(roots)
    .with_no_client_auth()
});

/// An HTTP/1.1 connector for `http://` (local stand-ins) and `https://` URLs.
fn connector(connect_timeout: Option<Duration>) -> HttpsConnector<TcpConnector> {
    let mut tcp = TcpConnector::new();
    tcp.enforce_http(false);
    tcp.set_nodelay(true);
    tcp.set_connect_timeout(connect_timeout);
    hyper_rustls::HttpsConnectorBuilder::new()
        .with_tls_config(TLS.clone())
        .https_or_http()
        .enable_http1()
        .wrap_connector(tcp)
}

pub(crate) fn client<B>(
    connect_timeout: Option<Duration>,
) -> Client<HttpsConnector<TcpConnector>, B>
where
    B: hyper::body::Body + Send + 'static,
    B::Data: Send,
{
    Client::builder(TokioExecutor::new())
        .pool_timer(TokioTimer::new())
        .pool_idle_timeout(IDLE_TIMEOUT)
        .build(connector(connect_timeout))
}

/// The SDK's view of [`client`]: one connection pool per connect timeout the SDK asks
/// for (in practice one, the timeout of [`crate::app::aws_defaults`]).
#[derive(Clone, Debug, Default)]
pub struct SdkHttpClient {
    pools: Arc<Mutex<HashMap<Option<Duration>, SharedHttpConnector>>>,
}

impl HttpClient for SdkHttpClient {
    fn http_connector(
        &self,
        settings: &HttpConnectorSettings,
        _components: &RuntimeComponents,
    ) -> SharedHttpConnector {
        let mut pools = self
            .pools
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        pools
            .entry(settings.connect_timeout())
            .or_insert_with(|| {
                SharedHttpConnector::new(Pool {
                    client: client(settings.connect_timeout()),
                })
            })
            .clone()
    }
}

#[derive(Debug)]
struct Pool {
    client: Client<HttpsConnector<TcpConnector>, SdkBody>,
}

impl HttpConnector for Pool {
    fn call(&self, request: HttpRequest) -> HttpConnectorFuture {
        let request = match request.try_into_http1x() {
            Ok(request) => request,
            Err(err) => return HttpConnectorFuture::ready(Err(ConnectorError::user(err.into()))),
        };
        let pending = self.client.request(request);
        HttpConnectorFuture::new(async move {
            match pending.await {
                Ok(response) => HttpResponse::try_from(response.map(SdkBody::from_body_1_x))
                    .map_err(|err| ConnectorError::other(err.into(), None)),
                Err(err) => Err(classify(err)),
            }
        })
    }
}

/// Tells the SDK's retry policy what went wrong: a connect timeout is a timeout, a refused
/// or dropped connection is I/O (both retried), a bad request is the caller's.
fn classify(err: hyper_util::client::legacy::Error) -> ConnectorError {
    let io_kind = chain(&err)
        .find_map(|e| e.downcast_ref::<std::io::Error>())
        .map(std::io::Error::kind);
    let hyper_error = chain(&err).find_map(|e| e.downcast_ref::<hyper::Error>());
    if io_kind == Some(std::io::ErrorKind::TimedOut) {
        ConnectorError::timeout(err.into())
    } else if err.is_connect() || io_kind.is_some() {
        ConnectorError::io(err.into())
    } else if let Some(hyper_error) = hyper_error {
        if hyper_error.is_user() {
            ConnectorError::user(err.into())
        } else if hyper_error.is_closed()
            || hyper_error.is_canceled()
            || hyper_error.is_incomplete_message()
        {
            ConnectorError::io(err.into())
        } else {
            ConnectorError::other(err.into(), None)
        }
    } else {
        ConnectorError::other(err.into(), None)
    }
}

fn chain<'a>(
    err: &'a (dyn StdError + 'static),
) -> impl Iterator<Item = &'a (dyn StdError + 'static)> {
    std::iter::successors(Some(err), |&e| e.source())
}
