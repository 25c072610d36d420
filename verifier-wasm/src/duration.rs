//! Durations as users write them: `30`, `30s`, `5m`, `1h`, `2d` (and jose's longer unit
//! words such as `5 minutes`).

/// Why a duration was refused.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DurationError(pub String);

impl core::fmt::Display for DurationError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for DurationError {}

const UNITS: &[(&[&str], u64)] = &[
    (&["s", "sec", "secs", "second", "seconds"], 1),
    (&["m", "min", "mins", "minute", "minutes"], 60),
    (&["h", "hr", "hrs", "hour", "hours"], 3600),
    (&["d", "day", "days"], 86_400),
    (&["w", "week", "weeks"], 604_800),
    (&["y", "yr", "yrs", "year", "years"], 31_557_600),
];

/// Parses a non-negative duration into whole seconds (fractions are rounded to nearest).
pub fn parse_seconds(text: &str) -> Result<u64, DurationError> {
    let trimmed = text.trim();
    let split = trimmed
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(trimmed.len());
    let (number, unit) = trimmed.split_at(split);
    let invalid = || {
        DurationError(format!(
            "invalid duration {text:?}: use seconds (30) or a number with a unit (30s, 5m, 1h, 2d)"
        ))
    };
    let (whole, fraction) = number.split_once('.').unwrap_or((number, ""));
    if whole.is_empty() || fraction.contains('.') || number.ends_with('.') {
        return Err(invalid());
    }
    let unit = unit.trim_start();
    let multiplier = if unit.is_empty() {
        1
    } else {
        UNITS
            .iter()
            .find(|(names, _)| names.contains(&unit))
            .map(|(_, seconds)| *seconds)
            .ok_or_else(invalid)?
    };
    let too_long = || DurationError(format!("duration {text:?} is too long"));
    let seconds = decimal_times(whole, fraction, multiplier).ok_or_else(too_long)?;
    if seconds > MAX_SECONDS {
        return Err(too_long());
    }
    Ok(seconds)
}

/// Durations past this (about 13,600 years) are refused rather than overflowing later sums.
const MAX_SECONDS: u64 = u32::MAX as u64 * 100;

/// Fraction digits kept. Digits past the 18th move the product by under 10^-10 s, and no
/// exact half (the only case where they could change the rounding) needs that many with
/// these multipliers.
const FRACTION_DIGITS: usize = 18;

/// `whole.fraction * multiplier` rounded to the nearest whole number (halves up), computed
/// exactly in decimal: no float parsing, whose tables were a tenth of the `.wasm`'s data.
/// `None` when the whole part alone is too long to be a duration.
fn decimal_times(whole: &str, fraction: &str, multiplier: u64) -> Option<u64> {
    let digits = |text: &str| {
        text.bytes()
            .fold(0u128, |value, digit| value * 10 + u128::from(digit - b'0'))
    };
    let whole = whole.trim_start_matches('0');
    // 10^12 seconds is already past MAX_SECONDS, and 12 digits keep the products in a u128.
    if whole.len() > 12 {
        return None;
    }
    let kept = &fraction[..fraction.len().min(FRACTION_DIGITS)];
    let scale = 10u128.pow(FRACTION_DIGITS as u32);
    let fraction = digits(kept) * 10u128.pow((FRACTION_DIGITS - kept.len()) as u32);
    let scaled = (digits(whole) * scale + fraction) * u128::from(multiplier);
    u64::try_from((scaled + scale / 2) / scale).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn units() {
        assert_eq!(parse_seconds("30"), Ok(30));
        assert_eq!(parse_seconds("30s"), Ok(30));
        assert_eq!(parse_seconds("5m"), Ok(300));
        assert_eq!(parse_seconds("1h"), Ok(3600));
        assert_eq!(parse_seconds("2d"), Ok(172_800));
        assert_eq!(parse_seconds("1.5h"), Ok(5400));
        assert_eq!(parse_seconds("5 minutes"), Ok(300));
        assert_eq!(parse_seconds(" 0s "), Ok(0));
        assert_eq!(parse_seconds("007s"), Ok(7));
    }

    #[test]
    fn fractions_round_to_the_nearest_second() {
        assert_eq!(parse_seconds("2.5"), Ok(3));
        assert_eq!(parse_seconds("2.4999"), Ok(2));
        assert_eq!(parse_seconds("0.5m"), Ok(30));
        assert_eq!(parse_seconds("0.0001h"), Ok(0));
        assert_eq!(parse_seconds("0.00014h"), Ok(1));
        assert_eq!(parse_seconds("1.25y"), Ok(39_447_000));
        // Digits past the kept ones are dropped, not misread.
        assert_eq!(parse_seconds("1.4999999999999999999999999s"), Ok(1));
        assert_eq!(parse_seconds("1.50000000000000000000000001s"), Ok(2));
    }

    #[test]
    fn the_longest_durations() {
        assert_eq!(parse_seconds("429496729500"), Ok(MAX_SECONDS));
        assert!(parse_seconds("429496729501").is_err());
        assert_eq!(parse_seconds("000000000000000000001y"), Ok(31_557_600));
        assert!(parse_seconds("9999999999999999999999999s").is_err());
    }

    #[test]
    fn refusals() {
        for bad in [
            "",
            "s",
            "-5s",
            "5x",
            "5 s s",
            "1..2s",
            ".5s",
            "5.",
            "1e3",
            "h1",
            "999999999999y",
        ] {
            assert!(parse_seconds(bad).is_err(), "{bad:?}");
        }
    }
}
