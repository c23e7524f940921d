//! API key secrets: generation, the stored hash, the shape. A leaf: it imports nothing of
//! the server, so the store and the extractor can both use it.
use sha2::{Digest, Sha256};

/// The prefix every secret starts with, so leaked keys are recognizable.
pub const SECRET_PREFIX: &str = "twk_";
const SECRET_BYTES: usize = 32;

/// A new random secret: `twk_` + 64 lowercase hex digits.
pub fn generate_secret() -> Result<String, getrandom::Error> {
    let mut bytes = [0u8; SECRET_BYTES];
    getrandom::fill(&mut bytes)?;
    Ok(format!("{SECRET_PREFIX}{}", hex::encode(bytes)))
}

/// The stored form of a secret: hex sha256.
pub fn hash_secret(secret: &str) -> String {
    hex::encode(Sha256::digest(secret.as_bytes()))
}

/// Whether `secret` has the shape of one of our secrets.
pub fn is_well_formed(secret: &str) -> bool {
    secret.strip_prefix(SECRET_PREFIX).is_some_and(|hex| {
        hex.len() == SECRET_BYTES * 2 && hex.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_secrets_are_well_formed_and_distinct() {
        let a = generate_secret().unwrap();
        let b = generate_secret().unwrap();
        assert!(is_well_formed(&a), "{a}");
        assert_ne!(a, b);
        assert_ne!(hash_secret(&a), a);
    }
}
