//! The audit signing key, and the public keys that check what it signed.
//!
//! The private key is an Ed25519 key in PKCS#8 PEM (`-----BEGIN PRIVATE
//! KEY-----`, as `openssl genpkey -algorithm ed25519` writes it); a public key
//! is SPKI PEM (`-----BEGIN PUBLIC KEY-----`, as `openssl pkey -pubout`
//! writes it). Every seal and anchor names its key by an id, the first 8 bytes
//! of SHA-256 over the raw 32-byte public key in hex, so that a verifier given
//! several public keys (after a key rotation) knows which one to use.

use ed25519_dalek::pkcs8::{DecodePrivateKey, DecodePublicKey};
use ed25519_dalek::{Signature, Signer, SigningKey, VerifyingKey};
use secrecy::{ExposeSecret, SecretString};
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};

/// Why a key could not be had. No variant carries key material.
#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    #[error(
        "no audit signing key: set AUDIT_SIGNING_KEY_FILE to an Ed25519 private key in PKCS#8 PEM \
         (for example one written by `openssl genpkey -algorithm ed25519 -out audit-key.pem`)"
    )]
    NotConfigured,
    #[error("cannot read the audit key file {}: {source}", path.display())]
    Unreadable {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error(
        "{} is not an Ed25519 private key in PKCS#8 PEM (-----BEGIN PRIVATE KEY-----)",
        path.display()
    )]
    NotPrivateKey { path: PathBuf },
    #[error(
        "{} is not an Ed25519 public key in SPKI PEM (-----BEGIN PUBLIC KEY-----)",
        path.display()
    )]
    NotPublicKey { path: PathBuf },
}

/// A public key with its id.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PublicKey {
    key: VerifyingKey,
    id: String,
}

impl PublicKey {
    pub fn new(key: VerifyingKey) -> PublicKey {
        let digest = Sha256::digest(key.as_bytes());
        PublicKey {
            key,
            id: hex::encode(&digest[..8]),
        }
    }

    /// Reads an SPKI PEM file.
    pub fn load_pem(path: &Path) -> Result<PublicKey, KeyError> {
        let text = std::fs::read_to_string(path).map_err(|source| KeyError::Unreadable {
            path: path.to_path_buf(),
            source,
        })?;
        VerifyingKey::from_public_key_pem(text.trim())
            .map(PublicKey::new)
            .map_err(|_| KeyError::NotPublicKey {
                path: path.to_path_buf(),
            })
    }

    /// The key's id: 16 hex digits.
    pub fn id(&self) -> &str {
        &self.id
    }

    /// The raw 32-byte key in hex, as anchors carry it.
    pub fn hex(&self) -> String {
        hex::encode(self.key.as_bytes())
    }

    /// True when `signature` is this key's over `message`. Strict
    /// verification: a signature has exactly one accepted encoding, so nobody
    /// can make a second valid seal from a first one.
    pub fn verifies(&self, message: &[u8], signature: &Signature) -> bool {
        self.key.verify_strict(message, signature).is_ok()
    }
}

/// The private key that seals events and signs anchors. Its `Debug` shows
/// only the key id.
pub struct AuditKey {
    signing: SigningKey,
    public: PublicKey,
}

impl std::fmt::Debug for AuditKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AuditKey")
            .field("id", &self.public.id)
            .finish_non_exhaustive()
    }
}

impl AuditKey {
    pub fn new(signing: SigningKey) -> AuditKey {
        let public = PublicKey::new(signing.verifying_key());
        AuditKey { signing, public }
    }

    /// The configured key file (`AUDIT_SIGNING_KEY_FILE`), which must be set.
    pub fn configured(path: Option<&Path>) -> Result<AuditKey, KeyError> {
        AuditKey::load(path.ok_or(KeyError::NotConfigured)?)
    }

    /// Reads a PKCS#8 PEM private key file. The file's text is wiped from
    /// memory once parsed (and the key itself when dropped).
    pub fn load(path: &Path) -> Result<AuditKey, KeyError> {
        let text = std::fs::read_to_string(path).map_err(|source| KeyError::Unreadable {
            path: path.to_path_buf(),
            source,
        })?;
        let text = SecretString::from(text);
        SigningKey::from_pkcs8_pem(text.expose_secret().trim())
            .map(AuditKey::new)
            .map_err(|_| KeyError::NotPrivateKey {
                path: path.to_path_buf(),
            })
    }

