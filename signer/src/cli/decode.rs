//! `kmsjwt decode`: show a token's contents without verifying it.

use clap::Args;
use serde_json::{Value, json};

use super::args::{read_token, report};
use super::verify::pretty;
use crate::exit::Failure;

#[derive(Debug, Args)]
pub struct DecodeArgs {
    /// Print `{"header", "payload", "signature"}` as one JSON object.
    #[arg(long)]
    json: bool,
    /// The token, or `-` to read it from standard input.
    #[arg(value_name = "TOKEN")]
    token: String,
}

pub fn run(args: DecodeArgs) -> Result<(), Failure> {
    let token = read_token(&args.token)?;
    let decoded = kmsjwt_verify::decode(&token).map_err(|error| report(&error, args.json))?;
    let header = Value::Object(decoded.header);
    let payload = Value::Object(decoded.claims);
    let signature = kmsjwt_verify::base64url::encode(&decoded.signature);
    if args.json {
        println!(
            "{}",
            json!({"header": header, "payload": payload, "signature": signature, "verified": false})
        );
    } else {
        println!("{}", pretty(&header));
        println!("{}", pretty(&payload));
        eprintln!(
            "note: decoded only; the signature ({} bytes) was NOT verified",
            decoded.signature.len()
        );
    }
    Ok(())
}
