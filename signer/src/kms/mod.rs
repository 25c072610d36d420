//! The KMS side: the client and its retry and timeout settings ([`Kms`]), key resolution
//! ([`KmsKey`]), what is sent to KMS and how its signatures become JWS signatures
//! ([`signature`]), and how SDK errors become signer errors (`error`).

mod error;
mod key;
pub mod key_spec;
pub mod signature;

use std::time::Duration;

use aws_config::BehaviorVersion;
use aws_config::retry::RetryConfig;
use aws_config::timeout::TimeoutConfig;
use aws_sdk_kms::Client;
use aws_sdk_kms::primitives::Blob;
use aws_sdk_kms::types::{KeySpec, KeyUsageType, MessageType, SigningAlgorithmSpec, Tag};
use kmsjwt_verify::Alg;

pub use key::{KidMode, KmsKey};

use self::error::{Call, from_sdk};
use self::signature::KmsMessage;
use crate::error::{Error, Result};

/// Retry and timeout settings for KMS calls.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct KmsOptions {
    /// Attempts per KMS call, the first included (throttling, 5xx and connection errors are
    /// retried with the SDK's standard exponential backoff). Default 3; 1 turns retries off.
    pub max_attempts: u32,
    /// The longest one KMS call may take, retries included. Default 30 s.
    pub timeout: Duration,
    /// The longest a connection attempt may take (capped by `timeout`). Default 3.1 s, the
    /// SDK's own default.
    pub connect_timeout: Duration,
}

impl Default for KmsOptions {
    fn default() -> Self {
        KmsOptions {
            max_attempts: 3,
            timeout: Duration::from_secs(30),
            connect_timeout: Duration::from_millis(3100),
        }
    }
}

impl KmsOptions {
    fn retry_config(&self) -> RetryConfig {
        RetryConfig::standard().with_max_attempts(self.max_attempts.max(1))
    }

    fn timeout_config(&self) -> TimeoutConfig {
        TimeoutConfig::builder()
            .operation_timeout(self.timeout)
            .operation_attempt_timeout(self.timeout)
            .connect_timeout(self.connect_timeout.min(self.timeout))
            .build()
    }
}

/// A KMS client with the settings kmsjwt needs. Cheap to clone (the SDK client is shared).
#[derive(Clone, Debug)]
pub struct Kms {
    client: Client,
    max_attempts: u32,
}

impl Kms {
    /// A client configured by the SDK's standard chain: `AWS_PROFILE`, `AWS_REGION`,
    /// credentials from the environment, profile, SSO, process or instance metadata, and
    /// `AWS_ENDPOINT_URL_KMS` / `AWS_ENDPOINT_URL` for a local KMS.
    pub async fn from_env(options: KmsOptions) -> Kms {
        let config = aws_config::defaults(BehaviorVersion::latest())
            .retry_config(options.retry_config())
            .timeout_config(options.timeout_config())
            .load()
            .await;
        Kms::new(Client::new(&config))
    }

    /// Wraps a client built by the caller (its own retry and timeout settings apply).
    pub fn new(client: Client) -> Kms {
        let max_attempts = client
            .config()
            .retry_config()
            .map_or(1, |retry| retry.max_attempts());
        Kms {
            client,
            max_attempts,
        }
    }

    /// Builds a client for `sdk_config` with `options` overriding its retry and timeout
    /// settings.
    pub fn with_options(sdk_config: &aws_config::SdkConfig, options: KmsOptions) -> Kms {
        let config = aws_sdk_kms::config::Builder::from(sdk_config)
            .retry_config(options.retry_config())
            .timeout_config(options.timeout_config())
            .build();
        Kms::new(Client::from_conf(config))
    }

    pub fn client(&self) -> &Client {
        &self.client
    }

    /// Resolves a key named by key id, key ARN, alias name or alias ARN: `DescribeKey` (spec,
    /// usage, state), then `GetPublicKey`. Keys that cannot sign JWTs are refused here with
    /// the error KMS would give the `Sign` call.
    pub async fn key(&self, name: &str) -> Result<KmsKey> {
        key::resolve(self, name).await
    }

