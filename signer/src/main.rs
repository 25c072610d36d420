use std::process::ExitCode;

use clap::Parser;
use kmsjwt::cli::Cli;
use kmsjwt::exit::Failure;

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(failure) => {
            if let Failure::Usage(message) = &failure {
                eprintln!("error: {message}");
            }
            failure.exit_code()
        }
    }
}
