//! The SOC26 JSON format: the committed Livorno example, and bad inputs.

use serde_json::Value;
use zona_core::soc26::Soc26Spec;
use zona_core::soc26_json::{compute_json, parse};

const LIVORNO: &str = include_str!("../../../../examples/soc26/livorno-2025.json");

#[test]
fn the_livorno_example_computes_to_the_printed_form() {
    let spec = Soc26Spec::form_2025();
    let v = compute_json(&spec, LIVORNO).unwrap();
    assert_eq!(v["ROB"]["2019"], 16366);
    assert_eq!(v["ROB"]["2025"], 20967);
    let averages: Vec<Value> = [
        "M12", "M15", "M18", "M21", "M24", "M27", "M44", "M47", "M50", "M53", "M56", "M59",
    ]
    .iter()
    .map(|c| v["quadro1"][c]["average_hours"].clone())
    .collect();
    let expected = [
        "50.22", "100.39", "0.00", "32.82", "1.00", "6.95", "1834.01", "807.14", "0.00", "4888.23",
        "4855.56", "2752.29",
    ];
    assert_eq!(
        averages,
        expected
            .iter()
            .map(|s| Value::String(s.to_string()))
            .collect::<Vec<_>>()
    );
    assert_eq!(v["quadro1"]["M30"]["average_hours"], Value::Null);
    assert_eq!(v["R01B"], "1939");
    assert_eq!(v["R04"], "13.69");
    assert_eq!(v["R06"], "19096142.52");
    assert_eq!(v["R07"]["2017"], "17546542.12");
    assert_eq!(v["R08"], "1550270.42");
    assert_eq!(v["quadro2_required"], true);
    assert_eq!(v["quadro3_required"], false);
    assert_eq!(v["R16_characters"], 1252, "characters, not bytes");
    assert!(v["quadro2_sentence"]
        .as_str()
        .unwrap()
        .ends_with("L'ente non deve compilare il Quadro 3 degli obiettivi di servizio."));
}

fn problems(json: &str) -> Vec<(String, String)> {
    parse(&Soc26Spec::form_2025(), json)
        .unwrap_err()
        .into_iter()
        .map(|p| (p.field, p.message))
        .collect()
}

fn livorno_with(edit: impl FnOnce(&mut Value)) -> String {
    let mut v: Value = serde_json::from_str(LIVORNO).unwrap();
    edit(&mut v);
    v.to_string()
}

#[test]
fn bad_inputs_are_explained() {
    let p = problems("{ \"year\": 2025, ");
    assert_eq!(p.len(), 1);
    assert!(
        p[0].1.starts_with("JSON non valido alla riga 1, colonna"),
        "{p:?}"
    );

    let p = problems(&livorno_with(|v| v["current_year"]["M12"] = (-3).into()));
    assert_eq!(
        p,
        [(
            "current_year.M12".to_string(),
            "M12: il numero non può essere negativo.".to_string()
        )]
    );

    let p = problems(&livorno_with(|v| {
        v["current_year"]["R01"] = "0".into();
        v["current_year"]["R01A"] = 0.into();
    }));
    assert_eq!(p.len(), 1);
    assert!(p[0].1.starts_with("R01 + R01A = 0"), "{p:?}");

    let p = problems(&livorno_with(|v| {
        v["current_year"]["R16"] = "a".repeat(6001).into()
    }));
    assert_eq!(
        p,
        [(
            "R16".to_string(),
            "La relazione può avere al massimo 6.000 caratteri: ne ha 6.001.".to_string()
        )]
    );

    let p = problems(&livorno_with(|v| {
        v["current_year"]["R06"] = "19.096.142,525".into();
        v["hours"]["M35"] = 10.into();
        v["current_year"]["X99"] = 1.into();
        v["current_year"]["M15"] = 1.5.into();
    }));
    let fields: Vec<&str> = p.iter().map(|(f, _)| f.as_str()).collect();
    assert_eq!(
        fields,
        [
            "current_year.M15",
            "current_year.X99",
            "hours.M35",
            "current_year.R06"
        ],
        "{p:?}"
    );
    assert_eq!(p[3].1, "R06: «19.096.142,525»: al massimo 2 decimali.");
}

#[test]
fn italian_and_json_numbers_are_both_read() {
    let spec = Soc26Spec::form_2025();
    let v = compute_json(
        &spec,
        &livorno_with(|v| {
            v["current_year"]["R06"] = "19.096.142,52".into();
            v["current_year"]["R08"] = serde_json::json!(1550270.42);
            v["current_year"]["R01"] = serde_json::json!(68);
        }),
    )
    .unwrap();
    assert_eq!(v["R06"], "19096142.52");
    assert_eq!(v["R08"], "1550270.42");
    assert_eq!(v["R01B"], "1939");
}

