//! Users and their roles. Passwords are set here only as temporary ones: the
//! person must change it at the first login.

use super::super::views::{CellView, RowAction, Section, SectionForm, SectionRow};
use super::crud::{self, Entity};
use super::*;
use crate::lists::role_labels;
use axum::extract::Path;
use axum::http::StatusCode;
use axum::Form;
use zona_core::authz::Role;
use zona_core::org::{check_new_password, parse_username};
use zona_core::validation::{optional_email, required_text};
use zona_store::organisations as orgs;
use zona_store::users::{self, User, UserInput};

pub use crate::usecase::admin::Users;

pub struct UserOptions {
    organisations: Vec<(String, String)>,
}

use crate::usecase;
use crate::usecase::admin::users::{NewUser, RoleInput};

fn password_fields(values: &FormValues, errors: &FieldErrors) -> Vec<Field> {
    vec![
        Field::new(
            "password",
            "Password temporanea",
            forms::FieldKind::Password,
        )
        .required()
        .autocomplete("new-password")
        .hint("Almeno 12 caratteri. La persona dovrà cambiarla al primo accesso.")
        .bind(values, errors),
        Field::new(
            "password_confirm",
            "Ripeti la password",
            forms::FieldKind::Password,
        )
        .required()
        .autocomplete("new-password")
        .bind(values, errors),
    ]
}

/// A new password typed twice.
#[derive(Clone, Debug, Default, serde::Deserialize, serde::Serialize)]
#[serde(default)]
pub struct PasswordForm {
    pub password: String,
    pub password_confirm: String,
}

fn parse_password(
    PasswordForm {
        password: p,
        password_confirm: c,
    }: &PasswordForm,
    username: &str,
    e: &mut FieldErrors,
) -> Option<String> {
    if p.is_empty() {
        e.add("password", "Campo obbligatorio.");
        return None;
    }
    if let Err(m) = check_new_password(p, username) {
        e.add("password", m);
        return None;
    }
    if p != c {
        e.add("password_confirm", "Le due password non coincidono.");
        return None;
    }
    Some(p.clone())
}

/// The form as sent: each field the input of the same name.
#[derive(Clone, Debug, Default, serde::Deserialize, serde::Serialize)]
#[serde(default)]
pub struct UserForm {
    pub username: String,
    pub full_name: String,
    pub email: String,
    pub organisation_id: String,
    pub password: Option<String>,
    pub password_confirm: String,
    pub version: String,
}

impl Entity for Users {
    type Form = UserForm;
    type Options = UserOptions;
    const LIST: ListName = ListName::Users;
    const NEW_TITLE: &'static str = "Nuovo utente";
    const CREATED: &'static str = "Utente creato. Ora assegna uno o più ruoli.";

