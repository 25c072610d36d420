//! `kmsjwt verify`: the verifier core behind command-line flags.

use std::path::PathBuf;

use clap::Args;
use kmsjwt_verify::{Alg, KeySet, Verifier, VerifyOptions};
use serde_json::{Value, json};

use super::args::{parse_alg, parse_duration, read_token, report};
use crate::exit::Failure;

#[derive(Debug, Args)]
pub struct VerifyArgs {
    /// File with the public key: PEM (PUBLIC KEY, RSA PUBLIC KEY, CERTIFICATE), JWK or JWKS.
    #[arg(long, value_name = "FILE")]
    key: PathBuf,
    /// Accept only this alg (repeatable). Default: every alg the key supports.
    #[arg(long = "alg", value_name = "ALG", value_parser = parse_alg)]
    algorithms: Vec<Alg>,
    /// Required issuer; with several, any one matches.
    #[arg(long = "iss", value_name = "ISSUER")]
    issuer: Vec<String>,
    /// Required audience; with several, any one matches.
    #[arg(long = "aud", value_name = "AUDIENCE")]
    audience: Vec<String>,
    /// Required subject.
    #[arg(long = "sub", value_name = "SUBJECT")]
    subject: Option<String>,
    /// Required `typ` header (case-insensitive, `application/` optional).
    #[arg(long, value_name = "TYP")]
    typ: Option<String>,
    /// Leeway for exp, nbf and iat: seconds or 30s, 5m, 1h.
    #[arg(long, value_name = "DURATION", value_parser = parse_duration, default_value = "0")]
    clock_tolerance: u64,
    /// Check the token as of this time (Unix seconds) instead of now.
    #[arg(long, value_name = "EPOCH")]
    now: Option<i64>,
    /// Maximum age since `iat` (which becomes required): seconds or 30s, 5m, 1h, 2d.
    #[arg(long = "max-age", value_name = "DURATION", value_parser = parse_duration)]
    max_token_age: Option<u64>,
    /// Claim that must be present (repeatable).
    #[arg(long = "require", value_name = "CLAIM")]
    required_claims: Vec<String>,
    /// `crit` header extension this caller understands (repeatable).
    #[arg(long = "crit", value_name = "NAME")]
    crit: Vec<String>,
    /// Print `{"valid": ..., "header", "payload"}` or `{"valid": false, "error"}` as JSON.
    #[arg(long)]
    json: bool,
    /// The token, or `-` to read it from standard input.
    #[arg(value_name = "TOKEN")]
    token: String,
}

pub fn run(args: VerifyArgs) -> Result<(), Failure> {
    let key_text = std::fs::read_to_string(&args.key).map_err(|error| {
        Failure::Usage(format!(
            "cannot read the key file {}: {error}",
            args.key.display()
        ))
    })?;
    let token = read_token(&args.token)?;
    let keys = KeySet::from_text(&key_text).map_err(|error| report(&error, args.json))?;
    let options = VerifyOptions {
        algorithms: args.algorithms,
        issuer: args.issuer,
        audience: args.audience,
        subject: args.subject,
        typ: args.typ,
        clock_tolerance: args.clock_tolerance,
        current_time: args.now,
        max_token_age: args.max_token_age,
        required_claims: args.required_claims,
        crit: args.crit,
        ..VerifyOptions::default()
    };
    let verified = Verifier::new(keys, options)
        .verify(&token)
        .map_err(|error| report(&error, args.json))?;
    let payload = Value::Object(verified.claims);
    if args.json {
        let header = Value::Object(verified.header.members);
        println!(
            "{}",
            json!({"valid": true, "header": header, "payload": payload})
        );
    } else {
        println!("{}", pretty(&payload));
    }
    Ok(())
}

pub(super) fn pretty(value: &Value) -> String {
    serde_json::to_string_pretty(value).unwrap_or_else(|_| value.to_string())
}
