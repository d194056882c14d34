//! Encrypted connections to PostgreSQL, as libpq's URL options ask for
//! them: `sslmode=require` (or `verify-ca`, `verify-full`) turns on TLS
//! with rustls, and the server's certificate is always verified: against
//! the CA file `sslrootcert=` names, else the Mozilla roots. Any other
//! `sslmode` (or none) is a plain connection, for a private network or a
//! local tunnel. tokio-postgres knows neither `sslrootcert` nor the two
//! `verify-*` modes, so they are read and taken out of the URL here.

use std::sync::Arc;

use rustls::RootCertStore;
use rustls::pki_types::CertificateDer;
use rustls::pki_types::pem::PemObject;
use tokio_postgres_rustls::MakeRustlsConnect;

use super::DbError;

/// How to connect: the URL tokio-postgres is given, and its TLS.
pub struct Connect {
    pub url: String,
    pub tls: Option<MakeRustlsConnect>,
}

/// Reads the TLS options of `url` and builds its connector.
pub fn connect_options(url: &str) -> Result<Connect, DbError> {
    let (base, query) = url.split_once('?').unwrap_or((url, ""));
    let mut mode = "prefer";
    let mut root_cert = None;
    let mut kept = Vec::new();
    for pair in query.split('&').filter(|p| !p.is_empty()) {
        match pair.split_once('=') {
            Some(("sslmode", value)) => mode = value,
            Some(("sslrootcert", value)) => root_cert = Some(value),
            _ => kept.push(pair),
        }
    }
    let encrypted = match mode {
        "require" | "verify-ca" | "verify-full" => true,
        "disable" | "prefer" | "allow" => false,
        other => {
            return Err(DbError::Tls(format!(
                "sslmode={other}: expected disable, prefer, require, verify-ca or verify-full"
            )));
        }
    };
    kept.push(if encrypted {
        "sslmode=require"
    } else {
        "sslmode=disable"
    });
    let url = format!("{base}?{}", kept.join("&"));
    let tls = match encrypted {
        true => Some(connector(root_cert)?),
        false => None,
    };
    Ok(Connect { url, tls })
}

fn connector(root_cert: Option<&str>) -> Result<MakeRustlsConnect, DbError> {
    let roots = match root_cert {
        Some(path) => {
            roots_from_file(&percent_encoding::percent_decode_str(path).decode_utf8_lossy())?
        }
        None => RootCertStore {
            roots: webpki_roots::TLS_SERVER_ROOTS.to_vec(),
        },
    };
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| DbError::Tls(e.to_string()))?
        .with_root_certificates(roots)
        .with_no_client_auth();
    Ok(MakeRustlsConnect::new(config))
}

fn roots_from_file(path: &str) -> Result<RootCertStore, DbError> {
    let unreadable = |e: String| DbError::Tls(format!("sslrootcert={path}: {e}"));
    let mut roots = RootCertStore::empty();
    for cert in CertificateDer::pem_file_iter(path).map_err(|e| unreadable(e.to_string()))? {
        let cert = cert.map_err(|e| unreadable(e.to_string()))?;
        roots.add(cert).map_err(|e| unreadable(e.to_string()))?;
    }
    if roots.is_empty() {
        return Err(unreadable("no certificate in it".into()));
    }
    Ok(roots)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_unless_asked_and_our_options_taken_out() {
        let c = connect_options("postgres://u@h/db").unwrap();
        assert_eq!(
            (c.url.as_str(), c.tls.is_some()),
            ("postgres://u@h/db?sslmode=disable", false)
        );
        let c = connect_options("postgres://u@h/db?connect_timeout=5&sslmode=prefer").unwrap();
        assert_eq!(c.url, "postgres://u@h/db?connect_timeout=5&sslmode=disable");
        let c = connect_options("postgres://u@h/db?sslmode=verify-full").unwrap();
        assert_eq!(
            (c.url.as_str(), c.tls.is_some()),
            ("postgres://u@h/db?sslmode=require", true)
        );
        let err = connect_options("postgres://u@h/db?sslmode=require&sslrootcert=%2Fno%2Fsuch.pem")
            .err()
            .unwrap();
        assert!(
            err.to_string().contains("sslrootcert=/no/such.pem"),
            "{err}"
        );
        assert!(connect_options("postgres://u@h/db?sslmode=sometimes").is_err());
    }
}
