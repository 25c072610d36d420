//! The local KMS (ministack) the signer tests run against, and helpers to run `kmsjwt`
//! against it.
//!
//! One ministack per test binary, started on first use on 127.0.0.1 and a free port, and
//! stopped when the test process ends: it runs under a small `sh` watchdog that kills it
//! when its stdin (a pipe held by this process) closes, which happens however the test
//! process exits. Tests that need to stop a server midway start their own.
//!
//! The venv comes from `tests/ministack.sh` (`make test` runs it): `KMSJWT_MINISTACK`, or
//! `$HOME/.cache/kmsjwt/ministack-venv`. Without it these tests FAIL, they never skip.

#![allow(dead_code)]

use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Output, Stdio};
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant};

use aws_sdk_kms::config::{BehaviorVersion, Credentials, Region};
use serde_json::Value;

pub const KMSJWT: &str = env!("CARGO_BIN_EXE_kmsjwt");

/// The repository root.
pub fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("signer/ has a parent")
        .to_path_buf()
}

/// The ministack venv, or a panic that says how to install it.
pub fn venv() -> PathBuf {
    let venv = std::env::var_os("KMSJWT_MINISTACK")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            let home = std::env::var_os("HOME").expect("HOME is set");
            Path::new(&home).join(".cache/kmsjwt/ministack-venv")
        });
    if !venv.join("bin/ministack").is_file() {
        panic!(
            "ministack (the local KMS these tests need) is not installed in {}: run \
             tests/ministack.sh (make test does), or set KMSJWT_MINISTACK to its venv",
            venv.display()
        );
    }
    venv
}

/// A running ministack.
pub struct Ministack {
    pub port: u16,
    watchdog: Mutex<Option<(Child, ChildStdin)>>,
}

