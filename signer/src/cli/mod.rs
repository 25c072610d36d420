//! The `kmsjwt` command line: one module per subcommand.

mod args;
mod batch;
mod create_key;
mod decode;
mod jwks;
mod kms_args;
mod public_key;
mod serve;
mod sign;
mod verify;

use clap::{Parser, Subcommand};

use crate::exit::Failure;

/// Sign JWTs with AWS KMS keys; verify them anywhere with the public key.
#[derive(Debug, Parser)]
#[command(name = "kmsjwt", version, about)]
pub struct Cli {
    /// Without a subcommand inside AWS Lambda (`AWS_LAMBDA_RUNTIME_API` set), `lambda`.
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Verify a token's signature and claims; print its payload.
    Verify(verify::VerifyArgs),
    /// Print a token's header and payload WITHOUT verifying anything.
    Decode(decode::DecodeArgs),
    /// Sign a JWT with a KMS key (or, with --batch, one per line of standard input).
    Sign(sign::SignArgs),
    /// Print a KMS key's public key as PEM, JWK or JWK Set.
    PublicKey(public_key::PublicKeyArgs),
    /// Print a JWK Set for one or more KMS keys (current and previous, for rotation).
    Jwks(jwks::JwksArgs),
    /// Create a KMS signing key (KeyUsage SIGN_VERIFY); prints its key id.
    CreateKey(create_key::CreateKeyArgs),
    /// Run the HTTP signing service (POST /v1/tokens, JWKS, health, metrics).
    Serve(serve::ServeArgs),
    /// Run the signing service as an AWS Lambda function (the default inside Lambda).
    Lambda(serve::LambdaArgs),
    /// Make a new API key for the service and print it with its SHA-256 for the config.
    ApiKey(serve::ApiKeyArgs),
}

impl Cli {
    pub fn run(self) -> Result<(), Failure> {
        let Some(command) = self.command else {
            // Lambda starts the bootstrap binary without arguments.
            if std::env::var_os("AWS_LAMBDA_RUNTIME_API").is_some() {
                return serve::lambda(serve::LambdaArgs::from_env());
            }
            return Err(Failure::Usage(
                "no command given; see kmsjwt --help".to_owned(),
            ));
        };
        match command {
            Command::Verify(args) => verify::run(args),
            Command::Decode(args) => decode::run(args),
            Command::Sign(args) => sign::run(args),
            Command::PublicKey(args) => public_key::run(args),
            Command::Jwks(args) => jwks::run(args),
            Command::CreateKey(args) => create_key::run(args),
            Command::Serve(args) => serve::serve(args),
            Command::Lambda(args) => serve::lambda(args),
            Command::ApiKey(args) => serve::api_key(args),
        }
    }
}
