//! Computes the SOC26 form of 7,900 municipalities (about every Italian
//! municipality) from JSON, and prints the time of the computation next to
//! the time of parsing the JSON alone. `cargo bench -p zona-core --bench soc26_bulk`

use std::time::Instant;
use zona_core::soc26::Soc26Spec;
use zona_core::soc26_json::compute_json;

const MUNICIPALITIES: usize = 7_900;
const LIVORNO: &str = include_str!("../../../examples/soc26/livorno-2025.json");

fn main() {
    let spec = Soc26Spec::form_2025();
    // Vary the figures so that no two forms are alike.
    let base: serde_json::Value = serde_json::from_str(LIVORNO).unwrap();
    let forms: Vec<String> = (0..MUNICIPALITIES)
        .map(|i| {
            let mut v = base.clone();
            let cur = v["current_year"].as_object_mut().unwrap();
            cur.insert("R03".into(), (1_000 + i as u64 * 37).into());
            cur.insert("M12".into(), (i as u64 % 3_000).into());
            cur.insert(
                "R06".into(),
                format!("{},{:02}", 1_000_000 + i * 991, i % 100).into(),
            );
            v.to_string()
        })
        .collect();
    let bytes: usize = forms.iter().map(String::len).sum();

    let t = Instant::now();
    let mut parsed = 0usize;
    for f in &forms {
        let v: serde_json::Value = serde_json::from_str(f).unwrap();
        parsed += v.as_object().map(|o| o.len()).unwrap_or(0);
    }
    let parse_only = t.elapsed();

    let t = Instant::now();
    let mut quadro3 = 0usize;
    for f in &forms {
        let out = compute_json(&spec, f).expect("valid form");
        quadro3 += usize::from(out["quadro3_required"] == true);
    }
    let full = t.elapsed();

    println!(
        "SOC26 bulk: {MUNICIPALITIES} forms, {:.1} MB of JSON ({parsed} top-level keys read)",
        bytes as f64 / 1e6
    );
    println!(
        "  parsing the JSON alone:                  {:>8.1} ms",
        parse_only.as_secs_f64() * 1e3
    );
    println!(
        "  parse + validate + compute + render:     {:>8.1} ms",
        full.as_secs_f64() * 1e3
    );
    println!(
        "  of which the form's own work:            {:>8.1} ms",
        (full.saturating_sub(parse_only)).as_secs_f64() * 1e3
    );
    println!(
        "  per form:                                {:>8.1} µs",
        full.as_secs_f64() * 1e6 / MUNICIPALITIES as f64
    );
    println!("  forms requiring Quadro 3:                {quadro3}");
}
