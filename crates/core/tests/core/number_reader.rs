//! Properties of the one number reader: whatever zona prints reads back to
//! the same value, and no string makes it panic.

use proptest::prelude::*;
use rust_decimal::Decimal;
use zona_core::format;
use zona_core::number::{read_amount, read_count, read_decimal, read_whole};
use zona_core::Cents;

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 2000,
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn counts_read_back(n in any::<u64>()) {
        prop_assert_eq!(read_count(&format::thousands(n), u64::MAX), Ok(n));
        prop_assert_eq!(read_count(&n.to_string(), u64::MAX), Ok(n));
    }

    #[test]
    fn signed_wholes_read_back(n in (i64::MIN + 1)..=i64::MAX) {
        prop_assert_eq!(read_whole(&format::integer(n)), Ok(n));
    }

    #[test]
    fn amounts_read_back(c in (i64::MIN / 2)..(i64::MAX / 2)) {
        let c = Cents(c);
        prop_assert_eq!(Cents::parse_it(&c.format_plain()), Ok(c));
        prop_assert_eq!(Cents::parse_it(&c.to_string()), Ok(c));
        prop_assert_eq!(read_amount(&c.to_string()), Ok(c.to_decimal()));
    }

    #[test]
    fn decimals_read_back(m in any::<i64>(), scale in 0u32..=4) {
        let d = Decimal::new(m, scale);
        let printed = format::decimal(d);
        prop_assert_eq!(read_decimal(&printed, 4), Ok(d));
        // The official form's way: comma, no thousands separator.
        let form = d.to_string().replace('.', ",");
        prop_assert_eq!(read_decimal(&form, 4), Ok(d));
    }

    #[test]
    fn any_string_is_read_or_refused_without_panic(s in "\\PC{0,60}") {
        let _ = read_count(&s, u64::MAX);
        let _ = read_whole(&s);
        let _ = read_decimal(&s, 2);
        let _ = read_amount(&s);
        let _ = Cents::parse_it(&s);
    }

    #[test]
    fn number_like_strings_never_panic(s in "[-€ 0-9.,]{0,45}") {
        let _ = read_count(&s, 1000);
        let _ = read_decimal(&s, 2);
        let _ = read_amount(&s);
    }

    #[test]
    fn a_dot_between_groups_of_three_is_a_thousands_separator(
        head in 1u64..1000, groups in proptest::collection::vec(0u64..1000, 1..5)
    ) {
        let typed = std::iter::once(head.to_string())
            .chain(groups.iter().map(|g| format!("{g:03}")))
            .collect::<Vec<_>>()
            .join(".");
        let expected: u64 = typed.replace('.', "").parse().unwrap();
        prop_assert_eq!(read_count(&typed, u64::MAX), Ok(expected));
    }
}
