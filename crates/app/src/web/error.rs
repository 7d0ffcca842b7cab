//! One error type for every route, turned into an Italian page in one place.
//! Internal details are logged, never shown.

use super::ctx::Ctx;
use super::page::{render_page, PageCtx};
use crate::usecase::Error;
use askama::Template;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use zona_core::FieldErrors;
use zona_store::StoreError;

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("not found")]
    NotFound,
    #[error("forbidden")]
    Forbidden,
    #[error("login required")]
    LoginRequired,
    #[error("invalid CSRF token")]
    Csrf,
    #[error("bad request: {0}")]
    BadRequest(String),
    /// What the request names existed but is no more (a used sign-in link).
    #[error("gone: {0}")]
    Gone(String),
    /// Someone else saved the record after it was read.
    #[error("conflict")]
    Conflict,
    /// The input broke rules of its fields, shown where no form can take them.
    #[error("invalid input")]
    Invalid(FieldErrors),
    /// The request's body is larger than its kind allows (bytes).
    #[error("request too large")]
    TooLarge(usize),
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

impl From<StoreError> for AppError {
    fn from(e: StoreError) -> Self {
        Error::from(e).into()
    }
}

/// The one mapping of a use case's refusal to a page: a form that can show
/// its own errors, or a conflict side by side, matches them before.
impl From<Error> for AppError {
    fn from(e: Error) -> Self {
        match e {
            Error::LoginRequired => AppError::LoginRequired,
            Error::Forbidden => AppError::Forbidden,
            Error::NotFound => AppError::NotFound,
            Error::Invalid(errors) => AppError::Invalid(errors),
            Error::Conflict => AppError::Conflict,
            Error::Refused(m) => AppError::BadRequest(m),
            Error::Store(e) => AppError::Internal(e.into()),
            Error::Internal(e) => AppError::Internal(e),
        }
    }
}

