//! Exports from the pages: the same lists, the same filters, three formats.

use crate::helpers::*;
use reqwest::StatusCode;
use zona_store::Backend;

#[tokio::test]
async fn lists_export_to_italian_csv_xlsx_and_json() {
    let app = spawn_app(Backend::Sqlite).await;
    app.login("ufficio.piano").await;
    let r = app
        .client
        .get(app.url("/admin/comuni/export?format=csv"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.headers()["content-type"], "text/csv; charset=utf-8");
    let disposition = r.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .to_string();
    assert!(
        disposition.starts_with("attachment; filename=\"comuni-")
            && disposition.ends_with(".csv\""),
        "{disposition}"
    );
    let bytes = r.bytes().await.unwrap();
    assert_eq!(&bytes[..3], &[0xEF, 0xBB, 0xBF]);
    let text = String::from_utf8(bytes[3..].to_vec()).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(
        lines[0],
        "ID;Codice ISTAT;Nome;Codice zona;Zona;Popolazione residente;Anno (al 31/12);Attivo"
    );
    assert!(
        lines
            .iter()
            .any(|l| l.ends_with(";049009;Livorno;ZD-LIV;Zona Distretto Livornese;153154;2024;Sì")),
        "{text}"
    );
    assert_eq!(lines.len(), 4);

    // The page's filters apply to its export.
    let r = app
        .client
        .get(app.url("/admin/enti/export?tipo=third_sector_body&q=caritas&format=json"))
        .send()
        .await
        .unwrap();
    let v: serde_json::Value = r.json().await.unwrap();
    assert_eq!(v.as_array().unwrap().len(), 1);
    assert_eq!(v[0]["name"], "Fondazione Caritas Livorno ETS");
    assert_eq!(v[0]["kind"], "Ente del Terzo Settore");

    let r = app
        .client
        .get(app.url("/admin/unita/export?format=xlsx"))
        .send()
        .await
        .unwrap();
    assert_eq!(
        r.headers()["content-type"],
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    );
    assert_eq!(&r.bytes().await.unwrap()[..2], b"PK");

    let r = app
        .client
        .get(app.url("/admin/enti/export?format=pdf"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn the_users_export_never_contains_password_hashes() {
    let app = spawn_app(Backend::Postgres).await;
    app.login("ufficio.piano").await;
    for format in ["csv", "json"] {
        let body = app
            .get(&format!("/admin/utenti/export?format={format}"))
            .await
            .body;
        assert!(
            body.contains("ufficio.piano") && body.contains("consultazione"),
            "{format}"
        );
        assert!(
            !body.contains("argon2") && !body.contains("$argon"),
            "{format}: {body}"
        );
        assert!(!body.to_lowercase().contains("password_hash"));
    }
    let audit = app.get("/admin/registro/export?format=csv").await.body;
    assert!(
        audit.contains("Creazione") && !audit.contains("$argon"),
        "the audit log never stores hashes either"
    );
}
