//! [`TokenService`]: what the HTTP routes and the Lambda handler share — the signer, the
//! clients with their policies and limits, the published JWK Set, the health check and the
//! metrics. Everything request-independent is prepared once at start.

use std::collections::HashSet;
use std::time::Instant;

use axum::http::StatusCode;
use futures_util::future::try_join_all;
use serde_json::{Value, json};

use super::api_key::{ApiKeys, AuthFailure};
use super::config::{ClientPolicy, Config, Limits};
use super::error::ApiError;
use super::limits::ClientLimits;
use super::metrics::Metrics;
use super::policy::{ANY_AUDIENCE, TokenRequest, approve};
use crate::error::Result;
use crate::kms::{KidMode, Kms};
use crate::signer::{KmsSigner, unix_now};

/// Whether token requests must carry an API key.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AuthMode {
    /// `Authorization: Bearer KEY`, KEY's SHA-256 in the configuration. The default.
    ApiKeys,
    /// `--insecure-no-auth` (loopback listeners only): every request gets [`open_policy`],
    /// and the `Authorization` header is ignored.
    InsecureNoAuth,
}

/// A configured client: its policy and its limits.
#[derive(Debug)]
pub struct Client {
    pub policy: ClientPolicy,
    limits: ClientLimits,
}

impl Client {
    fn new(policy: ClientPolicy) -> Client {
        let limits =
            ClientLimits::new(policy.max_concurrency, policy.rate_per_second, policy.burst);
        Client { policy, limits }
    }
}

/// A token as the service answers it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Issued {
    pub token: String,
    /// The token's `exp`.
    pub expires_at: i64,
    pub kid: Option<String>,
}

impl Issued {
    pub fn to_json(&self) -> Value {
        json!({"token": self.token, "expires_at": self.expires_at, "kid": self.kid})
    }
}

/// The outcome of a health check.
#[derive(Clone, Debug)]
pub struct Health {
    pub status: StatusCode,
    pub body: Value,
}

#[derive(Debug)]
pub struct TokenService {
    signer: KmsSigner,
    kms: Kms,
    issuer: String,
    limits: Limits,
    clients: Vec<Client>,
    api_keys: ApiKeys,
    /// The client of unauthenticated requests in [`AuthMode::InsecureNoAuth`].
    open_client: Option<Client>,
    lambda_client: Option<usize>,
    /// The JWK Set, serialised once.
    jwks: String,
    metrics: Metrics,
}

impl TokenService {
    /// Resolves the signing key and the previous keys (`DescribeKey`, `GetPublicKey`) and
    /// prepares the JWK Set. Fails when a key cannot be used: a service that cannot sign
    /// should not start.
    pub async fn start(config: Config, kms: Kms, auth: AuthMode) -> Result<TokenService> {
        let kid_mode = if config.key.kid_is_key_id {
            KidMode::KeyId
        } else {
            KidMode::Thumbprint
        };
        let names: Vec<&str> = std::iter::once(config.key.id.as_str())
            .chain(config.key.previous.iter().map(String::as_str))
            .collect();
        let mut keys = try_join_all(names.iter().map(|name| kms.key(name))).await?;
        let current = keys.remove(0);
        let signer = KmsSigner::from_key(kms.clone(), current.clone());
        let signer = match config.key.alg {
            Some(alg) => signer.with_alg(alg)?,
            None => signer,
        };
        let signer = signer.with_kid(&kid_mode);

        // The signing key first, then the previous ones, each once.
        let mut seen = HashSet::new();
        let mut jwks = Vec::new();
        for (key, alg) in std::iter::once((&current, signer.alg())).chain(keys.iter().map(|key| {
            let alg = config
                .key
                .alg
                .filter(|alg| key.public_key().fits(*alg))
                .unwrap_or_else(|| key.default_alg());
            (key, alg)
        })) {
            if seen.insert(key.arn().to_owned()) {
                jwks.push(Value::Object(key.jwk(alg, &kid_mode)));
            }
        }
        let jwks = json!({ "keys": jwks }).to_string();

        let api_keys = ApiKeys::new(
            config
                .clients
                .iter()
                .map(|client| (client.api_key_sha256, client.revoked)),
        );
        let lambda_client = config
            .lambda_invoke_client
            .as_ref()
            .and_then(|name| config.clients.iter().position(|c| &c.name == name));
        let open_client = (auth == AuthMode::InsecureNoAuth).then(|| Client::new(open_policy()));
        Ok(TokenService {
            signer,
            kms,
            issuer: config.issuer,
            limits: config.limits,
            clients: config.clients.into_iter().map(Client::new).collect(),
            api_keys,
            open_client,
            lambda_client,
            jwks,
            metrics: Metrics::default(),
        })
    }

    pub fn limits(&self) -> &Limits {
        &self.limits
    }

    pub fn metrics(&self) -> &Metrics {
        &self.metrics
    }

    pub fn signer(&self) -> &KmsSigner {
        &self.signer
    }

    /// The JWK Set JSON.
    pub fn jwks(&self) -> &str {
        &self.jwks
    }

