//! Server settings kept in the database; for now the server secret, which
//! signs cookies (accounts) and keys the hash of guests' IP addresses.

use super::StoreError;
use rusqlite::{Connection, OptionalExtension, TransactionBehavior};

/// Returns the secret to use: the configured one if given, else the one
/// stored in the database, generated and stored on first use.
pub fn load_or_create_secret(
    conn: &mut Connection,
    configured: Option<&str>,
) -> Result<Vec<u8>, StoreError> {
    if let Some(s) = configured {
        return Ok(s.as_bytes().to_vec());
    }
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let stored: Option<String> = tx
        .query_row("SELECT value FROM settings WHERE key = 'secret'", [], |r| {
            r.get(0)
        })
        .optional()?;
    let secret = match stored {
        Some(s) => s,
        None => {
            let s = crate::ids::random_hex(32);
            tx.execute(
                "INSERT INTO settings (key, value) VALUES ('secret', ?1)",
                [&s],
            )?;
            s
        }
    };
    tx.commit()?;
    Ok(secret.into_bytes())
}
