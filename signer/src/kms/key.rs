//! A KMS key as kmsjwt uses it: resolved once (`DescribeKey`, then `GetPublicKey`), checked
//! for signing, with its public key parsed by the verifier core and kept for self-checks,
//! `kid`s and JWKs.

use aws_sdk_kms::types::{KeyState, KeyUsageType};
use kmsjwt_verify::keys::{from_spki_der, public_jwk, spki_der_to_pem, thumbprint};
use kmsjwt_verify::{Alg, KeyType, PublicKey};
use serde_json::{Map, Value};

use super::error::from_sdk;
use super::{Kms, key_spec};
use crate::error::{Error, ErrorKind, Result};

/// A KMS signing key with its public key.
#[derive(Clone, Debug)]
pub struct KmsKey {
    name: String,
    key_id: String,
    arn: String,
    spec: String,
    public_key: PublicKey,
    spki_der: Vec<u8>,
    thumbprint: String,
}

/// Which `kid` goes in token headers and JWKs.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub enum KidMode {
    /// The RFC 7638 JWK thumbprint of the public key (SHA-256, base64url). The default: it
    /// names the key material itself, whichever alias or account it is reached by.
    #[default]
    Thumbprint,
    /// The KMS key id (the UUID, not the ARN).
    KeyId,
    /// No `kid`.
    None,
    /// This exact value.
    Value(String),
}

impl KidMode {
    /// Reads `thumbprint`, `key-id`, `none`, or any other non-empty text as a literal `kid`.
    pub fn parse(text: &str) -> Result<KidMode, String> {
        Ok(match text {
            "thumbprint" => KidMode::Thumbprint,
            "key-id" => KidMode::KeyId,
            "none" => KidMode::None,
            "" => return Err("a kid cannot be empty; use --kid none for no kid".to_owned()),
            value => KidMode::Value(value.to_owned()),
        })
    }
}

impl KmsKey {
    /// The key as the caller named it.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The KMS key id (UUID).
    pub fn key_id(&self) -> &str {
        &self.key_id
    }

    /// The key ARN; KMS calls after resolution use it.
    pub fn arn(&self) -> &str {
        &self.arn
    }

    /// The KMS key spec, e.g. `ECC_NIST_P256`.
    pub fn spec(&self) -> &str {
        &self.spec
    }

    pub fn public_key(&self) -> &PublicKey {
        &self.public_key
    }

    pub fn key_type(&self) -> KeyType {
        self.public_key.key_type()
    }

    /// The algorithm used when none is asked for (RSA: RS256).
    pub fn default_alg(&self) -> Alg {
        self.key_type().default_alg()
    }

    /// `alg`, if it fits this key; else `ERR_JOSE_ALG_NOT_ALLOWED` naming the ones that do.
    pub fn check_alg(&self, alg: Alg) -> Result<Alg> {
        if self.public_key.fits(alg) {
            return Ok(alg);
        }
        let fitting: Vec<_> = self.key_type().algorithms().map(Alg::name).collect();
        Err(Error::new(
            ErrorKind::AlgNotAllowed,
            format!(
                "alg {alg} does not fit key {} ({}, {} key); use {}",
                self.name,
                self.spec,
                self.key_type().describe(),
                fitting.join(" or ")
            ),
        ))
    }

    /// The RFC 7638 thumbprint of the public key.
    pub fn thumbprint(&self) -> &str {
        &self.thumbprint
    }

    /// The `kid` for `mode`.
    pub fn kid(&self, mode: &KidMode) -> Option<String> {
        match mode {
            KidMode::Thumbprint => Some(self.thumbprint.clone()),
            KidMode::KeyId => Some(self.key_id.clone()),
            KidMode::None => None,
            KidMode::Value(value) => Some(value.clone()),
        }
    }

    /// The DER SubjectPublicKeyInfo KMS returned.
    pub fn spki_der(&self) -> &[u8] {
        &self.spki_der
    }

    /// The public key as PEM (`BEGIN PUBLIC KEY`).
    pub fn pem(&self) -> String {
        spki_der_to_pem(&self.spki_der)
    }

