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
    if number.is_empty() || number.starts_with('.') || number.ends_with('.') {
        return Err(invalid());
    }
    let value: f64 = number.parse().map_err(|_| invalid())?;
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
    let seconds = (value * multiplier as f64).round();
    if !seconds.is_finite() || seconds > u32::MAX as f64 * 100.0 {
        return Err(DurationError(format!("duration {text:?} is too long")));
    }
    Ok(seconds as u64)
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
