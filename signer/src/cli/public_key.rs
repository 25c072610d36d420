//! `kmsjwt public-key`: a KMS key's public key as PEM, JWK or JWK Set.

use clap::{Args, ValueEnum};
use kmsjwt_verify::Alg;
use serde_json::{Value, json};

use super::args::parse_alg;
use super::kms_args::{KmsArgs, print_line, report};
use crate::exit::Failure;
use crate::kms::KidMode;

#[derive(Debug, Args)]
pub struct PublicKeyArgs {
    /// The KMS key: key id, key ARN, alias name (alias/NAME) or alias ARN.
    #[arg(long, value_name = "ID")]
    key_id: String,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Pem)]
    format: Format,
    /// The JWK's "alg" (must fit the key). Default: the key's default alg (RSA: RS256).
    #[arg(long, value_name = "ALG", value_parser = parse_alg)]
    alg: Option<Alg>,
    /// The JWK's "kid": thumbprint (the default, as `kmsjwt sign` uses), key-id, none, or a
    /// literal value.
    #[arg(long, value_name = "MODE", value_parser = KidMode::parse, default_value = "thumbprint")]
    kid: KidMode,
    #[command(flatten)]
    kms: KmsArgs,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
enum Format {
    /// SPKI PEM (BEGIN PUBLIC KEY).
    Pem,
    /// One JWK with kid, use "sig" and alg.
    Jwk,
    /// A JWK Set holding that JWK.
    Jwks,
}

pub fn run(args: PublicKeyArgs) -> Result<(), Failure> {
    args.kms.run(|kms| async move {
        let key = kms
            .key(&args.key_id)
            .await
            .map_err(|error| report(&error))?;
        let alg = match args.alg {
            Some(alg) => key.check_alg(alg).map_err(|error| report(&error))?,
            None => key.default_alg(),
        };
        let text = match args.format {
            Format::Pem => key.pem().trim_end().to_owned(),
            Format::Jwk => pretty(&Value::Object(key.jwk(alg, &args.kid))),
            Format::Jwks => pretty(&json!({ "keys": [Value::Object(key.jwk(alg, &args.kid))] })),
        };
        print_line(&text)
    })
}

pub(super) fn pretty(value: &Value) -> String {
    serde_json::to_string_pretty(value).unwrap_or_else(|_| value.to_string())
}