    pub fn public(&self) -> &PublicKey {
        &self.public
    }

    pub fn sign(&self, message: &[u8]) -> Signature {
        self.signing.sign(message)
    }
}

/// The public keys a verifier trusts.
#[derive(Clone, Debug, Default)]
pub struct TrustedKeys(Vec<PublicKey>);

impl TrustedKeys {
    pub fn new(keys: Vec<PublicKey>) -> TrustedKeys {
        TrustedKeys(keys)
    }

    /// The keys given as SPKI PEM files, or else the public half of the
    /// configured signing key; none when neither is there.
    pub fn from_files_or_key(
        files: &[PathBuf],
        key_file: Option<&Path>,
    ) -> Result<TrustedKeys, KeyError> {
        if !files.is_empty() {
            let keys = files
                .iter()
                .map(|f| PublicKey::load_pem(f))
                .collect::<Result<_, _>>()?;
            return Ok(TrustedKeys(keys));
        }
        match key_file {
            Some(path) => Ok(TrustedKeys(vec![AuditKey::load(path)?.public.clone()])),
            None => Ok(TrustedKeys::default()),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The key with this id.
    pub fn find(&self, id: &str) -> Option<&PublicKey> {
        self.0.iter().find(|k| k.id == id)
    }

    /// The ids, for messages.
    pub fn ids(&self) -> Vec<&str> {
        self.0.iter().map(|k| k.id()).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Written by `openssl genpkey -algorithm ed25519` (PKCS#8 v1, no public
    /// key inside) and `openssl pkey -pubout`.
    const OPENSSL_PRIVATE: &str = "-----BEGIN PRIVATE KEY-----
MC4CAQAwBQYDK2VwBCIEIO5GjJcSAlPWPiK9xgvY+d8lGc4a72ao8PNaYw8GoAvm
-----END PRIVATE KEY-----
";
    const OPENSSL_PUBLIC: &str = "-----BEGIN PUBLIC KEY-----
MCowBQYDK2VwAyEAPq8FEAQrWQ30/0npLGM8jhBdX/zvrLbXyd+fU6PuwY4=
-----END PUBLIC KEY-----
";

    fn temp_file(text: &str) -> PathBuf {
        let path =
            std::env::temp_dir().join(format!("foodbot-key-{}.pem", uuid::Uuid::new_v4().simple()));
        std::fs::write(&path, text).expect("temp dir is writable");
        path
    }

    #[test]
    fn keys_as_openssl_writes_them_are_read_and_belong_together() {
        let (private, public) = (temp_file(OPENSSL_PRIVATE), temp_file(OPENSSL_PUBLIC));
        let key = AuditKey::load(&private).unwrap();
        let public_key = PublicKey::load_pem(&public).unwrap();
        std::fs::remove_file(private).unwrap();
        std::fs::remove_file(public).unwrap();
        assert_eq!(key.public(), &public_key);
        assert_eq!(
            public_key.hex(),
            "3eaf0510042b590df4ff49e92c633c8e105d5ffcefacb6d7c9df9f53a3eec18e"
        );
        let signature = key.sign(b"head");
        assert!(public_key.verifies(b"head", &signature));
        assert!(!public_key.verifies(b"hear", &signature));
    }

    #[test]
    fn a_missing_or_wrong_key_file_is_a_clear_error_that_shows_no_key() {
        assert!(matches!(
            AuditKey::configured(None),
            Err(KeyError::NotConfigured)
        ));
        let missing = Path::new("/nonexistent/foodbot-audit-key.pem");
        assert!(matches!(
            AuditKey::load(missing),
            Err(KeyError::Unreadable { .. })
        ));
        // A public key where the private one belongs.
        let public = temp_file(OPENSSL_PUBLIC);
        let err = AuditKey::load(&public).unwrap_err();
        std::fs::remove_file(&public).unwrap();
        assert!(matches!(err, KeyError::NotPrivateKey { .. }));
        let private = temp_file(OPENSSL_PRIVATE);
        let key = AuditKey::load(&private).unwrap();
        std::fs::remove_file(&private).unwrap();
        assert!(!format!("{key:?}").contains("MC4C"));
    }
}
