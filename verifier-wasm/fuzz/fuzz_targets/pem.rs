//! The PEM and DER key readers (SPKI, PKCS#1, X.509 certificates).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = kmsjwt_verify::keys::from_spki_der(data);
    let _ = kmsjwt_verify::crypto::RsaPublicKey::from_pkcs1_der(data);
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = kmsjwt_verify::keys::parse_pem(text);
    }
    // Wrapped as PEM so the DER parsers behind every label are reached.
    for label in ["PUBLIC KEY", "RSA PUBLIC KEY", "CERTIFICATE"] {
        let pem = format!(
            "-----BEGIN {label}-----\n{}\n-----END {label}-----\n",
            base64_lines(data)
        );
        let _ = kmsjwt_verify::keys::parse_pem(&pem);
    }
});

fn base64_lines(data: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for (index, chunk) in data.chunks(3).enumerate() {
        if index > 0 && index % 16 == 0 {
            out.push('\n');
        }
        let bytes = [chunk[0], *chunk.get(1).unwrap_or(&0), *chunk.get(2).unwrap_or(&0)];
        let n = u32::from_be_bytes([0, bytes[0], bytes[1], bytes[2]]);
        for position in 0..4 {
            if position <= chunk.len() {
                out.push(ALPHABET[(n >> (18 - 6 * position) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}
