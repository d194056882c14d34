//! Users: input rules, sign-up and sign-in with email and password.

use crate::db::Db;
use crate::params;

use crate::clock::Clock;
use crate::crypto::new_id;
use crate::error::{Error, Result};
use crate::password::{PasswordPolicy, verify_password};
use crate::sessions::{ClientInfo, SignedIn, create_session};
pub use crate::user_row::User;
use crate::user_row::{USER_COLUMNS, user_from_row};

const MAX_NAME_CHARS: usize = 100;
const MAX_EMAIL_LEN: usize = 254;

/// The sign-up body.
#[derive(Debug, Clone)]
pub struct NewUser {
    pub name: String,
    pub email: String,
    pub password: String,
    pub image: Option<String>,
    pub remember_me: bool,
}

/// The sign-in body.
#[derive(Debug, Clone)]
pub struct Credentials {
    pub email: String,
    pub password: String,
    pub remember_me: bool,
}

/// Checks an email address (one `@`, a dotted domain, no spaces, no
/// invisible characters) and gives it one spelling, so that look-alikes
/// cannot make second accounts: Unicode NFC and lower case, the domain as
/// IDNA reads it (`BÜCHER.example`, `bu\u{308}cher.example` and
/// `xn--bcher-kva.example` are all `bücher.example`).
pub fn normalize_email(email: &str) -> Result<String> {
    let invalid = || Error::InvalidEmail;
    let email = email.trim();
    if email.len() > MAX_EMAIL_LEN || email.chars().any(|c| c.is_whitespace() || invisible(c)) {
        return Err(invalid());
    }
    let nfc = icu_normalizer::ComposingNormalizerBorrowed::new_nfc().normalize(email);
    let email = nfc.to_lowercase();
    let (local, domain) = email.split_once('@').ok_or_else(invalid)?;
    let labels_ok = domain.split('.').all(|l| !l.is_empty() && !l.contains('@'));
    if local.is_empty() || !domain.contains('.') || !labels_ok {
        return Err(invalid());
    }
    let (domain, errors) = idna::domain_to_unicode(domain);
    if errors.is_err() || domain.is_empty() {
        return Err(invalid());
    }
    Ok(format!("{local}@{domain}"))
}

/// Control characters and the zero-width and direction marks that show
/// nothing, so two addresses that look the same would not be the same.
fn invisible(c: char) -> bool {
    c.is_control()
        || matches!(c,
            '\u{00AD}' | '\u{034F}' | '\u{061C}' | '\u{115F}' | '\u{1160}' | '\u{17B4}'
            | '\u{17B5}' | '\u{180B}'..='\u{180F}' | '\u{200B}'..='\u{200F}'
            | '\u{202A}'..='\u{202E}' | '\u{2060}'..='\u{206F}' | '\u{3164}'
            | '\u{FE00}'..='\u{FE0F}' | '\u{FEFF}' | '\u{FFA0}' | '\u{FFF0}'..='\u{FFFB}')
}

fn validate_name(name: &str) -> Result<String> {
    let name = name.trim();
    if name.is_empty() {
        return Err(Error::Invalid(
            "Invalid body parameters: name is required".into(),
        ));
    }
    if name.chars().count() > MAX_NAME_CHARS {
        return Err(Error::Invalid(
            "Invalid body parameters: name must be at most 100 characters".into(),
        ));
    }
    Ok(name.to_owned())
}

/// Creates a user and its first session. A taken email is refused with 422
/// even when two sign-ups race: the unique index decides.
pub fn sign_up(
    conn: &Db,
    clock: &dyn Clock,
    policy: &PasswordPolicy,
    new: &NewUser,
    client: &ClientInfo,
) -> Result<SignedIn> {
    let name = validate_name(&new.name)?;
    let email = normalize_email(&new.email)?;
    policy.validate(&new.password)?;
    let hash = policy.hash(&new.password)?;
    let now = clock.now_ms();
    let id = new_id()?;
    conn.write(|tx| {
        insert_user(tx, &id, &name, &email, new.image.as_deref(), &hash, now)?;
        let (token, session) = create_session(tx, now, &id, new.remember_me, client)?;
        let user = user_by_id(tx, &id)?
            .ok_or_else(|| Error::Corrupt(format!("user {id} vanished while signing up")))?;
        Ok(SignedIn {
            token,
            user,
            session,
        })
    })
}

fn insert_user(
    tx: &Db,
    id: &str,
    name: &str,
    email: &str,
    image: Option<&str>,
    hash: &str,
    now: i64,
) -> Result<()> {
    let inserted = tx.execute(
        "INSERT INTO users (id, name, email, image, password_hash, created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6)",
        params![id, name, email, image, hash, now],
    );
    match inserted {
        Ok(_) => Ok(()),
        Err(e) if e.is_unique_violation() => Err(Error::UserAlreadyExists),
        Err(e) => Err(e.into()),
    }
}

