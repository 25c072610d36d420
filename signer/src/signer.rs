//! [`KmsSigner`]: JWTs signed by a KMS key, each signature checked locally with the key's
//! public key before the token is returned.

use std::sync::Arc;

use kmsjwt_verify::Alg;
use kmsjwt_verify::base64url;
use serde_json::{Map, Value};

use crate::claims::ClaimsTemplate;
use crate::error::{Error, ErrorKind, Result};
use crate::kms::signature::{kms_message, to_jws};
use crate::kms::{KidMode, Kms, KmsKey};

/// Header members a caller may not set through [`KmsSigner::with_header`]: `alg` and `kid`
/// have their own settings, and `b64: false` (RFC 7797) is not a compact JWT.
const HEADER_MEMBERS_SET_ELSEWHERE: &[(&str, &str)] = &[
    ("alg", "the alg comes from the key and --alg"),
    ("kid", "set the kid with --kid"),
    ("b64", "unencoded payloads (RFC 7797) are not supported"),
];

/// Signs JWTs with one KMS key.
///
/// The key is resolved once ([`Kms::key`]: `DescribeKey` and `GetPublicKey`); every token's
/// signature is then verified with that public key before it is returned, so a token that
/// does not verify is never handed out. Cloning is cheap: clones share the client and key,
/// and may sign concurrently.
///
/// The protected header is `{"alg", "typ": "JWT", "kid"}` (plus any members from
/// [`with_header`](KmsSigner::with_header)); the `kid` is the key's RFC 7638 thumbprint
/// unless [`with_kid`](KmsSigner::with_kid) says otherwise.
///
/// ```no_run
/// use kmsjwt::{ClaimsTemplate, Kms, KmsOptions, KmsSigner};
/// ///
/// # async fn example() -> Result<(), kmsjwt::Error> {
/// // AWS_REGION, credentials and AWS_ENDPOINT_URL_KMS come from the standard chain.
/// let kms = Kms::from_env(KmsOptions::default()).await;
/// let signer = KmsSigner::new(&kms, "alias/jwt-signing").await?;
///
/// let template = ClaimsTemplate {
///     ttl: Some(15 * 60),
///     issuer: Some("https://issuer.example".into()),
///     ..ClaimsTemplate::default()
/// };
/// let custom = kmsjwt::claims::parse_claims(r#"{"sub": "user-123", "scope": "read"}"#)?;
/// let token = signer.issue(&template, &custom).await?;
/// println!("{token}");
///
/// // Publish the verification key, with the same kid the tokens carry.
/// let jwk = signer.key().jwk(signer.alg(), &kmsjwt::KidMode::Thumbprint);
/// # let _ = jwk;
/// # Ok(())
/// # }
/// ```
#[derive(Clone, Debug)]
pub struct KmsSigner {
    kms: Kms,
    key: Arc<KmsKey>,
    alg: Alg,
    kid: Option<String>,
    extra_header: Map<String, Value>,
    /// The protected header, base64url: computed when the settings change, not per token.
    encoded_header: Arc<str>,
}

impl KmsSigner {
    /// Resolves `key` (key id, key ARN, alias name or alias ARN) and signs with the key's
    /// default alg (RSA: RS256; EC: the curve's ES*; Ed25519: EdDSA; ML-DSA: its level's).
    pub async fn new(kms: &Kms, key: &str) -> Result<KmsSigner> {
        Ok(KmsSigner::from_key(kms.clone(), kms.key(key).await?))
    }

    /// A signer for a key already resolved with [`Kms::key`].
    pub fn from_key(kms: Kms, key: KmsKey) -> KmsSigner {
        let alg = key.default_alg();
        let kid = key.kid(&KidMode::Thumbprint);
        let mut signer = KmsSigner {
            kms,
            key: Arc::new(key),
            alg,
            kid,
            extra_header: Map::new(),
            encoded_header: Arc::from(""),
        };
        signer.encode_header();
        signer
    }

    /// Signs with `alg` instead of the default; `ERR_JOSE_ALG_NOT_ALLOWED` if it does not fit
    /// the key (checked here, before any KMS call).
    pub fn with_alg(mut self, alg: Alg) -> Result<KmsSigner> {
        self.alg = self.key.check_alg(alg)?;
        self.encode_header();
        Ok(self)
    }

