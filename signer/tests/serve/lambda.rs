//! `kmsjwt` as an AWS Lambda function, under cargo-lambda's emulator of the Lambda Runtime
//! API (`cargo lambda watch --only-lambda-apis`, installed by `tests/serve/cargo-lambda.sh`;
//! without it this test FAILS): started without arguments, as Lambda starts a bootstrap, it
//! serves direct invokes, Function URL events and API Gateway REST events with the same
//! policies as `kmsjwt serve`.

use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::common::{KMSJWT, Ministack, free_port, kms_environment, run_kmsjwt, unique};
use crate::harness::{
    Response, client, config, http, jose_case, jwk_by_kid, verify_with_core, verify_with_jose,
};

fn cargo_lambda() -> PathBuf {
    let path = std::env::var_os("KMSJWT_CARGO_LAMBDA")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            let home = std::env::var_os("HOME").expect("HOME is set");
            Path::new(&home).join(".cache/kmsjwt/cargo-lambda-venv/bin/cargo-lambda")
        });
    assert!(
        path.is_file(),
        "cargo-lambda (its emulator runs these tests) is not installed at {}: run \
         signer/tests/serve/cargo-lambda.sh (make test does), or set KMSJWT_CARGO_LAMBDA",
        path.display()
    );
    path
}

/// A process killed when the test process ends (the ministack watchdog of `common.rs`).
struct Watched {
    child: Option<(Child, ChildStdin)>,
}

