//! jose-style options (what the JavaScript API and the inspector pass as JSON), and the
//! duration reader on its own against a float reference.
#![no_main]

use kmsjwt_verify::VerifyOptions;
use kmsjwt_verify::duration::parse_seconds;
use libfuzzer_sys::fuzz_target;
use serde_json::{Map, Value};

/// The duration read through `f64` (what jose does): the exact reader may differ from it by
/// at most the one second that float rounding can move a half.
fn float_reference(text: &str) -> Option<f64> {
    let trimmed = text.trim();
    let split = trimmed
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(trimmed.len());
    let (number, unit) = trimmed.split_at(split);
    let value: f64 = number.parse().ok()?;
    let multiplier = match unit.trim_start() {
        "" | "s" | "sec" | "secs" | "second" | "seconds" => 1.0,
        "m" | "min" | "mins" | "minute" | "minutes" => 60.0,
        "h" | "hr" | "hrs" | "hour" | "hours" => 3600.0,
        "d" | "day" | "days" => 86_400.0,
        "w" | "week" | "weeks" => 604_800.0,
        "y" | "yr" | "yrs" | "year" | "years" => 31_557_600.0,
        _ => return None,
    };
    Some((value * multiplier).round())
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(seconds) = parse_seconds(text) {
        let reference =
            float_reference(text).expect("the float reader reads what the exact one does");
        assert!(
            (seconds as f64 - reference).abs() <= 1.0,
            "{text:?}: {seconds} against {reference}"
        );
    }
    if let Ok(options) = serde_json::from_str::<Map<String, Value>>(text) {
        let _ = VerifyOptions::from_jose(&options);
    }
});
