//! The planning tree of the demo: POA 2024 and 2025 with the counts the
//! seeds give.

use crate::helpers::*;
use reqwest::StatusCode;
use zona_store::testing::BACKENDS;

#[tokio::test]
async fn the_demo_poa_trees_have_the_counts_of_the_seeds() {
    for backend in BACKENDS {
        let app = spawn_app(backend).await;
        app.login("referente.sma").await;
        let p = app.get("/pianificazione").await;
        assert_eq!(p.status, StatusCode::OK);
        let flat: String = p.body.split_whitespace().collect::<Vec<_>>().join(" ");
        assert!(
            flat.contains(r#"<a href="/pianificazione/poa/2024">POA 2024</a></th><td>Piano Integrato di Salute 2020-2022</td><td class="text-end">5</td><td class="text-end">21</td><td class="text-end">130</td>"#),
            "{backend:?}: {flat}"
        );
        assert!(flat.contains(r#"<a href="/pianificazione/poa/2025">POA 2025</a></th><td>Piano Integrato di Salute 2020-2022</td><td class="text-end">5</td><td class="text-end">23</td><td class="text-end">116</td>"#));
        let tree = app.get("/pianificazione/poa/2024").await;
        assert_eq!(tree.body.matches("<h2 class=\"h4\" id=\"obj-").count(), 5);
        assert_eq!(tree.body.matches("<summary>").count(), 21);
        assert_eq!(tree.body.matches("<li><code>2024-").count(), 130);
        assert!(tree
            .body
            .contains("SEUS – Servizio di Emergenza Urgenza Sociale"));
        assert!(tree.body.contains("Pronto Badante"));
        let tree = app.get("/pianificazione/poa/2025").await;
        assert_eq!(tree.body.matches("<summary>").count(), 23);
        assert_eq!(tree.body.matches("<li><code>2025-").count(), 116);
        assert!(
            tree.body.contains("S.TA.R.") && !tree.body.contains("Cure palliative</strong>"),
            "2025 programmes"
        );
    }
}
