//! `kmsjwt create-key`: a KMS signing key (KeyUsage SIGN_VERIFY) of a spec kmsjwt signs
//! with, optionally with an alias, description and tags.

use clap::Args;
use clap::builder::PossibleValuesParser;
use serde_json::json;

use super::kms_args::{KmsArgs, print_line, report};
use crate::exit::Failure;
use crate::kms::{CreateKey, key_spec};

#[derive(Debug, Args)]
pub struct CreateKeyArgs {
    /// The KMS key spec.
    #[arg(long, value_name = "SPEC", value_parser = PossibleValuesParser::new(key_spec::names()))]
    spec: String,
    /// An alias for the new key: alias/NAME.
    #[arg(long, value_name = "alias/NAME")]
    alias: Option<String>,
    /// The key's description.
    #[arg(long, value_name = "TEXT")]
    description: Option<String>,
    /// A tag KEY=VALUE (repeatable).
    #[arg(long = "tag", value_name = "KEY=VALUE", value_parser = parse_tag)]
    tags: Vec<(String, String)>,
    /// Print {"key_id", "arn", "key_spec", "alias"} instead of the key id.
    #[arg(long)]
    json: bool,
    #[command(flatten)]
    kms: KmsArgs,
}

fn parse_tag(text: &str) -> Result<(String, String), String> {
    match text.split_once('=') {
        Some((key, value)) if !key.is_empty() => Ok((key.to_owned(), value.to_owned())),
        _ => Err(format!("a tag is KEY=VALUE, not {text:?}")),
    }
}

/// Prints the new key's id on stdout (so that `KEY=$(kmsjwt create-key ...)` works) and its
/// ARN and alias on stderr.
pub fn run(args: CreateKeyArgs) -> Result<(), Failure> {
    let request = CreateKey {
        spec: args.spec.clone(),
        alias: args.alias.clone(),
        description: args.description.clone(),
        tags: args.tags.clone(),
    };
    args.kms.run(|kms| async move {
        let created = kms
            .create_key(&request)
            .await
            .map_err(|error| report(&error))?;
        if args.json {
            let created = json!({
                "key_id": created.key_id,
                "arn": created.arn,
                "key_spec": created.spec,
                "alias": created.alias,
            });
            return print_line(&created.to_string());
        }
        match &created.alias {
            Some(alias) => eprintln!("created {} key {} ({alias})", created.spec, created.arn),
            None => eprintln!("created {} key {}", created.spec, created.arn),
        }
        print_line(&created.key_id)
    })
}
