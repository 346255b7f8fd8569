//! A chart from birth details: not astronomy, but deterministic: the same
//! date, time and place always give the same placements, summary, score
//! and tags.

use std::collections::BTreeMap;

use crate::schema::{Placement, PlacementBody};

pub struct Chart {
    pub placements: Vec<Placement>,
    pub summary: String,
    pub score: Option<f64>,
    pub tags: BTreeMap<String, String>,
}

const SIGNS: [&str; 12] = [
    "Aries",
    "Taurus",
    "Gemini",
    "Cancer",
    "Leo",
    "Virgo",
    "Libra",
    "Scorpio",
    "Sagittarius",
    "Capricorn",
    "Aquarius",
    "Pisces",
];

const ELEMENTS: [&str; 4] = ["fire", "earth", "air", "water"];

const BODIES: [(PlacementBody, &str); 5] = [
    (PlacementBody::Sun, "Sun"),
    (PlacementBody::Moon, "Moon"),
    (PlacementBody::Mercury, "Mercury"),
    (PlacementBody::Venus, "Venus"),
    (PlacementBody::Mars, "Mars"),
];

/// 64-bit FNV-1a: a stable spread of the input over all bits, the same on
/// every machine and in every release (unlike `std`'s hashers).
fn fnv1a(parts: &[&str]) -> u64 {
    let mut hash = 0xcbf2_9ce4_8422_2325_u64;
    for part in parts {
        // A separator, so that ("ab", "c") and ("a", "bc") differ.
        for byte in part.bytes().chain([0xff]) {
            hash ^= u64::from(byte);
            hash = hash.wrapping_mul(0x0100_0000_01b3);
        }
    }
    hash
}

pub fn compute(date: &str, time: &str, location: &str) -> Chart {
    let placements: Vec<Placement> = BODIES
        .iter()
        .map(|(body, name)| {
            let hash = fnv1a(&[name, date, time, location]);
            Placement {
                body: *body,
                sign: SIGNS[(hash % 12) as usize].to_owned(),
                // Whole hundredths of a degree in [0, 30).
                degree: ((hash >> 8) % 3000) as f64 / 100.0,
            }
        })
        .collect();
    let summary = placements
        .iter()
        .zip(BODIES)
        .map(|(placement, (_, name))| format!("{name} in {}", placement.sign))
        .collect::<Vec<_>>()
        .join(", ");
    let sun = SIGNS
        .iter()
        .position(|s| *s == placements[0].sign)
        .unwrap_or(0);
    let score = Some((fnv1a(&[date, time, location]) % 1000) as f64 / 10.0);
    let tags = BTreeMap::from([
        ("element".to_owned(), ELEMENTS[sun % 4].to_owned()),
        ("sun".to_owned(), placements[0].sign.clone()),
        ("location".to_owned(), location.to_owned()),
    ]);
    Chart {
        placements,
        summary,
        score,
        tags,
    }
}

#[cfg(test)]
mod tests {
    use super::compute;

    #[test]
    fn the_same_birth_gives_the_same_chart() {
        let a = compute("1990-04-01", "06:30", "Lyon");
        let b = compute("1990-04-01", "06:30", "Lyon");
        assert_eq!(a.placements, b.placements);
        assert_eq!((a.summary, a.score, a.tags), (b.summary, b.score, b.tags));
    }

    #[test]
    fn another_birth_gives_another_chart() {
        let a = compute("1990-04-01", "06:30", "Lyon");
        let b = compute("1990-04-02", "06:30", "Lyon");
        assert_ne!(a.summary, b.summary);
        assert_eq!(a.placements.len(), 5);
        assert!(a.placements.iter().all(|p| (0.0..30.0).contains(&p.degree)));
    }
}
