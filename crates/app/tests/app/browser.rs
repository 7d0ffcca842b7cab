//! End-to-end in headless Chromium against the real server: every role logs
//! in, sees its navigation, is refused where it must be, logs out; axe-core
//! checks every page visited against WCAG 2.1 AA.

use crate::helpers::*;
use fantoccini::{Client, ClientBuilder, Locator};
use std::process::{Child, Command, Stdio};
use std::time::Duration;
use zona_store::Backend;

const AXE: &str = include_str!("../vendor/axe.min.js");

struct Driver {
    child: Child,
    port: u16,
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

#[allow(clippy::zombie_processes)] // Driver's Drop kills and waits for it.
async fn start_driver() -> Driver {
    let port = free_port();
    let child = Command::new(
        std::env::var("ZONA_CHROMEDRIVER").unwrap_or_else(|_| "chromedriver".into()),
    )
    .arg(format!("--port={port}"))
    .stdout(Stdio::null())
    .stderr(Stdio::null())
    .spawn()
    .expect(
        "chromedriver is required for the browser tests (apt-get install chromium chromium-driver)",
    );
    for _ in 0..100 {
        if tokio::net::TcpStream::connect(("127.0.0.1", port))
            .await
            .is_ok()
        {
            return Driver { child, port };
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("chromedriver did not start");
}

async fn browser(driver: &Driver) -> Client {
    let profile = std::env::temp_dir().join(format!("zona-chrome-{}", free_port()));
    let caps = serde_json::json!({
        "goog:chromeOptions": {
            "binary": std::env::var("ZONA_CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into()),
            "args": [
                "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--window-size=1280,1000", format!("--user-data-dir={}", profile.display())
            ]
        }
    });
    let caps = match caps {
        serde_json::Value::Object(m) => m,
        _ => unreachable!(),
    };
    ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
        .capabilities(caps)
        .connect(&format!("http://127.0.0.1:{}", driver.port))
        .await
        .expect("connect to chromedriver")
}

fn out_dir() -> std::path::PathBuf {
    let d = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../test-output");
    std::fs::create_dir_all(&d).unwrap();
    d
}

async fn screenshot(c: &Client, name: &str) {
    if let Ok(png) = c.screenshot().await {
        let _ = std::fs::write(out_dir().join(format!("{name}.png")), png);
    }
}

/// Runs axe-core on the current page; returns the violations, described.
async fn axe(c: &Client) -> Vec<String> {
    c.execute(&format!("{AXE}\nreturn true;"), vec![])
        .await
        .expect("inject axe");
    let r = c
        .execute_async(
            "const done = arguments[arguments.length - 1];
             axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } })
                .then(r => done(r.violations.map(v => v.id + ': ' + v.help + ' — ' + v.nodes.map(n => n.target.join(' ')).slice(0, 5).join(', '))))
                .catch(e => done(['axe failed: ' + e]));",
            vec![],
        )
        .await
        .expect("run axe");
    texts(&r)
}

/// Labels drawn over a legend or a heading: each as "label ↔ heading", with
/// every folded section opened first. A label must be readable where it
/// stands, whatever the stylesheet does with it (axe does not see boxes that
/// cover each other).
async fn covered_labels(c: &Client) -> Vec<String> {
    let r = c
        .execute(
            "for (const d of document.querySelectorAll('main details')) d.open = true;
             const box = e => e.getBoundingClientRect();
             const shown = r => r.width > 0 && r.height > 0;
             const meet = (a, b) => a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;
             const heads = [...document.querySelectorAll('main legend, main h1, main h2, main h3, main h4, main h5, main h6')];
             const out = [];
             for (const l of document.querySelectorAll('main label')) {
               const a = box(l);
               if (!shown(a)) continue;
               for (const h of heads) {
                 const b = box(h);
                 if (shown(b) && meet(a, b)) out.push(l.textContent.trim() + ' ↔ ' + h.textContent.trim());
               }
             }
             return out;",
            vec![],
        )
        .await
        .expect("measure labels");
    texts(&r)
}

/// The texts of a script's answer, a list of strings.
fn texts(r: &serde_json::Value) -> Vec<String> {
    r.as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap().to_string())
        .collect()
}

