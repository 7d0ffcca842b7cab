//! Published pages kept rendered between changes: the same page again, a
//! 304 to a browser that has it, a fresh page after any change, and never
//! a kept page for a signed-in person.

use crate::helpers::*;
use reqwest::StatusCode;
use zona_testing::BACKENDS;

#[tokio::test]
async fn a_published_page_is_kept_until_the_data_changes() {
    for backend in BACKENDS {
        let app = spawn_app(backend).await;
        let visitor = new_client();
        let url = app.url("/profilo-di-salute");
        let first = visitor.get(&url).send().await.unwrap();
        assert_eq!(first.status(), StatusCode::OK);
        let etag = first.headers()["etag"].to_str().unwrap().to_string();
        assert_eq!(first.headers()["cache-control"], "no-cache");
        let first = first.text().await.unwrap();
        // Again: the same bytes; with the ETag, nothing to send.
        let again = visitor.get(&url).send().await.unwrap();
        assert_eq!(again.headers()["etag"].to_str().unwrap(), etag);
        assert_eq!(again.text().await.unwrap(), first);
        let unchanged = visitor
            .get(&url)
            .header("if-none-match", &etag)
            .send()
            .await
            .unwrap();
        assert_eq!(unchanged.status(), StatusCode::NOT_MODIFIED, "{backend:?}");
        assert!(unchanged.text().await.unwrap().is_empty());

        // The office adds a critical issue: the next visitor reads it.
        app.login("ufficio.piano").await;
        let theme = scalar(
            &app.db.db,
            "SELECT id FROM profile_themes WHERE name = 'Cronicità'",
        )
        .await;
        let p = app
            .submit(
                "/pianificazione/profilo",
                &format!("/pianificazione/profilo/temi/{theme}/voci"),
                &[("kind", "nodo_critico"), ("text", "Nuovo nodo pubblicato")],
            )
            .await;
        assert_eq!(p.status, StatusCode::SEE_OTHER);
        let after = visitor
            .get(&url)
            .header("if-none-match", &etag)
            .send()
            .await
            .unwrap();
        assert_eq!(after.status(), StatusCode::OK);
        assert_ne!(after.headers()["etag"].to_str().unwrap(), etag);
        assert!(after
            .text()
            .await
            .unwrap()
            .contains("Nuovo nodo pubblicato"));

        // A signed-in person always gets a page built for them.
        let page = app.client.get(&url).send().await.unwrap();
        assert!(page.headers().get("etag").is_none());
        assert_eq!(page.headers()["cache-control"], "no-store");
        assert!(page.text().await.unwrap().contains("Esci"));

        // A document is sent as it is, never kept.
        let pdf = visitor
            .get(app.url("/piani/poa/2024/documento.pdf"))
            .send()
            .await
            .unwrap();
        assert_eq!(pdf.status(), StatusCode::OK);
        assert_eq!(pdf.headers()["content-type"], "application/pdf");
        assert!(pdf.headers().get("etag").is_none());
        assert!(pdf.bytes().await.unwrap().starts_with(b"%PDF"));
    }
}