    async fn options(state: &AppState, ctx: &Ctx) -> Result<UserOptions, AppError> {
        Ok(UserOptions {
            organisations: super::units::organisation_options(state, ctx, "Nessun ente").await?,
        })
    }
    fn fields(
        o: &UserOptions,
        values: &FormValues,
        errors: &FieldErrors,
        editing: bool,
    ) -> Vec<Field> {
        let mut f = vec![
            Field::text("username", "Nome utente")
                .required()
                .readonly(editing)
                .autocomplete("username")
                .hint("Da 3 a 40 caratteri: lettere minuscole, cifre, punto, trattino. Non si può cambiare.")
                .bind(values, errors),
            Field::text("full_name", "Nome e cognome").required().autocomplete("name").bind(values, errors),
            Field::new("email", "E-mail", forms::FieldKind::Email).autocomplete("email").bind(values, errors),
            Field::select("organisation_id", "Ente di appartenenza", o.organisations.clone()).bind(values, errors),
        ];
        if !editing {
            f.extend(password_fields(values, errors));
        }
        f.push(Field::new("version", "", forms::FieldKind::Hidden).bind(values, errors));
        f
    }
    fn parse(o: &UserOptions, ctx: &Ctx, form: &UserForm) -> Result<NewUser, FieldErrors> {
        let mut e = FieldErrors::new();
        let username = e.check("username", parse_username(form.username.trim()));
        let full_name = e.check("full_name", required_text(form.full_name.trim(), 120));
        let email = e.check("email", optional_email(form.email.trim()));
        let organisation_id = forms::choice_id(&form.organisation_id, "organisation_id", &mut e);
        if let Some(id) = organisation_id {
            if !o.organisations.iter().any(|(v, _)| *v == id.to_string()) {
                e.add("organisation_id", "Ente non valido: scegliere dall'elenco.");
            }
        }
        // The password is typed only when the user is created.
        let password = form.password.as_ref().and_then(|p| {
            let typed = PasswordForm {
                password: p.clone(),
                password_confirm: form.password_confirm.clone(),
            };
            parse_password(&typed, username.as_deref().unwrap_or(""), &mut e)
        });
        match (username, full_name, email, ctx.zone_id()) {
            (Some(username), Some(full_name), Some(email), Some(zone_id)) if e.is_empty() => {
                Ok(NewUser {
                    input: UserInput {
                        username,
                        full_name,
                        email,
                        zone_id,
                        organisation_id,
                    },
                    password,
                })
            }
            _ => Err(e),
        }
    }
    fn form_of(u: &User) -> UserForm {
        UserForm {
            username: u.username.clone(),
            full_name: u.full_name.clone(),
            email: u.email.clone().unwrap_or_default(),
            organisation_id: u.organisation_id.map(|i| i.to_string()).unwrap_or_default(),
            version: u.version.to_string(),
            ..UserForm::default()
        }
    }
    fn title(u: &User) -> String {
        format!("{} ({})", u.full_name, u.username)
    }
    fn deactivate_text(_: &User) -> String {
        "Un utente disattivato non può più accedere e le sue sessioni aperte terminano subito."
            .into()
    }
    async fn sections(state: &AppState, ctx: &Ctx, u: &User) -> Result<Vec<Section>, AppError> {
        user_sections(state, ctx, u, None).await
    }
}

enum Failed<'a> {
    Role(&'a FormValues, &'a FieldErrors),
    Password(&'a FormValues, &'a FieldErrors),
}

async fn role_options(
    state: &AppState,
    ctx: &Ctx,
) -> Result<
    (
        Vec<(String, String)>,
        Vec<(String, String)>,
        Vec<(String, String)>,
    ),
    AppError,
> {
    let mut roles = vec![(String::new(), "Scegli il ruolo".to_string())];
    // The regional role is not the zone's to grant.
    roles.extend(Role::ALL.iter().filter(|r| **r != Role::Region).map(|r| {
        (
            r.code().to_string(),
            format!("{} — {}", r.label(), r.description()),
        )
    }));
    let q = territory::ListQuery {
        zone_id: ctx.zone_id(),
        active: Some(true),
        ..Default::default()
    };
    let (units, _) = orgs::list_units(&state.db, &q, Page::all()).await?;
    let mut unit_opts = vec![(
        String::new(),
        "Nessuna (solo per il ruolo Referente)".to_string(),
    )];
    unit_opts.extend(units.into_iter().map(|u| {
        (
            u.id.to_string(),
            format!("{} — {}", u.name, u.organisation_name),
        )
    }));
    let q = territory::ListQuery {
        zone_id: ctx.zone_id(),
        active: Some(true),
        kind: Some("third_sector_body".into()),
        ..Default::default()
    };
    let (bodies, _) = orgs::list_organisations(&state.db, &q, Page::all()).await?;
    let mut org_opts = vec![(
        String::new(),
        "Nessuno (solo per il ruolo Ente del Terzo Settore)".to_string(),
    )];
    org_opts.extend(bodies.into_iter().map(|o| (o.id.to_string(), o.name)));
    Ok((roles, unit_opts, org_opts))
}

/// The office sets a temporary password for a person who forgot theirs.
fn password_section(u: &User, pv: &FormValues, pe: &FieldErrors) -> Section {
    Section {
        id: "password",
        heading: "Password",
        text: "Imposta una password temporanea se la persona l'ha dimenticata: le sue sessioni aperte terminano e al prossimo accesso dovrà sceglierne una nuova.".into(),
        headers: vec![],
        rows: vec![],
        has_actions: false,
        empty: "",
        form: Some(SectionForm {
            heading: "Nuova password temporanea",
            action: format!("/admin/utenti/{}/password", u.id),
            fields: password_fields(pv, pe),
            submit_label: "Imposta la password",
            errors_summary: forms::summary(pe),
        }),
    }
}

