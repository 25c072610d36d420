//! The `kmsjwt` command line: one module per subcommand.

mod args;
mod batch;
mod create_key;
mod decode;
mod jwks;
mod kms_args;
mod public_key;
mod sign;
mod verify;

use clap::{Parser, Subcommand};

use crate::exit::Failure;

/// Sign JWTs with AWS KMS keys; verify them anywhere with the public key.
#[derive(Debug, Parser)]
#[command(name = "kmsjwt", version, about)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
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
}

impl Cli {
    pub fn run(self) -> Result<(), Failure> {
        match self.command {
            Command::Verify(args) => verify::run(args),
            Command::Decode(args) => decode::run(args),
            Command::Sign(args) => sign::run(args),
            Command::PublicKey(args) => public_key::run(args),
            Command::Jwks(args) => jwks::run(args),
            Command::CreateKey(args) => create_key::run(args),
        }
    }
}
