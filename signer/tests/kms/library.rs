//! The library API (`KmsSigner`) used directly, as another Rust service would.

use futures_util::future::join_all;
use kmsjwt::{ClaimsTemplate, KidMode, Kms, KmsSigner};
use kmsjwt_verify::{Alg, KeySet, Verifier, VerifyOptions};
use serde_json::{Map, Value, json};

use crate::common::{Ministack, block_on};

#[test]
fn kms_signer_signs_concurrently_and_every_token_verifies() {
    let server = Ministack::shared();
    let key = server.create_key("RSA_2048", None);
    block_on(async {
        let kms = Kms::new(server.admin());
        let signer = KmsSigner::new(&kms, &key.arn)
            .await
            .unwrap()
            .with_alg(Alg::PS512)
            .unwrap()
            .with_kid(&KidMode::KeyId)
            .with_header(Map::from_iter([("typ".to_owned(), json!("at+jwt"))]))
            .unwrap();
        assert_eq!(signer.alg(), Alg::PS512);
        assert_eq!(signer.kid(), Some(key.key_id.as_str()));
        let header: Vec<_> = signer.header().keys().cloned().collect();
        assert_eq!(header, ["alg", "typ", "kid"]);
        let template = ClaimsTemplate {
            ttl: Some(60),
            issuer: Some("lib".into()),
            ..ClaimsTemplate::default()
        };
        let tokens = join_all((0..20).map(|i| {
            let signer = signer.clone();
            let template = template.clone();
            async move {
                let custom = Map::from_iter([("i".to_owned(), Value::from(i))]);
                signer.issue(&template, &custom).await
            }
        }))
        .await;
        let keys = KeySet::from_text(&signer.key().pem()).unwrap();
        let options = VerifyOptions {
            typ: Some("at+jwt".into()),
            issuer: vec!["lib".into()],
            ..VerifyOptions::default()
        };
        let verifier = Verifier::new(keys, options);
        for (i, token) in tokens.into_iter().enumerate() {
            let verified = verifier.verify(&token.unwrap()).unwrap();
            assert_eq!(verified.claims["i"], i);
            assert_eq!(verified.alg, Alg::PS512);
        }
        // Exactly the given claims, nothing added.
        let bare = signer.sign(&Map::new()).await.unwrap();
        assert_eq!(kmsjwt_verify::decode(&bare).unwrap().payload_json, "{}");
        // Refusals before KMS.
        assert_eq!(
            signer.clone().with_alg(Alg::ES256).unwrap_err().code(),
            "ERR_JOSE_ALG_NOT_ALLOWED"
        );
        let alg_header = Map::from_iter([("alg".to_owned(), json!("none"))]);
        assert_eq!(
            signer.clone().with_header(alg_header).unwrap_err().code(),
            "ERR_INVALID_INPUT"
        );
        let missing = KmsSigner::new(&kms, "alias/does-not-exist")
            .await
            .unwrap_err();
        assert_eq!(missing.kms_code(), Some("NotFoundException"));
        assert!(missing.kind().is_kms());
    });
}
