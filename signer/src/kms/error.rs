//! Where an AWS SDK error becomes a signer [`Error`]: the KMS error code, the key, and what
//! to do about it.

use std::error::Error as StdError;

use aws_credential_types::provider::error::CredentialsError;
use aws_sdk_kms::error::{ProvideErrorMetadata, SdkError};

use crate::error::{Error, ErrorKind};

/// What was being done when KMS failed, for messages: "DescribeKey", "Sign", ...
#[derive(Clone, Copy, Debug)]
pub(crate) struct Call<'a> {
    pub operation: &'static str,
    /// The key as the caller named it (id, ARN, alias or alias ARN), or `None` (CreateKey).
    pub key: Option<&'a str>,
    /// Attempts the SDK made (for the throttling message).
    pub max_attempts: u32,
}

/// Classifies an SDK error into a signer error whose message names the key, the KMS error
/// code and what to do.
pub(crate) fn from_sdk<E, R>(call: Call<'_>, error: SdkError<E, R>) -> Error
where
    E: ProvideErrorMetadata + StdError + Send + Sync + 'static,
    R: std::fmt::Debug + Send + Sync + 'static,
{
    let subject = match call.key {
        Some(key) => format!("KMS {} for key {key}", call.operation),
        None => format!("KMS {}", call.operation),
    };
    match &error {
        SdkError::ServiceError(service) => {
            let service_error = service.err();
            let code = service_error.code().unwrap_or("UnknownError").to_owned();
            let detail = service_error
                .message()
                .map(|message| format!(" ({message})"))
                .unwrap_or_default();
            let advice = advice(&code, call);
            let message = format!("{subject} failed: {code}{detail}: {advice}");
            if is_credentials_code(&code) {
                Error::new(ErrorKind::Credentials, message)
            } else {
                Error::kms(&code, message)
            }
        }
        SdkError::TimeoutError(_) => Error::new(
            ErrorKind::Timeout,
            format!(
                "{subject} timed out: KMS did not answer in time; check the endpoint \
                 (AWS_ENDPOINT_URL_KMS, AWS_REGION) and the network, or raise --timeout"
            ),
        ),
        _ if causes(&error).contains("missing signing region") => Error::new(
            ErrorKind::Credentials,
            format!(
                "{subject} failed: no AWS region is configured; set AWS_REGION (or the region \
                 of the AWS_PROFILE profile)"
            ),
        ),
        _ if has_credentials_error(&error) => Error::new(
            ErrorKind::Credentials,
            format!(
                "{subject} failed: no usable AWS credentials ({}); set AWS_PROFILE or \
                 AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, or run `aws sso login`",
                causes(&error)
            ),
        ),
        SdkError::DispatchFailure(failure) if failure.is_timeout() => Error::new(
            ErrorKind::Timeout,
            format!(
                "{subject} timed out connecting to KMS ({}); check the endpoint \
                 (AWS_ENDPOINT_URL_KMS, AWS_REGION) and the network, or raise --timeout",
                causes(&error)
            ),
        ),
        SdkError::DispatchFailure(_) => Error::new(
            ErrorKind::Unreachable,
            format!(
                "{subject} failed: cannot reach KMS ({}); check the endpoint \
                 (AWS_ENDPOINT_URL_KMS, AWS_REGION) and the network",
                causes(&error)
            ),
        ),
        SdkError::ResponseError(_) => Error::new(
            ErrorKind::Unreachable,
            format!(
                "{subject} failed: the answer is not a KMS response ({}); check \
                 AWS_ENDPOINT_URL_KMS",
                causes(&error)
            ),
        ),
        _ => Error::new(
            ErrorKind::Unreachable,
            format!(
                "{subject} could not be sent ({}); check the AWS configuration (AWS_REGION, \
                 AWS_PROFILE)",
                causes(&error)
            ),
        ),
    }
}

/// The error's chain of causes in words, without repeats: "io error: tcp connect error:
/// Connection refused (os error 111)".
fn causes(error: &(dyn StdError + 'static)) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut current = Some(error);
    while let Some(error) = current {
        let text = error.to_string();
        if !text.is_empty() && !parts.iter().any(|part| part.contains(&text)) {
            parts.push(text);
        }
        current = error.source();
    }
    parts.join(": ")
}

fn is_credentials_code(code: &str) -> bool {
    matches!(
        code,
        "UnrecognizedClientException"
            | "InvalidSignatureException"
            | "IncompleteSignature"
            | "ExpiredTokenException"
            | "InvalidClientTokenId"
            | "MissingAuthenticationToken"
    )
}

fn has_credentials_error(error: &(dyn StdError + 'static)) -> bool {
    let mut current = Some(error);
    while let Some(error) = current {
        if error.downcast_ref::<CredentialsError>().is_some() {
            return true;
        }
        current = error.source();
    }
    false
}

/// What to do about a KMS error code.
fn advice(code: &str, call: Call<'_>) -> String {
    let key = call.key.unwrap_or("the key");
    match code {
        "NotFoundException" => format!(
            "no key {key} in this account and region; check the key id or alias and \
             AWS_REGION (aliases and keys are per region)"
        ),
        "DisabledException" => format!(
            "the key is disabled; enable it (aws kms enable-key --key-id {key}) or use \
             another key"
        ),
        "KMSInvalidStateException" => format!(
            "the key's state does not allow this (pending deletion or import?); cancel a \
             scheduled deletion (aws kms cancel-key-deletion --key-id {key}, then enable-key) \
             or use another key"
        ),
        "InvalidKeyUsageException" => "the key cannot sign (its KeyUsage is not SIGN_VERIFY, \
             or it does not support this algorithm); create a signing key with `kmsjwt \
             create-key --spec ...`"
            .to_owned(),
        "AccessDeniedException" => format!(
            "the caller is not allowed to use {key}; grant kms:{} (and kms:DescribeKey, \
             kms:GetPublicKey) in the key policy or IAM",
            call.operation
        ),
        "ThrottlingException"
        | "LimitExceededException"
        | "Throttling"
        | "TooManyRequestsException"
        | "RequestLimitExceeded" => format!(
            "KMS is throttling requests (still after {} attempts); lower --concurrency, \
             raise --max-attempts, or ask AWS for a higher KMS request quota",
            call.max_attempts
        ),
        "KMSInternalException"
        | "DependencyTimeoutException"
        | "InternalFailure"
        | "ServiceUnavailable" => format!(
            "KMS failed internally (still after {} attempts); try again later",
            call.max_attempts
        ),
        "UnsupportedOperationException" => {
            "KMS does not support this for the key; check the key's spec".to_owned()
        }
        "ValidationException" => "KMS refused the request as invalid".to_owned(),
        code if is_credentials_code(code) => "KMS refused the credentials; check AWS_PROFILE, \
             AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY or refresh the session"
            .to_owned(),
        _ => "see the KMS documentation for this error code".to_owned(),
    }
}