#[test]
fn the_tabular_layout_round_trips_the_form() {
    use zona_core::soc26_json::{flat_columns, flat_value, unflatten};
    let spec = Soc26Spec::form_2025();
    let cols = flat_columns(&spec);
    let headers: Vec<&str> = cols.iter().map(|c| c.header.as_str()).collect();
    assert_eq!(
        &headers[..5],
        [
            "denominazione",
            "identificativo",
            "M12_2019",
            "M12_2025",
            "M12_ore_2025"
        ]
    );
    assert!(
        headers.contains(&"M30_2025") && !headers.contains(&"M30_ore_2025"),
        "no hours for multi-user rows"
    );
    assert!(
        !headers.contains(&"M35_ore_2025"),
        "no hours for contributions"
    );
    for h in [
        "R01_2020",
        "R01_2025",
        "R07_2017",
        "R07_2021",
        "R10_numero",
        "R10_modalita",
        "R10_spesa",
        "R14_spesa",
        "R16",
    ] {
        assert!(headers.contains(&h), "{h}");
    }
    let form: Value = serde_json::from_str(LIVORNO).unwrap();
    let row: std::collections::BTreeMap<String, Value> = cols
        .iter()
        .filter_map(|c| flat_value(&form, c).map(|v| (c.header.clone(), v.clone())))
        .collect();
    let (back, unknown) = unflatten(&spec, &row);
    assert!(unknown.is_empty());
    assert_eq!(
        compute_json(&spec, &back.to_string()).unwrap(),
        compute_json(&spec, LIVORNO).unwrap()
    );
    let mut with_typo = row.clone();
    with_typo.insert("M12_2026".into(), Value::from(3));
    assert_eq!(unflatten(&spec, &with_typo).1, ["M12_2026"]);
}

#[test]
fn a_population_typed_the_italian_way_is_read_as_written() {
    let spec = Soc26Spec::form_2025();
    let typed = compute_json(
        &spec,
        &livorno_with(|v| v["current_year"]["R03"] = "153.000".into()),
    )
    .unwrap();
    let number = compute_json(
        &spec,
        &livorno_with(|v| v["current_year"]["R03"] = 153_000.into()),
    )
    .unwrap();
    assert_eq!(typed, number);
    assert_eq!(typed["R03"], 153_000);
    assert_eq!(typed["R04"], "13.70", "20967 users of 153000 inhabitants");
    for bad in ["153.5", "153,5", "153.00", "1.53.000"] {
        let p = problems(&livorno_with(|v| v["current_year"]["R03"] = bad.into()));
        assert_eq!(p.len(), 1, "{bad}: {p:?}");
        assert_eq!(p[0].0, "current_year.R03");
        assert!(p[0].1.starts_with("R03: «"), "{bad}: {p:?}");
    }
    let p = problems(&livorno_with(|v| v["current_year"]["R03"] = 153.5.into()));
    assert!(p[0].1.contains("numero intero"), "{p:?}");
}

#[test]
fn every_decimal_figure_has_two_decimals() {
    let spec = Soc26Spec::form_2025();
    // 400 users of 4000 inhabitants: R04 is exactly 10; 100 hours for 1
    // user: an average of exactly 100.
    let v = compute_json(
        &spec,
        &livorno_with(|v| {
            let cur = v["current_year"].as_object_mut().unwrap();
            for (code, _) in cur.clone() {
                if code.starts_with('M') {
                    cur.insert(code, 0.into());
                }
            }
            cur.insert("M12".into(), 1.into());
            cur.insert("M15".into(), 399.into());
            cur.insert("R03".into(), 4000.into());
            cur.insert("R01".into(), 1.into());
            cur.insert("R01A".into(), "0".into());
            v["hours"] = serde_json::json!({ "M12": 100 });
        }),
    )
    .unwrap();
    assert_eq!(v["R04"], "10.00");
    assert_eq!(v["quadro1"]["M12"]["average_hours"], "100.00");
    assert_eq!(v["quadro1"]["M15"]["average_hours"], "0.00");
    assert_eq!(v["R01"]["2025"], "1.00");
    assert_eq!(v["R01A"], "0.00");
    assert_eq!(
        v["R01B"], "4000",
        "inhabitants per social worker: a whole number"
    );
    assert_eq!(v["useful_additional_social_workers"], "0.00");
}

#[test]
fn counts_are_bounded_so_no_sum_wraps() {
    let p = problems(&livorno_with(|v| {
        v["current_year"]["M12"] = serde_json::json!(18446744073709551615u64);
        v["current_year"]["M15"] = "18.446.744.073.709.551.615".into();
    }));
    assert_eq!(p.len(), 2, "{p:?}");
    for (_, m) in &p {
        assert!(m.contains("non può essere superiore a 10.000.000"), "{m}");
    }
    let p = problems(&livorno_with(|v| {
        v["current_year"]["R03"] = "10.000.001".into()
    }));
    assert!(p[0].1.contains("10.000.000"), "{p:?}");
}
