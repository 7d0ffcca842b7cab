//! A project's card, on the office's pages and the public ones, and as a
//! one-page PDF.

use super::*;

// ---------------------------------------------------------------- card

pub struct TargetView {
    pub description: String,
    pub target: String,
    pub achieved: String,
    pub percent: Option<i64>,
    pub due: String,
}

#[derive(Template)]
#[template(path = "project_card.html")]
pub(super) struct CardPage {
    page: PageCtx,
    public: bool,
    office: bool,
    pdf_href: String,
    id: i64,
    title: String,
    sections: Vec<(String, String)>,
    actions: Vec<(String, String, String)>,
    targets: Vec<TargetView>,
    activities: Vec<(i64, String)>,
    agreements: Vec<(i64, String)>,
    facilities: Vec<(i64, String)>,
    cup_warning: Option<String>,
}

/// The card page; the public one has no internal links and no warnings.
pub(super) async fn card_page(
    state: &AppState,
    ctx: &Ctx,
    p: &Project,
    public: bool,
) -> PageResult {
    let id = p.row.id;
    let facilities = if public {
        Vec::new()
    } else {
        zona_store::network::list_facilities(&state.db, p.row.zone_id)
            .await?
            .into_iter()
            .filter(|f| f.row.project_id == Some(id))
            .map(|f| (f.row.id, f.row.name))
            .collect()
    };
    let page = PageCtx::new(ctx, p.row.title.clone());
    Ok(render_page(&CardPage {
        page: if public {
            page.crumb("Progetti", PUBLIC_BASE)
        } else {
            crumbs(page)
        },
        public,
        office: !public
            && ctx.allows(Action::Administer {
                zone_id: p.row.zone_id,
            }),
        pdf_href: if public {
            format!("{PUBLIC_BASE}/{id}/scheda.pdf")
        } else {
            format!("{BASE}/{id}/scheda.pdf")
        },
        id,
        title: p.row.title.clone(),
        sections: nw::card_sections(p, &zone_name(ctx)),
        actions: p
            .actions
            .iter()
            .map(|a| {
                (
                    a.title.clone(),
                    a.description.clone().unwrap_or_default(),
                    nw::action_amount(a),
                )
            })
            .collect(),
        targets: target_views(p),
        activities: p
            .activities
            .iter()
            .map(|a| {
                (
                    a.activity_id,
                    format!("{} – {} (POA {})", a.code, a.title, a.year),
                )
            })
            .collect(),
        agreements: p
            .agreements
            .iter()
            .map(|a| (a.agreement_id, a.subject.chars().take(160).collect()))
            .collect(),
        facilities,
        cup_warning: if public {
            None
        } else {
            p.row.cup_warning.clone()
        },
    }))
}

pub(super) async fn card(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
) -> PageResult {
    let p = usecase::open(&state.db, &ctx.caller(), id).await?;
    card_page(&state, &ctx, &p, false).await
}

/// A published project of the visitor's zone, or not found.
pub(super) async fn load_public(state: &AppState, ctx: &Ctx, id: i64) -> Result<Project, AppError> {
    require(ctx, Action::ReadPublic)?;
    store::get_project(&state.db, id)
        .await?
        .filter(|p| p.row.published && Some(p.row.zone_id) == ctx.zone_id())
        .ok_or(AppError::NotFound)
}

pub(super) async fn public_card(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
) -> PageResult {
    let p = load_public(&state, &ctx, id).await?;
    card_page(&state, &ctx, &p, true).await
}

pub(super) async fn public_card_pdf(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    let p = load_public(&state, &ctx, id).await?;
    pdf_response(&p, &zone_name(&ctx))
}

pub(super) fn pdf_response(p: &Project, zone_name: &str) -> Result<Response, AppError> {
    let bytes = nw::card_pdf(p, zone_name, crate::Clock::system().today())?;
    download(
        bytes,
        "application/pdf",
        &format!("inline; filename=\"scheda-progetto-{}.pdf\"", p.row.id),
    )
}

#[derive(Template)]
#[template(path = "public_projects.html")]
pub(super) struct PublicListPage {
    page: PageCtx,
    rows: Vec<(i64, String, String, String, &'static str)>,
}

pub(super) async fn public_list(State(state): State<AppState>, ctx: Ctx) -> PageResult {
    require(&ctx, Action::ReadPublic)?;
    let zone_id = ctx.zone_id().ok_or(AppError::NotFound)?;
    let rows = store::list_projects(&state.db, zone_id)
        .await?
        .into_iter()
        .filter(|p| p.row.published)
        .map(|p| {
            (
                p.row.id,
                p.row.title.clone(),
                p.row.duration_text.clone(),
                p.resources().map(euro).unwrap_or_default(),
                p.status().label(),
            )
        })
        .collect();
    Ok(render_page(&PublicListPage {
        page: PageCtx::new(&ctx, "Progetti della zona"),
        rows,
    }))
}

pub fn target_views(p: &Project) -> Vec<TargetView> {
    p.targets
        .iter()
        .map(|t| TargetView {
            description: t.description.clone(),
            target: thousands(t.target.max(0) as u64),
            achieved: t
                .achieved
                .map(|a| thousands(a.max(0) as u64))
                .unwrap_or_else(|| "—".into()),
            // Whole percent, rounded down: 100 only when reached.
            percent: t
                .achieved
                .filter(|_| t.target > 0)
                .map(|a| (a * 100 / t.target).min(999)),
            due: t.due_date.map(zona_core::format::date).unwrap_or_default(),
        })
        .collect()
}

pub(super) async fn card_pdf(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    let p = usecase::open(&state.db, &ctx.caller(), id).await?;
    pdf_response(&p, &zone_name(&ctx))
}