async fn user_sections(
    state: &AppState,
    ctx: &Ctx,
    u: &User,
    failed: Option<Failed<'_>>,
) -> Result<Vec<Section>, AppError> {
    let can_edit = ctx.allows(Action::Administer { zone_id: u.zone_id });
    let roles = users::roles(&state.db, u.id).await?;
    let (role_opts, unit_opts, org_opts) = role_options(state, ctx).await?;
    let empty = FormValues::new();
    let no_errors = FieldErrors::new();
    let (rv, re) = match &failed {
        Some(Failed::Role(v, e)) => (*v, *e),
        _ => (&empty, &no_errors),
    };
    let (pv, pe) = match &failed {
        Some(Failed::Password(v, e)) => (*v, *e),
        _ => (&empty, &no_errors),
    };
    let mut sections = vec![Section {
        id: "ruoli",
        heading: "Ruoli",
        text: "Ciò che l'utente può vedere e fare dipende dai suoi ruoli.".into(),
        headers: vec!["Ruolo", "Ambito"],
        rows: roles
            .iter()
            .map(|r| SectionRow {
                cells: vec![
                    r.role.label().to_string(),
                    r.unit_name
                        .clone()
                        .or(r.organisation_name.clone())
                        .unwrap_or_else(|| r.zone_name.clone()),
                ],
                action: can_edit.then(|| RowAction {
                    label: "Revoca",
                    href: format!("/admin/utenti/{}/ruoli/{}/revoca", u.id, r.id),
                    confirm: format!("Revocare il ruolo {}?", r.describe()),
                }),
            })
            .collect(),
        has_actions: can_edit,
        empty: "Nessun ruolo: l'utente può accedere ma non vede dati interni.",
        form: can_edit.then(|| SectionForm {
            heading: "Assegna un ruolo",
            action: format!("/admin/utenti/{}/ruoli", u.id),
            fields: vec![
                Field::select("role", "Ruolo", role_opts)
                    .required()
                    .bind(rv, re),
                Field::select("unit_id", "Unità (per il ruolo Referente)", unit_opts).bind(rv, re),
                Field::select(
                    "organisation_id",
                    "Ente (per il ruolo Ente del Terzo Settore)",
                    org_opts,
                )
                .bind(rv, re),
            ],
            submit_label: "Assegna il ruolo",
            errors_summary: forms::summary(re),
        }),
    }];
    if can_edit {
        sections.push(password_section(u, pv, pe));
    }
    Ok(sections)
}

pub fn routes() -> Router<AppState> {
    crud::routes::<Users>()
        .route("/admin/utenti", get(list))
        .route("/admin/utenti/{id}/ruoli", axum::routing::post(add_role))
        .route(
            "/admin/utenti/{id}/ruoli/{role_id}/revoca",
            axum::routing::post(remove_role),
        )
        .route(
            "/admin/utenti/{id}/password",
            axum::routing::post(reset_password),
        )
}

async fn load_user(state: &AppState, ctx: &Ctx, id: i64) -> Result<User, AppError> {
    Ok(admin::open::<Users>(&state.db, &ctx.caller(), id).await?)
}

async fn failed_page(state: &AppState, ctx: &Ctx, u: &User, failed: Failed<'_>) -> PageResult {
    let opts = Users::options(state, ctx).await?;
    let mut page = crud::edit_page::<Users>(
        state,
        ctx,
        &opts,
        u,
        u.id,
        &forms::values_of(&Users::form_of(u)),
        &FieldErrors::new(),
    )
    .await?;
    page.sections = user_sections(state, ctx, u, Some(failed)).await?;
    Ok(crud::with_status(&page, StatusCode::UNPROCESSABLE_ENTITY))
}

/// A role to grant, with its unit or body where the role needs one.
#[derive(Clone, Debug, Default, serde::Deserialize, serde::Serialize)]
#[serde(default)]
pub struct RoleForm {
    pub role: String,
    pub unit_id: String,
    pub organisation_id: String,
}

