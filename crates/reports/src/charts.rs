//! SVG charts, drawn on the server: no script, no inline style (the CSP
//! forbids both), presentation attributes only. Every chart is paired on its
//! page with a table of the same figures, which is what assistive
//! technologies read; the SVG carries a title and a description.

use std::fmt::Write;

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// One series of a bar chart: its legend label, colour and values.
pub struct Series<'a> {
    pub label: &'a str,
    pub colour: &'a str,
    pub values: Vec<u64>,
}

/// One series whose values are exact decimals, each shown with its own
/// text (`252,3`); a missing value draws no bar and reads "n.d.".
pub struct LabelledSeries<'a> {
    pub label: &'a str,
    pub colour: &'a str,
    pub values: Vec<Option<(rust_decimal::Decimal, String)>>,
}

/// Horizontal grouped bars: one group per category, one bar per series.
pub fn grouped_bars(
    id: &str,
    title: &str,
    description: &str,
    categories: &[String],
    series: &[Series],
) -> String {
    let labelled: Vec<LabelledSeries> = series
        .iter()
        .map(|s| LabelledSeries {
            label: s.label,
            colour: s.colour,
            values: s
                .values
                .iter()
                .map(|v| {
                    Some((
                        rust_decimal::Decimal::from(*v),
                        zona_core::format::thousands(*v),
                    ))
                })
                .collect(),
        })
        .collect();
    grouped_bars_labelled(id, title, description, categories, &labelled)
}

/// Horizontal grouped bars of decimals, each bar labelled with its text.
/// Bars are drawn from zero: a negative value draws nothing.
pub fn grouped_bars_labelled(
    id: &str,
    title: &str,
    description: &str,
    categories: &[String],
    series: &[LabelledSeries],
) -> String {
    use rust_decimal::prelude::ToPrimitive;
    let label_w = 230.0;
    let chart_w = 420.0;
    let value_w = 70.0;
    let bar_h = 14.0;
    let gap = 10.0;
    let group_h = bar_h * series.len() as f64 + gap;
    let top = 30.0;
    let height = top + group_h * categories.len() as f64 + 10.0;
    let width = label_w + chart_w + value_w;
    // Geometry only: lengths on screen, never figures.
    let length = |d: &rust_decimal::Decimal| d.to_f64().unwrap_or(0.0).max(0.0);
    let max = series
        .iter()
        .flat_map(|s| s.values.iter().flatten().map(|(d, _)| length(d)))
        .fold(0.0, f64::max);
    let max = if max > 0.0 { max } else { 1.0 };
    let mut svg = String::new();
    let _ = write!(
        svg,
        r#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="100%" role="img" aria-labelledby="{id}-t {id}-d" font-family="Titillium Web, sans-serif" font-size="12">"#
    );
    let _ = write!(
        svg,
        r#"<title id="{id}-t">{}</title><desc id="{id}-d">{}</desc>"#,
        escape(title),
        escape(description)
    );
    // Legend.
    let mut x = label_w;
    for s in series {
        let _ = write!(
            svg,
            r##"<rect x="{x}" y="6" width="12" height="12" fill="{}"/><text x="{}" y="16" fill="#1a1a1a">{}</text>"##,
            s.colour,
            x + 16.0,
            escape(s.label)
        );
        x += 110.0;
    }
    for (i, c) in categories.iter().enumerate() {
        let y0 = top + group_h * i as f64;
        let _ = write!(
            svg,
            r##"<text x="{}" y="{}" text-anchor="end" fill="#1a1a1a">{}</text>"##,
            label_w - 8.0,
            y0 + bar_h * series.len() as f64 / 2.0 + 4.0,
            escape(c)
        );
        for (k, s) in series.iter().enumerate() {
            let (v, text) = match s.values.get(i).and_then(Option::as_ref) {
                Some((d, t)) => (length(d), t.clone()),
                None => (0.0, "n.d.".to_string()),
            };
            let w = (v / max * chart_w).max(if v > 0.0 { 1.0 } else { 0.0 });
            let y = y0 + bar_h * k as f64;
            let _ = write!(
                svg,
                r##"<rect x="{label_w}" y="{y}" width="{w:.1}" height="{}" fill="{}"/><text x="{:.1}" y="{}" fill="#1a1a1a">{}</text>"##,
                bar_h - 2.0,
                s.colour,
                label_w + w + 4.0,
                y + bar_h - 4.0,
                escape(&text)
            );
        }
    }
    svg.push_str("</svg>");
    svg
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bars_are_proportional_and_text_is_escaped() {
        let svg = grouped_bars(
            "c",
            "Utenti <per> area",
            "desc",
            &["anziani & co".to_string(), "disabili".to_string()],
            &[
                Series {
                    label: "2019",
                    colour: "#5c6f82",
                    values: vec![100, 50],
                },
                Series {
                    label: "2025",
                    colour: "#0066cc",
                    values: vec![200, 0],
                },
            ],
        );
        assert!(svg.starts_with("<svg") && svg.ends_with("</svg>"));
        assert!(svg.contains("Utenti &lt;per&gt; area") && svg.contains("anziani &amp; co"));
        assert!(
            svg.contains(r#"width="420.0""#),
            "the largest value spans the chart"
        );
        assert!(
            svg.contains(r#"width="210.0""#),
            "half of it, half the width"
        );
        assert!(svg.contains(r#"width="0.0""#), "zero draws nothing");
        assert!(!svg.contains("style="), "no inline style (CSP)");
    }
}
