//! Preview URLs and their signatures: HMAC-SHA256 with the server secret
//! over the kind, the video id, the time and the expiry, so that none of
//! them can be changed and the URL still work. The size is the viewer's
//! choice and not signed: trace.moe's clients append `&size=l`.

use ring::hmac;

/// A still or a clip.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Image,
    Video,
}

impl Kind {
    pub fn name(self) -> &'static str {
        match self {
            Kind::Image => "image",
            Kind::Video => "video",
        }
    }

    pub fn extension(self) -> &'static str {
        match self {
            Kind::Image => "jpg",
            Kind::Video => "mp4",
        }
    }
}

/// The width of a preview.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Size {
    S,
    M,
    L,
}

impl Size {
    pub fn parse(s: &str) -> Option<Size> {
        match s {
            "s" => Some(Size::S),
            "m" => Some(Size::M),
            "l" => Some(Size::L),
            _ => None,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Size::S => "s",
            Size::M => "m",
            Size::L => "l",
        }
    }

    pub fn width(self) -> u32 {
        match self {
            Size::S => 160,
            Size::M => 320,
            Size::L => 640,
        }
    }
}

/// What a preview URL names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Signed {
    pub kind: Kind,
    pub video: String,
    pub at_ms: u32,
    /// Not signed: `&size=` picks it (s, m or l; m when none).
    pub size: Size,
    /// Unix seconds.
    pub expires: u64,
}

/// Why a preview URL is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SignError {
    Forged,
    Expired,
}

pub fn key(secret: &[u8]) -> hmac::Key {
    hmac::Key::new(hmac::HMAC_SHA256, secret)
}

impl Signed {
    fn message(&self) -> String {
        format!(
            "preview|{}|{}|{}|{}",
            self.kind.name(),
            self.video,
            self.at_ms,
            self.expires
        )
    }

    fn signature(&self, key: &hmac::Key) -> String {
        let tag = hmac::sign(key, self.message().as_bytes());
        tag.as_ref().iter().map(|b| format!("{b:02x}")).collect()
    }

    /// `/api/preview/KIND?v=..&t=..&exp=..&sig=..`, plus `&size=..` for a
    /// size other than m.
    pub fn path(&self, key: &hmac::Key) -> String {
        let size = match self.size {
            Size::M => String::new(),
            other => format!("&size={}", other.name()),
        };
        format!(
            "/api/preview/{}?v={}&t={}&exp={}&sig={}{size}",
            self.kind.name(),
            self.video,
            self.at_ms,
            self.expires,
            self.signature(key)
        )
    }

    /// A forged or altered URL is refused before an expired one is told
    /// apart, so that the expiry of a forged URL says nothing.
    pub fn verify(&self, key: &hmac::Key, sig: &str, now_s: u64) -> Result<(), SignError> {
        let tag = hex_bytes(sig).ok_or(SignError::Forged)?;
        hmac::verify(key, self.message().as_bytes(), &tag).map_err(|_| SignError::Forged)?;
        if now_s > self.expires {
            return Err(SignError::Expired);
        }
        Ok(())
    }
}

fn hex_bytes(hex: &str) -> Option<Vec<u8>> {
    if !hex.len().is_multiple_of(2) {
        return None;
    }
    (0..hex.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(hex.get(i..i + 2)?, 16).ok())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn any_change_breaks_the_signature_and_time_expires_it() {
        let key = key(b"0123456789abcdef0123456789abcdef");
        let signed = Signed {
            kind: Kind::Video,
            video: "00112233aabbccdd".into(),
            at_ms: 12_345,
            size: Size::M,
            expires: 1_000,
        };
        let path = signed.path(&key);
        let sig = path.rsplit_once("sig=").unwrap().1.to_string();
        assert_eq!(signed.verify(&key, &sig, 999), Ok(()));
        assert_eq!(signed.verify(&key, &sig, 1_001), Err(SignError::Expired));
        let altered = [
            Signed {
                kind: Kind::Image,
                ..signed.clone()
            },
            Signed {
                at_ms: 12_346,
                ..signed.clone()
            },
            Signed {
                expires: 2_000,
                ..signed.clone()
            },
            Signed {
                video: "00112233aabbccde".into(),
                ..signed.clone()
            },
        ];
        for a in altered {
            assert_eq!(a.verify(&key, &sig, 999), Err(SignError::Forged), "{a:?}");
        }
        assert_eq!(signed.verify(&key, "00", 999), Err(SignError::Forged));
        // The size is the viewer's choice.
        let larger = Signed {
            size: Size::L,
            ..signed.clone()
        };
        assert_eq!(larger.verify(&key, &sig, 999), Ok(()));
        assert!(larger.path(&key).ends_with(&format!("sig={sig}&size=l")));
    }
}