async fn add_role(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Form(form): Form<RoleForm>,
) -> PageResult {
    let caller = ctx.caller();
    let u = load_user(&state, &ctx, id).await?;
    let mut e = FieldErrors::new();
    let role = Role::from_code(form.role.trim());
    if role.is_none() {
        e.add("role", "Scegli il ruolo dall'elenco.");
    }
    let unit_id = forms::choice_id(&form.unit_id, "unit_id", &mut e);
    let organisation_id = forms::choice_id(&form.organisation_id, "organisation_id", &mut e);
    let input = match role {
        Some(role) if e.is_empty() => Ok(RoleInput {
            role,
            unit_id,
            organisation_id,
        }),
        _ => Err(e),
    };
    let outcome = admin::users::add_role(&state.db, &caller, id, input).await;
    let e = match forms::saved(outcome)? {
        Saved::Done(()) => {
            let label = role.map(Role::label).unwrap_or_default();
            return Ok(with_flash(
                Redirect::to(&format!("/admin/utenti/{id}")),
                FlashKind::Success,
                &format!("Ruolo {label} assegnato."),
            ));
        }
        Saved::Again { errors, .. } => errors,
    };
    let values = forms::values_of(&form);
    failed_page(&state, &ctx, &u, Failed::Role(&values, &e)).await
}

async fn remove_role(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, role_id)): Path<(i64, i64)>,
) -> PageResult {
    let to = Redirect::to(&format!("/admin/utenti/{id}"));
    match admin::users::remove_role(&state.db, &ctx.caller(), id, role_id).await {
        Ok(()) => Ok(with_flash(to, FlashKind::Success, "Ruolo revocato.")),
        Err(usecase::Error::Refused(m)) => Ok(with_flash(to, FlashKind::Danger, &m)),
        Err(e) => Err(e.into()),
    }
}

async fn reset_password(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Form(form): Form<PasswordForm>,
) -> PageResult {
    let u = load_user(&state, &ctx, id).await?;
    let mut e = FieldErrors::new();
    let password = parse_password(&form, &u.username, &mut e).ok_or(e);
    let outcome = admin::users::reset_password(&state.db, &ctx.caller(), id, password).await;
    let e = match forms::saved(outcome)? {
        Saved::Done(()) => {
            return Ok(with_flash(
                Redirect::to(&format!("/admin/utenti/{id}")),
                FlashKind::Success,
                "Password temporanea impostata: comunicala alla persona per un canale sicuro.",
            ))
        }
        Saved::Again { errors, .. } => errors,
    };
    let values = forms::values_of(&form);
    failed_page(&state, &ctx, &u, Failed::Password(&values, &e)).await
}

async fn list(State(state): State<AppState>, ctx: Ctx, Query(q): QueryMap) -> PageResult {
    let zone_id = zone_of(&ctx)?;
    let l = ListName::Users;
    require(&ctx, l.action(zone_id))?;
    let f = filters_of(&ctx, l, &q)?;
    let page = page_number(&q);
    let (rows, total) = users::list_users(&state.db, &f.user_query(), page).await?;
    let rows = rows
        .into_iter()
        .map(|u| {
            vec![
                CellView::link(u.username.clone(), format!("/admin/utenti/{}", u.id))
                    .badge(yes_no(u.active)),
                CellView::text(u.full_name),
                CellView::text(u.organisation_name.unwrap_or_default()),
                CellView::text(role_labels(u.roles.as_deref())),
                CellView::text(
                    u.last_login_at
                        .map(zona_core::format::datetime)
                        .unwrap_or_else(|| "mai".into()),
                ),
            ]
        })
        .collect();
    let values: FormValues = q.clone().into_iter().collect();
    let mut role_opts = vec![(String::new(), "Tutti i ruoli".to_string())];
    role_opts.extend(
        Role::ALL
            .iter()
            .map(|r| (r.code().to_string(), r.label().to_string())),
    );
    let spec = ListSpec {
        list: l,
        intro: String::new(),
        headers: vec![
            "Nome utente",
            "Nome e cognome",
            "Ente",
            "Ruoli",
            "Ultimo accesso",
        ],
        filters: vec![
            search_filter(&q, "Cerca per nome, e-mail, ente"),
            Field::select("ruolo", "Ruolo", role_opts).bind(&values, &FieldErrors::new()),
            status_filter(&q),
        ],
        new_link: Some(("Nuovo utente".into(), "/admin/utenti/nuovo".into())),
        empty_message: "Nessun utente corrisponde ai filtri.",
    };
    render_list(&ctx, spec, &q, page, total, rows)
}