/// Checks email and password and opens a session. Unknown email and wrong
/// password give the same refusal after the same amount of hashing. A disabled
/// account is told so only after the right password.
pub fn sign_in(
    conn: &Db,
    clock: &dyn Clock,
    policy: &PasswordPolicy,
    credentials: &Credentials,
    client: &ClientInfo,
) -> Result<SignedIn> {
    let refused = || Error::InvalidEmailOrPassword;
    let email = normalize_email(&credentials.email).unwrap_or_default();
    let Some((user, hash)) = user_with_hash(conn, &email)? else {
        policy.burn(&credentials.password);
        return Err(refused());
    };
    if !verify_password(&hash, &credentials.password)? {
        return Err(refused());
    }
    if user.disabled {
        return Err(Error::UserDisabled);
    }
    upgrade_hash(conn, clock, policy, &user.id, &hash, &credentials.password)?;
    let now = clock.now_ms();
    let (token, session) = create_session(conn, now, &user.id, credentials.remember_me, client)?;
    Ok(SignedIn {
        token,
        user,
        session,
    })
}

/// Re-hashes with the policy's iteration count once it has been raised.
fn upgrade_hash(
    conn: &Db,
    clock: &dyn Clock,
    policy: &PasswordPolicy,
    user_id: &str,
    stored: &str,
    password: &str,
) -> Result<()> {
    if policy.needs_rehash(stored) {
        conn.execute(
            "UPDATE users SET password_hash = ?1, updated_at = ?2 WHERE id = ?3",
            params![policy.hash(password)?, clock.now_ms(), user_id],
        )?;
    }
    Ok(())
}

fn user_with_hash(conn: &Db, email: &str) -> Result<Option<(User, String)>> {
    let sql = format!("SELECT {USER_COLUMNS}, u.password_hash FROM users u WHERE u.email = ?1");
    match conn.query_opt(&sql, params![email])? {
        Some(row) => Ok(Some((user_from_row(&row, 0)?, row.get(8)?))),
        None => Ok(None),
    }
}

/// A user by id.
pub fn user_by_id(conn: &Db, id: &str) -> Result<Option<User>> {
    let sql = format!("SELECT {USER_COLUMNS} FROM users u WHERE u.id = ?1");
    match conn.query_opt(&sql, params![id])? {
        Some(row) => Ok(Some(user_from_row(&row, 0)?)),
        None => Ok(None),
    }
}

/// A user by email (normalised first); `Error::UserNotFound` when there is none.
pub fn user_by_email(conn: &Db, email: &str) -> Result<User> {
    let email = normalize_email(email)?;
    let sql = format!("SELECT {USER_COLUMNS} FROM users u WHERE u.email = ?1");
    match conn.query_opt(&sql, params![&email])? {
        Some(row) => Ok(user_from_row(&row, 0)?),
        None => Err(Error::UserNotFound { email }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails_are_lower_cased_and_checked() {
        assert_eq!(
            normalize_email(" Ann@Example.COM ").unwrap(),
            "ann@example.com"
        );
        for bad in [
            "",
            "ann",
            "@example.com",
            "ann@",
            "ann@example",
            "a b@x.io",
            "a@@x.io",
            "a@x..io",
            "ann\u{200B}@example.com",
            "ann@exam\u{200D}ple.com",
            "\u{202E}ann@example.com",
            "ann\u{7}@example.com",
            "ann@xn--.com",
        ] {
            assert!(
                matches!(normalize_email(bad), Err(Error::InvalidEmail)),
                "{bad:?}"
            );
        }
    }

    #[test]
    fn look_alike_spellings_are_one_address() {
        let one = normalize_email("Zoë@Bücher.Example").unwrap();
        assert_eq!(one, "zoë@bücher.example");
        for same in [
            "zoe\u{308}@bu\u{308}cher.example",
            "ZOË@xn--bcher-kva.example",
            " zoë@BÜCHER.EXAMPLE ",
        ] {
            assert_eq!(normalize_email(same).unwrap(), one, "{same:?}");
        }
        assert_eq!(
            normalize_email("Ann@Example.COM").unwrap(),
            "ann@example.com"
        );
    }

    #[test]
    fn name_is_required() {
        let err = validate_name("  ").unwrap_err();
        assert!(
            matches!(&err, Error::Invalid(m) if m.contains("name")),
            "{err}"
        );
    }
}
