//! Server settings kept in the database; for now the server secret, which
//! signs cookies (accounts) and keys the hash of guests' IP addresses.

use super::StoreError;
use accounts::db::Db;
use accounts::params;

/// Returns the secret to use: the configured one if given, else the one
/// stored in the database, generated and stored on first use.
pub fn load_or_create_secret(conn: &Db, configured: Option<&str>) -> Result<Vec<u8>, StoreError> {
    if let Some(s) = configured {
        return Ok(s.as_bytes().to_vec());
    }
    let secret = conn.write(|tx| {
        let stored = tx.query_opt("SELECT value FROM settings WHERE key = 'secret'", params![])?;
        match stored {
            Some(row) => row.get::<String>(0),
            None => {
                let s = crate::ids::random_hex(32);
                tx.execute(
                    "INSERT INTO settings (key, value) VALUES ('secret', ?1)",
                    params![&s],
                )?;
                Ok(s)
            }
        }
    })?;
    Ok(secret.into_bytes())
}
