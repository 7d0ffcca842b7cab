//! The Livorno 2025 SOC26 form (seed 003) as input, shared by the tests.

use rust_decimal::Decimal;
use std::collections::BTreeMap;
use std::str::FromStr;
use zona_core::soc26::*;
use zona_core::Cents;

pub fn d(s: &str) -> Decimal {
    Decimal::from_str(s).unwrap()
}

pub fn map(pairs: &[(&str, u64)]) -> BTreeMap<String, u64> {
    pairs.iter().map(|(k, v)| (k.to_string(), *v)).collect()
}

pub fn livorno() -> Soc26Input {
    Soc26Input {
        name: "LIVORNO".into(),
        identifier: "LI009SIF11NH".into(),
        users_reference: map(&[
            ("M12", 559),
            ("M15", 820),
            ("M18", 0),
            ("M21", 1910),
            ("M24", 3482),
            ("M27", 1470),
            ("M30", 4050),
            ("M35", 134),
            ("M36", 173),
            ("M37", 0),
            ("M38", 281),
            ("M39", 0),
            ("M40", 2106),
            ("M41", 533),
            ("M44", 121),
            ("M47", 77),
            ("M50", 0),
            ("M53", 397),
            ("M56", 0),
            ("M59", 253),
            ("ROA", 0),
        ]),
        users_current: map(&[
            ("M12", 2031),
            ("M15", 1036),
            ("M18", 0),
            ("M21", 3199),
            ("M24", 2894),
            ("M27", 2684),
            ("M30", 2298),
            ("M35", 208),
            ("M36", 463),
            ("M37", 0),
            ("M38", 477),
            ("M39", 19),
            ("M40", 2196),
            ("M41", 1562),
            ("M44", 247),
            ("M47", 126),
            ("M50", 0),
            ("M53", 456),
            ("M56", 90),
            ("M59", 981),
            ("ROA", 0),
        ]),
        hours_current: map(&[
            ("M12", 102000),
            ("M15", 104000),
            ("M18", 0),
            ("M21", 105000),
            ("M24", 2887),
            ("M27", 18667),
            ("M44", 453000),
            ("M47", 101700),
            ("M50", 0),
            ("M53", 2229035),
            ("M56", 437000),
            ("M59", 2700000),
        ]),
        r0c_ats_name: "LIVORNESE".into(),
        r0d_ats_lead_organisation: "COMUNE DI LIVORNO".into(),
        r0e_ats_inhabitants_per_social_worker: Some(2071),
        r01_reference: d("39.00"),
        r01: d("68.00"),
        r01a: d("11.00"),
        r02_reference: d("84.00"),
        r02: d("116.00"),
        r02x: d("4.00"),
        r02y: d("112.00"),
        r02a: d("0.00"),
        r03: 153_154,
        r05: d("11.63"),
        r06: Cents(1_909_614_252),
        r07_first: Cents(1_754_654_212),
        r07_latest: Cents(3_179_166_559),
        r08: Cents(155_027_042),
        r09: Cents(0),
        r16:
            "Nell'anno 2025 il Settore Politiche sociali ha continuato a sostenere gli interventi…"
                .into(),
        ..Default::default()
    }
}