    /// The public JWK: the RFC 7638 members, then `kid` (per `kid`), `use: "sig"` and `alg`.
    pub fn jwk(&self, alg: Alg, kid: &KidMode) -> Map<String, Value> {
        let mut jwk = public_jwk(&self.public_key);
        if let Some(kid) = self.kid(kid) {
            jwk.insert("kid".to_owned(), Value::String(kid));
        }
        jwk.insert("use".to_owned(), Value::String("sig".to_owned()));
        jwk.insert("alg".to_owned(), Value::String(alg.name().to_owned()));
        jwk
    }
}

/// What `DescribeKey` (or, without permission for it, `GetPublicKey`) says about a key.
struct Described {
    arn: String,
    key_id: String,
    spec: String,
}

/// `DescribeKey`, checks, then `GetPublicKey`.
///
/// A caller allowed only `kms:GetPublicKey` and `kms:Sign` (least privilege) gets
/// `AccessDeniedException` from `DescribeKey`: then the key is resolved from `GetPublicKey`
/// alone (it reports the ARN, spec and usage too), and a disabled or deleted key shows up
/// at `Sign`, with the same error codes.
pub(super) async fn resolve(kms: &Kms, name: &str) -> Result<KmsKey> {
    let name = name.trim();
    if name.is_empty() {
        return Err(Error::input("the key id is empty"));
    }
    let described = match kms.client.describe_key().key_id(name).send().await {
        Ok(output) => {
            let metadata = output.key_metadata.ok_or_else(|| {
                Error::kms(
                    "MissingKeyMetadata",
                    format!("KMS DescribeKey for key {name} answered without key metadata"),
                )
            })?;
            let arn = metadata
                .arn()
                .map(str::to_owned)
                .unwrap_or_else(|| metadata.key_id().to_owned());
            // Emulators may leave `KeySpec` out; `CustomerMasterKeySpec` is the older name.
            #[allow(deprecated)]
            let spec = metadata
                .key_spec()
                .map(|spec| spec.as_str().to_owned())
                .or_else(|| {
                    metadata
                        .customer_master_key_spec()
                        .map(|spec| spec.as_str().to_owned())
                })
                .unwrap_or_default();
            check_usage(name, &spec, metadata.key_usage())?;
            check_state(name, &arn, metadata.key_state())?;
            Some(Described {
                key_id: metadata.key_id().to_owned(),
                arn,
                spec,
            })
        }
        Err(error) => {
            let error = from_sdk(kms.call("DescribeKey", Some(name)), error);
            if error.kms_code() != Some("AccessDeniedException") {
                return Err(error);
            }
            tracing::debug!(
                key = name,
                "DescribeKey denied; resolving with GetPublicKey"
            );
            None
        }
    };

    let public = kms
        .client
        .get_public_key()
        .key_id(described.as_ref().map_or(name, |described| &described.arn))
        .send()
        .await
        .map_err(|error| from_sdk(kms.call("GetPublicKey", Some(name)), error))?;
    let described = match described {
        Some(described) => described,
        None => {
            #[allow(deprecated)]
            let spec = public
                .key_spec()
                .map(|spec| spec.as_str().to_owned())
                .or_else(|| {
                    public
                        .customer_master_key_spec()
                        .map(|spec| spec.as_str().to_owned())
                })
                .unwrap_or_default();
            check_usage(name, &spec, public.key_usage())?;
            let arn = public.key_id().unwrap_or(name).to_owned();
            let key_id = arn.rsplit_once(":key/").map_or(arn.as_str(), |(_, id)| id);
            Described {
                key_id: key_id.to_owned(),
                arn,
                spec,
            }
        }
    };
    let Described { arn, key_id, spec } = described;
    let Some(expected_type) = key_spec::key_type(&spec) else {
        return Err(Error::new(
            ErrorKind::KeyNotSupported,
            format!(
                "key {name} has key spec {spec:?}, which kmsjwt cannot sign JWTs with; use a \
                 key with one of {}",
                key_spec::names().collect::<Vec<_>>().join(", ")
            ),
        ));
    };
    let spki_der = public
        .public_key
        .map(|blob| blob.into_inner())
        .ok_or_else(|| {
            Error::kms(
                "MissingPublicKey",
                format!("KMS GetPublicKey for key {name} answered without a public key"),
            )
        })?;
    let public_key = from_spki_der(&spki_der).map_err(|error| {
        Error::new(
            ErrorKind::KeyNotSupported,
            format!(
                "the public key of key {name} ({spec}) is not usable: {}",
                error.message()
            ),
        )
    })?;
    if public_key.key_type() != expected_type {
        return Err(Error::new(
            ErrorKind::KeyNotSupported,
            format!(
                "key {name} has key spec {spec}, but KMS returned a {} public key",
                public_key.key_type().describe()
            ),
        ));
    }
    Ok(KmsKey {
        name: name.to_owned(),
        key_id,
        thumbprint: thumbprint(&public_key),
        arn,
        spec,
        public_key,
        spki_der,
    })
}

