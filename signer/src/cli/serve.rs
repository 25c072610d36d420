//! `kmsjwt serve`, `kmsjwt lambda` and `kmsjwt api-key`: the signing service's command line.
//! Both runners load the same configuration and build the same [`TokenService`]; they
//! differ only in where requests come from (a TCP listener, or the Lambda Runtime API).

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

use clap::Args;

use super::kms_args::{print_line, report};
use crate::exit::Failure;
use crate::kms::{Kms, KmsOptions};
use crate::serve::api_key::{ApiKeyHash, generate};
use crate::serve::{AuthMode, Config, TokenService};

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// The service configuration (TOML; see signer/kmsjwt.example.toml).
    #[arg(
        long,
        value_name = "FILE",
        env = "KMSJWT_CONFIG",
        default_value = "kmsjwt.toml"
    )]
    config: PathBuf,
    /// Listen here instead of the configuration's `listen` (e.g. 127.0.0.1:0 for any free
    /// port; the address is printed on stderr).
    #[arg(long, value_name = "ADDR")]
    listen: Option<SocketAddr>,
    /// Accept token requests without an API key, under an open policy (any audience, any
    /// claim the server does not set, ttl up to 24 h). Refused unless the listener is on a
    /// loopback address. For local development only.
    #[arg(long)]
    insecure_no_auth: bool,
}

#[derive(Debug, Args)]
pub struct LambdaArgs {
    /// The service configuration (TOML), deployed next to the binary.
    #[arg(
        long,
        value_name = "FILE",
        env = "KMSJWT_CONFIG",
        default_value = "kmsjwt.toml"
    )]
    config: PathBuf,
}

impl LambdaArgs {
    /// The arguments of a run without any (Lambda's bootstrap): the config from
    /// `KMSJWT_CONFIG`, or `kmsjwt.toml` in the working directory (the function's root).
    pub fn from_env() -> LambdaArgs {
        LambdaArgs {
            config: std::env::var_os("KMSJWT_CONFIG")
                .map_or_else(|| PathBuf::from("kmsjwt.toml"), PathBuf::from),
        }
    }
}

#[derive(Debug, Args)]
pub struct ApiKeyArgs {
    /// Print the SHA-256 of this existing key (or - to read it from standard input)
    /// instead of making a new one.
    #[arg(long, value_name = "KEY|-")]
    hash: Option<String>,
}

pub fn serve(args: ServeArgs) -> Result<(), Failure> {
    let mut config = load(&args.config)?;
    if let Some(listen) = args.listen {
        config.listen = listen;
    }
    let auth = if args.insecure_no_auth {
        if !config.listen.ip().is_loopback() {
            return Err(Failure::Usage(format!(
                "--insecure-no-auth is refused on {}: without authentication anyone who \
                 reaches the listener can mint tokens, so it is allowed on a loopback \
                 address (127.0.0.1, ::1) only",
                config.listen
            )));
        }
        AuthMode::InsecureNoAuth
    } else {
        if config.clients.is_empty() {
            return Err(Failure::Usage(format!(
                "{} has no [[clients]]: no request could be authenticated; add a client \
                 (`kmsjwt api-key` makes a key and its hash)",
                args.config.display()
            )));
        }
        AuthMode::ApiKeys
    };
    init_logs(true);
    runtime()?.block_on(async move {
        let listen = config.listen;
        let service = start(config, auth).await?;
        let listener = tokio::net::TcpListener::bind(listen)
            .await
            .map_err(|error| {
                eprintln!("error: cannot listen on {listen}: {error}");
                Failure::Refused
            })?;
        let address = listener.local_addr().map_err(|error| {
            eprintln!("error: cannot read the listening address: {error}");
            Failure::Refused
        })?;
        if auth == AuthMode::InsecureNoAuth {
            tracing::warn!("--insecure-no-auth: token requests are NOT authenticated");
        }
        // A fixed line that scripts (and the tests) wait for.
        eprintln!("kmsjwt serve: listening on http://{address}");
        crate::serve::serve(service, listener, crate::serve::shutdown_signal())
            .await
            .map_err(|error| {
                eprintln!("error: the server failed: {error}");
                Failure::Refused
            })?;
        eprintln!("kmsjwt serve: stopped");
        Ok(())
    })
}

pub fn lambda(args: LambdaArgs) -> Result<(), Failure> {
    let missing = crate::lambda::missing_environment();
    if !missing.is_empty() {
        return Err(Failure::Usage(format!(
            "kmsjwt lambda runs inside AWS Lambda (or an emulator such as `cargo lambda \
             watch`): {}",
            missing.join(", ")
        )));
    }
    let config = load(&args.config)?;
    init_logs(false);
    runtime()?.block_on(async move {
        let service = start(config, AuthMode::ApiKeys).await?;
        crate::lambda::run(service).await.map_err(|error| {
            eprintln!("error: the Lambda runtime stopped: {error}");
            Failure::Refused
        })
    })
}

pub fn api_key(args: ApiKeyArgs) -> Result<(), Failure> {
    match args.hash {
        Some(key) => {
            let key = if key == "-" {
                let mut text = String::new();
                std::io::Read::read_to_string(&mut std::io::stdin(), &mut text).map_err(
                    |error| Failure::Usage(format!("cannot read the key from stdin: {error}")),
                )?;
                text.trim().to_owned()
            } else {
                key
            };
            print_line(&format!(
                "api_key_sha256 = \"{}\"",
                ApiKeyHash::of(&key).to_hex()
            ))
        }
        None => {
            let key = generate().map_err(|error| {
                eprintln!("error: no randomness for a key: {error}");
                Failure::Refused
            })?;
            eprintln!(
                "The API key (give it to the client; it is not stored anywhere) and, below, \
                 the line for its [[clients]] entry:"
            );
            print_line(&key)?;
            print_line(&format!(
                "api_key_sha256 = \"{}\"",
                ApiKeyHash::of(&key).to_hex()
            ))
        }
    }
}

fn load(path: &std::path::Path) -> Result<Config, Failure> {
    Config::load(path).map_err(|error| Failure::Usage(error.0))
}

async fn start(config: Config, auth: AuthMode) -> Result<Arc<TokenService>, Failure> {
    let kms = Kms::from_env(KmsOptions {
        max_attempts: config.kms.max_attempts,
        timeout: config.kms.timeout,
        ..KmsOptions::default()
    })
    .await;
    TokenService::start(config, kms, auth)
        .await
        .map(Arc::new)
        .map_err(|error| report(&error))
}

fn runtime() -> Result<tokio::runtime::Runtime, Failure> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|error| Failure::Usage(format!("cannot start the async runtime: {error}")))
}

/// Logs on stderr; `KMSJWT_LOG` sets the level (error, warn, info (default), debug, trace).
/// In Lambda, CloudWatch adds its own timestamps and colours would be noise.
fn init_logs(local: bool) {
    let level = std::env::var("KMSJWT_LOG")
        .ok()
        .and_then(|text| text.parse::<tracing::Level>().ok())
        .unwrap_or(tracing::Level::INFO);
    let builder = tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_max_level(level)
        .with_ansi(false)
        .with_target(false);
    // A second initialisation (never in the binary) is harmless: keep the first.
    let _ = if local {
        builder.try_init()
    } else {
        builder.without_time().try_init()
    };
}