    /// Asks KMS to sign a prepared message with the key (always named by its ARN, so that an
    /// alias moved to another key cannot change the key under a cached public key).
    pub(crate) async fn sign(
        &self,
        key: &KmsKey,
        alg: Alg,
        message: KmsMessage,
    ) -> Result<Vec<u8>> {
        let message_type = match message.message_type {
            signature::MessageType::Digest => MessageType::Digest,
            signature::MessageType::Raw => MessageType::Raw,
            signature::MessageType::ExternalMu => MessageType::ExternalMu,
        };
        tracing::debug!(
            key = key.arn(),
            alg = alg.name(),
            message_type = message_type.as_str(),
            bytes = message.bytes.len(),
            "KMS Sign"
        );
        let output = self
            .client
            .sign()
            .key_id(key.arn())
            .message(Blob::new(message.bytes))
            .message_type(message_type)
            .signing_algorithm(SigningAlgorithmSpec::from(alg.kms_signing_algorithm()))
            .send()
            .await
            .map_err(|error| from_sdk(self.call("Sign", Some(key.name())), error))?;
        output.signature.map(Blob::into_inner).ok_or_else(|| {
            Error::kms(
                "MissingSignature",
                format!(
                    "KMS Sign for key {} answered without a signature",
                    key.name()
                ),
            )
        })
    }

    /// Creates a SIGN_VERIFY key with `spec` (one of [`key_spec::SIGNING_KEY_SPECS`]), then
    /// the alias if one is given.
    pub async fn create_key(&self, request: &CreateKey) -> Result<CreatedKey> {
        if key_spec::key_type(&request.spec).is_none() {
            return Err(Error::input(format!(
                "kmsjwt cannot sign with key spec {:?}; use one of {}",
                request.spec,
                key_spec::names().collect::<Vec<_>>().join(", ")
            )));
        }
        if let Some(alias) = &request.alias {
            check_alias_name(alias)?;
        }
        let mut create = self
            .client
            .create_key()
            .key_spec(KeySpec::from(request.spec.as_str()))
            .key_usage(KeyUsageType::SignVerify);
        if let Some(description) = &request.description {
            create = create.description(description);
        }
        for (key, value) in &request.tags {
            let tag = Tag::builder()
                .tag_key(key)
                .tag_value(value)
                .build()
                .map_err(|error| Error::input(format!("tag {key}={value}: {error}")))?;
            create = create.tags(tag);
        }
        let output = create
            .send()
            .await
            .map_err(|error| from_sdk(self.call("CreateKey", None), error))?;
        let metadata = output.key_metadata.ok_or_else(|| {
            Error::kms(
                "MissingKeyMetadata",
                "KMS CreateKey answered without key metadata",
            )
        })?;
        let created = CreatedKey {
            arn: metadata
                .arn()
                .map(str::to_owned)
                .unwrap_or_else(|| metadata.key_id().to_owned()),
            key_id: metadata.key_id().to_owned(),
            spec: request.spec.clone(),
            alias: request.alias.clone(),
        };
        if let Some(alias) = &request.alias {
            self.client
                .create_alias()
                .alias_name(alias)
                .target_key_id(&created.key_id)
                .send()
                .await
                .map_err(|error| {
                    let error = from_sdk(self.call("CreateAlias", Some(alias)), error);
                    Error::new(
                        error.kind().clone(),
                        format!(
                            "the key {} was created, but not its alias: {}",
                            created.arn,
                            error.message()
                        ),
                    )
                })?;
        }
        Ok(created)
    }

    fn call<'a>(&self, operation: &'static str, key: Option<&'a str>) -> Call<'a> {
        Call {
            operation,
            key,
            max_attempts: self.max_attempts,
        }
    }
}

/// What `kmsjwt create-key` asks KMS for.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CreateKey {
    /// KMS key spec, e.g. `ECC_NIST_P256`.
    pub spec: String,
    /// `alias/NAME` to point at the new key.
    pub alias: Option<String>,
    pub description: Option<String>,
    pub tags: Vec<(String, String)>,
}

/// A key made by [`Kms::create_key`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CreatedKey {
    pub key_id: String,
    pub arn: String,
    pub spec: String,
    pub alias: Option<String>,
}

fn check_alias_name(alias: &str) -> Result<()> {
    let name = alias
        .strip_prefix("alias/")
        .ok_or_else(|| Error::input(format!("alias {alias:?} must start with \"alias/\"")))?;
    let valid = !name.is_empty()
        && name.len() <= 250
        && !name.starts_with("aws/")
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '/' | '_' | '-'));
    if valid {
        Ok(())
    } else {
        Err(Error::input(format!(
            "alias {alias:?} is not a valid KMS alias: use alias/ and then letters, digits, \
             '/', '_' or '-' (not alias/aws/...)"
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn alias_names_are_checked_before_kms() {
        assert!(check_alias_name("alias/jwt-signing_2026/a").is_ok());
        for bad in ["jwt", "alias/", "alias/aws/x", "alias/has space", "alias/é"] {
            assert_eq!(
                check_alias_name(bad).unwrap_err().code(),
                "ERR_INVALID_INPUT"
            );
        }
    }
}
