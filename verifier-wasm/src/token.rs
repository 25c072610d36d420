//! Step one: token text to segments. Only the compact serialization is accepted.

use crate::base64url;
use crate::error::{Error, Result};

/// The default bound on token length, checked before any decoding.
pub const DEFAULT_MAX_TOKEN_LEN: usize = 256 * 1024;

/// A compact JWS split into its parts; the signature bytes are decoded, the header and
/// payload are still base64url text.
#[derive(Debug)]
pub struct CompactToken<'a> {
    /// `BASE64URL(header) || '.' || BASE64URL(payload)`: the bytes that were signed.
    pub signing_input: &'a [u8],
    pub header_b64: &'a [u8],
    pub payload_b64: &'a [u8],
    pub signature_b64: &'a [u8],
}

impl<'a> CompactToken<'a> {
    /// Splits `token` into exactly three base64url segments.
    pub fn split(token: &'a str, max_len: usize) -> Result<CompactToken<'a>> {
        if token.len() > max_len {
            return Err(Error::jws(format!(
                "the token is {} bytes long, over the limit of {max_len} bytes",
                token.len()
            )));
        }
        let bytes = token.as_bytes();
        let mut dots = bytes
            .iter()
            .enumerate()
            .filter(|(_, byte)| **byte == b'.')
            .map(|(index, _)| index);
        let (Some(first), Some(second), None) = (dots.next(), dots.next(), dots.next()) else {
            return Err(Error::jws(
                "the token is not a compact JWS: it must have exactly three segments separated by '.'",
            ));
        };
        Ok(CompactToken {
            signing_input: &bytes[..second],
            header_b64: &bytes[..first],
            payload_b64: &bytes[first + 1..second],
            signature_b64: &bytes[second + 1..],
        })
    }

    pub fn header_bytes(&self) -> Result<Vec<u8>> {
        decode_segment(self.header_b64, "header")
    }

    pub fn payload_bytes(&self) -> Result<Vec<u8>> {
        decode_segment(self.payload_b64, "payload")
    }

    pub fn signature_bytes(&self) -> Result<Vec<u8>> {
        let signature = decode_segment(self.signature_b64, "signature")?;
        if signature.is_empty() {
            return Err(Error::jws("the signature segment is empty"));
        }
        Ok(signature)
    }
}

fn decode_segment(segment: &[u8], name: &str) -> Result<Vec<u8>> {
    base64url::decode(segment).ok_or_else(|| {
        Error::jws(format!(
            "the {name} segment is not canonical base64url without padding"
        ))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_three_segments() {
        let token = CompactToken::split("eyJ9.e30.AQID", 100).unwrap();
        assert_eq!(token.signing_input, b"eyJ9.e30");
        assert_eq!(token.payload_b64, b"e30");
        assert_eq!(token.signature_bytes().unwrap(), [1, 2, 3]);
    }

    #[test]
    fn refuses_other_shapes_and_long_tokens() {
        for bad in ["", "a", "a.b", "a.b.c.d", "a.b.c.d.e", "..."] {
            let error = CompactToken::split(bad, 100).unwrap_err();
            assert_eq!(error.code(), "ERR_JWS_INVALID", "{bad:?}");
        }
        let error = CompactToken::split("a.b.c", 4).unwrap_err();
        assert!(error.message().contains("over the limit"));
        let empty_signature = CompactToken::split("e30.e30.", 100).unwrap();
        assert_eq!(
            empty_signature.signature_bytes().unwrap_err().code(),
            "ERR_JWS_INVALID"
        );
    }
}
