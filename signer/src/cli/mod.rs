//! The `kmsjwt` command line: one module per subcommand.

mod args;
mod decode;
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
}

impl Cli {
    pub fn run(self) -> Result<(), Failure> {
        match self.command {
            Command::Verify(args) => verify::run(args),
            Command::Decode(args) => decode::run(args),
        }
    }
}