impl From<askama::Error> for AppError {
    fn from(e: askama::Error) -> Self {
        AppError::Internal(e.into())
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ErrorKind {
    NotFound,
    Forbidden,
    LoginRequired,
    Csrf,
    BadRequest,
    Gone,
    Conflict,
    Invalid,
    TooLarge,
    Internal,
}

/// Left on an error response for the context middleware, which renders the
/// page with the layout of the signed-in user.
#[derive(Clone, Debug)]
pub struct ErrorInfo {
    pub kind: ErrorKind,
    pub detail: Option<String>,
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let (status, kind, detail) = match self {
            AppError::NotFound => (StatusCode::NOT_FOUND, ErrorKind::NotFound, None),
            AppError::Forbidden => (StatusCode::FORBIDDEN, ErrorKind::Forbidden, None),
            AppError::LoginRequired => (StatusCode::UNAUTHORIZED, ErrorKind::LoginRequired, None),
            AppError::Csrf => (StatusCode::FORBIDDEN, ErrorKind::Csrf, None),
            AppError::BadRequest(m) => (StatusCode::BAD_REQUEST, ErrorKind::BadRequest, Some(m)),
            AppError::Gone(m) => (StatusCode::GONE, ErrorKind::Gone, Some(m)),
            AppError::Conflict => (StatusCode::CONFLICT, ErrorKind::Conflict, None),
            AppError::Invalid(errors) => (
                StatusCode::UNPROCESSABLE_ENTITY,
                ErrorKind::Invalid,
                Some(
                    errors
                        .iter()
                        .map(|(_, m)| m)
                        .collect::<Vec<_>>()
                        .join(" "),
                ),
            ),
            AppError::TooLarge(limit) => (
                StatusCode::PAYLOAD_TOO_LARGE,
                ErrorKind::TooLarge,
                Some(format!(
                    "I dati inviati superano il limite di {} MB e non sono stati salvati. Un allegato può avere al massimo 10 MB; un file da importare al massimo 10 MB.",
                    limit.div_ceil(1024 * 1024)
                )),
            ),
            AppError::Internal(e) => {
                tracing::error!("internal error: {e:#}");
                (StatusCode::INTERNAL_SERVER_ERROR, ErrorKind::Internal, None)
            }
        };
        let mut r = (status, "").into_response();
        r.extensions_mut().insert(ErrorInfo { kind, detail });
        r
    }
}

pub fn panic_response(err: Box<dyn std::any::Any + Send + 'static>) -> Response {
    let msg = err
        .downcast_ref::<String>()
        .map(String::as_str)
        .or_else(|| err.downcast_ref::<&str>().copied())
        .unwrap_or("(no message)");
    tracing::error!("panic while serving a request: {msg}");
    AppError::Internal(anyhow::anyhow!("panic")).into_response()
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage {
    page: PageCtx,
    heading: &'static str,
    message: String,
    code: u16,
}

pub fn render(ctx: &Ctx, info: ErrorInfo, status: StatusCode) -> Response {
    if info.kind == ErrorKind::LoginRequired {
        if ctx.principal.is_none() {
            let next =
                serde_urlencoded::to_string([("next", ctx.target.as_str())]).unwrap_or_default();
            return Redirect::to(&format!("/login?{next}")).into_response();
        }
        return render(
            ctx,
            ErrorInfo {
                kind: ErrorKind::Forbidden,
                detail: None,
            },
            StatusCode::FORBIDDEN,
        );
    }
    let (title, heading, message) = match info.kind {
        ErrorKind::NotFound => (
            "Pagina non trovata",
            "Pagina non trovata",
            "La pagina richiesta non esiste o non è più disponibile. Controlla l'indirizzo o torna alla pagina iniziale.".to_string(),
        ),
        ErrorKind::Forbidden => (
            "Accesso non consentito",
            "Accesso non consentito",
            "Il tuo profilo non consente di vedere questa pagina o di eseguire questa operazione. Se ritieni che sia un errore, rivolgiti all'Ufficio di Piano.".to_string(),
        ),
        ErrorKind::Csrf => (
            "Richiesta non valida",
            "Richiesta non valida",
            "Il modulo inviato è scaduto o non proviene da questa applicazione. Torna alla pagina precedente, ricaricala e riprova: i dati non sono stati salvati.".to_string(),
        ),
        ErrorKind::BadRequest => (
            "Richiesta non valida",
            "Richiesta non valida",
            info.detail.unwrap_or_else(|| "La richiesta contiene dati non validi.".into()),
        ),
        ErrorKind::Gone => (
            "Collegamento non più valido",
            "Collegamento non più valido",
            info.detail.unwrap_or_default(),
        ),
        ErrorKind::Conflict => (
            "Dati modificati da un'altra persona",
            "Dati modificati da un'altra persona",
            "Mentre li consultavi, questi dati sono stati salvati da un'altra persona: la tua modifica non è stata registrata, per non cancellare la sua. Torna alla pagina, ricaricala per vedere la versione attuale e ripeti la modifica.".to_string(),
        ),
        ErrorKind::Invalid => (
            "Dati non validi",
            "Dati non validi",
            format!(
                "I dati inviati non sono stati salvati: {}",
                info.detail.unwrap_or_default()
            ),
        ),
        ErrorKind::TooLarge => (
            "Dati troppo grandi",
            "Dati troppo grandi",
            info.detail.unwrap_or_default(),
        ),
        ErrorKind::Internal | ErrorKind::LoginRequired => (
            "Errore del server",
            "Si è verificato un errore",
            "Non è stato possibile completare l'operazione per un errore interno. L'errore è stato registrato; riprova tra qualche minuto e, se si ripete, segnalalo all'assistenza.".to_string(),
        ),
    };
    let page = ErrorPage {
        page: PageCtx::new(ctx, title),
        heading,
        message,
        code: status.as_u16(),
    };
    let mut r = render_page(&page).into_response();
    *r.status_mut() = status;
    r
}
