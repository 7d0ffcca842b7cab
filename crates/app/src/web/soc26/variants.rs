//! The SOC26 forms by year: the ones zona ships and the variants the region
//! stored, each downloadable as JSON; the region adds, corrects and removes
//! its variants.

use super::*;
use crate::web::views::ConfirmPage;

const HOME: &str = "/moduli-soc26";

#[derive(Template)]
#[template(path = "soc26_variants.html")]
pub(super) struct VariantsPage {
    page: PageCtx,
    variants: Vec<usecase::Variant>,
    /// The reader is the region, who changes them.
    frame: bool,
    /// What was typed, when a variant was refused, and why.
    typed: String,
    problems: Vec<String>,
}

impl VariantsPage {
    fn thousands(&self, n: &u32) -> String {
        format::integer(i64::from(*n))
    }
    fn saved(&self, v: &usecase::Variant) -> String {
        v.stored
            .map(|(_, at)| format::datetime(at))
            .unwrap_or_default()
    }
}

async fn page_with(
    state: &AppState,
    ctx: &Ctx,
    typed: String,
    problems: Vec<String>,
) -> PageResult {
    let (variants, frame) = usecase::variants(&state.db, &ctx.caller()).await?;
    let status = if problems.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    Ok((
        status,
        render_page(&VariantsPage {
            page: PageCtx::new(ctx, "Moduli SOC26")
                .crumb("Obiettivi di servizio", "/obiettivi-servizio"),
            variants,
            frame,
            typed,
            problems,
        }),
    )
        .into_response())
}

pub(super) async fn list(State(state): State<AppState>, ctx: Ctx) -> PageResult {
    page_with(&state, &ctx, String::new(), Vec::new()).await
}

/// The form of a year as JSON, to read it or to start a variant from it.
pub(super) async fn download(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(year): Path<i32>,
) -> PageResult {
    let (variants, _) = usecase::variants(&state.db, &ctx.caller()).await?;
    let v = variants
        .into_iter()
        .find(|v| v.spec.year == year)
        .ok_or(AppError::NotFound)?;
    let mut r = serde_json::to_string_pretty(&v.spec)
        .map_err(anyhow::Error::from)?
        .into_response();
    r.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    let name = format!("attachment; filename=\"modulo-soc26-{year}.json\"");
    r.headers_mut().insert(
        header::CONTENT_DISPOSITION,
        HeaderValue::from_str(&name).map_err(anyhow::Error::from)?,
    );
    Ok(r)
}

/// The most characters of a form variant: the shipped form is about 4.000.
const MAX_JSON: usize = 64 * 1024;

/// The region stores a variant, pasted as JSON. The version the page showed
/// for each stored year travels as `versione_<anno>`.
pub(super) async fn save(
    State(state): State<AppState>,
    ctx: Ctx,
    Form(v): Form<FormValues>,
) -> PageResult {
    let json = v.get("modulo").cloned().unwrap_or_default();
    if json.chars().count() > MAX_JSON {
        return page_with(
            &state,
            &ctx,
            String::new(),
            vec![format!(
                "Il modulo è troppo lungo: al più {} caratteri.",
                format::integer(MAX_JSON as i64)
            )],
        )
        .await;
    }
    let year = serde_json::from_str::<Value>(&json)
        .ok()
        .and_then(|d| d.get("year").and_then(Value::as_i64));
    let expected = year
        .and_then(|y| v.get(&format!("versione_{y}")))
        .map(|s| crate::web::forms::version_of(s));
    match usecase::save_variant(&state.db, &ctx.caller(), &json, expected).await {
        Ok(year) => Ok(with_flash(
            Redirect::to(HOME),
            FlashKind::Success,
            &format!("Modulo SOC26 del {year} salvato: le schede di quell'anno seguono il modulo salvato."),
        )),
        Err(Error::Refused(m)) => {
            page_with(&state, &ctx, json, m.lines().map(str::to_string).collect()).await
        }
        Err(Error::Conflict) => page_with(
            &state,
            &ctx,
            json,
            vec!["Il modulo di quell'anno è stato cambiato da un'altra persona mentre lo scrivevi: il tuo testo è qui sotto, ricarica l'elenco e ripeti la modifica.".into()],
        )
        .await,
        Err(e) => Err(e.into()),
    }
}

pub(super) async fn confirm_delete(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(year): Path<i32>,
) -> PageResult {
    let (variants, frame) = usecase::variants(&state.db, &ctx.caller()).await?;
    if !frame {
        return Err(AppError::Forbidden);
    }
    let v = variants
        .into_iter()
        .find(|v| v.spec.year == year && v.stored.is_some())
        .ok_or(AppError::NotFound)?;
    let version = v.stored.map(|(n, _)| n).unwrap_or_default();
    Ok(render_page(&ConfirmPage {
        page: PageCtx::new(&ctx, "Togli il modulo della Regione").crumb("Moduli SOC26", HOME),
        heading: format!("Togli il modulo SOC26 del {year} salvato dalla Regione"),
        text: if v.shipped {
            format!("Le schede del {year} torneranno a seguire il modulo fornito con zona.")
        } else {
            format!("zona non ha un altro modulo del {year}: si può togliere solo se nessuna scheda di quell'anno è stata compilata.")
        },
        action: format!("{HOME}/{year}/elimina?versione={version}"),
        confirm_label: "Togli il modulo",
        cancel_href: HOME.into(),
        destructive: true,
    }))
}

#[derive(serde::Deserialize)]
pub(super) struct DeleteQuery {
    #[serde(default)]
    versione: String,
}

pub(super) async fn delete(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(year): Path<i32>,
    axum::extract::Query(q): axum::extract::Query<DeleteQuery>,
) -> PageResult {
    let version = crate::web::forms::version_of(&q.versione);
    match usecase::delete_variant(&state.db, &ctx.caller(), year, version).await {
        Ok(()) => Ok(with_flash(
            Redirect::to(HOME),
            FlashKind::Success,
            &format!("Modulo SOC26 del {year} della Regione tolto."),
        )),
        Err(Error::Refused(m)) => Ok(with_flash(Redirect::to(HOME), FlashKind::Danger, &m)),
        Err(Error::Conflict) => Ok(with_flash(
            Redirect::to(HOME),
            FlashKind::Danger,
            "Il modulo è stato cambiato da un'altra persona: ricarica e ripeti.",
        )),
        Err(e) => Err(e.into()),
    }
}