impl Ministack {
    /// Starts a ministack and waits until it accepts connections.
    pub fn start() -> Ministack {
        let venv = venv();
        let port = free_port();
        let log = std::env::temp_dir().join(format!("kmsjwt-ministack-{port}.log"));
        let log_file = std::fs::File::create(&log).expect("create the ministack log");
        let mut child = Command::new("sh")
            .arg("-c")
            .arg(r#""$0" </dev/null & pid=$!; cat >/dev/null; kill $pid; wait $pid"#)
            .arg(venv.join("bin/ministack"))
            .env("BIND_HOST", "127.0.0.1")
            .env("GATEWAY_PORT", port.to_string())
            .env("SERVICES", "kms")
            .env("IOT_MTLS_ENABLED", "0")
            .env("SFTP_ENABLED", "0")
            .env("LOG_LEVEL", "WARNING")
            .stdin(Stdio::piped())
            .stdout(log_file.try_clone().expect("log"))
            .stderr(log_file)
            .spawn()
            .expect("start ministack");
        let stdin = child.stdin.take().expect("watchdog stdin");
        let deadline = Instant::now() + Duration::from_secs(60);
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            if let Ok(Some(status)) = child.try_wait() {
                panic!(
                    "ministack exited ({status}) before listening; its log:\n{}",
                    std::fs::read_to_string(&log).unwrap_or_default()
                );
            }
            assert!(
                Instant::now() < deadline,
                "ministack did not listen on port {port} within 60 s; log in {}",
                log.display()
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        Ministack {
            port,
            watchdog: Mutex::new(Some((child, stdin))),
        }
    }

    /// The ministack shared by this test binary.
    pub fn shared() -> &'static Ministack {
        static SHARED: OnceLock<Ministack> = OnceLock::new();
        SHARED.get_or_init(Ministack::start)
    }

    pub fn endpoint(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// Stops the server and waits until it no longer accepts connections.
    pub fn stop(&self) {
        if let Some((mut child, stdin)) = self.watchdog.lock().unwrap().take() {
            drop(stdin);
            let _ = child.wait();
        }
        let deadline = Instant::now() + Duration::from_secs(10);
        while TcpStream::connect(("127.0.0.1", self.port)).is_ok() {
            assert!(Instant::now() < deadline, "ministack did not stop");
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// `kmsjwt ARGS` against this server.
    pub fn kmsjwt(&self, args: &[&str]) -> Run {
        run_kmsjwt(&self.endpoint(), args, None)
    }

    /// `kmsjwt ARGS < stdin` against this server.
    pub fn kmsjwt_with_stdin(&self, args: &[&str], stdin: &str) -> Run {
        run_kmsjwt(&self.endpoint(), args, Some(stdin))
    }

    /// An SDK client for this server, for test setup (disabling keys, deleting them, ...).
    pub fn admin(&self) -> aws_sdk_kms::Client {
        sdk_client(&self.endpoint())
    }

    /// Creates a signing key with `kmsjwt create-key` and returns its key id and ARN.
    pub fn create_key(&self, spec: &str, alias: Option<&str>) -> CreatedKey {
        let mut args = vec!["create-key", "--spec", spec, "--json"];
        if let Some(alias) = alias {
            args.extend(["--alias", alias]);
        }
        let run = self.kmsjwt(&args);
        run.assert_success();
        let created: Value = serde_json::from_str(&run.stdout).expect("create-key --json");
        CreatedKey {
            key_id: created["key_id"].as_str().unwrap().to_owned(),
            arn: created["arn"].as_str().unwrap().to_owned(),
        }
    }
}

impl Drop for Ministack {
    fn drop(&mut self) {
        self.stop();
    }
}

#[derive(Clone, Debug)]
pub struct CreatedKey {
    pub key_id: String,
    pub arn: String,
}

/// The outcome of one `kmsjwt` run.
#[derive(Debug)]
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
    pub elapsed: Duration,
}

impl Run {
    #[track_caller]
    pub fn assert_success(&self) -> &Run {
        assert_eq!(self.code, 0, "kmsjwt failed: {self:#?}");
        self
    }

    #[track_caller]
    pub fn assert_code(&self, code: i32) -> &Run {
        assert_eq!(self.code, code, "unexpected exit code: {self:#?}");
        self
    }

    #[track_caller]
    pub fn assert_stderr_contains(&self, text: &str) -> &Run {
        assert!(
            self.stderr.contains(text),
            "stderr lacks {text:?}: {self:#?}"
        );
        self
    }

    #[track_caller]
    pub fn token(&self) -> String {
        self.assert_success();
        self.stdout.trim().to_owned()
    }
}

/// Runs the `kmsjwt` binary with a KMS endpoint and test credentials set on the child only,
/// isolated from any AWS configuration on the machine.
/// An SDK client with the test credentials for a local KMS at `endpoint`.
pub fn sdk_client(endpoint: &str) -> aws_sdk_kms::Client {
    let config = aws_sdk_kms::Config::builder()
        .behavior_version(BehaviorVersion::latest())
        .region(Region::new("us-east-1"))
        .endpoint_url(endpoint)
        .credentials_provider(Credentials::new("test", "test", None, None, "test"))
        .build();
    aws_sdk_kms::Client::from_conf(config)
}

/// The local KMS endpoint and test credentials for a process under test, isolated from any
/// AWS or kmsjwt configuration of the machine running the tests.
pub fn kms_environment<'a>(command: &'a mut Command, endpoint: &str) -> &'a mut Command {
    command
        .env("AWS_ENDPOINT_URL_KMS", endpoint)
        .env("AWS_ACCESS_KEY_ID", "test")
        .env("AWS_SECRET_ACCESS_KEY", "test")
        .env("AWS_REGION", "us-east-1")
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env("AWS_CONFIG_FILE", "/dev/null")
        .env("AWS_SHARED_CREDENTIALS_FILE", "/dev/null")
        .env_remove("AWS_PROFILE")
        .env_remove("AWS_SESSION_TOKEN")
        .env_remove("AWS_ENDPOINT_URL")
        .env_remove("AWS_MAX_ATTEMPTS")
        .env_remove("KMSJWT_TIMEOUT")
        .env_remove("KMSJWT_MAX_ATTEMPTS")
        .env_remove("KMSJWT_CONFIG")
        .env_remove("AWS_LAMBDA_RUNTIME_API")
}

pub fn run_kmsjwt(endpoint: &str, args: &[&str], stdin: Option<&str>) -> Run {
    let mut command = Command::new(KMSJWT);
    kms_environment(&mut command, endpoint)
        .args(args)
        .stdin(if stdin.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let started = Instant::now();
    let mut child = command.spawn().expect("run kmsjwt");
    if let Some(input) = stdin {
        let mut pipe = child.stdin.take().unwrap();
        let input = input.to_owned();
        // Written from a thread so that a large input cannot deadlock against the output.
        std::thread::spawn(move || {
            use std::io::Write;
            let _ = pipe.write_all(input.as_bytes());
        });
    }
    let output: Output = child.wait_with_output().expect("wait for kmsjwt");
    Run {
        code: output.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        elapsed: started.elapsed(),
    }
}

/// A port nobody listens on right now.
pub fn free_port() -> u16 {
    TcpListener::bind(("127.0.0.1", 0))
        .and_then(|listener| listener.local_addr())
        .map(|address| address.port())
        .expect("a free port")
}

/// Runs an async block on a fresh runtime (test setup through the SDK).
pub fn block_on<F: Future>(future: F) -> F::Output {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
        .block_on(future)
}

/// A unique name for aliases and the like.
pub fn unique(prefix: &str) -> String {
    use std::sync::atomic::{AtomicU32, Ordering};
    static COUNTER: AtomicU32 = AtomicU32::new(0);
    format!(
        "{prefix}-{}-{}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed)
    )
}

/// A JSON object's member, parsed.
pub fn json(text: &str) -> Value {
    serde_json::from_str(text).unwrap_or_else(|error| panic!("not JSON ({error}): {text}"))
}

/// A TCP proxy in front of a KMS endpoint that records the KMS operations (`X-Amz-Target`)
/// it forwards, to prove which calls were made (for example: none to Sign).
pub struct RecordingProxy {
    pub port: u16,
    targets: std::sync::Arc<Mutex<Vec<String>>>,
}

impl RecordingProxy {
    pub fn start(upstream_port: u16) -> RecordingProxy {
        use std::io::{Read, Write};
        use std::sync::Arc;
        let listener = TcpListener::bind(("127.0.0.1", 0)).expect("bind the proxy");
        let port = listener.local_addr().unwrap().port();
        let targets = Arc::new(Mutex::new(Vec::new()));
        let recorded = Arc::clone(&targets);
        std::thread::spawn(move || {
            for client in listener.incoming() {
                let Ok(mut client) = client else { return };
                let Ok(mut server) = TcpStream::connect(("127.0.0.1", upstream_port)) else {
                    return;
                };
                let (mut client_read, mut server_write) =
                    (client.try_clone().unwrap(), server.try_clone().unwrap());
                let recorded = Arc::clone(&recorded);
                std::thread::spawn(move || {
                    let mut buffer = [0u8; 65536];
                    loop {
                        let n = match client_read.read(&mut buffer) {
                            Ok(0) | Err(_) => break,
                            Ok(n) => n,
                        };
                        let text = String::from_utf8_lossy(&buffer[..n]);
                        for line in text.lines() {
                            if let Some((name, value)) = line.split_once(':')
                                && name.eq_ignore_ascii_case("x-amz-target")
                            {
                                let operation = value.trim().trim_start_matches("TrentService.");
                                recorded.lock().unwrap().push(operation.to_owned());
                            }
                        }
                        if server_write.write_all(&buffer[..n]).is_err() {
                            break;
                        }
                    }
                    let _ = server_write.shutdown(std::net::Shutdown::Write);
                });
                std::thread::spawn(move || {
                    let _ = std::io::copy(&mut server, &mut client);
                    let _ = client.shutdown(std::net::Shutdown::Write);
                });
            }
        });
        RecordingProxy { port, targets }
    }

    pub fn endpoint(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// The KMS operations forwarded so far, in order.
    pub fn operations(&self) -> Vec<String> {
        self.targets.lock().unwrap().clone()
    }
}

/// A stand-in KMS endpoint that answers each request with `answer(operation, request)`:
/// for faults no emulator produces (throttling, wrong signatures). It speaks just enough
/// HTTP/1.1 (keep-alive, Content-Length) for the AWS SDK, and counts requests.
pub struct StubKms {
    pub port: u16,
    requests: std::sync::Arc<Mutex<Vec<String>>>,
}

/// `(HTTP status, JSON body)`; an error body is `{"__type": "CodeException", "message"}`.
pub type StubAnswer = (u16, Value);

impl StubKms {
    pub fn start(answer: impl Fn(&str, &Value) -> StubAnswer + Send + Sync + 'static) -> StubKms {
        StubKms::start_forwarding(None, move |operation, request| {
            Some(answer(operation, request))
        })
    }

    /// Like [`StubKms::start`], but requests `answer` returns `None` for are forwarded to
    /// the KMS on `upstream` (a ministack port) and its answer is passed back.
    pub fn start_forwarding(
        upstream: Option<u16>,
        answer: impl Fn(&str, &Value) -> Option<StubAnswer> + Send + Sync + 'static,
    ) -> StubKms {
        use std::io::{BufRead, BufReader, Write};
        use std::sync::Arc;
        let listener = TcpListener::bind(("127.0.0.1", 0)).expect("bind the stub");
        let port = listener.local_addr().unwrap().port();
        let requests = Arc::new(Mutex::new(Vec::new()));
        let recorded = Arc::clone(&requests);
        let answer = Arc::new(answer);
        std::thread::spawn(move || {
            for connection in listener.incoming() {
                let Ok(connection) = connection else { return };
                let recorded = Arc::clone(&recorded);
                let answer = Arc::clone(&answer);
                std::thread::spawn(move || {
                    let mut writer = connection.try_clone().unwrap();
                    let mut reader = BufReader::new(connection);
                    loop {
                        let Some((head, target, body)) = read_message(&mut reader) else {
                            return;
                        };
                        recorded.lock().unwrap().push(target.clone());
                        let request = serde_json::from_slice(&body).unwrap_or(Value::Null);
                        let response = match (answer(&target, &request), upstream) {
                            (Some((status, reply)), _) => {
                                let reply = reply.to_string();
                                let mut response = format!(
                                    "HTTP/1.1 {status} X\r\nContent-Type: \
                                     application/x-amz-json-1.1\r\nContent-Length: {}\r\n",
                                    reply.len()
                                );
                                if let Some(kind) = reply_type(&reply) {
                                    response.push_str(&format!("x-amzn-ErrorType: {kind}\r\n"));
                                }
                                response.push_str("\r\n");
                                response.push_str(&reply);
                                response.into_bytes()
                            }
                            (None, Some(upstream)) => match forward(upstream, head, &body) {
                                Ok(response) => response,
                                Err(error) => {
                                    let reply = format!("the stub could not forward: {error}");
                                    format!(
                                        "HTTP/1.1 502 X\r\nContent-Length: {}\r\n\r\n{reply}",
                                        reply.len()
                                    )
                                    .into_bytes()
                                }
                            },
                            (None, None) => return,
                        };
                        if writer.write_all(&response).is_err() {
                            return;
                        }
                    }
                });
            }
        });

        fn forward(upstream: u16, head: String, body: &[u8]) -> std::io::Result<Vec<u8>> {
            let mut server = TcpStream::connect(("127.0.0.1", upstream))?;
            let mut request = head.into_bytes();
            request.extend_from_slice(body);
            server.write_all(&request)?;
            let mut server = BufReader::new(server);
            let (head, _, body) = read_message(&mut server).ok_or_else(|| {
                std::io::Error::other("the upstream KMS closed without a complete answer")
            })?;
            let mut response = head.into_bytes();
            response.extend_from_slice(&body);
            Ok(response)
        }

        /// One HTTP/1.1 message: its head (start line and headers, as sent), its
        /// `X-Amz-Target` operation, and its body (by Content-Length).
        fn read_message(reader: &mut impl BufRead) -> Option<(String, String, Vec<u8>)> {
            let (mut head, mut target, mut length) = (String::new(), String::new(), 0usize);
            loop {
                let mut line = String::new();
                if reader.read_line(&mut line).ok()? == 0 {
                    return None;
                }
                head.push_str(&line);
                let header = line.trim_end();
                if header.is_empty() {
                    break;
                }
                if let Some((name, value)) = header.split_once(':') {
                    if name.eq_ignore_ascii_case("x-amz-target") {
                        target = value.trim().trim_start_matches("TrentService.").to_owned();
                    } else if name.eq_ignore_ascii_case("content-length") {
                        length = value.trim().parse().unwrap_or(0);
                    }
                }
            }
            let mut body = vec![0u8; length];
            reader.read_exact(&mut body).ok()?;
            Some((head, target, body))
        }

        StubKms { port, requests }
    }

    pub fn endpoint(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// The operations requested so far, in order.
    pub fn operations(&self) -> Vec<String> {
        self.requests.lock().unwrap().clone()
    }
}

fn reply_type(reply: &str) -> Option<String> {
    serde_json::from_str::<Value>(reply)
        .ok()?
        .get("__type")?
        .as_str()
        .map(str::to_owned)
}

/// `DescribeKey` metadata of an enabled signing key with this spec, for stubs.
pub fn stub_key_metadata(spec: &str) -> Value {
    serde_json::json!({"KeyMetadata": {
        "KeyId": "stub-key", "Arn": "arn:aws:kms:us-east-1:000000000000:key/stub-key",
        "Enabled": true, "KeyUsage": "SIGN_VERIFY", "KeyState": "Enabled",
        "KeySpec": spec, "CreationDate": 1.7e9, "KeyManager": "CUSTOMER", "Origin": "AWS_KMS",
    }})
}
