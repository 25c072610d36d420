//! Wycheproof vectors through the very functions `verify` uses: keys parsed by our SPKI
//! and JWK readers, signatures checked by `PublicKey::verify` with a JOSE alg.
//!
//! "Acceptable" verdicts: the only ones in these sets are the nine PKCS#1 v1.5 vectors whose
//! DigestInfo lacks the NULL parameter (one per RSA set). We refuse them: the verifier
//! rebuilds the one canonical encoding and compares it whole (RFC 8017 section 8.2.2), and
//! the tests pin that choice. The PSS, ECDSA P1363 and Ed25519 sets have no acceptable
//! vectors.

use kmsjwt_verify::keys::{from_spki_der, parse_jwk};
use kmsjwt_verify::{Alg, PublicKey};
use wycheproof::{HashFunction, TestResult};

#[derive(Default, Debug)]
struct Tally {
    valid: usize,
    invalid: usize,
    acceptable_refused: usize,
    acceptable_accepted: usize,
}

impl Tally {
    /// Records one vector; panics with its id and comment when our verdict contradicts it.
    fn check(&mut self, set: &str, tc_id: usize, comment: &str, result: TestResult, ours: bool) {
        match result {
            TestResult::Valid => {
                assert!(
                    ours,
                    "{set} tc {tc_id} ({comment}) is valid but was refused"
                );
                self.valid += 1;
            }
            TestResult::Invalid => {
                assert!(
                    !ours,
                    "{set} tc {tc_id} ({comment}) is invalid but was accepted"
                );
                self.invalid += 1;
            }
            TestResult::Acceptable if ours => self.acceptable_accepted += 1,
            TestResult::Acceptable => self.acceptable_refused += 1,
        }
    }
}

fn jose_hash(hash: HashFunction) -> Option<&'static str> {
    match hash {
        HashFunction::Sha2_256 => Some("256"),
        HashFunction::Sha2_384 => Some("384"),
        HashFunction::Sha2_512 => Some("512"),
        _ => None,
    }
}

fn rsa_key(der: &[u8], n: &[u8], e: &[u8]) -> PublicKey {
    let from_der = from_spki_der(der).expect("Wycheproof RSA key parses from SPKI");
    let jwk = serde_json::json!({
        "kty": "RSA",
        "n": kmsjwt_verify::base64url::encode(n),
        "e": kmsjwt_verify::base64url::encode(e),
    });
    let from_jwk = parse_jwk(jwk.as_object().unwrap())
        .expect("same key as a JWK")
        .key;
    assert_eq!(
        kmsjwt_verify::keys::thumbprint(&from_der),
        kmsjwt_verify::keys::thumbprint(&from_jwk),
        "SPKI and JWK readers agree"
    );
    from_der
}

#[test]
fn rsa_pkcs1v15() {
    use wycheproof::rsa_pkcs1_verify::{TestName, TestSet};
    let sets = [
        TestName::Rsa2048Sha256,
        TestName::Rsa2048Sha384,
        TestName::Rsa2048Sha512,
        TestName::Rsa3072Sha256,
        TestName::Rsa3072Sha384,
        TestName::Rsa3072Sha512,
        TestName::Rsa4096Sha256,
        TestName::Rsa4096Sha384,
        TestName::Rsa4096Sha512,
    ];
    let mut tally = Tally::default();
    for name in sets {
        let set = TestSet::load(name).unwrap();
        for group in set.test_groups {
            let bits = jose_hash(group.hash).expect("SHA-2 set");
            let alg = Alg::from_name(&format!("RS{bits}")).unwrap();
            let key = rsa_key(&group.der, &group.key.n, &group.key.e);
            for test in group.tests {
                let ours = key.verify(alg, &test.msg, &test.sig);
                tally.check(
                    &format!("{name:?}"),
                    test.tc_id,
                    &test.comment,
                    test.result,
                    ours,
                );
            }
        }
    }
    assert!(tally.valid > 50 && tally.invalid > 500, "{tally:?}");
    assert_eq!(
        (tally.acceptable_refused, tally.acceptable_accepted),
        (9, 0),
        "{tally:?}"
    );
}

