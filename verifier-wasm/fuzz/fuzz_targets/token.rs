//! The token parser: segments, base64url, strict header JSON, and `decode`.
#![no_main]

use kmsjwt_verify::header::Header;
use kmsjwt_verify::token::CompactToken;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let _ = kmsjwt_verify::decode(text);
    if let Ok(token) = CompactToken::split(text, 1 << 20) {
        if let Ok(header) = token.header_bytes() {
            let _ = Header::parse(&header);
        }
        let _ = token.payload_bytes().map(|payload| kmsjwt_verify::json::parse_object(&payload));
        let _ = token.signature_bytes();
    }
});
