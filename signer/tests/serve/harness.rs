//! `kmsjwt serve` as a child process, a small HTTP/1.1 client, and the shared service most
//! tests talk to.
//!
//! The service runs under a `sh` watchdog (as ministack does in `common.rs`): it is killed
//! when the test process ends, however it ends, because the watchdog's stdin (a pipe this
//! process holds) closes. The watchdog prints the service's pid first (for SIGTERM) and its
//! exit status last.

#![allow(dead_code)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::PathBuf;
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant};

use kmsjwt::serve::api_key::ApiKeyHash;
use kmsjwt_verify::{KeySet, Verifier, VerifyOptions};
use serde_json::{Value, json};

use crate::common::{CreatedKey, KMSJWT, Ministack, json, kms_environment, repo, unique};

pub const ISSUER: &str = "https://issuer.test";

/// The API keys of the shared service's clients.
pub const KEY_FULL: &str = "test-key-full";
pub const KEY_ONE: &str = "test-key-one";
pub const KEY_ANY: &str = "test-key-any";
pub const KEY_REVOKED: &str = "test-key-revoked";
pub const KEY_RATE: &str = "test-key-rate";

/// A `[[clients]]` entry.
pub fn client(name: &str, api_key: &str, extra: &str) -> String {
    format!(
        "[[clients]]\nname = \"{name}\"\napi_key_sha256 = \"{}\"\n{extra}\n",
        ApiKeyHash::of(api_key).to_hex()
    )
}

/// Configuration text: issuer, the signing key, then `rest` (more tables).
pub fn config(key: &str, rest: &str) -> String {
    format!("issuer = \"{ISSUER}\"\n[key]\nid = \"{key}\"\n{rest}")
}

/// A running `kmsjwt serve`.
pub struct Service {
    pub port: u16,
    pub pid: u32,
    pub log: PathBuf,
    _dir: tempfile::TempDir,
    watchdog: Mutex<Option<(Child, ChildStdin, BufReader<ChildStdout>)>>,
}

impl Service {
    /// Starts `kmsjwt serve --config FILE --listen 127.0.0.1:0 ARGS` against the KMS at
    /// `endpoint`, and waits until it listens.
    pub fn start(endpoint: &str, config_text: &str, args: &[&str]) -> Service {
        Service::try_start(endpoint, config_text, args)
            .unwrap_or_else(|(code, log)| panic!("kmsjwt serve exited ({code}):\n{log}"))
    }

    /// Like [`Service::start`]; a service that exits before listening gives its exit code
    /// and log.
    pub fn try_start(
        endpoint: &str,
        config_text: &str,
        args: &[&str],
    ) -> Result<Service, (i32, String)> {
        let dir = tempfile::tempdir().unwrap();
        let config_path = dir.path().join("kmsjwt.toml");
        std::fs::write(&config_path, config_text).unwrap();
        let log = dir.path().join("serve.log");
        let log_file = std::fs::File::create(&log).unwrap();
        let script = r#"exec 3<&0
"$0" "$@" </dev/null 3<&- &
pid=$!
echo "$pid"
( cat <&3 >/dev/null; kill "$pid" 2>/dev/null ) >/dev/null 2>&1 &
exec 3<&-
wait "$pid"
echo "exit $?""#;
        let mut command = Command::new("sh");
        command
            .arg("-c")
            .arg(script)
            .arg(KMSJWT)
            .args(["serve", "--config"])
            .arg(&config_path)
            .args(["--listen", "127.0.0.1:0"])
            .args(args);
        kms_environment(&mut command, endpoint);
        let mut child = command
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(log_file)
            .spawn()
            .expect("start kmsjwt serve");
        let stdin = child.stdin.take().unwrap();
        let mut stdout = BufReader::new(child.stdout.take().unwrap());
        let mut line = String::new();
        stdout.read_line(&mut line).unwrap();
        let pid: u32 = line.trim().parse().expect("the watchdog prints the pid");
        let deadline = Instant::now() + Duration::from_secs(60);
        let port = loop {
            let text = std::fs::read_to_string(&log).unwrap_or_default();
            if let Some(rest) = text.split("listening on http://127.0.0.1:").nth(1) {
                let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
                break digits.parse::<u16>().unwrap();
            }
            if let Ok(Some(_)) = child.try_wait() {
                drop(stdin);
                let mut rest = String::new();
                let _ = stdout.read_to_string(&mut rest);
                let code = rest
                    .trim()
                    .strip_prefix("exit ")
                    .and_then(|code| code.parse().ok())
                    .unwrap_or(-1);
                return Err((code, std::fs::read_to_string(&log).unwrap_or_default()));
            }
            assert!(
                Instant::now() < deadline,
                "kmsjwt serve did not listen within 60 s:\n{text}"
            );
            std::thread::sleep(Duration::from_millis(20));
        };
        Ok(Service {
            port,
            pid,
            log,
            _dir: dir,
            watchdog: Mutex::new(Some((child, stdin, stdout))),
        })
    }

