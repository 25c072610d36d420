//! `kmsjwt.toml`: the service's configuration file, read once at start and checked whole
//! before anything listens (a typo is a startup error, never a silently open policy).
//!
//! The file holds no secrets: API keys appear only as SHA-256 hashes, KMS keys only by name.

use std::collections::{BTreeMap, HashSet};
use std::net::SocketAddr;
use std::path::Path;
use std::time::Duration;

use kmsjwt_verify::Alg;
use serde::Deserialize;
use serde_json::{Map, Value};

use super::api_key::ApiKeyHash;

/// Claims the server always sets itself: callers and fixed claims may not name them.
/// `aud` is set from the request's `audience` member, under the client's policy.
pub const SERVER_CLAIMS: &[&str] = &["iss", "iat", "exp", "nbf", "jti", "aud"];

/// The whole configuration, checked.
#[derive(Clone, Debug)]
pub struct Config {
    /// Where `serve` listens. Default `127.0.0.1:8080`.
    pub listen: SocketAddr,
    /// `iss` of every token.
    pub issuer: String,
    pub key: KeyConfig,
    pub kms: KmsConfig,
    pub limits: Limits,
    pub clients: Vec<ClientPolicy>,
    /// The client whose policy direct Lambda invokes (`{claims, ttl}`) get; `None`: direct
    /// invokes are refused.
    pub lambda_invoke_client: Option<String>,
}

/// Which KMS keys sign and which are published.
#[derive(Clone, Debug)]
pub struct KeyConfig {
    /// The key that signs: key id, key ARN, alias name or alias ARN.
    pub id: String,
    /// The alg; default the key's default (RSA: RS256).
    pub alg: Option<Alg>,
    /// Keys published in the JWK Set but never used to sign (the keys before a rotation).
    pub previous: Vec<String>,
    /// `kid` of tokens and JWKs: the RFC 7638 thumbprint (default) or the KMS key id.
    pub kid_is_key_id: bool,
}

#[derive(Clone, Copy, Debug)]
pub struct KmsConfig {
    /// Attempts per KMS call. Default 2: a token request should fail fast, not retry for
    /// longer than its own timeout.
    pub max_attempts: u32,
    /// Longest one KMS call may take, retries included. Default 5 s.
    pub timeout: Duration,
}

/// Service-wide limits.
#[derive(Clone, Copy, Debug)]
pub struct Limits {
    /// Largest request body. Default 64 KiB.
    pub max_body_bytes: usize,
    /// Longest a token request may take, KMS included (then 503). Default 10 s.
    pub request_timeout: Duration,
    /// `Cache-Control: max-age` of the JWK Set. Default 300 s.
    pub jwks_max_age: Duration,
    /// Token lifetime when a request gives no `ttl` (capped by the client's `max_ttl`).
    /// Default 15 min.
    pub default_ttl: u64,
}

/// What one API key may do.
#[derive(Clone, Debug)]
pub struct ClientPolicy {
    /// A name for logs and metrics (never the key).
    pub name: String,
    /// SHA-256 of the API key.
    pub api_key_sha256: ApiKeyHash,
    /// A revoked key is refused with its own code (`ERR_API_KEY_REVOKED`).
    pub revoked: bool,
    /// Audiences a token may carry. Empty: tokens without `aud` only.
    pub audiences: Vec<String>,
    /// Longest `ttl` a request may ask for. Default 1 h.
    pub max_ttl: u64,
    /// When set, the only claim names a request may give.
    pub allowed_claims: Option<HashSet<String>>,
    /// Claim names a request may never give.
    pub forbidden_claims: HashSet<String>,
    /// Claims added to every token of this client; requests cannot set or change them.
    pub fixed_claims: Map<String, Value>,
    /// Token requests of this client in flight at once (more get 429). Default 32.
    pub max_concurrency: usize,
    /// Sustained token requests per second (more get 429); `None`: no rate limit.
    pub rate_per_second: Option<f64>,
    /// Requests allowed in a burst above the rate. Default: one second's worth (at least 1).
    pub burst: Option<u32>,
}

/// A configuration error: what is wrong, and where.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConfigError(pub String);

