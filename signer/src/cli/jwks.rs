//! `kmsjwt jwks`: one JWK Set for several KMS keys (the current and previous keys during a
//! rotation), each JWK with the `kid` the signer puts in tokens.

use clap::Args;
use futures_util::future::try_join_all;
use kmsjwt_verify::Alg;
use serde_json::{Value, json};

use super::args::parse_alg;
use super::kms_args::{KmsArgs, print_line, report};
use super::public_key::pretty;
use crate::exit::Failure;
use crate::kms::KidMode;

#[derive(Debug, Args)]
pub struct JwksArgs {
    /// A KMS key (key id, key ARN, alias name or alias ARN); repeat for each key in the set.
    #[arg(long, value_name = "ID", required = true)]
    key_id: Vec<String>,
    /// The "alg" of the keys it fits (e.g. PS256 for RSA keys); other keys get their default
    /// alg (RSA: RS256).
    #[arg(long, value_name = "ALG", value_parser = parse_alg)]
    alg: Option<Alg>,
    /// The "kid" of each JWK: thumbprint (the default, as `kmsjwt sign` uses), key-id or
    /// none.
    #[arg(long, value_name = "MODE", value_parser = KidMode::parse, default_value = "thumbprint")]
    kid: KidMode,
    #[command(flatten)]
    kms: KmsArgs,
}

pub fn run(args: JwksArgs) -> Result<(), Failure> {
    if matches!(args.kid, KidMode::Value(_)) && args.key_id.len() > 1 {
        return Err(Failure::Usage(
            "a literal --kid would give every key the same kid; use thumbprint, key-id or none"
                .to_owned(),
        ));
    }
    args.kms.run(|kms| async move {
        let keys = try_join_all(args.key_id.iter().map(|name| kms.key(name)))
            .await
            .map_err(|error| report(&error))?;
        if let Some(alg) = args.alg
            && !keys.iter().any(|key| key.public_key().fits(alg))
        {
            return Err(report(&keys[0].check_alg(alg).unwrap_err()));
        }
        let mut seen = Vec::new();
        let mut jwks = Vec::new();
        for key in &keys {
            if seen.contains(&key.arn()) {
                eprintln!(
                    "note: {} is the same key as an earlier --key-id; listed once",
                    key.name()
                );
                continue;
            }
            seen.push(key.arn());
            let alg = args
                .alg
                .filter(|alg| key.public_key().fits(*alg))
                .unwrap_or_else(|| key.default_alg());
            jwks.push(Value::Object(key.jwk(alg, &args.kid)));
        }
        print_line(&pretty(&json!({ "keys": jwks })))
    })
}
