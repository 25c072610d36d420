//! SIGTERM with requests in flight: none is lost. The service stops accepting connections,
//! answers every request it had (each token valid), and exits 0.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use serde_json::json;

use crate::common::{Ministack, StubKms, unique};
use crate::harness::{Service, client, config, verify_with_core};

const IN_FLIGHT: usize = 8;

#[test]
fn sigterm_drains_requests_in_flight_and_loses_none() {
    let server = Ministack::shared();
    let alias = format!("alias/{}", unique("drain"));
    server.create_key("ECC_NIST_EDWARDS25519", Some(&alias));
    // Every Sign waits 1.5 s in the stand-in before ministack answers, so the requests are
    // surely in flight when the signal comes.
    let signs = Arc::new(AtomicUsize::new(0));
    let counted = Arc::clone(&signs);
    let kms = StubKms::start_forwarding(Some(server.port), move |operation, _| {
        if operation == "Sign" {
            counted.fetch_add(1, Ordering::SeqCst);
            std::thread::sleep(Duration::from_millis(1500));
        }
        None
    });
    let text = config(
        &alias,
        &client("c", "key-c", "audiences = [\"api://drain\"]"),
    );
    let service = Service::start(&kms.endpoint(), &text, &[]);
    let jwks = service.get("/.well-known/jwks.json").body;

    let responses = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..IN_FLIGHT)
            .map(|index| {
                let service = &service;
                scope.spawn(move || {
                    service.token_request(Some("key-c"), &json!({"claims": {"n": index}}))
                })
            })
            .collect();
        // Wait until every request has reached KMS, then signal.
        let deadline = Instant::now() + Duration::from_secs(20);
        while signs.load(Ordering::SeqCst) < IN_FLIGHT {
            assert!(Instant::now() < deadline, "the requests did not reach KMS");
            std::thread::sleep(Duration::from_millis(10));
        }
        service.terminate();
        // Draining: the listener closes at once (polled, for a loaded machine).
        let deadline = Instant::now() + Duration::from_secs(5);
        while std::net::TcpStream::connect(("127.0.0.1", service.port)).is_ok() {
            assert!(
                Instant::now() < deadline,
                "new connections were still accepted 5 s after SIGTERM"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
        handles
            .into_iter()
            .map(|handle| handle.join().unwrap())
            .collect::<Vec<_>>()
    });

    let mut seen = Vec::new();
    for response in responses {
        assert_eq!(
            response.status, 200,
            "a request in flight was lost: {response:#?}"
        );
        let token = response.json()["token"].as_str().unwrap().to_owned();
        let claims = verify_with_core(&token, &jwks, "api://drain");
        seen.push(claims["n"].as_u64().unwrap());
    }
    seen.sort_unstable();
    assert_eq!(seen, (0..IN_FLIGHT as u64).collect::<Vec<_>>());
    assert_eq!(service.wait_exit(Duration::from_secs(10)), 0);
    let log = service.log_text();
    assert!(log.contains("SIGTERM: draining"), "{log}");
    assert!(log.contains("kmsjwt serve: stopped"), "{log}");
}
