//! The signature check of an update, as Tauri's updater makes it (`tauri signer sign`): the
//! public key and the signature are minisign's text forms, each base64-encoded, and the signed
//! (trusted) comment names the version (`…\tversion:0.2.0`), so an old signed package cannot be
//! passed off as a newer version. The root-side installer checks a .deb the kiosk kept with
//! this again, against a key only root can change.

use base64::Engine;
use minisign_verify::{PublicKey, Signature};

/// Why a package is not trusted.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SignatureError {
    #[error("the update key is not a minisign public key: {0}")]
    Key(String),
    #[error("the signature is not a minisign signature: {0}")]
    Malformed(String),
    #[error("the signature does not match the package and the update key")]
    Mismatch,
    #[error("the signature names version {signed:?}, not {offered:?}")]
    WrongVersion { signed: String, offered: String },
}

fn decode_text(b64: &str) -> Result<String, String> {
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(b64.trim())
        .map_err(|e| e.to_string())?;
    String::from_utf8(bytes).map_err(|e| e.to_string())
}

/// Checks `package` against `signature` and `pubkey` (both base64 of minisign's text), and that
/// the signed comment names `version`.
pub fn verify(
    package: &[u8],
    signature: &str,
    pubkey: &str,
    version: &str,
) -> Result<(), SignatureError> {
    let key = decode_text(pubkey)
        .and_then(|text| PublicKey::decode(&text).map_err(|e| e.to_string()))
        .map_err(SignatureError::Key)?;
    let signature = decode_text(signature)
        .and_then(|text| Signature::decode(&text).map_err(|e| e.to_string()))
        .map_err(SignatureError::Malformed)?;
    key.verify(package, &signature, false)
        .map_err(|_| SignatureError::Mismatch)?;
    // Only now is the comment trusted: it is covered by the signature.
    let signed = signature
        .trusted_comment()
        .split('\t')
        .find_map(|field| field.strip_prefix("version:"))
        .unwrap_or_default();
    if signed != version {
        return Err(SignatureError::WrongVersion {
            signed: signed.to_string(),
            offered: version.to_string(),
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn b64(text: String) -> String {
        base64::engine::general_purpose::STANDARD.encode(text)
    }

    struct Signer(minisign::KeyPair);

    impl Signer {
        fn new() -> Signer {
            Signer(minisign::KeyPair::generate_unencrypted_keypair().expect("keys"))
        }

        fn pubkey(&self) -> String {
            b64(self.0.pk.to_box().expect("box").to_string())
        }

        fn sign(&self, bytes: &[u8], version: &str) -> String {
            let sig = minisign::sign(
                Some(&self.0.pk),
                &self.0.sk,
                std::io::Cursor::new(bytes),
                Some(&format!(
                    "timestamp:1764547200\tfile:package\tversion:{version}"
                )),
                None,
            )
            .expect("sign");
            b64(sig.to_string())
        }
    }

    #[test]
    fn a_signed_package_of_the_offered_version_passes_and_nothing_else_does() {
        let signer = Signer::new();
        let package = b"a .deb, in real life".to_vec();
        let signature = signer.sign(&package, "0.2.0");
        assert_eq!(
            verify(&package, &signature, &signer.pubkey(), "0.2.0"),
            Ok(())
        );

        let mut tampered = package.clone();
        tampered[3] ^= 1;
        assert_eq!(
            verify(&tampered, &signature, &signer.pubkey(), "0.2.0"),
            Err(SignatureError::Mismatch)
        );
        let other = Signer::new();
        assert_eq!(
            verify(&package, &signature, &other.pubkey(), "0.2.0"),
            Err(SignatureError::Mismatch)
        );
        // A package signed as 0.2.0 cannot be offered as 0.3.0.
        assert!(matches!(
            verify(&package, &signature, &signer.pubkey(), "0.3.0"),
            Err(SignatureError::WrongVersion { .. })
        ));
        assert!(matches!(
            verify(&package, "bm90IGEgc2lnbmF0dXJl", &signer.pubkey(), "0.2.0"),
            Err(SignatureError::Malformed(_))
        ));
        assert!(matches!(
            verify(&package, &signature, "%%%", "0.2.0"),
            Err(SignatureError::Key(_))
        ));
    }

    proptest! {
        #[test]
        fn garbage_signatures_and_keys_are_errors_never_panics(
            sig in ".{0,200}", key in ".{0,200}", bytes in proptest::collection::vec(any::<u8>(), 0..64)
        ) {
            prop_assert!(verify(&bytes, &sig, &key, "0.2.0").is_err());
            prop_assert!(verify(&bytes, &b64(sig.clone()), &b64(key.clone()), "0.2.0").is_err());
        }
    }
}
