//! The service's errors: an HTTP status, a stable code and a message, answered as
//! `{"error": {"code", "message"}}`. Where a signer error becomes an HTTP status is here.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::json;

use crate::error::{Error, ErrorKind};

/// One refused or failed request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ApiError {
    pub status: StatusCode,
    pub code: &'static str,
    pub message: String,
    /// KMS's own error code, when KMS gave one.
    pub kms_code: Option<String>,
}

/// The code of an error response, left in its extensions for the metrics.
#[derive(Clone, Copy, Debug)]
pub struct ErrorCode(pub &'static str);

impl ApiError {
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> ApiError {
        ApiError {
            status,
            code,
            message: message.into(),
            kms_code: None,
        }
    }

    /// 400: the request body cannot be used.
    pub fn invalid(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::BAD_REQUEST, "ERR_INVALID_REQUEST", message)
    }

    /// 403: the client's policy does not allow this.
    pub fn forbidden(code: &'static str, message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::FORBIDDEN, code, message)
    }

    /// 429.
    pub fn too_many(code: &'static str, message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::TOO_MANY_REQUESTS, code, message)
    }

    /// `{"code", "message"[, "kms_code"]}`.
    pub fn body(&self) -> serde_json::Value {
        let mut detail = json!({"code": self.code, "message": self.message});
        if let Some(kms_code) = &self.kms_code {
            detail["kms_code"] = json!(kms_code);
        }
        detail
    }
}

/// A signer error: KMS, credentials and network failures are 503 (the service cannot issue
/// tokens right now; retry later), bad claims 400, a signing input too large for the key 413,
/// a KMS signature that failed the self-check 503.
impl From<Error> for ApiError {
    fn from(error: Error) -> ApiError {
        let status = match error.kind() {
            kind if kind.is_kms() => StatusCode::SERVICE_UNAVAILABLE,
            ErrorKind::InvalidInput => StatusCode::BAD_REQUEST,
            ErrorKind::MessageTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            _ => StatusCode::SERVICE_UNAVAILABLE,
        };
        let code = match error.kind() {
            ErrorKind::InvalidInput => "ERR_INVALID_REQUEST",
            _ => error.code(),
        };
        ApiError {
            status,
            code,
            message: error.message().to_owned(),
            kms_code: error.kms_code().map(str::to_owned),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut response = (self.status, axum::Json(json!({"error": self.body()}))).into_response();
        let headers = response.headers_mut();
        match self.status {
            StatusCode::UNAUTHORIZED => {
                // RFC 6750 section 3: a challenge; `invalid_token` only when a key was sent.
                let challenge = if self.code == "ERR_API_KEY_MISSING" {
                    "Bearer realm=\"kmsjwt\"".to_owned()
                } else {
                    format!(
                        "Bearer realm=\"kmsjwt\", error=\"invalid_token\", error_description=\"{}\"",
                        self.code
                    )
                };
                if let Ok(value) = HeaderValue::from_str(&challenge) {
                    headers.insert(header::WWW_AUTHENTICATE, value);
                }
            }
            StatusCode::TOO_MANY_REQUESTS | StatusCode::SERVICE_UNAVAILABLE => {
                headers.insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
            }
            _ => {}
        }
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
        response.extensions_mut().insert(ErrorCode(self.code));
        response
    }
}
