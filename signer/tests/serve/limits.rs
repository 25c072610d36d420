//! Limits: request body (413), per-client concurrency and rate (429), request timeout
//! (503). Slow KMS answers come from a stand-in that forwards to ministack after a delay.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use serde_json::json;

use crate::common::{Ministack, StubKms, unique};
use crate::harness::{KEY_ANY, KEY_RATE, Service, client, config, exchange, http, shared};

#[test]
fn bodies_over_64_kib_are_413_declared_or_streamed() {
    let service = &shared().service;
    let bearer = format!("Bearer {KEY_ANY}");
    let big = json!({"claims": {"pad": "x".repeat(64 * 1024)}}).to_string();
    assert!(big.len() > 65536);
    http(
        service.port,
        "POST",
        "/v1/tokens",
        &[("Authorization", &bearer)],
        Some(big.as_bytes()),
    )
    .assert_error(413, "ERR_BODY_TOO_LARGE");

    // Without a Content-Length (chunked), the limit applies while reading.
    let mut request = format!(
        "POST /v1/tokens HTTP/1.1\r\nHost: x\r\nConnection: close\r\nAuthorization: \
         {bearer}\r\nTransfer-Encoding: chunked\r\n\r\n"
    )
    .into_bytes();
    for chunk in big.as_bytes().chunks(8192) {
        request.extend_from_slice(format!("{:x}\r\n", chunk.len()).as_bytes());
        request.extend_from_slice(chunk);
        request.extend_from_slice(b"\r\n");
    }
    request.extend_from_slice(b"0\r\n\r\n");
    exchange(service.port, &request).assert_error(413, "ERR_BODY_TOO_LARGE");

    // Just under the limit is read and signed (ES256 signs a digest, so size is no issue).
    let fits = json!({"claims": {"pad": "x".repeat(60 * 1024)}}).to_string();
    assert!(fits.len() < 65536);
    let response = http(
        service.port,
        "POST",
        "/v1/tokens",
        &[("Authorization", &bearer)],
        Some(fits.as_bytes()),
    );
    assert_eq!(response.status, 200, "{response:#?}");
}

#[test]
fn rate_over_the_burst_is_429() {
    // "rate": 0.2 per second, burst 2.
    let service = &shared().service;
    let mut statuses = Vec::new();
    for _ in 0..4 {
        let response = service.token_request(Some(KEY_RATE), &json!({}));
        if response.status == 429 {
            assert_eq!(response.error_code(), "ERR_RATE_LIMITED");
            assert_eq!(response.header("retry-after"), Some("1"));
        }
        statuses.push(response.status);
    }
    assert_eq!(statuses, [200, 200, 429, 429]);
    // Other clients are not limited by it.
    assert_eq!(service.token_request(Some(KEY_ANY), &json!({})).status, 200);
}

/// A KMS that forwards to ministack, delaying each Sign by the current `delay` (ms).
fn slow_kms(delay: Arc<AtomicU64>) -> StubKms {
    StubKms::start_forwarding(Some(Ministack::shared().port), move |operation, _| {
        if operation == "Sign" {
            std::thread::sleep(Duration::from_millis(delay.load(Ordering::SeqCst)));
        }
        None
    })
}

#[test]
fn concurrency_over_the_limit_is_429_and_slow_kms_is_503_after_the_timeout() {
    let server = Ministack::shared();
    let alias = format!("alias/{}", unique("slow"));
    server.create_key("ECC_NIST_P256", Some(&alias));
    let delay = Arc::new(AtomicU64::new(1500));
    let kms = slow_kms(Arc::clone(&delay));
    let text = config(
        &alias,
        &format!(
            "[limits]\nrequest_timeout = 3\n{}{}",
            client("two", "key-two", "max_concurrency = 2"),
            client("other", "key-other", "")
        ),
    );
    let service = Service::start(&kms.endpoint(), &text, &[]);

    // Two requests in flight (each waits 1.5 s for KMS); a third is refused at once.
    std::thread::scope(|scope| {
        let slow: Vec<_> = (0..2)
            .map(|_| scope.spawn(|| service.token_request(Some("key-two"), &json!({}))))
            .collect();
        std::thread::sleep(Duration::from_millis(600));
        let started = std::time::Instant::now();
        let third = service.token_request(Some("key-two"), &json!({}));
        third.assert_error(429, "ERR_CONCURRENCY_LIMITED");
        // At once: not after waiting for a slot (KMS takes 1.5 s per request here).
        assert!(
            started.elapsed() < Duration::from_millis(1200),
            "refused at once"
        );
        // Another client has its own slots.
        assert_eq!(
            service.token_request(Some("key-other"), &json!({})).status,
            200
        );
        for handle in slow {
            assert_eq!(handle.join().unwrap().status, 200);
        }
    });
    // The slots are free again.
    assert_eq!(
        service.token_request(Some("key-two"), &json!({})).status,
        200
    );

    // KMS slower than the request timeout (3 s): 503, after about 3 s.
    delay.store(5000, Ordering::SeqCst);
    let started = std::time::Instant::now();
    let response = service.token_request(Some("key-other"), &json!({}));
    response.assert_error(503, "ERR_REQUEST_TIMEOUT");
    let elapsed = started.elapsed();
    assert!(
        elapsed >= Duration::from_millis(2900) && elapsed < Duration::from_millis(4500),
        "answered after {elapsed:?}"
    );
    assert_eq!(response.header("retry-after"), Some("1"));
    delay.store(0, Ordering::SeqCst);
}
