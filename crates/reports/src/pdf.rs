//! PDF documents with typst, as a library: a template (`templates/*.typ`)
//! reads its data from a virtual `data.json`; fonts are embedded
//! (typst-assets), nothing is read from the machine.

use std::sync::OnceLock;
use typst::diag::{FileError, FileResult};
use typst::foundations::{Bytes, Datetime, Duration};
use typst::syntax::{FileId, RootedPath, Source, VirtualPath, VirtualRoot};
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;
use typst::{Library, LibraryExt, World};
use typst_layout::PagedDocument;

#[derive(Debug, thiserror::Error)]
pub enum PdfError {
    #[error("the document template does not compile: {0}")]
    Template(String),
    #[error("the PDF cannot be written: {0}")]
    Export(String),
}

struct Fonts {
    book: LazyHash<FontBook>,
    fonts: Vec<Font>,
}

fn fonts() -> &'static Fonts {
    static FONTS: OnceLock<Fonts> = OnceLock::new();
    FONTS.get_or_init(|| {
        let fonts: Vec<Font> = typst_assets::fonts()
            .flat_map(|data| Font::iter(Bytes::new(data)))
            .collect();
        Fonts {
            book: LazyHash::new(FontBook::from_fonts(&fonts)),
            fonts,
        }
    })
}

fn library() -> &'static LazyHash<Library> {
    static LIB: OnceLock<LazyHash<Library>> = OnceLock::new();
    LIB.get_or_init(|| LazyHash::new(Library::default()))
}

struct DocWorld {
    main: Source,
    data: Bytes,
    data_id: FileId,
    today: time::Date,
}

impl World for DocWorld {
    fn library(&self) -> &LazyHash<Library> {
        library()
    }
    fn book(&self) -> &LazyHash<FontBook> {
        &fonts().book
    }
    fn main(&self) -> FileId {
        self.main.id()
    }
    fn source(&self, id: FileId) -> FileResult<Source> {
        if id == self.main.id() {
            Ok(self.main.clone())
        } else {
            Err(FileError::NotFound("(not available)".into()))
        }
    }
    fn file(&self, id: FileId) -> FileResult<Bytes> {
        if id == self.data_id {
            Ok(self.data.clone())
        } else {
            Err(FileError::NotFound("(not available)".into()))
        }
    }
    fn font(&self, index: usize) -> Option<Font> {
        fonts().fonts.get(index).cloned()
    }
    fn today(&self, _offset: Option<Duration>) -> Option<Datetime> {
        Datetime::from_ymd(
            self.today.year(),
            u8::from(self.today.month()),
            self.today.day(),
        )
    }
}

/// How many further documents a memoised typst result survives unused.
const EVICT_AFTER: usize = 5;

/// Renders a typst template with `data` available as `json("data.json")`.
pub fn render(
    template: &str,
    data: &serde_json::Value,
    today: time::Date,
) -> Result<Vec<u8>, PdfError> {
    let file = |name: &str| -> Result<FileId, PdfError> {
        let vpath = VirtualPath::new(name).map_err(|e| PdfError::Template(format!("{e:?}")))?;
        Ok(FileId::new(RootedPath::new(VirtualRoot::Project, vpath)))
    };
    let world = DocWorld {
        main: Source::new(file("/main.typ")?, template.to_string()),
        data: Bytes::new(serde_json::to_vec(data).map_err(|e| PdfError::Template(e.to_string()))?),
        data_id: file("/data.json")?,
        today,
    };
    let compiled = typst::compile::<PagedDocument>(&world).output;
    // Typst memoises across compilations; in a long-running server the cache
    // must be bounded. Entries unused for the last few documents go.
    comemo::evict(EVICT_AFTER);
    let doc: PagedDocument = compiled.map_err(|errors| {
        PdfError::Template(
            errors
                .iter()
                .map(|e| e.message.to_string())
                .collect::<Vec<_>>()
                .join("; "),
        )
    })?;
    typst_pdf::pdf(&doc, &typst_pdf::PdfOptions::default()).map_err(|errors| {
        PdfError::Export(
            errors
                .iter()
                .map(|e| e.message.to_string())
                .collect::<Vec<_>>()
                .join("; "),
        )
    })
}

/// The SOC26 template (data: the computed form of `zona_core::soc26_json::render`,
/// plus `labels`).
pub const SOC26_TEMPLATE: &str = include_str!("../templates/soc26.typ");

/// The annual operating plan (data: `zona_app::poa::pdf_data`).
pub const POA_TEMPLATE: &str = include_str!("../templates/poa.typ");

/// The zone's health profile (data: `zona_app::web::public`'s profile document).
pub const PROFILE_TEMPLATE: &str = include_str!("../templates/profile.typ");

/// Any table as a landscape document (data: [`table_pdf`]).
pub const TABLE_TEMPLATE: &str = include_str!("../templates/table.typ");

/// A [`Table`](crate::Table) as a landscape PDF: the same columns and cells as
/// its CSV and XLSX, so the three exports match. `widths` are relative
/// column widths, one per column.
pub fn table_pdf(
    t: &crate::Table,
    subtitle: &str,
    widths: &[u32],
    today: time::Date,
) -> Result<Vec<u8>, PdfError> {
    let data = serde_json::json!({
        "title": t.title,
        "subtitle": subtitle,
        "generated": zona_core::format::date(today),
        "headers": t.columns.iter().map(|c| c.header.clone()).collect::<Vec<_>>(),
        "widths": t.columns.iter().enumerate().map(|(i, _)| widths.get(i).copied().unwrap_or(1)).collect::<Vec<_>>(),
        "rows": t.rows.iter().map(|r| r.iter().map(crate::table::display_cell).collect::<Vec<_>>()).collect::<Vec<_>>(),
    });
    render(TABLE_TEMPLATE, &data, today)
}

/// The final report of a co-programming path (data: `zona_app::participation::report_data`).
pub const REPORT_TEMPLATE: &str = include_str!("../templates/report.typ");

/// A project card on one page (data: `zona_app::network::card_data`).
pub const PROJECT_CARD_TEMPLATE: &str = include_str!("../templates/project_card.typ");
