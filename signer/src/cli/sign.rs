//! `kmsjwt sign`: one token from claims on the command line, or with `--batch` one token per
//! line of standard input (see [`super::batch`]).

use clap::Args;
use kmsjwt_verify::Alg;
use serde_json::{Map, Value};

use super::args::{parse_alg, parse_duration};
use super::batch;
use super::kms_args::{KmsArgs, print_line, read_json_argument, report};
use crate::claims::{ClaimsTemplate, parse_claims};
use crate::exit::Failure;
use crate::kms::KidMode;
use crate::signer::{KmsSigner, check_extra_header};

#[derive(Debug, Args)]
pub struct SignArgs {
    /// The KMS key: key id, key ARN, alias name (alias/NAME) or alias ARN.
    #[arg(long, value_name = "ID")]
    key_id: String,
    /// Signing algorithm; must fit the key. Default: RS256 for RSA keys, the curve's ES* for
    /// EC keys, EdDSA for Ed25519, the level's ML-DSA-44/65/87 for ML-DSA.
    #[arg(long, value_name = "ALG", value_parser = parse_alg)]
    alg: Option<Alg>,
    /// Claims as a JSON object, @FILE, or - for standard input. Reserved claims given here
    /// and by a flag (--iss, --sub, --aud, --ttl for exp, --nbf, --jti) are an error; an
    /// `iat` or `exp` given here replaces the default.
    #[arg(long, value_name = "JSON|@FILE|-", conflicts_with = "batch")]
    claims: Option<String>,
    /// Lifetime: exp = now + ttl. Seconds or 30s, 15m, 1h, 2d. Default 1h.
    #[arg(long, value_name = "DURATION", value_parser = parse_duration)]
    ttl: Option<u64>,
    /// Issuer (`iss`).
    #[arg(long = "iss", value_name = "ISSUER")]
    issuer: Option<String>,
    /// Subject (`sub`).
    #[arg(long = "sub", value_name = "SUBJECT")]
    subject: Option<String>,
    /// Audience (`aud`), repeatable: one gives a string, several an array.
    #[arg(long = "aud", value_name = "AUDIENCE")]
    audience: Vec<String>,
    /// Add `nbf` = now + this duration (0s for now).
    #[arg(long, value_name = "DURATION", value_parser = parse_duration)]
    nbf: Option<u64>,
    /// Add a `jti`: 128 random bits, base64url.
    #[arg(long)]
    jti: bool,
    /// The header's `kid`: thumbprint (RFC 7638, the default), key-id (the KMS key id), none,
    /// or any other text as the literal kid.
    #[arg(long, value_name = "MODE", value_parser = KidMode::parse)]
    kid: Option<KidMode>,
    /// Extra protected header members as a JSON object (or @FILE), e.g. '{"typ":"at+jwt"}'.
    /// `typ` replaces "JWT"; `alg` and `b64` cannot be set; `kid` only without --kid.
    #[arg(long, value_name = "JSON|@FILE")]
    header: Option<String>,
    /// Read one JSON claims object per line on standard input and write one JSON line per
    /// input line, in order: {"token": ...} or {"line": N, "error": {"code", "message"}}.
    /// The flags above apply to every line. Exit 1 if any line failed.
    #[arg(long)]
    batch: bool,
    /// With --batch: KMS requests in flight at once.
    #[arg(long, value_name = "N", default_value_t = 32, requires = "batch",
          value_parser = clap::value_parser!(u32).range(1..=1024))]
    concurrency: u32,
    #[command(flatten)]
    kms: KmsArgs,
}

pub fn run(args: SignArgs) -> Result<(), Failure> {
    // Everything that can be checked without KMS is checked first.
    let (kid, header) = header_and_kid(&args)?;
    let template = ClaimsTemplate {
        ttl: args.ttl,
        not_before: args.nbf,
        jti: args.jti,
        issuer: args.issuer.clone(),
        subject: args.subject.clone(),
        audience: args.audience.clone(),
    };
    if args.ttl == Some(0) {
        return Err(Failure::Usage("--ttl must be at least 1 second".to_owned()));
    }
    let custom = if args.batch {
        Map::new()
    } else {
        let text = match &args.claims {
            Some(argument) => read_json_argument("--claims", argument)?,
            None => "{}".to_owned(),
        };
        parse_claims(&text).map_err(|error| report(&error))?
    };
    if !args.batch {
        // Conflicts between --claims and the flags are usage errors, found before KMS.
        template.apply(&custom, 0).map_err(|error| report(&error))?;
    }

    args.kms.run(|kms| async move {
        let signer = KmsSigner::new(&kms, &args.key_id)
            .await
            .map_err(|error| report(&error))?;
        let signer = match args.alg {
            Some(alg) => signer.with_alg(alg).map_err(|error| report(&error))?,
            None => signer,
        };
        let signer = signer
            .with_kid(&kid)
            .with_header(header)
            .map_err(|error| report(&error))?;
        if args.batch {
            batch::run(signer, template, args.concurrency as usize).await
        } else {
            let token = signer
                .issue(&template, &custom)
                .await
                .map_err(|error| report(&error))?;
            print_line(&token)
        }
    })
}

/// The `kid` mode and extra header members: a `kid` in --header counts as --kid VALUE, and
/// giving both is an error.
fn header_and_kid(args: &SignArgs) -> Result<(KidMode, Map<String, Value>), Failure> {
    let mut header = match &args.header {
        Some(argument) => {
            let text = read_json_argument("--header", argument)?;
            kmsjwt_verify::json::parse_object(text.trim().as_bytes())
                .map_err(|error| Failure::Usage(format!("the --header JSON {error}")))?
        }
        None => Map::new(),
    };
    let kid = match (header.remove("kid"), &args.kid) {
        (Some(_), Some(_)) => {
            return Err(Failure::Usage(
                "the kid is given both by --kid and in --header; give it once".to_owned(),
            ));
        }
        (Some(Value::String(kid)), None) if !kid.is_empty() => KidMode::Value(kid),
        (Some(_), None) => {
            return Err(Failure::Usage(
                "the \"kid\" in --header must be a non-empty string".to_owned(),
            ));
        }
        (None, mode) => mode.clone().unwrap_or_default(),
    };
    check_extra_header(&header).map_err(|error| report(&error))?;
    Ok((kid, header))
}