fn check_usage(name: &str, spec: &str, usage: Option<&KeyUsageType>) -> Result<()> {
    match usage {
        Some(KeyUsageType::SignVerify) | None => Ok(()),
        Some(other) => Err(Error::kms(
            "InvalidKeyUsageException",
            format!(
                "key {name} cannot sign: InvalidKeyUsageException: it is a {spec} key with \
                 KeyUsage {}, not SIGN_VERIFY; \
                 create a signing key with `kmsjwt create-key --spec ...` (a key's usage \
                 cannot be changed)",
                other.as_str()
            ),
        )),
    }
}

fn check_state(name: &str, arn: &str, state: Option<&KeyState>) -> Result<()> {
    match state {
        Some(KeyState::Enabled) | None => Ok(()),
        Some(KeyState::Disabled) => Err(Error::kms(
            "DisabledException",
            format!(
                "key {name} cannot sign: DisabledException: the key is disabled; enable it \
                 (aws kms enable-key \
                 --key-id {arn}) or use another key"
            ),
        )),
        Some(KeyState::PendingDeletion) => Err(Error::kms(
            "KMSInvalidStateException",
            format!(
                "key {name} cannot sign: KMSInvalidStateException: the key is pending \
                 deletion; cancel the deletion \
                 (aws kms cancel-key-deletion --key-id {arn}, then aws kms enable-key) or use \
                 another key"
            ),
        )),
        Some(other) => Err(Error::kms(
            "KMSInvalidStateException",
            format!(
                "key {name} cannot sign: KMSInvalidStateException: the key is in state {}; \
                 wait for it to become Enabled \
                 or use another key",
                other.as_str()
            ),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kid_modes_parse() {
        assert_eq!(KidMode::parse("thumbprint"), Ok(KidMode::Thumbprint));
        assert_eq!(KidMode::parse("key-id"), Ok(KidMode::KeyId));
        assert_eq!(KidMode::parse("none"), Ok(KidMode::None));
        assert_eq!(
            KidMode::parse("2026-01"),
            Ok(KidMode::Value("2026-01".to_owned()))
        );
        assert!(KidMode::parse("").is_err());
    }

    #[test]
    fn unusable_states_and_usages_get_the_kms_code_sign_would_give() {
        let disabled = check_state("k", "arn", Some(&KeyState::Disabled)).unwrap_err();
        assert_eq!(disabled.kms_code(), Some("DisabledException"));
        assert!(disabled.message().contains("enable-key"));
        let deleting = check_state("k", "arn", Some(&KeyState::PendingDeletion)).unwrap_err();
        assert_eq!(deleting.kms_code(), Some("KMSInvalidStateException"));
        assert!(deleting.message().contains("cancel-key-deletion"));
        assert!(check_state("k", "arn", Some(&KeyState::Enabled)).is_ok());
        let usage = check_usage("k", "RSA_2048", Some(&KeyUsageType::EncryptDecrypt)).unwrap_err();
        assert_eq!(usage.kms_code(), Some("InvalidKeyUsageException"));
        assert!(usage.message().contains("ENCRYPT_DECRYPT"));
    }
}