    pub fn get(&self, path: &str) -> Response {
        http(self.port, "GET", path, &[], None)
    }

    /// `POST /v1/tokens` with `Authorization: Bearer api_key` (none for `None`).
    pub fn token_request(&self, api_key: Option<&str>, body: &Value) -> Response {
        let bearer = api_key.map(|key| format!("Bearer {key}"));
        let mut headers = vec![("Content-Type", "application/json")];
        if let Some(bearer) = &bearer {
            headers.push(("Authorization", bearer));
        }
        http(
            self.port,
            "POST",
            "/v1/tokens",
            &headers,
            Some(body.to_string().as_bytes()),
        )
    }

    /// A token, or a panic with the answer.
    pub fn token(&self, api_key: &str, body: &Value) -> Value {
        let response = self.token_request(Some(api_key), body);
        assert_eq!(response.status, 200, "{response:#?}");
        response.json()
    }

    /// Sends SIGTERM to the service.
    pub fn terminate(&self) {
        let status = Command::new("kill")
            .args(["-TERM", &self.pid.to_string()])
            .status()
            .unwrap();
        assert!(status.success(), "kill -TERM {}", self.pid);
    }

    /// Waits for the service to exit and returns its exit code.
    pub fn wait_exit(&self, within: Duration) -> i32 {
        let (mut child, stdin, mut stdout) = self.watchdog.lock().unwrap().take().unwrap();
        let deadline = Instant::now() + within;
        while child.try_wait().unwrap().is_none() {
            if Instant::now() > deadline {
                drop(stdin);
                let _ = child.wait();
                panic!(
                    "kmsjwt serve did not exit within {within:?}:\n{}",
                    self.log_text()
                );
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        drop(stdin);
        let mut rest = String::new();
        stdout.read_to_string(&mut rest).unwrap();
        rest.trim()
            .strip_prefix("exit ")
            .and_then(|code| code.parse().ok())
            .unwrap_or_else(|| panic!("no exit status from the watchdog: {rest:?}"))
    }

    pub fn log_text(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }
}

impl Drop for Service {
    fn drop(&mut self) {
        if let Some((mut child, stdin, _)) = self.watchdog.lock().unwrap().take() {
            drop(stdin);
            let _ = child.wait();
        }
    }
}

/// An HTTP answer.
#[derive(Debug)]
pub struct Response {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl Response {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(key, _)| key.eq_ignore_ascii_case(name))
            .map(|(_, value)| value.as_str())
    }

    pub fn json(&self) -> Value {
        json(&self.body)
    }

    /// The error code of an error answer, checking the error body's shape.
    #[track_caller]
    pub fn error_code(&self) -> String {
        let body = self.json();
        let error = body["error"]
            .as_object()
            .unwrap_or_else(|| panic!("not an error body: {self:#?}"));
        assert!(
            error["message"].as_str().is_some_and(|m| !m.is_empty()),
            "{self:#?}"
        );
        assert_eq!(
            self.header("content-type"),
            Some("application/json"),
            "{self:#?}"
        );
        error["code"].as_str().unwrap().to_owned()
    }

    /// Asserts the status and error code.
    #[track_caller]
    pub fn assert_error(&self, status: u16, code: &str) -> &Response {
        assert_eq!(self.status, status, "{self:#?}");
        assert_eq!(self.error_code(), code, "{self:#?}");
        self
    }
}

/// One HTTP/1.1 request on a new connection (`Connection: close`), read to the end.
pub fn http(
    port: u16,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: Option<&[u8]>,
) -> Response {
    let mut head =
        format!("{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n");
    for (name, value) in headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    if let Some(body) = body {
        head.push_str(&format!("Content-Length: {}\r\n", body.len()));
    }
    head.push_str("\r\n");
    let mut request = head.into_bytes();
    request.extend_from_slice(body.unwrap_or_default());
    exchange(port, &request)
}

/// Sends raw request bytes and parses the answer.
pub fn exchange(port: u16, request: &[u8]) -> Response {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).expect("connect to the service");
    stream
        .set_read_timeout(Some(Duration::from_secs(60)))
        .unwrap();
    // The server may answer (413) and close before the whole body is written.
    let _ = stream.write_all(request);
    let mut raw = Vec::new();
    let _ = stream.read_to_end(&mut raw);
    parse_response(&raw)
}

fn parse_response(raw: &[u8]) -> Response {
    let text = String::from_utf8_lossy(raw);
    let (head, body) = text
        .split_once("\r\n\r\n")
        .unwrap_or_else(|| panic!("not an HTTP response: {text:?}"));
    let mut lines = head.lines();
    let status = lines
        .next()
        .and_then(|line| line.split(' ').nth(1))
        .and_then(|code| code.parse().ok())
        .unwrap_or_else(|| panic!("no status line: {text:?}"));
    let headers: Vec<(String, String)> = lines
        .filter_map(|line| line.split_once(':'))
        .map(|(name, value)| (name.trim().to_owned(), value.trim().to_owned()))
        .collect();
    let chunked = headers.iter().any(|(name, value)| {
        name.eq_ignore_ascii_case("transfer-encoding") && value.eq_ignore_ascii_case("chunked")
    });
    let body = if chunked {
        dechunk(body)
    } else {
        body.to_owned()
    };
    Response {
        status,
        headers,
        body,
    }
}