    /// The client of a request's `Authorization` header (401 when there is none).
    pub fn authenticate(&self, authorization: Option<&str>) -> Result<&Client, ApiError> {
        if let Some(open) = &self.open_client {
            return Ok(open);
        }
        let unauthorized =
            |code, message: &str| ApiError::new(StatusCode::UNAUTHORIZED, code, message.to_owned());
        match self.api_keys.authenticate(authorization) {
            Ok(index) => Ok(&self.clients[index]),
            Err(AuthFailure::Missing) => Err(unauthorized(
                "ERR_API_KEY_MISSING",
                "send an API key: Authorization: Bearer KEY",
            )),
            Err(AuthFailure::Unknown) => Err(unauthorized(
                "ERR_API_KEY_INVALID",
                "the API key is not known to this service",
            )),
            Err(AuthFailure::Revoked) => Err(unauthorized(
                "ERR_API_KEY_REVOKED",
                "the API key was revoked; ask for a new one",
            )),
        }
    }

    /// The client whose policy direct Lambda invokes get (403 when none is configured).
    pub fn lambda_client(&self) -> Result<&Client, ApiError> {
        self.lambda_client
            .map(|index| &self.clients[index])
            .ok_or_else(|| {
                ApiError::forbidden(
                    "ERR_DIRECT_INVOKE_DISABLED",
                    "direct invokes are not enabled: set lambda.invoke_client in the \
                     configuration to the client whose policy they get",
                )
            })
    }

    /// When a request that starts now must be answered: now + the request timeout.
    pub fn deadline(&self) -> tokio::time::Instant {
        tokio::time::Instant::now() + self.limits.request_timeout
    }

    /// Issues one token for `client`: its limits (429), its policy (400/403), then KMS
    /// (503 when KMS fails or `deadline`, from [`TokenService::deadline`], passes).
    pub async fn issue(
        &self,
        client: &Client,
        request: TokenRequest,
        deadline: tokio::time::Instant,
    ) -> Result<Issued, ApiError> {
        let _admission = client.limits.admit(&client.policy.name)?;
        let approved = approve(
            &client.policy,
            request,
            &self.issuer,
            self.limits.default_ttl,
        )?;
        let claims = approved.template.apply(&approved.claims, unix_now())?;
        let expires_at = claims
            .get("exp")
            .and_then(Value::as_i64)
            .unwrap_or_default();
        let started = Instant::now();
        let signed = tokio::time::timeout_at(deadline, self.signer.sign(&claims)).await;
        self.metrics.kms_sign(started.elapsed());
        let token = match signed {
            Ok(result) => result?,
            Err(_) => {
                return Err(ApiError::new(
                    StatusCode::SERVICE_UNAVAILABLE,
                    "ERR_REQUEST_TIMEOUT",
                    format!(
                        "the token was not signed within the request timeout ({} s); retry later",
                        self.limits.request_timeout.as_secs()
                    ),
                ));
            }
        };
        self.metrics.token_issued(&client.policy.name);
        Ok(Issued {
            token,
            expires_at,
            kid: self.signer.kid().map(str::to_owned),
        })
    }

    /// Whether KMS answers for the signing key and the key can still sign: `DescribeKey` and
    /// `GetPublicKey` by ARN, the key enabled for signing, and the same public key as at
    /// start.
    pub async fn health(&self) -> Health {
        let key = self.signer.key();
        let started = Instant::now();
        let checked =
            tokio::time::timeout(self.limits.request_timeout, self.kms.key(key.arn())).await;
        let elapsed_ms = started.elapsed().as_millis() as u64;
        let error = match checked {
            Ok(Ok(now)) if now.thumbprint() == key.thumbprint() => {
                return Health {
                    status: StatusCode::OK,
                    body: json!({
                        "status": "ok",
                        "kms": "reachable",
                        "key": key.arn(),
                        "alg": self.signer.alg().name(),
                        "kms_ms": elapsed_ms,
                    }),
                };
            }
            Ok(Ok(_)) => ApiError::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "ERR_KEY_CHANGED",
                format!(
                    "KMS now returns another public key for {}; restart the service so that \
                     its JWK Set and self-check use the current key",
                    key.arn()
                ),
            ),
            Ok(Err(error)) => ApiError::from(error),
            Err(_) => ApiError::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "ERR_KMS_TIMEOUT",
                format!(
                    "KMS did not answer within {} s",
                    self.limits.request_timeout.as_secs()
                ),
            ),
        };
        Health {
            status: StatusCode::SERVICE_UNAVAILABLE,
            body: json!({
                "status": "unavailable",
                "key": key.arn(),
                "kms_ms": elapsed_ms,
                "error": error.body(),
            }),
        }
    }
}

/// The policy of `--insecure-no-auth` requests: any audience, any claim the server does not
/// set, ttl up to 24 h, no rate limit.
pub fn open_policy() -> ClientPolicy {
    ClientPolicy {
        name: "anonymous".to_owned(),
        api_key_sha256: super::api_key::ApiKeyHash::of(""),
        revoked: false,
        audiences: vec![ANY_AUDIENCE.to_owned()],
        max_ttl: 24 * 3600,
        allowed_claims: None,
        forbidden_claims: HashSet::new(),
        fixed_claims: serde_json::Map::new(),
        max_concurrency: 1024,
        rate_per_second: None,
        burst: None,
    }
}
