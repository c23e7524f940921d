//! The signature headers of a delivery: Twenty's (`X-Twenty-Webhook-*`) and Standard
//! Webhooks' (`webhook-id`, `webhook-timestamp`, `webhook-signature`), both HMAC-SHA256
//! keyed by the webhook's one stored secret:
//!
//! - Twenty's: key = the secret's UTF-8 bytes, message = `<timestamp ms>:<body>`, hex.
//! - Standard Webhooks': key = the same bytes, message = `<webhook-id>.<timestamp s>.<body>`,
//!   `v1,<base64>`. A Standard Webhooks library takes the key as `whsec_` + base64 of those
//!   bytes ([`standard_secret`]).
//!
//! Signed anew at each attempt (the timestamps are the attempt's). An empty secret signs
//! nothing: only `webhook-id` and `webhook-timestamp` are sent.
use base64::Engine as _;
use sha2::{Digest, Sha256};

/// HMAC-SHA256 (RFC 2104) of `message` under `key`.
pub fn hmac_sha256(key: &[u8], message: &[u8]) -> [u8; 32] {
    const BLOCK: usize = 64;
    let mut block = [0u8; BLOCK];
    if key.len() > BLOCK {
        block[..32].copy_from_slice(&Sha256::digest(key));
    } else {
        block[..key.len()].copy_from_slice(key);
    }
    let pad = |byte: u8| block.map(|b| b ^ byte);
    let inner = Sha256::new()
        .chain_update(pad(0x36))
        .chain_update(message)
        .finalize();
    Sha256::new()
        .chain_update(pad(0x5c))
        .chain_update(inner)
        .finalize()
        .into()
}

/// The secret as a Standard Webhooks library takes it: `whsec_` + base64 of its bytes.
pub fn standard_secret(secret: &str) -> String {
    format!(
        "whsec_{}",
        base64::engine::general_purpose::STANDARD.encode(secret.as_bytes())
    )
}

/// The headers of one attempt: `id` is the delivery's id, `now_ms` the attempt's time,
/// `nonce` 16 random bytes in hex.
pub fn headers(
    secret: &str,
    id: &str,
    body: &str,
    now_ms: i64,
    nonce: &str,
) -> Vec<(&'static str, String)> {
    let seconds = now_ms.div_euclid(1000);
    let mut headers = vec![
        ("webhook-id", id.to_owned()),
        ("webhook-timestamp", seconds.to_string()),
    ];
    if secret.is_empty() {
        return headers;
    }
    let key = secret.as_bytes();
    let standard = hmac_sha256(key, format!("{id}.{seconds}.{body}").as_bytes());
    headers.push((
        "webhook-signature",
        format!(
            "v1,{}",
            base64::engine::general_purpose::STANDARD.encode(standard)
        ),
    ));
    let twenty = hmac_sha256(key, format!("{now_ms}:{body}").as_bytes());
    headers.push(("X-Twenty-Webhook-Timestamp", now_ms.to_string()));
    headers.push(("X-Twenty-Webhook-Signature", hex::encode(twenty)));
    headers.push(("X-Twenty-Webhook-Nonce", nonce.to_owned()));
    headers
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hmac_matches_rfc_4231() {
        // Test case 2 of RFC 4231.
        assert_eq!(
            hex::encode(hmac_sha256(b"Jefe", b"what do ya want for nothing?")),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
        // Test case 6: a key longer than the block.
        assert_eq!(
            hex::encode(hmac_sha256(
                &[0xaa; 131],
                b"Test Using Larger Than Block-Size Key - Hash Key First"
            )),
            "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"
        );
    }

    #[test]
    fn an_empty_secret_signs_nothing() {
        let h = headers("", "id", "{}", 1_700_000_000_123, "n");
        let names: Vec<&str> = h.iter().map(|(n, _)| *n).collect();
        assert_eq!(names, ["webhook-id", "webhook-timestamp"]);
        assert_eq!(h[1].1, "1700000000");
    }

    #[test]
    fn both_signatures_are_sent_with_a_secret() {
        let h = headers("s3cret", "msg_1", "{\"a\":1}", 1_700_000_000_123, "00ff");
        let get = |n: &str| h.iter().find(|(k, _)| *k == n).map(|(_, v)| v.clone());
        assert_eq!(
            get("X-Twenty-Webhook-Signature").unwrap(),
            hex::encode(hmac_sha256(b"s3cret", b"1700000000123:{\"a\":1}"))
        );
        assert!(get("webhook-signature").unwrap().starts_with("v1,"));
        assert_eq!(get("X-Twenty-Webhook-Nonce").unwrap(), "00ff");
        assert_eq!(standard_secret("ab"), "whsec_YWI=");
    }
}
