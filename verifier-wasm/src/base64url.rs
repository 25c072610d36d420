//! Strict base64url (RFC 7515 section 2): no padding, no whitespace, and canonical, so that
//! one token has exactly one spelling.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

/// Decodes unpadded base64url, refusing padding, other alphabets, whitespace and non-zero
/// unused trailing bits.
pub fn decode(text: &[u8]) -> Option<Vec<u8>> {
    URL_SAFE_NO_PAD.decode(text).ok()
}

pub fn encode(bytes: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_refuses_non_canonical_forms() {
        assert_eq!(decode(b"AQID").as_deref(), Some(&[1u8, 2, 3][..]));
        assert_eq!(encode(&[0xfb, 0xff]), "-_8");
        assert_eq!(decode(b"-_8").as_deref(), Some(&[0xfbu8, 0xff][..]));
        // "-_9" decodes to the same bytes with a non-zero unused bit.
        assert_eq!(decode(b"-_9"), None);
        assert_eq!(decode(b"AQ=="), None, "padding");
        assert_eq!(decode(b"+/8"), None, "standard alphabet");
        assert_eq!(decode(b"AQ ID"), None, "whitespace");
        assert_eq!(decode(b"AQI\n"), None, "newline");
        assert_eq!(decode(b"A"), None, "impossible length");
        assert_eq!(decode(b"").as_deref(), Some(&[][..]));
    }
}
