//! View models shared by every list, form and confirmation page.

use crate::web::forms::Field;
use crate::web::page::PageCtx;
use askama::Template;
use axum::response::IntoResponse;

#[derive(Clone, Debug, Default)]
pub struct CellView {
    pub text: String,
    pub href: Option<String>,
    pub badge: Option<String>,
}

impl CellView {
    pub fn text(t: impl Into<String>) -> CellView {
        CellView {
            text: t.into(),
            ..Default::default()
        }
    }
    pub fn link(t: impl Into<String>, href: impl Into<String>) -> CellView {
        CellView {
            text: t.into(),
            href: Some(href.into()),
            badge: None,
        }
    }
    pub fn badge(mut self, b: Option<&str>) -> CellView {
        self.badge = b.map(str::to_string);
        self
    }
}

#[derive(Template)]
#[template(path = "list.html")]
pub struct ListPage {
    pub page: PageCtx,
    pub heading: String,
    pub intro: String,
    pub base_path: String,
    pub new_link: Option<(String, String)>,
    pub filters: Vec<Field>,
    pub headers: Vec<&'static str>,
    pub rows: Vec<Vec<CellView>>,
    pub counter: String,
    pub empty_message: String,
    pub export_path: String,
    /// The current filters as a query prefix (`q=x&`), when exporting is offered.
    pub export_query: Option<String>,
    pub current: i64,
    pub pages: i64,
    pub prev_href: Option<String>,
    pub next_href: Option<String>,
}

#[derive(Clone, Debug)]
pub struct Conflict {
    pub by: String,
    pub rows: Vec<(String, String, String)>,
}

#[derive(Clone, Debug)]
pub struct Toggle {
    pub heading: &'static str,
    pub text: String,
    pub label: &'static str,
    pub href: String,
    pub destructive: bool,
}

#[derive(Clone, Debug)]
pub struct RowAction {
    pub label: &'static str,
    pub href: String,
    pub confirm: String,
}

#[derive(Clone, Debug)]
pub struct SectionRow {
    pub cells: Vec<String>,
    pub action: Option<RowAction>,
}

#[derive(Clone, Debug)]
pub struct SectionForm {
    pub heading: &'static str,
    pub action: String,
    pub fields: Vec<Field>,
    pub submit_label: &'static str,
    pub errors_summary: Option<String>,
}

/// A table under the form (populations by year, roles of a user), with an
/// optional form to add a row.
#[derive(Clone, Debug)]
pub struct Section {
    pub id: &'static str,
    pub heading: &'static str,
    pub text: String,
    pub headers: Vec<&'static str>,
    pub rows: Vec<SectionRow>,
    pub has_actions: bool,
    pub empty: &'static str,
    pub form: Option<SectionForm>,
}

#[derive(Template)]
#[template(path = "form.html")]
pub struct FormPage {
    pub page: PageCtx,
    pub heading: String,
    pub intro: String,
    pub action: String,
    pub fields: Vec<Field>,
    pub submit_label: &'static str,
    pub cancel_href: String,
    pub errors_summary: Option<String>,
    pub conflict: Option<Conflict>,
    pub can_edit: bool,
    pub status_badge: Option<&'static str>,
    pub active: bool,
    pub toggle: Option<Toggle>,
    pub sections: Vec<Section>,
}

impl FormPage {
    pub fn new(
        page: PageCtx,
        heading: impl Into<String>,
        action: impl Into<String>,
        fields: Vec<Field>,
    ) -> FormPage {
        FormPage {
            page,
            heading: heading.into(),
            intro: String::new(),
            action: action.into(),
            fields,
            submit_label: "Salva",
            cancel_href: "/admin".into(),
            errors_summary: None,
            conflict: None,
            can_edit: true,
            status_badge: None,
            active: true,
            toggle: None,
            sections: Vec::new(),
        }
    }

    /// Whether any field is required: the form explains the asterisk only
    /// when it shows one.
    pub fn has_required(&self) -> bool {
        self.fields.iter().any(|f| f.required && !f.is_hidden())
    }
}

/// An entry form of one record (co-design agreement, meeting, facility):
/// the fields, the error summary, and the notice of a conflicting save.
#[derive(Template)]
#[template(path = "entry_form.html")]
pub struct EntryPage {
    pub page: PageCtx,
    pub heading: String,
    pub action: String,
    pub cancel_href: String,
    pub fields: Vec<Field>,
    pub errors_summary: Option<String>,
    pub conflict: bool,
}

impl EntryPage {
    /// The page with its status: 409 when someone saved first, 422 with
    /// errors, 200 otherwise.
    pub fn respond(self) -> axum::response::Response {
        let status = form_status(self.conflict, self.errors_summary.is_some());
        (status, crate::web::page::render_page(&self)).into_response()
    }
}

/// The status of a form page: 409 when someone saved first, 422 when the
/// input has errors, 200 otherwise.
pub fn form_status(conflict: bool, invalid: bool) -> axum::http::StatusCode {
    use axum::http::StatusCode;
    if conflict {
        StatusCode::CONFLICT
    } else if invalid {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    }
}

#[derive(Template)]
#[template(path = "confirm.html")]
pub struct ConfirmPage {
    pub page: PageCtx,
    pub heading: String,
    pub text: String,
    pub action: String,
    pub confirm_label: &'static str,
    pub cancel_href: String,
    pub destructive: bool,
}