struct Visit<'a> {
    c: &'a Client,
    base: String,
    problems: Vec<String>,
    shots: usize,
}

impl Visit<'_> {
    async fn open(&mut self, path: &str) -> String {
        self.c.goto(&format!("{}{path}", self.base)).await.unwrap();
        let source = self.c.source().await.unwrap();
        let violations = axe(self.c).await;
        if !violations.is_empty() {
            self.shots += 1;
            screenshot(self.c, &format!("axe-{}", self.shots)).await;
            self.problems
                .push(format!("{path}: {}", violations.join("; ")));
        }
        let covered = covered_labels(self.c).await;
        if !covered.is_empty() {
            self.shots += 1;
            screenshot(self.c, &format!("covered-{}", self.shots)).await;
            self.problems
                .push(format!("{path}: labels covered: {}", covered.join("; ")));
        }
        source
    }
    fn check(&mut self, ok: bool, what: String) {
        if !ok {
            self.problems.push(what);
        }
    }
}

/// Clicks a submit button and waits for the page it leads to.
async fn submit_and_wait(c: &Client, button: Locator<'_>) {
    let before = c.find(Locator::Css("html")).await.unwrap();
    let b = c.find(button).await.unwrap();
    // Long forms put the button below the fold.
    let arg = serde_json::to_value(&b).unwrap();
    c.execute(
        "arguments[0].scrollIntoView({block: 'center', behavior: 'instant'});",
        vec![arg],
    )
    .await
    .unwrap();
    b.click().await.unwrap();
    // The old document's root goes stale once the new page has replaced it;
    // a page that never comes fails the test here, not a later assertion.
    let mut replaced = false;
    for _ in 0..200 {
        if before.tag_name().await.is_err() {
            replaced = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(
        replaced,
        "the page did not change within 10 s of clicking the submit button"
    );
    c.wait().for_element(Locator::Css("main")).await.unwrap();
}

async fn login(c: &Client, base: &str, username: &str) {
    c.goto(&format!("{base}/login")).await.unwrap();
    c.find(Locator::Id("username"))
        .await
        .unwrap()
        .send_keys(username)
        .await
        .unwrap();
    c.find(Locator::Id("password"))
        .await
        .unwrap()
        .send_keys(PASSWORD)
        .await
        .unwrap();
    submit_and_wait(c, Locator::Css("main button[type=submit]")).await;
}

async fn logout(c: &Client) {
    submit_and_wait(c, Locator::Css("form[action='/logout'] button")).await;
}

#[tokio::test]
async fn every_role_in_a_real_browser_with_accessibility_checks() {
    let app = spawn_app(Backend::Sqlite).await;
    let driver = start_driver().await;
    let c = browser(&driver).await;
    let mut v = Visit {
        c: &c,
        base: app.address.clone(),
        problems: Vec::new(),
        shots: 0,
    };

    let home = v.open("/").await;
    v.check(
        home.contains("Zona Distretto Livornese"),
        "public home without the zone name".into(),
    );
    let login_page = v.open("/login").await;
    v.check(login_page.contains("Accedi"), "login page".into());
    v.open("/pagina-inesistente").await;
    let plans = v.open("/piani").await;
    v.check(plans.contains("/piani/poa/2024"), "published plans".into());
    v.open("/piani/poa/2024").await;
    v.open("/piani/scheda/1").await;
    v.open("/profilo-di-salute").await;
    // Every indicator's page: a chart and its table each, checked by axe.
    let codes = zona_store::profile::definitions(&app.db.db).await.unwrap();
    assert_eq!(codes.len(), 21);
    for d in codes {
        let page = v
            .open(&format!("/profilo-di-salute/indicatori/{}", d.code))
            .await;
        v.check(
            page.contains("id=\"indicator-table\"") && page.contains("role=\"img\""),
            format!("indicator {}: chart and table", d.code),
        );
    }
    // Participation as an anonymous visitor: exactly what is published.
    let hub = v.open("/partecipa").await;
    v.check(
        hub.contains("Piano Integrato di Salute 2026-2028")
            && hub.contains("Presentazione del percorso POA 2024")
            && hub.contains("Laboratorio di definizione dei bisogni di salute"),
        "public participation hub".into(),
    );
    let notice = v.open("/partecipa/avvisi/1").await;
    v.check(
        notice.contains("15/12/2025")
            && notice.contains("Cisternino di Città")
            && !notice.contains("ANFFAS"),
        "public notice: deadline and calendar, no applicant".into(),
    );
    v.open("/partecipa/incontri/1").await;
    let facilities = v.open("/strutture").await;
    v.check(
        facilities.contains("Consultorio Centro")
            && facilities.contains("Casa della Comunità Livorno Nord")
            && !facilities.contains("/servizi/strutture/"),
        "public facilities without internal links".into(),
    );
    v.open("/strutture/1").await;
    let codesign = v.open("/co-progettazione").await;
    v.check(
        codesign.contains("ZFA3D7718E") && !codesign.contains("/partecipazione/co-progettazione/"),
        "public co-design list without internal links".into(),
    );

    // (user, pages it may open, pages it must be refused, text its navigation shows or not)
    zona_app::demo::add_regional_account(&app.db.db)
        .await
        .unwrap();
    let plan: [(&str, &[&str], &[&str], bool); 5] = [
        (
            "ufficio.piano",
            &[
                "/",
                "/admin",
                "/admin/enti",
                "/admin/enti/nuovo",
                "/admin/utenti",
                "/admin/registro",
                "/admin/comuni",
                "/account",
                "/account/password",
                "/partecipazione",
                "/partecipazione/co-progettazione",
                "/partecipazione/co-progettazione/1",
                "/partecipazione/co-progettazione/nuova",
                "/partecipazione/co-programmazione",
                "/partecipazione/co-programmazione/1",
                "/partecipazione/co-programmazione/1/domande/1",
                "/partecipazione/incontri",
                "/partecipazione/incontri/1",
                "/partecipazione/incontri/5",
                "/servizi",
                "/servizi/strutture/1",
                "/servizi/strutture/nuova",
                "/servizi/matrice",
                "/servizi/dm77",
                "/servizi/dm77/family_nurses",
                "/servizi/progetti",
                "/servizi/progetti/1",
                "/servizi/progetti/3/modifica",
                "/servizi/pnrr",
                "/notifiche",
                "/scadenze",
                "/cerca",
                "/cerca?q=casa",
                "/cerca?q=a",
                "/pianificazione/poa/2025/bilancio?per=comune",
                "/pianificazione/profilo",
                "/obiettivi-servizio",
                "/moduli-soc26",
            ],
            &["/regione/confronto", "/regione/obiettivi-servizio"],
            true,
        ),
        (
            zona_app::demo::REGIONAL_ACCOUNT,
            &[
                "/",
                "/regione",
                "/regione/confronto",
                "/regione/confronto?asse=area&misura=abitante",
                "/regione/dm77",
                "/regione/obiettivi-servizio",
                "/regione/profilo",
                "/regione/profilo?indicatore=vecchiaia",
                "/moduli-soc26",
                "/pianificazione/profilo",
                "/obiettivi-servizio",
                "/servizi/dm77/family_nurses",
            ],
            &[],
            true,
        ),
        (
            "consultazione",
            &["/", "/admin", "/admin/unita", "/admin/zone"],
            &["/admin/utenti", "/admin/enti/nuovo"],
            true,
        ),
        (
            "referente.sma",
            &[
                "/",
                "/account",
                "/pianificazione",
                "/pianificazione/poa/2024",
                "/pianificazione/attivita/1",
            ],
            &["/admin", "/admin/unita"],
            false,
        ),
        (
            "ets.simbolo",
            &[
                "/",
                "/ente",
                "/partecipazione/co-programmazione",
                "/partecipazione/co-programmazione/1",
                "/cerca?q=casa",
                "/scadenze",
            ],
            &[
                "/admin",
                "/admin/registro",
                "/partecipazione/co-progettazione",
                "/partecipazione/incontri",
            ],
            false,
        ),
    ];
    for (user, allowed, refused, sees_admin) in plan {
        login(&c, &app.address, user).await;
        let page = c.source().await.unwrap();
        v.check(
            page.contains("Buongiorno"),
            format!("{user}: not logged in"),
        );
        let nav = c
            .find(Locator::Css("nav[aria-label='Navigazione principale']"))
            .await
            .unwrap()
            .html(false)
            .await
            .unwrap();
        v.check(
            nav.contains(r#"href="/admin""#) == sees_admin,
            format!("{user}: Amministrazione in navigation = {}", !sees_admin),
        );
        for path in allowed {
            let s = v.open(path).await;
            v.check(
                !s.contains("Accesso non consentito") && !s.contains("Pagina non trovata"),
                format!("{user}: {path} should be allowed"),
            );
        }
        for path in refused {
            let s = v.open(path).await;
            v.check(
                s.contains("Accesso non consentito"),
                format!("{user}: {path} should be refused"),
            );
        }
        if user == "ufficio.piano" {
            // A form with errors, as a person sees it.
            v.open("/admin/comuni/nuovo").await;
            c.find(Locator::Id("f-istat_code"))
                .await
                .unwrap()
                .send_keys("123")
                .await
                .unwrap();
            submit_and_wait(&c, Locator::Css("main form button[type=submit]")).await;
            let s = c.source().await.unwrap();
            v.check(
                s.contains("Il codice ISTAT del comune è formato da 6 cifre"),
                "error next to the ISTAT code".into(),
            );
            let violations = axe(&c).await;
            if !violations.is_empty() {
                screenshot(&c, "form-errors").await;
            }
            v.check(
                violations.is_empty(),
                format!("form with errors: {}", violations.join("; ")),
            );
            // The budget at 1366 px: the totals are in sight without
            // scrolling sideways.
            c.set_window_size(1366, 900).await.unwrap();
            v.open("/pianificazione/poa/2024/bilancio").await;
            let r = c
                .execute(
                    "const t = document.querySelector('#budget-table');
                     const th = [...t.querySelectorAll('thead th')].find(h => h.textContent.trim() === 'Totale');
                     const frame = t.closest('.table-responsive').getBoundingClientRect();
                     const b = th.getBoundingClientRect();
                     return b.left >= frame.left && b.right <= frame.right && b.right <= window.innerWidth;",
                    vec![],
                )
                .await
                .unwrap();
            v.check(
                r.as_bool() == Some(true),
                "the budget's Totale column is in sight at 1366 px".into(),
            );
            c.set_window_size(1280, 1000).await.unwrap();
        }
        logout(&c).await;
        let s = c.source().await.unwrap();
        v.check(
            s.contains("Sei uscito dall"),
            format!("{user}: logout message"),
        );
    }
    if !v.problems.is_empty() {
        screenshot(&c, "failure").await;
    }
    let problems = v.problems.clone();
    c.close().await.unwrap();
    drop(driver);
    assert!(
        problems.is_empty(),
        "{} problems:\n{}",
        problems.len(),
        problems.join("\n")
    );
}

/// Types into a field after clearing it.
async fn type_into(c: &Client, id: &str, text: &str) {
    let e = c.find(Locator::Id(id)).await.unwrap();
    e.clear().await.unwrap();
    e.send_keys(text).await.unwrap();
}

#[tokio::test]
async fn a_sheet_is_filled_submitted_returned_and_accepted_in_a_browser() {
    let app = spawn_app(Backend::Sqlite).await;
    let driver = start_driver().await;
    let c = browser(&driver).await;
    let mut v = Visit {
        c: &c,
        base: app.address.clone(),
        problems: Vec::new(),
        shots: 0,
    };
    let button = |text: &str| format!("//main//button[contains(., \"{text}\")]");

    // The unit editor finds the sheet among its own and fills it.
    login(&c, &app.address, "referente.sma").await;
    let mine = v.open("/pianificazione/mie-schede").await;
    v.check(mine.contains("Le mie schede"), "my sheets page".into());
    c.find(Locator::Css("main table tbody tr a"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    c.wait().for_element(Locator::Css("main h1")).await.unwrap();
    let sheet_url = c.current_url().await.unwrap().to_string();
    let sheet_path = sheet_url.trim_start_matches(&app.address).to_string();
    v.open(&sheet_path).await;
    c.find(Locator::LinkText("Modifica la scheda"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    c.wait()
        .for_element(Locator::Id("f-funding_0_amount"))
        .await
        .unwrap();
    let form_path = format!("{sheet_path}/modifica");
    v.open(&form_path).await;
    type_into(&c, "f-funding_0_amount", "10.500,125").await;
    submit_and_wait(&c, Locator::XPath(&button("Salva la scheda"))).await;
    let s = c.source().await.unwrap();
    v.check(
        s.contains("«10.500,125»: al massimo 2 decimali."),
        "the amount error is shown and the input kept".into(),
    );
    let violations = axe(&c).await;
    v.check(
        violations.is_empty(),
        format!("sheet form with errors: {}", violations.join("; ")),
    );
    type_into(&c, "f-funding_0_amount", "10.500,12").await;
    submit_and_wait(&c, Locator::XPath(&button("Salva la scheda"))).await;
    let s = c.source().await.unwrap();
    v.check(
        s.contains("Scheda salvata.") && s.contains("10.500,12 €"),
        "saved with the new amount".into(),
    );
    submit_and_wait(&c, Locator::XPath(&button("Invia all'Ufficio di Piano"))).await;
    let s = c.source().await.unwrap();
    v.check(s.contains("Scheda: Inviata"), "submitted".into());
    logout(&c).await;

    // The planning office returns it with a comment.
    login(&c, &app.address, "ufficio.piano").await;
    v.open("/pianificazione/mie-schede").await;
    v.open(&sheet_path).await;
    type_into(
        &c,
        "f-comment",
        "Indicare anche il numero di utenti seguiti.",
    )
    .await;
    submit_and_wait(&c, Locator::XPath(&button("Restituisci con osservazioni"))).await;
    let s = c.source().await.unwrap();
    v.check(s.contains("Scheda: Restituita"), "returned".into());
    logout(&c).await;

    // The unit sees the comment and sends it again; the office accepts it.
    login(&c, &app.address, "referente.sma").await;
    let s = v.open(&sheet_path).await;
    v.check(
        s.contains("Indicare anche il numero di utenti seguiti."),
        "comment shown to the unit".into(),
    );
    submit_and_wait(&c, Locator::XPath(&button("Invia all'Ufficio di Piano"))).await;
    logout(&c).await;
    login(&c, &app.address, "ufficio.piano").await;
    v.open(&sheet_path).await;
    submit_and_wait(&c, Locator::XPath(&button("Accetta la scheda"))).await;
    let s = c.source().await.unwrap();
    v.check(s.contains("Scheda: Accettata"), "accepted".into());
    for path in [
        "/pianificazione/poa/2025",
        "/pianificazione/poa/2025/schede?stato=accepted",
        "/pianificazione/poa/2025/bilancio?per=settore",
        "/pianificazione/poa/2025/approvazione",
        "/pianificazione/poa/2025/nuova-scheda",
        "/pianificazione/attivita/1/modifica",
    ] {
        v.open(path).await;
    }
    // The SOC26 form, whose sections head the official rows.
    let zone = v.open("/obiettivi-servizio").await;
    let form = regex::Regex::new(r#"href="(/obiettivi-servizio/\d+/\d{4})""#)
        .unwrap()
        .captures(&zone)
        .map(|c| c[1].to_string());
    v.check(
        form.is_some(),
        "a SOC26 form linked from its zone page".into(),
    );
    if let Some(form) = form {
        v.open(&form).await;
    }
    if !v.problems.is_empty() {
        screenshot(&c, "sheet-workflow").await;
    }
    let problems = v.problems.clone();
    c.close().await.unwrap();
    drop(driver);
    assert!(
        problems.is_empty(),
        "{} problems:\n{}",
        problems.len(),
        problems.join("\n")
    );
}
