//! No dead ends: every link a role can reach from its home opens. A page
//! never links to what its viewer may not open.

use crate::helpers::*;
use regex::Regex;
use reqwest::StatusCode;
use std::collections::{HashMap, HashSet, VecDeque};
use zona_store::Backend;

/// How many links of one shape (a path with its numbers taken out) are
/// followed: enough to meet each kind of page twice, few enough to stay fast.
const PER_SHAPE: usize = 2;

/// The shape of a link: `/pianificazione/attivita/17` and `/…/attivita/18`
/// are one kind of page.
fn shape(link: &str) -> String {
    let digits = Regex::new(r"\d+").unwrap();
    digits.replace_all(link, "#").into_owned()
}

#[tokio::test]
async fn every_link_reachable_from_each_home_opens() {
    let app = spawn_app(Backend::Sqlite).await;
    let href = Regex::new(r#"href="(/[^"\#]*)"#).unwrap();
    let mut problems = Vec::new();
    let mut visited_total = 0;
    for user in [
        None,
        Some("ufficio.piano"),
        Some("referente.sma"),
        Some("ets.simbolo"),
        Some("consultazione"),
    ] {
        let who = user.unwrap_or("pubblico");
        let client = match user {
            None => new_client(),
            Some(u) => app.other_client_logged_in(u).await,
        };
        let mut queue = VecDeque::from([("/".to_string(), "la home".to_string())]);
        let mut seen: HashSet<String> = HashSet::from(["/".to_string()]);
        let mut shapes: HashMap<String, usize> = HashMap::new();
        let mut visited = 0;
        while let Some((path, from)) = queue.pop_front() {
            let page = app.get_with(&client, &path).await;
            visited += 1;
            if page.status == StatusCode::FORBIDDEN
                || page.status == StatusCode::NOT_FOUND
                || page.status.is_server_error()
            {
                problems.push(format!(
                    "{who}: {path} (da {from}) risponde {}",
                    page.status
                ));
                continue;
            }
            let mut links: Vec<String> = Vec::new();
            if page.status.is_redirection() {
                links.extend(page.location.clone().filter(|l| l.starts_with('/')));
            } else {
                links.extend(
                    href.captures_iter(&page.body)
                        .map(|c| c[1].replace("&amp;", "&")),
                );
            }
            for link in links {
                // Files and documents are checked by their own tests; the
                // sign-in page is where the public is meant to go.
                if link.starts_with("/static/")
                    || link.ends_with(".pdf")
                    || link.starts_with("/login")
                    || !seen.insert(link.clone())
                {
                    continue;
                }
                let n = shapes.entry(shape(&link)).or_default();
                if *n < PER_SHAPE {
                    *n += 1;
                    queue.push_back((link, path.clone()));
                }
            }
        }
        assert!(visited > 20, "{who}: only {visited} pages reached");
        visited_total += visited;
    }
    assert!(
        problems.is_empty(),
        "{} dead ends in {visited_total} pages:\n{}",
        problems.len(),
        problems.join("\n")
    );
}
