//! The HTTP contract, as an axum [`Router`] that both `serve` and the Lambda handler run:
//!
//! - `POST /v1/tokens` `{claims, ttl?, audience?}` -> `{token, expires_at, kid}` (API key)
//! - `GET /.well-known/jwks.json` -> the JWK Set, with `Cache-Control: max-age`
//! - `GET /healthz` -> 200 or 503 with what KMS said
//! - `GET /metrics` -> Prometheus text
//!
//! Every error is `{"error": {"code", "message"}}`.

use std::sync::Arc;
use std::time::Instant;

use axum::Router;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use http_body_util::{BodyExt, LengthLimitError, Limited};

use super::error::{ApiError, ErrorCode};
use super::policy::TokenRequest;
use super::service::{Issued, TokenService};

pub const TOKENS: &str = "/v1/tokens";
pub const JWKS: &str = "/.well-known/jwks.json";
pub const HEALTHZ: &str = "/healthz";
pub const METRICS: &str = "/metrics";

/// The service's routes, with request metrics and logs around them.
pub fn router(service: Arc<TokenService>) -> Router {
    Router::new()
        .route(TOKENS, post(tokens))
        .route(JWKS, get(jwks))
        .route(HEALTHZ, get(healthz))
        .route(METRICS, get(metrics))
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .layer(middleware::from_fn_with_state(Arc::clone(&service), record))
        .with_state(service)
}

async fn tokens(
    State(service): State<Arc<TokenService>>,
    headers: HeaderMap,
    body: Body,
) -> Response {
    match issue(&service, &headers, body).await {
        Ok(issued) => {
            let mut response = axum::Json(issued.to_json()).into_response();
            response
                .headers_mut()
                .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
            response
        }
        Err(error) => error.into_response(),
    }
}

/// Authentication first (401 before anything else is looked at), then the body (413, 400),
/// then the client's limits, policy and KMS.
async fn issue(
    service: &TokenService,
    headers: &HeaderMap,
    body: Body,
) -> Result<Issued, ApiError> {
    let authorization = headers
        .get(header::AUTHORIZATION)
        .and_then(|value| value.to_str().ok());
    let client = service.authenticate(authorization)?;
    // One deadline for reading the body and signing: the request timeout bounds the whole.
    let deadline = service.deadline();
    let limits = service.limits();
    let max = limits.max_body_bytes;
    let too_large = || {
        ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "ERR_BODY_TOO_LARGE",
            format!("the request body is larger than {max} bytes"),
        )
    };
    // A declared length over the limit is refused before a byte of the body is read.
    let declared = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.parse::<u64>().ok());
    if declared.is_some_and(|length| length > max as u64) {
        return Err(too_large());
    }
    let read = tokio::time::timeout_at(deadline, Limited::new(body, max).collect());
    let bytes = match read.await {
        Ok(Ok(collected)) => collected.to_bytes(),
        Ok(Err(error)) if error.downcast_ref::<LengthLimitError>().is_some() => {
            return Err(too_large());
        }
        Ok(Err(error)) => {
            return Err(ApiError::invalid(format!(
                "the request body could not be read: {error}"
            )));
        }
        Err(_) => {
            return Err(ApiError::invalid(format!(
                "the request body did not arrive within {} s",
                limits.request_timeout.as_secs()
            )));
        }
    };
    let request = TokenRequest::parse(&bytes)?;
    service.issue(client, request, deadline).await
}

async fn jwks(State(service): State<Arc<TokenService>>) -> Response {
    let max_age = service.limits().jwks_max_age.as_secs();
    let mut response = (
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        )],
        service.jwks().to_owned(),
    )
        .into_response();
    if let Ok(value) = HeaderValue::from_str(&format!("public, max-age={max_age}")) {
        response.headers_mut().insert(header::CACHE_CONTROL, value);
    }
    response
}

async fn healthz(State(service): State<Arc<TokenService>>) -> Response {
    let health = service.health().await;
    let mut response = (health.status, axum::Json(health.body)).into_response();
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

async fn metrics(State(service): State<Arc<TokenService>>) -> Response {
    (
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("text/plain; version=0.0.4; charset=utf-8"),
        )],
        service.metrics().render(),
    )
        .into_response()
}

async fn not_found() -> ApiError {
    ApiError::new(
        StatusCode::NOT_FOUND,
        "ERR_NOT_FOUND",
        format!(
            "no such route; the routes are POST {TOKENS}, GET {JWKS}, GET {HEALTHZ}, GET {METRICS}"
        ),
    )
}

async fn method_not_allowed() -> ApiError {
    ApiError::new(
        StatusCode::METHOD_NOT_ALLOWED,
        "ERR_METHOD_NOT_ALLOWED",
        format!("this route does not take that method; POST {TOKENS}, GET for the others"),
    )
}

/// Counts every answer by route and status (and error code), and logs it.
async fn record(
    State(service): State<Arc<TokenService>>,
    request: Request,
    next: Next,
) -> Response {
    let route = match request.uri().path() {
        TOKENS => TOKENS,
        JWKS => JWKS,
        HEALTHZ => HEALTHZ,
        METRICS => METRICS,
        // Unknown paths share one label, so that probes cannot create series.
        _ => "other",
    };
    let method = request.method().clone();
    let started = Instant::now();
    let response = next.run(request).await;
    let status = response.status();
    let metrics = service.metrics();
    metrics.request(route, status.as_u16());
    let code = response.extensions().get::<ErrorCode>().map(|code| code.0);
    if let Some(code) = code {
        metrics.error(code);
    }
    tracing::info!(
        %method,
        route,
        status = status.as_u16(),
        code = code.unwrap_or(""),
        ms = started.elapsed().as_millis() as u64,
        "request"
    );
    response
}