fn dechunk(mut rest: &str) -> String {
    let mut body = String::new();
    while let Some((size, after)) = rest.split_once("\r\n") {
        let size = usize::from_str_radix(size.trim(), 16).unwrap_or(0);
        if size == 0 || after.len() < size {
            break;
        }
        body.push_str(&after[..size]);
        rest = after[size..].trim_start_matches("\r\n");
    }
    body
}

/// The shared service: one ES256 signing key, a previous RSA key in the JWK Set, and
/// clients for every policy the tests need.
pub struct Shared {
    pub service: Service,
    pub key: CreatedKey,
    pub previous: CreatedKey,
}

pub fn shared() -> &'static Shared {
    static SHARED: OnceLock<Shared> = OnceLock::new();
    SHARED.get_or_init(|| {
        let server = Ministack::shared();
        let alias = format!("alias/{}", unique("serve"));
        let key = server.create_key("ECC_NIST_P256", Some(&alias));
        let previous = server.create_key("RSA_2048", None);
        let clients = [
            client(
                "full",
                KEY_FULL,
                "audiences = [\"api://orders\", \"api://billing\"]\nmax_ttl = \"10m\"\n\
                 allowed_claims = [\"sub\", \"scope\", \"nested\"]\n\
                 forbidden_claims = [\"admin\"]\nfixed_claims = { tenant = \"acme\", tier = 2 }",
            ),
            client("one", KEY_ONE, "audiences = [\"api://one\"]"),
            client("any", KEY_ANY, "audiences = [\"*\"]"),
            client(
                "revoked",
                KEY_REVOKED,
                "revoked = true\naudiences = [\"*\"]",
            ),
            client(
                "rate",
                KEY_RATE,
                "rate_per_second = 0.2\nburst = 2\naudiences = [\"*\"]",
            ),
        ]
        .concat();
        let text = config(
            &alias,
            &format!(
                "previous = [\"{}\"]\n[limits]\njwks_max_age = \"2m\"\n{clients}",
                previous.key_id
            ),
        );
        Shared {
            service: Service::start(&server.endpoint(), &text, &[]),
            key,
            previous,
        }
    })
}

/// Verifies `token` with the verifier core against `jwks` (issuer and audience checked);
/// returns the claims.
#[track_caller]
pub fn verify_with_core(token: &str, jwks: &str, audience: &str) -> serde_json::Map<String, Value> {
    let options = VerifyOptions {
        issuer: vec![ISSUER.into()],
        audience: vec![audience.into()],
        typ: Some("JWT".into()),
        required_claims: ["iat", "exp", "nbf", "jti"].map(String::from).to_vec(),
        ..VerifyOptions::default()
    };
    Verifier::new(KeySet::from_text(jwks).unwrap(), options)
        .verify(token)
        .unwrap_or_else(|error| panic!("the core refused a service token: {error:?}"))
        .claims
}

/// Verifies tokens with jose (`tests/interop/verify-kms-tokens.mjs`: JWK, PEM and a JWK
/// Set, and the kid must be jose's own RFC 7638 thumbprint of the JWK).
pub fn verify_with_jose(cases: &[Value]) {
    let interop = repo().join("tests/interop");
    assert!(
        interop.join("node_modules/jose/package.json").is_file(),
        "jose is not installed in {}: run `npm ci --prefix tests/interop` (make test does)",
        interop.display()
    );
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("cases.json");
    std::fs::write(&file, serde_json::to_string(cases).unwrap()).unwrap();
    let output = Command::new("node")
        .arg(interop.join("verify-kms-tokens.mjs"))
        .arg(&file)
        .output()
        .expect("run node");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "jose: {}\n{stdout}",
        String::from_utf8_lossy(&output.stderr)
    );
    let results = json(&stdout);
    let results = results.as_array().unwrap();
    assert_eq!(results.len(), cases.len());
    for result in results {
        assert_eq!(result["ok"], true, "jose refused a service token: {result}");
    }
}

/// A jose case for a token of the shared service.
pub fn jose_case(name: &str, token: &str, jwk: &Value, pem: &str, audience: &str) -> Value {
    json!({
        "name": name, "alg": jwk["alg"], "token": token, "jwk": jwk, "pem": pem,
        "issuer": ISSUER, "audience": audience,
    })
}

/// A JWK Set member by kid.
pub fn jwk_by_kid<'a>(jwks: &'a Value, kid: &str) -> &'a Value {
    jwks["keys"]
        .as_array()
        .unwrap()
        .iter()
        .find(|jwk| jwk["kid"] == kid)
        .unwrap_or_else(|| panic!("no JWK with kid {kid} in {jwks}"))
}