impl std::fmt::Display for ConfigError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl Config {
    /// Reads and checks `path`.
    pub fn load(path: &Path) -> Result<Config, ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|error| {
            ConfigError(format!(
                "cannot read the config file {}: {error}",
                path.display()
            ))
        })?;
        Config::parse(&text)
            .map_err(|ConfigError(message)| ConfigError(format!("{}: {message}", path.display())))
    }

    /// Parses and checks configuration text.
    pub fn parse(text: &str) -> Result<Config, ConfigError> {
        let file: File = toml::from_str(text).map_err(|error| ConfigError(error.to_string()))?;
        file.check()
    }

    /// The client whose policy direct Lambda invokes get.
    pub fn lambda_client(&self) -> Option<&ClientPolicy> {
        let name = self.lambda_invoke_client.as_deref()?;
        self.clients.iter().find(|client| client.name == name)
    }
}

// ---- the file as written (serde), then checked into the types above ----

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    listen: Option<String>,
    issuer: String,
    key: KeyFile,
    #[serde(default)]
    kms: KmsFile,
    #[serde(default)]
    limits: LimitsFile,
    #[serde(default)]
    clients: Vec<ClientFile>,
    #[serde(default)]
    lambda: LambdaFile,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct KeyFile {
    id: String,
    alg: Option<String>,
    #[serde(default)]
    previous: Vec<String>,
    kid: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct KmsFile {
    max_attempts: Option<u32>,
    timeout: Option<DurationText>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct LimitsFile {
    max_body_bytes: Option<usize>,
    request_timeout: Option<DurationText>,
    jwks_max_age: Option<DurationText>,
    default_ttl: Option<DurationText>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ClientFile {
    name: String,
    api_key_sha256: String,
    #[serde(default)]
    revoked: bool,
    #[serde(default)]
    audiences: Vec<String>,
    max_ttl: Option<DurationText>,
    allowed_claims: Option<Vec<String>>,
    #[serde(default)]
    forbidden_claims: Vec<String>,
    #[serde(default)]
    fixed_claims: BTreeMap<String, toml::Value>,
    max_concurrency: Option<usize>,
    rate_per_second: Option<f64>,
    burst: Option<u32>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct LambdaFile {
    invoke_client: Option<String>,
}

/// A duration as seconds (`30`) or text with a unit (`"30s"`, `"5m"`, `"1h"`, `"2d"`).
#[derive(Deserialize)]
#[serde(
    untagged,
    expecting = "a duration: whole seconds (30) or a number with a unit (\"30s\", \"5m\", \"1h\", \"2d\")"
)]
enum DurationText {
    Seconds(u64),
    Text(String),
}

impl DurationText {
    fn seconds(&self, field: &str) -> Result<u64, ConfigError> {
        match self {
            DurationText::Seconds(seconds) => Ok(*seconds),
            DurationText::Text(text) => kmsjwt_verify::duration::parse_seconds(text)
                .map_err(|error| ConfigError(format!("{field}: {error}"))),
        }
    }
}

fn duration(value: &Option<DurationText>, field: &str, default: u64) -> Result<u64, ConfigError> {
    let seconds = match value {
        Some(value) => value.seconds(field)?,
        None => default,
    };
    if seconds == 0 {
        return Err(ConfigError(format!("{field} must be at least 1 second")));
    }
    Ok(seconds)
}

const DEFAULT_LISTEN: &str = "127.0.0.1:8080";
/// The limit: 64 KiB.
pub const DEFAULT_MAX_BODY_BYTES: usize = 64 * 1024;

impl File {
    fn check(self) -> Result<Config, ConfigError> {
        let listen_text = self.listen.as_deref().unwrap_or(DEFAULT_LISTEN);
        let listen: SocketAddr = listen_text.parse().map_err(|_| {
            ConfigError(format!(
                "listen = {listen_text:?} is not an address with a port, e.g. \"127.0.0.1:8080\""
            ))
        })?;
        if self.issuer.trim().is_empty() {
            return Err(ConfigError("issuer must not be empty".to_owned()));
        }
        let key = self.key.check()?;
        let kms = KmsConfig {
            max_attempts: match self.kms.max_attempts {
                Some(attempts @ 1..=10) => attempts,
                Some(other) => {
                    return Err(ConfigError(format!(
                        "kms.max_attempts = {other}: use 1 to 10"
                    )));
                }
                None => 2,
            },
            timeout: Duration::from_secs(duration(&self.kms.timeout, "kms.timeout", 5)?),
        };
        let limits = Limits {
            max_body_bytes: match self.limits.max_body_bytes {
                Some(0) => {
                    return Err(ConfigError(
                        "limits.max_body_bytes must be at least 1".to_owned(),
                    ));
                }
                Some(bytes) => bytes,
                None => DEFAULT_MAX_BODY_BYTES,
            },
            request_timeout: Duration::from_secs(duration(
                &self.limits.request_timeout,
                "limits.request_timeout",
                10,
            )?),
            jwks_max_age: Duration::from_secs(duration(
                &self.limits.jwks_max_age,
                "limits.jwks_max_age",
                300,
            )?),
            default_ttl: duration(&self.limits.default_ttl, "limits.default_ttl", 900)?,
        };
        let mut clients = Vec::with_capacity(self.clients.len());
        let mut names = HashSet::new();
        let mut hashes = HashSet::new();
        for client in self.clients {
            let client = client.check()?;
            if !names.insert(client.name.clone()) {
                return Err(ConfigError(format!(
                    "two clients are named {:?}; names must be unique",
                    client.name
                )));
            }
            if !hashes.insert(client.api_key_sha256) {
                return Err(ConfigError(format!(
                    "client {:?} has the same api_key_sha256 as an earlier client; each API \
                     key belongs to one client",
                    client.name
                )));
            }
            clients.push(client);
        }
        if let Some(name) = &self.lambda.invoke_client
            && !names.contains(name)
        {
            return Err(ConfigError(format!(
                "lambda.invoke_client = {name:?} names no client"
            )));
        }
        Ok(Config {
            listen,
            issuer: self.issuer,
            key,
            kms,
            limits,
            clients,
            lambda_invoke_client: self.lambda.invoke_client,
        })
    }
}

impl KeyFile {
    fn check(self) -> Result<KeyConfig, ConfigError> {
        if self.id.trim().is_empty() {
            return Err(ConfigError("key.id must name a KMS key".to_owned()));
        }
        let alg = match &self.alg {
            Some(name) => Some(Alg::from_name(name).map_err(|_| {
                ConfigError(format!("key.alg = {name:?} is not a JOSE alg kmsjwt signs"))
            })?),
            None => None,
        };
        let kid_is_key_id = match self.kid.as_deref() {
            None | Some("thumbprint") => false,
            Some("key-id") => true,
            Some(other) => {
                return Err(ConfigError(format!(
                    "key.kid = {other:?}: use \"thumbprint\" or \"key-id\""
                )));
            }
        };
        Ok(KeyConfig {
            id: self.id,
            alg,
            previous: self.previous,
            kid_is_key_id,
        })
    }
}

impl ClientFile {
    fn check(self) -> Result<ClientPolicy, ConfigError> {
        let name = self.name;
        let at = |field: &str| format!("client {name:?}: {field}");
        if name.trim().is_empty() {
            return Err(ConfigError("a client's name must not be empty".to_owned()));
        }
        let api_key_sha256 = ApiKeyHash::from_hex(&self.api_key_sha256).ok_or_else(|| {
            ConfigError(format!(
                "{} must be 64 hex digits (the SHA-256 of the API key; `kmsjwt api-key` prints \
                 one)",
                at("api_key_sha256")
            ))
        })?;
        let max_ttl = duration(&self.max_ttl, &at("max_ttl"), 3600)?;
        let mut fixed_claims = Map::new();
        for (claim, value) in self.fixed_claims {
            if SERVER_CLAIMS.contains(&claim.as_str()) {
                return Err(ConfigError(format!(
                    "{}: {claim:?} is set by the server",
                    at("fixed_claims")
                )));
            }
            let value = serde_json::to_value(&value)
                .map_err(|error| ConfigError(format!("{}: {error}", at("fixed_claims"))))?;
            fixed_claims.insert(claim, value);
        }
        if let Some(rate) = self.rate_per_second
            && !(rate.is_finite() && rate > 0.0)
        {
            return Err(ConfigError(format!(
                "{} must be a positive number",
                at("rate_per_second")
            )));
        }
        if self.burst == Some(0) {
            return Err(ConfigError(format!("{} must be at least 1", at("burst"))));
        }
        let max_concurrency = match self.max_concurrency {
            Some(0) => {
                return Err(ConfigError(format!(
                    "{} must be at least 1",
                    at("max_concurrency")
                )));
            }
            Some(limit) => limit,
            None => 32,
        };
        Ok(ClientPolicy {
            api_key_sha256,
            revoked: self.revoked,
            audiences: self.audiences,
            max_ttl,
            allowed_claims: self.allowed_claims.map(|names| names.into_iter().collect()),
            forbidden_claims: self.forbidden_claims.into_iter().collect(),
            fixed_claims,
            max_concurrency,
            rate_per_second: self.rate_per_second,
            burst: self.burst,
            name,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const HASH: &str = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";

    fn minimal() -> String {
        "issuer = \"https://issuer.example\"\n[key]\nid = \"alias/jwt\"\n".to_owned()
    }

    #[test]
    fn defaults() {
        let config = Config::parse(&minimal()).unwrap();
        assert_eq!(config.listen.to_string(), "127.0.0.1:8080");
        assert_eq!(config.limits.max_body_bytes, 65536);
        assert_eq!(config.limits.default_ttl, 900);
        assert_eq!(config.kms.max_attempts, 2);
        assert!(config.clients.is_empty());
        assert!(config.lambda_client().is_none());
    }

    #[test]
    fn a_full_client() {
        let text = format!(
            "{}[[clients]]\nname = \"orders\"\napi_key_sha256 = \"{HASH}\"\naudiences = \
             [\"api\"]\nmax_ttl = \"30m\"\nallowed_claims = [\"sub\"]\nforbidden_claims = \
             [\"admin\"]\nfixed_claims = {{ tenant = \"acme\", level = 3 }}\nrate_per_second = \
             2.5\nburst = 4\n[lambda]\ninvoke_client = \"orders\"\n",
            minimal()
        );
        let config = Config::parse(&text).unwrap();
        let client = config.lambda_client().unwrap();
        assert_eq!(client.max_ttl, 1800);
        assert_eq!(client.fixed_claims["level"], 3);
        assert_eq!(client.max_concurrency, 32);
        assert!(client.allowed_claims.as_ref().unwrap().contains("sub"));
    }

    #[test]
    fn a_whole_number_rate_is_a_rate() {
        let text = format!(
            "{}[[clients]]\nname = \"a\"\napi_key_sha256 = \"{HASH}\"\nrate_per_second = 2\n",
            minimal()
        );
        assert_eq!(
            Config::parse(&text).unwrap().clients[0].rate_per_second,
            Some(2.0)
        );
    }

    #[test]
    fn mistakes_are_startup_errors() {
        let client = |extra: &str| {
            format!(
                "{}[[clients]]\nname = \"a\"\napi_key_sha256 = \"{HASH}\"\n{extra}\n",
                minimal()
            )
        };
        let cases = [
            (format!("{}typo = 1\n", minimal()), "unknown field"),
            (minimal().replace("alias/jwt", ""), "key.id"),
            (format!("listen = \"nowhere\"\n{}", minimal()), "listen"),
            (client("fixed_claims = { exp = 1 }"), "set by the server"),
            (client("rate_per_second = 0.0"), "positive"),
            (client("max_ttl = 0"), "at least 1 second"),
            (client("max_ttl = \"soon\""), "invalid duration"),
            (client("max_ttl = -5"), "a duration: whole seconds"),
            (
                client("").replace(HASH, "abc"),
                "64 hex digits (the SHA-256",
            ),
            (
                format!(
                    "{}[[clients]]\nname = \"b\"\napi_key_sha256 = \"{HASH}\"\n",
                    client("")
                ),
                "same api_key_sha256",
            ),
            (
                format!("{}[lambda]\ninvoke_client = \"nobody\"\n", minimal()),
                "names no client",
            ),
            (
                minimal().replace("[key]", "[key]\nalg = \"HS256\""),
                "not a JOSE alg",
            ),
        ];
        for (text, expected) in cases {
            let error = Config::parse(&text).unwrap_err();
            assert!(error.0.contains(expected), "{expected}: {}", error.0);
        }
    }
}