    /// Chooses the header's `kid`.
    pub fn with_kid(mut self, mode: &KidMode) -> KmsSigner {
        self.kid = self.key.kid(mode);
        self.encode_header();
        self
    }

    /// Adds protected header members (after `alg`, `typ`, `kid`). `typ` replaces `"JWT"`;
    /// `alg`, `kid` and `b64` are refused (`ERR_INVALID_INPUT`).
    pub fn with_header(mut self, members: Map<String, Value>) -> Result<KmsSigner> {
        check_extra_header(&members)?;
        self.extra_header = members;
        self.encode_header();
        Ok(self)
    }

    pub fn key(&self) -> &KmsKey {
        &self.key
    }

    pub fn alg(&self) -> Alg {
        self.alg
    }

    pub fn kid(&self) -> Option<&str> {
        self.kid.as_deref()
    }

    /// The protected header every token gets.
    pub fn header(&self) -> Map<String, Value> {
        let mut header = Map::new();
        header.insert("alg".to_owned(), Value::from(self.alg.name()));
        header.insert("typ".to_owned(), Value::from("JWT"));
        if let Some(kid) = &self.kid {
            header.insert("kid".to_owned(), Value::from(kid.as_str()));
        }
        for (name, value) in &self.extra_header {
            header.insert(name.clone(), value.clone());
        }
        header
    }

    fn encode_header(&mut self) {
        let json = Value::Object(self.header()).to_string();
        self.encoded_header = Arc::from(base64url::encode(json.as_bytes()));
    }

    /// Signs a token whose claims are `template` applied to `custom` at the current time:
    /// `iat` = now, `exp` = now + ttl, and the rest as [`ClaimsTemplate`] describes.
    pub async fn issue(
        &self,
        template: &ClaimsTemplate,
        custom: &Map<String, Value>,
    ) -> Result<String> {
        let claims = template.apply(custom, unix_now())?;
        self.sign(&claims).await
    }

    /// Signs exactly these claims (nothing is added: no `iat`, no `exp`).
    pub async fn sign(&self, claims: &Map<String, Value>) -> Result<String> {
        let payload = Value::Object(claims.clone()).to_string();
        self.sign_payload(payload.as_bytes()).await
    }

    /// Signs a payload given as bytes (normally a JSON object). Returns the compact token.
    pub async fn sign_payload(&self, payload: &[u8]) -> Result<String> {
        let mut token = String::with_capacity(self.encoded_header.len() + payload.len() * 2 + 400);
        token.push_str(&self.encoded_header);
        token.push('.');
        token.push_str(&base64url::encode(payload));
        let message = kms_message(self.alg, self.key.public_key(), token.as_bytes())?;
        let kms_signature = self.kms.sign(&self.key, self.alg, message).await?;
        let signature = to_jws(self.alg, &kms_signature).map_err(|error| {
            Error::new(
                error.kind().clone(),
                format!(
                    "KMS Sign for key {}: {}, so no token was issued",
                    self.key.name(),
                    error.message()
                ),
            )
        })?;
        if !self
            .key
            .public_key()
            .verify(self.alg, token.as_bytes(), &signature)
        {
            return Err(Error::new(
                ErrorKind::SelfCheckFailed,
                format!(
                    "the {} signature KMS returned for key {} does not verify with the key's \
                     public key, so no token was issued; check that the key was not \
                     replaced, and report this if it persists",
                    self.alg,
                    self.key.name()
                ),
            ));
        }
        token.push('.');
        token.push_str(&base64url::encode(&signature));
        Ok(token)
    }
}

/// Checks extra protected header members as [`KmsSigner::with_header`] does, without a key.
pub fn check_extra_header(members: &Map<String, Value>) -> Result<()> {
    for (name, reason) in HEADER_MEMBERS_SET_ELSEWHERE {
        if members.contains_key(*name) {
            return Err(Error::input(format!(
                "the header member \"{name}\" cannot be set this way: {reason}"
            )));
        }
    }
    if let Some(typ) = members.get("typ")
        && !typ.is_string()
    {
        return Err(Error::input("the header member \"typ\" must be a string"));
    }
    Ok(())
}

/// Seconds since 1970 by the system clock.
pub fn unix_now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |elapsed| elapsed.as_secs() as i64)
}