impl Watched {
    fn spawn(command: Command, log: &Path) -> Watched {
        let program = command.get_program().to_owned();
        let args: Vec<_> = command.get_args().map(|arg| arg.to_owned()).collect();
        let mut wrapper = Command::new("sh");
        wrapper
            .arg("-c")
            .arg(r#""$0" "$@" </dev/null & pid=$!; cat >/dev/null; kill $pid; wait $pid"#)
            .arg(program)
            .args(args);
        for (name, value) in command.get_envs() {
            match value {
                Some(value) => wrapper.env(name, value),
                None => wrapper.env_remove(name),
            };
        }
        if let Some(dir) = command.get_current_dir() {
            wrapper.current_dir(dir);
        }
        let log = std::fs::File::create(log).unwrap();
        let mut child = wrapper
            .stdin(Stdio::piped())
            .stdout(log.try_clone().unwrap())
            .stderr(log)
            .spawn()
            .expect("spawn");
        let stdin = child.stdin.take().unwrap();
        Watched {
            child: Some((child, stdin)),
        }
    }
}

impl Drop for Watched {
    fn drop(&mut self) {
        if let Some((mut child, stdin)) = self.child.take() {
            drop(stdin);
            let _ = child.wait();
        }
    }
}

fn wait_for_port(port: u16, log: &Path) {
    let deadline = Instant::now() + Duration::from_secs(60);
    while TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(
            Instant::now() < deadline,
            "nothing listens on {port}:\n{}",
            std::fs::read_to_string(log).unwrap_or_default()
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// Invokes the function directly (the Lambda Invoke API as the emulator offers it).
fn invoke(port: u16, payload: &Value) -> Response {
    http(
        port,
        "POST",
        "/2015-03-31/functions/_/invocations",
        &[("Content-Type", "application/json")],
        Some(payload.to_string().as_bytes()),
    )
}

#[test]
fn the_lambda_function_serves_direct_invokes_function_urls_and_api_gateway() {
    let server = Ministack::shared();
    let alias = format!("alias/{}", unique("lambda"));
    let key = server.create_key("ECC_NIST_P256", Some(&alias));
    let dir = tempfile::tempdir().unwrap();
    let config_path = dir.path().join("kmsjwt.toml");
    std::fs::write(
        &config_path,
        config(
            &alias,
            &format!(
                "{}{}[lambda]\ninvoke_client = \"backend\"\n",
                client("web", "key-web", "audiences = [\"api://web\"]"),
                client(
                    "backend",
                    "key-backend",
                    "audiences = [\"api://backend\"]\nforbidden_claims = [\"admin\"]"
                ),
            ),
        ),
    )
    .unwrap();

    // The emulator reads the Cargo manifest of the directory it runs in.
    let port = free_port();
    let emulator_log = dir.path().join("emulator.log");
    let mut emulator = Command::new(cargo_lambda());
    emulator
        .args([
            "lambda",
            "watch",
            "--only-lambda-apis",
            "-A",
            "127.0.0.1",
            "-P",
        ])
        .arg(port.to_string())
        .current_dir(env!("CARGO_MANIFEST_DIR"));
    let _emulator = Watched::spawn(emulator, &emulator_log);
    wait_for_port(port, &emulator_log);

    // The function: no arguments, AWS_LAMBDA_RUNTIME_API set, as Lambda starts it.
    let function_log = dir.path().join("function.log");
    let mut function = Command::new(KMSJWT);
    kms_environment(&mut function, &server.endpoint());
    function
        .env(
            "AWS_LAMBDA_RUNTIME_API",
            format!("http://127.0.0.1:{port}/.rt"),
        )
        .env("AWS_LAMBDA_FUNCTION_NAME", "_")
        .env("AWS_LAMBDA_FUNCTION_VERSION", "1")
        .env("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "128")
        .env("KMSJWT_CONFIG", &config_path);
    let _function = Watched::spawn(function, &function_log);

    let logs = || {
        format!(
            "emulator:\n{}\nfunction:\n{}",
            std::fs::read_to_string(&emulator_log).unwrap_or_default(),
            std::fs::read_to_string(&function_log).unwrap_or_default()
        )
    };

    // Function URL: the JWK Set (the emulator waits for the function's first poll).
    let jwks_response = http(
        port,
        "GET",
        "/lambda-url/_/.well-known/jwks.json",
        &[],
        None,
    );
    assert_eq!(jwks_response.status, 200, "{jwks_response:#?}\n{}", logs());
    assert_eq!(
        jwks_response.header("cache-control"),
        Some("public, max-age=300")
    );
    let jwks_text = jwks_response.body.clone();
    let jwks = jwks_response.json();

    // Direct invoke: {claims, ttl} -> {token}, under the backend client's policy.
    let direct = invoke(port, &json!({"claims": {"sub": "job-7"}, "ttl": 120}));
    assert_eq!(direct.status, 200, "{direct:#?}\n{}", logs());
    let issued = direct.json();
    let direct_token = issued["token"].as_str().unwrap().to_owned();
    let claims = verify_with_core(&direct_token, &jwks_text, "api://backend");
    assert_eq!(claims["sub"], "job-7");
    assert_eq!(
        claims["exp"].as_i64().unwrap() - claims["iat"].as_i64().unwrap(),
        120
    );
    assert_eq!(issued["expires_at"], claims["exp"]);

    // A refused direct invoke is a function error whose errorType is the code.
    for (payload, code) in [
        (json!({"claims": {"admin": true}}), "ERR_CLAIM_FORBIDDEN"),
        (json!({"claims": {"exp": 1}}), "ERR_CLAIM_RESERVED"),
        (json!({"ttl": "2h"}), "ERR_TTL_TOO_LONG"),
        (json!({"claim": {}}), "ERR_INVALID_REQUEST"),
        (json!("just text"), "ERR_INVALID_REQUEST"),
    ] {
        let refused = invoke(port, &payload);
        assert_ne!(refused.status, 200, "{payload}: {refused:#?}");
        let body = refused.json();
        assert_eq!(body["errorType"], code, "{payload}: {body}");
        assert!(body["errorMessage"].as_str().is_some_and(|m| !m.is_empty()));
    }

    // Function URL: the HTTP contract, API keys included.
    let url_token = http(
        port,
        "POST",
        "/lambda-url/_/v1/tokens",
        &[
            ("Authorization", "Bearer key-web"),
            ("Content-Type", "application/json"),
        ],
        Some(br#"{"claims": {"sub": "user-3"}, "ttl": "5m"}"#),
    );
    assert_eq!(url_token.status, 200, "{url_token:#?}\n{}", logs());
    let url_token = url_token.json()["token"].as_str().unwrap().to_owned();
    let claims = verify_with_core(&url_token, &jwks_text, "api://web");
    assert_eq!(claims["sub"], "user-3");
    http(port, "POST", "/lambda-url/_/v1/tokens", &[], Some(b"{}"))
        .assert_error(401, "ERR_API_KEY_MISSING");
    http(
        port,
        "POST",
        "/lambda-url/_/v1/tokens",
        &[("Authorization", "Bearer key-web")],
        Some(br#"{"audience": "api://backend"}"#),
    )
    .assert_error(403, "ERR_AUDIENCE_NOT_ALLOWED");
    let health = http(port, "GET", "/lambda-url/_/healthz", &[], None);
    assert_eq!(health.status, 200, "{health:#?}");
    assert_eq!(health.json()["key"], key.arn);

    // An API Gateway REST (payload v1) event, sent as the gateway sends it.
    let rest_event = json!({
        "resource": "/v1/tokens",
        "path": "/v1/tokens",
        "httpMethod": "POST",
        "headers": {"Authorization": "Bearer key-web", "Content-Type": "application/json"},
        "multiValueHeaders": {
            "Authorization": ["Bearer key-web"],
            "Content-Type": ["application/json"]
        },
        "queryStringParameters": null,
        "requestContext": {
            "resourcePath": "/v1/tokens", "httpMethod": "POST", "path": "/prod/v1/tokens",
            "stage": "prod", "requestId": "r-1", "accountId": "123456789012",
            "identity": {"sourceIp": "127.0.0.1"}
        },
        "body": "{\"claims\": {\"sub\": \"user-4\"}}",
        "isBase64Encoded": false
    });
    let rest = invoke(port, &rest_event);
    assert_eq!(rest.status, 200, "{rest:#?}\n{}", logs());
    let rest = rest.json();
    assert_eq!(rest["statusCode"], 200, "{rest}");
    let body: Value = serde_json::from_str(rest["body"].as_str().unwrap()).unwrap();
    let rest_token = body["token"].as_str().unwrap().to_owned();
    verify_with_core(&rest_token, &jwks_text, "api://web");
    let mut unauthenticated = rest_event.clone();
    unauthenticated["headers"] = json!({});
    unauthenticated["multiValueHeaders"] = json!({});
    let refused = invoke(port, &unauthenticated).json();
    assert_eq!(refused["statusCode"], 401, "{refused}");
    let body: Value = serde_json::from_str(refused["body"].as_str().unwrap()).unwrap();
    assert_eq!(body["error"]["code"], "ERR_API_KEY_MISSING");

    // jose accepts them too.
    let pem = server
        .kmsjwt(&["public-key", "--key-id", &key.key_id])
        .token();
    let kid = kmsjwt_verify::decode(&direct_token).unwrap().header["kid"]
        .as_str()
        .unwrap()
        .to_owned();
    let jwk = jwk_by_kid(&jwks, &kid);
    verify_with_jose(&[
        jose_case("direct", &direct_token, jwk, &pem, "api://backend"),
        jose_case("function-url", &url_token, jwk, &pem, "api://web"),
        jose_case("api-gateway", &rest_token, jwk, &pem, "api://web"),
    ]);
}

#[test]
fn lambda_mode_outside_lambda_is_a_usage_error() {
    let server = Ministack::shared();
    let run = run_kmsjwt(
        &server.endpoint(),
        &["lambda", "--config", "/nonexistent"],
        None,
    );
    run.assert_code(2)
        .assert_stderr_contains("AWS_LAMBDA_RUNTIME_API is not set");
    // Without a command and outside Lambda: a usage error, not Lambda mode.
    run_kmsjwt(&server.endpoint(), &[], None)
        .assert_code(2)
        .assert_stderr_contains("no command given");
}
