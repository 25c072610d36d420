//! `kmsjwt serve`: the signing service. Whoever can call it can mint tokens, so every token
//! request is authenticated (API keys, stored as SHA-256 hashes) and checked against its
//! client's policy (audiences, ttl, claim names, fixed claims) and limits (body size,
//! concurrency, rate, timeout).
//!
//! - [`config`]: `kmsjwt.toml`, checked whole at start.
//! - [`api_key`]: Bearer keys and their hashes.
//! - [`policy`]: a token request and the policy it must pass.
//! - [`limits`]: per-client concurrency and rate.
//! - [`service`]: [`TokenService`], shared by HTTP and Lambda.
//! - [`routes`]: the HTTP contract as an axum router.
//! - [`metrics`], [`error`]: Prometheus text; `{"error": {"code", "message"}}`.
//!
//! This module runs the router on a TCP listener and drains in-flight requests on SIGTERM
//! or Ctrl-C; [`crate::lambda`] runs the same router inside AWS Lambda.

pub mod api_key;
pub mod config;
pub mod error;
pub mod limits;
pub mod metrics;
pub mod policy;
pub mod routes;
pub mod service;

use std::sync::Arc;

pub use config::Config;
pub use service::{AuthMode, TokenService};

/// Serves `service` on `listener` until `shutdown` completes, then stops accepting
/// connections and waits for the requests in flight to be answered (each is bounded by the
/// request timeout, so the drain is too).
pub async fn serve(
    service: Arc<TokenService>,
    listener: tokio::net::TcpListener,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(listener, routes::router(service))
        .with_graceful_shutdown(shutdown)
        .await
}

/// Completes on the first SIGTERM or SIGINT (Ctrl-C).
pub async fn shutdown_signal() {
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            // Without a SIGTERM handler the process still stops on Ctrl-C below.
            Err(error) => {
                tracing::warn!(%error, "cannot listen for SIGTERM");
                std::future::pending::<()>().await;
            }
        }
    };
    let interrupt = async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    tokio::select! {
        () = terminate => tracing::info!("SIGTERM: draining requests in flight"),
        () = interrupt => tracing::info!("SIGINT: draining requests in flight"),
    }
}