#[test]
fn rsa_pss_with_salt_equal_to_hash_length() {
    use wycheproof::rsa_pss_verify::{TestName, TestSet};
    let sets = [
        TestName::RsaPss2048Sha256Mgf1SaltLen32,
        TestName::RsaPss2048Sha384Mgf1SaltLen48,
        TestName::RsaPss3072Sha256Mgf1SaltLen32,
        TestName::RsaPss4096Sha256Mgf1SaltLen32,
        TestName::RsaPss4096Sha384Mgf1SaltLen48,
        TestName::RsaPss4096Sha512Mgf1SaltLen64,
    ];
    let mut tally = Tally::default();
    for name in sets {
        let set = TestSet::load(name).unwrap();
        for group in set.test_groups {
            let bits = jose_hash(group.hash).expect("SHA-2 set");
            assert_eq!(
                group.mgf_hash,
                Some(group.hash),
                "JOSE PSS uses MGF1 with the same hash"
            );
            assert_eq!(
                group.salt_size * 8,
                bits.parse::<usize>().unwrap(),
                "salt = hash length"
            );
            let alg = Alg::from_name(&format!("PS{bits}")).unwrap();
            let key = rsa_key(&group.der, &group.key.n, &group.key.e);
            for test in group.tests {
                let ours = key.verify(alg, &test.msg, &test.sig);
                tally.check(
                    &format!("{name:?}"),
                    test.tc_id,
                    &test.comment,
                    test.result,
                    ours,
                );
            }
        }
    }
    assert!(tally.valid > 20 && tally.invalid > 100, "{tally:?}");
    assert_eq!(tally.acceptable_accepted, 0, "{tally:?}");
}

#[test]
fn rsa_pss_with_other_salt_lengths_is_refused() {
    // A PS256 verifier must not accept a 20-byte or empty salt, even if the signature is
    // otherwise valid: the salt length is part of the algorithm.
    use wycheproof::rsa_pss_verify::{TestName, TestSet};
    let mut refused_valid = 0;
    for name in [TestName::RsaPss2048Sha256Mgf1SaltLen0] {
        for group in TestSet::load(name).unwrap().test_groups {
            let key = rsa_key(&group.der, &group.key.n, &group.key.e);
            // Skip the vectors re-signed with a 32-byte salt ("s_len changed to 32"): for
            // PS256 those are exactly right.
            for test in group
                .tests
                .iter()
                .filter(|test| !test.comment.contains("changed to 32"))
            {
                assert!(
                    !key.verify(Alg::PS256, &test.msg, &test.sig),
                    "tc {}",
                    test.tc_id
                );
                if test.result == TestResult::Valid {
                    refused_valid += 1;
                }
            }
        }
    }
    assert!(refused_valid > 0);
}

#[test]
fn ecdsa_p1363() {
    use wycheproof::ecdsa::{TestName, TestSet};
    let sets = [
        (TestName::EcdsaSecp256r1Sha256P1363, Alg::ES256),
        (TestName::EcdsaSecp384r1Sha384P1363, Alg::ES384),
        (TestName::EcdsaSecp521r1Sha512P1363, Alg::ES512),
        (TestName::EcdsaSecp256k1Sha256P1363, Alg::ES256K),
    ];
    for (name, alg) in sets {
        let mut tally = Tally::default();
        for group in TestSet::load(name).unwrap().test_groups {
            let key = from_spki_der(&group.der).expect("Wycheproof EC key parses");
            assert!(key.fits(alg));
            if let Some(jwk) = &group.jwk {
                let kmsjwt_verify::KeyType::Ec(curve) = key.key_type() else {
                    panic!("EC key expected")
                };
                let padded = |coordinate: &[u8]| {
                    let mut bytes = vec![0; curve.field_len() - coordinate.len()];
                    bytes.extend_from_slice(coordinate);
                    kmsjwt_verify::base64url::encode(&bytes)
                };
                let jwk = serde_json::json!({
                    "kty": "EC",
                    "crv": curve.jwk_name(),
                    "x": padded(&jwk.affine_x),
                    "y": padded(&jwk.affine_y),
                });
                let from_jwk = parse_jwk(jwk.as_object().unwrap()).expect("EC JWK parses");
                assert_eq!(
                    kmsjwt_verify::keys::thumbprint(&key),
                    kmsjwt_verify::keys::thumbprint(&from_jwk.key)
                );
            }
            for test in group.tests {
                let ours = key.verify(alg, &test.msg, &test.sig);
                tally.check(
                    &format!("{name:?}"),
                    test.tc_id,
                    &test.comment,
                    test.result,
                    ours,
                );
            }
        }
        assert!(tally.valid > 10 && tally.invalid > 50, "{name:?} {tally:?}");
        assert_eq!(tally.acceptable_accepted, 0, "{name:?} {tally:?}");
    }
}

