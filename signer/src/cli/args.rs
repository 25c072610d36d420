//! Argument types shared by subcommands: tokens from the command line or stdin, durations,
//! and error output.

use std::io::Read;

use kmsjwt_verify::{Alg, Error};
use serde_json::json;

use crate::exit::Failure;

/// Reads the token argument; `-` means standard input (surrounding whitespace dropped, so
/// `echo $TOKEN | kmsjwt verify -` works).
pub fn read_token(argument: &str) -> Result<String, Failure> {
    if argument != "-" {
        return Ok(argument.to_owned());
    }
    let mut token = String::new();
    std::io::stdin()
        .read_to_string(&mut token)
        .map_err(|error| Failure::Usage(format!("cannot read the token from stdin: {error}")))?;
    Ok(token.trim().to_owned())
}

/// clap parser for `--alg`.
pub fn parse_alg(name: &str) -> Result<Alg, String> {
    Alg::from_name(name).map_err(|_| {
        let names: Vec<_> = Alg::all().map(Alg::name).collect();
        format!(
            "unsupported alg {name:?}; expected one of {}",
            names.join(", ")
        )
    })
}

/// clap parser for durations: `30`, `30s`, `5m`, `1h`, `2d`.
pub fn parse_duration(text: &str) -> Result<u64, String> {
    kmsjwt_verify::duration::parse_seconds(text).map_err(|error| error.to_string())
}

/// Prints a verification error: `error[CODE]: message` on stderr, or a JSON object on
/// stdout with `--json`.
pub fn report(error: &Error, as_json: bool) -> Failure {
    if as_json {
        let mut detail = json!({"code": error.code(), "message": error.message()});
        if let (Some(claim), Some(reason)) = (error.claim(), error.reason()) {
            detail["claim"] = json!(claim);
            detail["reason"] = json!(reason.as_str());
        }
        println!("{}", json!({"valid": false, "error": detail}));
    } else {
        eprintln!("error[{}]: {}", error.code(), error.message());
    }
    Failure::Refused
}
