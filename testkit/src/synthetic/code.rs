//! Random frame codes and bit flips: codes at a known distance from each other without a picture.

use crate::rng::Rng;
use shared::FrameCode;
use shared::descriptor::BITS;

/// A code of 96 random bits (about half of them set): codes drawn one after another are about
/// 48 bits apart, far outside any match.
pub fn random_code(rng: &mut Rng) -> FrameCode {
    let bits = (rng.next_u64() as u128) << 64 | rng.next_u64() as u128;
    FrameCode::from_u128(bits & ((1 << BITS) - 1))
}

/// `code` with its lowest `n` bits flipped: `n` bits away from it, and `flip_lowest(code, a)` is
/// `b - a` bits from `flip_lowest(code, b)`.
pub fn flip_lowest(code: FrameCode, n: u32) -> FrameCode {
    FrameCode::from_u128(code.to_u128() ^ ((1u128 << n) - 1))
}

/// `code` with `n` bits drawn at random flipped, as noise flips them: a bit drawn twice flips back.
pub fn flip_random(code: FrameCode, n: u32, rng: &mut Rng) -> FrameCode {
    let mut bits = code.to_u128();
    for _ in 0..n {
        bits ^= 1 << rng.below(BITS as usize);
    }
    FrameCode::from_u128(bits)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flips_move_codes_by_the_bits_flipped() {
        let mut rng = Rng::new(3);
        let (a, b) = (random_code(&mut rng), random_code(&mut rng));
        assert!(a.distance(b) > 20, "{}", a.distance(b));
        assert_eq!(a.to_u128() >> BITS, 0);
        assert_eq!(flip_lowest(a, 6).distance(a), 6);
        assert_eq!(flip_lowest(a, 6).distance(flip_lowest(a, 2)), 4);
        assert!(flip_random(a, 2, &mut rng).distance(a) <= 2);
    }
}