#[test]
fn ecdsa_der_signatures_are_never_accepted() {
    // KMS returns DER; a token must carry r || s. Every DER vector, valid or not as DER,
    // must fail as a JWS signature.
    use wycheproof::ecdsa::{TestName, TestSet};
    for (name, alg) in [
        (TestName::EcdsaSecp256r1Sha256, Alg::ES256),
        (TestName::EcdsaSecp384r1Sha384, Alg::ES384),
        (TestName::EcdsaSecp256k1Sha256, Alg::ES256K),
    ] {
        let mut checked = 0;
        for group in TestSet::load(name).unwrap().test_groups {
            let key = from_spki_der(&group.der).unwrap();
            for test in group.tests {
                assert!(
                    !key.verify(alg, &test.msg, &test.sig),
                    "{name:?} tc {}",
                    test.tc_id
                );
                checked += 1;
            }
        }
        assert!(checked > 100);
    }
}

#[test]
fn ed25519() {
    use kmsjwt_verify::crypto::Ed25519PublicKey;
    use wycheproof::eddsa::{TestName, TestSet};
    let mut tally = Tally::default();
    for group in TestSet::load(TestName::Ed25519).unwrap().test_groups {
        let key = match Ed25519PublicKey::from_bytes(&group.key.pk) {
            Ok(key) => PublicKey::Ed25519(key),
            Err(_) => {
                assert!(
                    group
                        .tests
                        .iter()
                        .all(|test| test.result != TestResult::Valid)
                );
                continue;
            }
        };
        let from_der = from_spki_der(&group.der).expect("Ed25519 SPKI parses");
        assert_eq!(
            kmsjwt_verify::keys::thumbprint(&key),
            kmsjwt_verify::keys::thumbprint(&from_der)
        );
        for test in group.tests {
            for alg in [Alg::EdDSA, Alg::Ed25519] {
                let ours = key.verify(alg, &test.msg, &test.sig);
                tally.check("Ed25519", test.tc_id, &test.comment, test.result, ours);
            }
        }
    }
    assert!(tally.valid > 20 && tally.invalid > 50, "{tally:?}");
    assert_eq!(tally.acceptable_accepted, 0, "{tally:?}");
}

#[test]
fn ml_dsa() {
    // JOSE signs with an empty context, so vectors with a context are refused here even
    // when Wycheproof calls them valid; the rest must match Wycheproof's verdict.
    use kmsjwt_verify::alg::MlDsaLevel;
    use kmsjwt_verify::crypto::MlDsaPublicKey;
    use wycheproof::mldsa_verify::{TestName, TestSet};
    for (name, level) in [
        (TestName::MlDsa44Verify, MlDsaLevel::L44),
        (TestName::MlDsa65Verify, MlDsaLevel::L65),
        (TestName::MlDsa87Verify, MlDsaLevel::L87),
    ] {
        let mut tally = Tally::default();
        let mut with_context = 0;
        for group in TestSet::load(name).unwrap().test_groups {
            let key = match MlDsaPublicKey::from_bytes(level, &group.pubkey) {
                Ok(key) => PublicKey::MlDsa(key),
                Err(_) => {
                    assert!(
                        group
                            .tests
                            .iter()
                            .all(|test| test.result != TestResult::Valid)
                    );
                    assert!(from_spki_der(&group.der).is_err(), "SPKI reader agrees");
                    continue;
                }
            };
            let from_der = from_spki_der(&group.der).expect("ML-DSA SPKI parses");
            assert_eq!(
                kmsjwt_verify::keys::thumbprint(&key),
                kmsjwt_verify::keys::thumbprint(&from_der)
            );
            for test in group.tests {
                let ours = key.verify(level.alg(), &test.msg, &test.sig);
                if test.ctx.as_ref().is_some_and(|ctx| !ctx.is_empty()) {
                    assert!(!ours, "{name:?} tc {} has a context", test.tc_id);
                    with_context += 1;
                    continue;
                }
                tally.check(
                    &format!("{name:?}"),
                    test.tc_id,
                    &test.comment,
                    test.result,
                    ours,
                );
            }
        }
        assert!(
            tally.valid > 5 && tally.invalid > 5,
            "{name:?} {tally:?} ({with_context} with context)"
        );
        assert_eq!(tally.acceptable_accepted, 0, "{name:?} {tally:?}");
    }
}
