//! `/metrics`: Prometheus text exposition (format 0.0.4) of what the service did. Labels are
//! bounded sets (routes, statuses, error codes, configured client names), never values
//! from requests, so the series count cannot grow with traffic.

use std::collections::BTreeMap;
use std::fmt::Write;
use std::sync::Mutex;
use std::time::Duration;

/// Upper bounds (seconds) of the KMS latency histogram buckets.
const LATENCY_BUCKETS: &[f64] = &[
    0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
];

#[derive(Debug, Default)]
pub struct Metrics {
    inner: Mutex<Counters>,
}

#[derive(Debug, Default)]
struct Counters {
    /// (route, status) -> requests.
    requests: BTreeMap<(&'static str, u16), u64>,
    /// code -> error responses (HTTP and direct Lambda invokes).
    errors: BTreeMap<&'static str, u64>,
    /// client -> tokens issued.
    tokens: BTreeMap<String, u64>,
    /// Cumulative counts per bucket of LATENCY_BUCKETS, then the sum and count.
    kms_buckets: [u64; LATENCY_BUCKETS.len()],
    kms_sum: f64,
    kms_count: u64,
}

impl Metrics {
    fn counters(&self) -> std::sync::MutexGuard<'_, Counters> {
        // Counters stay meaningful even if a holder panicked: recover the guard.
        self.inner
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    pub fn request(&self, route: &'static str, status: u16) {
        *self.counters().requests.entry((route, status)).or_default() += 1;
    }

    pub fn error(&self, code: &'static str) {
        *self.counters().errors.entry(code).or_default() += 1;
    }

    pub fn token_issued(&self, client: &str) {
        let mut counters = self.counters();
        match counters.tokens.get_mut(client) {
            Some(count) => *count += 1,
            None => {
                counters.tokens.insert(client.to_owned(), 1);
            }
        }
    }

    /// One KMS signing round trip (the Sign call, with the SDK's retries, and the local
    /// self-check), successful or not.
    pub fn kms_sign(&self, elapsed: Duration) {
        let seconds = elapsed.as_secs_f64();
        let mut counters = self.counters();
        for (bucket, bound) in counters.kms_buckets.iter_mut().zip(LATENCY_BUCKETS) {
            if seconds <= *bound {
                *bucket += 1;
            }
        }
        counters.kms_sum += seconds;
        counters.kms_count += 1;
    }

    /// The exposition text.
    pub fn render(&self) -> String {
        let counters = self.counters();
        let mut text = String::with_capacity(2048);
        // Writing to a String cannot fail; the results are ignored for that reason.
        let _ = writeln!(
            text,
            "# HELP kmsjwt_http_requests_total HTTP requests answered, by route and status.\n\
             # TYPE kmsjwt_http_requests_total counter"
        );
        for ((route, status), count) in &counters.requests {
            let _ = writeln!(
                text,
                "kmsjwt_http_requests_total{{route=\"{route}\",status=\"{status}\"}} {count}"
            );
        }
        let _ = writeln!(
            text,
            "# HELP kmsjwt_errors_total Error answers, by error code.\n\
             # TYPE kmsjwt_errors_total counter"
        );
        for (code, count) in &counters.errors {
            let _ = writeln!(text, "kmsjwt_errors_total{{code=\"{code}\"}} {count}");
        }
        let _ = writeln!(
            text,
            "# HELP kmsjwt_tokens_issued_total Tokens issued, by client.\n\
             # TYPE kmsjwt_tokens_issued_total counter"
        );
        for (client, count) in &counters.tokens {
            let _ = writeln!(
                text,
                "kmsjwt_tokens_issued_total{{client=\"{}\"}} {count}",
                escape_label(client)
            );
        }
        let _ = writeln!(
            text,
            "# HELP kmsjwt_kms_sign_duration_seconds KMS Sign round trips (retries and the \
             local self-check included).\n\
             # TYPE kmsjwt_kms_sign_duration_seconds histogram"
        );
        for (bound, count) in LATENCY_BUCKETS.iter().zip(counters.kms_buckets) {
            let _ = writeln!(
                text,
                "kmsjwt_kms_sign_duration_seconds_bucket{{le=\"{bound}\"}} {count}"
            );
        }
        let _ = writeln!(
            text,
            "kmsjwt_kms_sign_duration_seconds_bucket{{le=\"+Inf\"}} {count}\n\
             kmsjwt_kms_sign_duration_seconds_sum {sum}\n\
             kmsjwt_kms_sign_duration_seconds_count {count}",
            count = counters.kms_count,
            sum = counters.kms_sum,
        );
        text
    }
}

/// Label values escape `\`, `"` and newlines (the exposition format's rule).
fn escape_label(value: &str) -> String {
    value
        .replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_counters_and_a_cumulative_histogram() {
        let metrics = Metrics::default();
        metrics.request("/v1/tokens", 200);
        metrics.request("/v1/tokens", 200);
        metrics.request("/v1/tokens", 401);
        metrics.error("ERR_API_KEY_MISSING");
        metrics.token_issued("a\"b");
        metrics.kms_sign(Duration::from_millis(20));
        metrics.kms_sign(Duration::from_secs(3));
        let text = metrics.render();
        for line in [
            "kmsjwt_http_requests_total{route=\"/v1/tokens\",status=\"200\"} 2",
            "kmsjwt_http_requests_total{route=\"/v1/tokens\",status=\"401\"} 1",
            "kmsjwt_errors_total{code=\"ERR_API_KEY_MISSING\"} 1",
            "kmsjwt_tokens_issued_total{client=\"a\\\"b\"} 1",
            "kmsjwt_kms_sign_duration_seconds_bucket{le=\"0.01\"} 0",
            "kmsjwt_kms_sign_duration_seconds_bucket{le=\"0.025\"} 1",
            "kmsjwt_kms_sign_duration_seconds_bucket{le=\"2.5\"} 1",
            "kmsjwt_kms_sign_duration_seconds_bucket{le=\"5\"} 2",
            "kmsjwt_kms_sign_duration_seconds_bucket{le=\"+Inf\"} 2",
            "kmsjwt_kms_sign_duration_seconds_count 2",
        ] {
            assert!(text.lines().any(|l| l == line), "missing {line}:\n{text}");
        }
    }
}
