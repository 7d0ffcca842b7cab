//! The `zona` command line.

use crate::lists::{self, Filters, ListName};
use crate::{web, Config};
use anyhow::{anyhow, bail, Context, Result};
use clap::{Args, Parser, Subcommand, ValueEnum};
use std::io::{BufRead, IsTerminal, Write};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use zona_core::authz::{Grant, Role};
use zona_store::territory::{self, Deactivatable};
use zona_store::users::{self, UserInput, UserQuery};
use zona_store::{Actor, Db, Page};

const DEFAULT_DATABASE_URL: &str = "sqlite://data/zona.db";

#[derive(Parser)]
#[command(
    name = "zona",
    version,
    about = "zona: integrated social and health planning for an Italian district (Zona Distretto / ATS)",
    long_about = None
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Create a fresh database with the demo zone (Zona Distretto Livornese) and serve it.
    Demo {
        /// Address to listen on.
        #[arg(long, env = "ZONA_BIND", default_value = "127.0.0.1:8080")]
        bind: SocketAddr,
        /// Directory for the demo SQLite database (replaced at every start).
        #[arg(long, default_value = "data")]
        data_dir: PathBuf,
        /// Use this database instead (PostgreSQL: it must be empty).
        #[arg(long)]
        database_url: Option<String>,
        /// Start with every zone of Tuscany (examples/regione-toscana/): the
        /// Zona Livornese with its full demo, the others with their territory.
        #[arg(long)]
        region: bool,
    },
    /// Serve the web application.
    Serve {
        #[command(flatten)]
        db: DbArgs,
        /// Address to listen on.
        #[arg(long, env = "ZONA_BIND", default_value = "127.0.0.1:8080")]
        bind: SocketAddr,
        /// Mark cookies Secure (set this when zona is served over HTTPS).
        #[arg(long, env = "ZONA_SECURE_COOKIES")]
        secure_cookies: bool,
        /// Code of the zone shown to anonymous visitors (default: the first zone).
        #[arg(long, env = "ZONA_PUBLIC_ZONE")]
        public_zone: Option<String>,
        /// Address of a reverse proxy whose X-Forwarded-For is believed
        /// (repeat it, or separate addresses with commas). Without it the
        /// client address is the connection's.
        #[arg(long, env = "ZONA_TRUSTED_PROXIES", value_delimiter = ',')]
        trusted_proxy: Vec<std::net::IpAddr>,
        #[command(flatten)]
        mail: MailArgs,
    },
    /// Copy the database into a new file while zona keeps serving (SQLite:
    /// a database file; PostgreSQL: pg_dump's custom format).
    Backup {
        #[command(flatten)]
        db: DbArgs,
        /// The backup file to write; it must not exist.
        #[arg(long)]
        out: PathBuf,
    },
    /// Put a backup made by `zona backup` in place of the database. Stop
    /// zona first.
    Restore {
        /// The backup file.
        file: PathBuf,
        #[command(flatten)]
        db: DbArgs,
        /// Replace the existing database (everything it holds now is lost).
        #[arg(long)]
        replace: bool,
    },
    /// Apply pending database migrations.
    Migrate {
        #[command(flatten)]
        db: DbArgs,
    },
    /// Create the zones of a new installation.
    Zone {
        #[command(subcommand)]
        command: ZoneCommand,
    },
    /// Manage user accounts.
    User {
        #[command(subcommand)]
        command: UserCommand,
    },
    /// Export a list as CSV (Italian conventions), XLSX or JSON.
    Export(ExportArgs),
    /// A zone's data as files (docs/bundle.md): dump it, load it, check it.
    Bundle {
        #[command(subcommand)]
        command: BundleCommand,
    },
    /// A region's territory as files (docs/region.md): its zones, their
    /// municipalities and their population.
    Region {
        #[command(subcommand)]
        command: RegionCommand,
    },
    /// Fill every zone that has no plan with ten years of synthetic plans
    /// (about 36.000 activity sheets and 100.000 funding lines over the
    /// 27 other zones of Tuscany), SOC26 forms and permanent staff, for
    /// load tests. Everything made is marked synthetic.
    BenchData {
        #[command(flatten)]
        db: DbArgs,
    },
    /// The SOC26 service-objectives form of a municipality.
    Soc26 {
        #[command(subcommand)]
        command: Soc26Command,
    },
    /// The health profile's indicators (docs/health-profile.md).
    Indicators {
        #[command(subcommand)]
        command: IndicatorsCommand,
    },
}

#[derive(Subcommand)]
enum IndicatorsCommand {
    /// Import a .csv or .xlsx file of indicator definitions (it has the
    /// column `polarita`) or of values in the long format (it has `valore`):
    /// all or nothing, with the line and column of each problem.
    Import {
        file: PathBuf,
        #[command(flatten)]
        db: DbArgs,
    },
}

/// E-mail notifications: off unless a mail server is given.
#[derive(Args)]
struct MailArgs {
    /// The mail server: `smtp://host:25` (plain, to a relay on the same
    /// network), `smtp://user:password@host:587?tls=required` (STARTTLS) or
    /// `smtps://user:password@host:465`. Without it, no e-mail is sent.
    #[arg(long, env = "ZONA_SMTP_URL")]
    smtp_url: Option<String>,
    /// The sender of the e-mails.
    #[arg(
        long,
        env = "ZONA_MAIL_FROM",
        default_value = "zona <noreply@localhost>"
    )]
    mail_from: String,
    /// The address people open zona at, for the links in the e-mails
    /// (default: the address zona listens on).
    #[arg(long, env = "ZONA_PUBLIC_URL")]
    public_url: Option<String>,
}

impl MailArgs {
    fn config(self, bind: SocketAddr) -> Result<Option<crate::config::MailConfig>> {
        let Some(smtp_url) = self.smtp_url else {
            return Ok(None);
        };
        crate::mail::check_settings(&smtp_url, &self.mail_from)?;
        Ok(Some(crate::config::MailConfig {
            smtp_url,
            from: self.mail_from,
            public_url: self
                .public_url
                .unwrap_or_else(|| format!("http://{bind}"))
                .trim_end_matches('/')
                .to_string(),
            retry_after: std::time::Duration::from_secs(60),
            digest_hour: 7,
        }))
    }
}

#[derive(Subcommand)]
enum Soc26Command {
    /// Read a form as JSON (format in docs/soc26.md) and print it complete,
    /// with every computed value and sentence, as JSON.
    Compute {
        /// The form as JSON; `-` reads standard input.
        file: PathBuf,
    },
    /// Load the forms of many municipalities from CSV (`;`, as exported) or
    /// XLSX, one municipality per row identified by `codice_istat`. A file
    /// with any error loads nothing.
    Import {
        /// A .csv or .xlsx file in the tabular layout of docs/soc26.md.
        file: PathBuf,
        /// Zone code (default: the only zone).
        #[arg(long)]
        zone: Option<String>,
        #[command(flatten)]
        db: DbArgs,
    },
}

#[derive(Subcommand)]
enum BundleCommand {
    /// Write a zone's bundle: a new folder of CSV files, or one XLSX file.
    Dump {
        /// The zone's code, e.g. ZD-LIV.
        #[arg(long)]
        zone: String,
        /// The folder (CSV) or file (XLSX) to create; it must not exist.
        #[arg(long)]
        out: PathBuf,
        #[arg(long, value_enum, default_value = "csv")]
        format: BundleFormatArg,
        #[command(flatten)]
        db: DbArgs,
    },
    /// Load a bundle (a folder, or an .xlsx file): all of it or nothing.
    Load {
        /// The bundle's folder or XLSX file.
        path: PathBuf,
        /// Check everything and report what would change, writing nothing.
        #[arg(long)]
        check: bool,
        #[command(flatten)]
        db: DbArgs,
    },
    /// Print the data dictionary of the bundle format (docs/bundle.md).
    Dictionary,
}

#[derive(Subcommand)]
enum RegionCommand {
    /// Load a regional bundle (a folder, or an .xlsx file): every zone is
    /// checked before any is written.
    Load {
        /// The bundle's folder or XLSX file.
        path: PathBuf,
        /// Check everything and report what would change, writing nothing.
        #[arg(long)]
        check: bool,
        #[command(flatten)]
        db: DbArgs,
    },
}

#[derive(Clone, Copy, ValueEnum)]
enum BundleFormatArg {
    Csv,
    Xlsx,
}

#[derive(Args)]
struct DbArgs {
    /// Database URL: sqlite://FILE or postgres://USER@HOST:PORT/DATABASE.
    #[arg(long, env = "ZONA_DATABASE_URL", default_value = DEFAULT_DATABASE_URL)]
    database_url: String,
}

#[derive(Subcommand)]
enum ZoneCommand {
    /// Create a zone, and its region when it does not exist yet.
    Add {
        #[command(flatten)]
        db: DbArgs,
        /// Region code, e.g. RT.
        #[arg(long)]
        region_code: String,
        /// Region name, used when the region is created.
        #[arg(long)]
        region_name: Option<String>,
        /// Zone code, e.g. ZD-LIV.
        #[arg(long)]
        code: String,
        /// Zone name, e.g. "Zona Distretto Livornese".
        #[arg(long)]
        name: String,
        /// Lead organisation of the social district, e.g. "Comune di
        /// Livorno" (`--lead-body` is its former name).
        #[arg(long, alias = "lead-body")]
        lead_organisation: Option<String>,
    },
    /// List zones.
    List {
        #[command(flatten)]
        db: DbArgs,
    },
}

#[derive(Subcommand)]
enum UserCommand {
    /// Create a user; the password is read from standard input.
    Add {
        #[command(flatten)]
        db: DbArgs,
        #[arg(long)]
        username: String,
        #[arg(long)]
        full_name: String,
        #[arg(long)]
        email: Option<String>,
        /// Zone code (default: the only zone, when there is one).
        #[arg(long)]
        zone: Option<String>,
        /// Role to grant.
        #[arg(long, value_enum)]
        role: Option<RoleArg>,
        /// Unit id, for --role unit-editor.
        #[arg(long)]
        unit_id: Option<i64>,
        /// Organisation id, for --role third-sector.
        #[arg(long)]
        organisation_id: Option<i64>,
    },
    /// List users.
    List {
        #[command(flatten)]
        db: DbArgs,
    },
    /// Set a user's password, read from standard input.
    SetPassword {
        #[command(flatten)]
        db: DbArgs,
        #[arg(long)]
        username: String,
    },
    /// Print a one-time link with which a user sets their own password
    /// (for users loaded from a zone bundle, who have none).
    Invite {
        #[command(flatten)]
        db: DbArgs,
        #[arg(long)]
        username: String,
        /// How many days the link works (1 to 30).
        #[arg(long, default_value_t = 7)]
        days: i64,
        /// The address people open zona at, e.g. https://zona.example.it
        #[arg(long, env = "ZONA_BASE_URL", default_value = "http://127.0.0.1:8080")]
        base_url: String,
    },
    /// Disable a user: no more logins, open sessions end.
    Disable {
        #[command(flatten)]
        db: DbArgs,
        #[arg(long)]
        username: String,
    },
}

#[derive(Clone, Copy, ValueEnum)]
enum RoleArg {
    PlanningOffice,
    UnitEditor,
    ThirdSector,
    Viewer,
    /// Reads every zone of the zone's region and edits its shared frame.
    Region,
}

impl From<RoleArg> for Role {
    fn from(r: RoleArg) -> Role {
        match r {
            RoleArg::PlanningOffice => Role::PlanningOffice,
            RoleArg::UnitEditor => Role::UnitEditor,
            RoleArg::ThirdSector => Role::ThirdSector,
            RoleArg::Viewer => Role::Viewer,
            RoleArg::Region => Role::Region,
        }
    }
}

#[derive(Clone, Copy, ValueEnum)]
enum FormatArg {
    Csv,
    Xlsx,
    Json,
    /// Not for the administration lists: for `poa` (the document for the
    /// mayors' conference), `co-design` (the table of the POA chapter) and
    /// the network's tables.
    Pdf,
}

#[derive(Clone, Copy, ValueEnum)]
enum StatusArg {
    Active,
    Inactive,
}

#[derive(Args)]
struct ExportArgs {
    /// The list: regions, zones, municipalities, organisations, units, users,
    /// audit-log; `poa`, the annual operating plan of `--year` (CSV and
    /// JSON: one row per activity sheet; XLSX: the whole plan with its budget);
    /// `co-design`, the co-design registry (PDF: the table of the POA chapter);
    /// `facilities`, `services-matrix`, `dm77-check`, `projects`: the
    /// network of services (PDF too); `indicators`, every value of the
    /// health profile's indicators in the long format of
    /// docs/health-profile.md (it imports again).
    list: String,
    /// The year of the plan (`poa` only).
    #[arg(long)]
    year: Option<i64>,
    #[arg(long, value_enum)]
    format: FormatArg,
    /// Write here instead of standard output.
    #[arg(long)]
    out: Option<PathBuf>,
    /// Text search, as in the list's search box.
    #[arg(long)]
    q: Option<String>,
    #[arg(long, value_enum)]
    status: Option<StatusArg>,
    /// Organisation kind: health_authority, municipality, third_sector_body, other_public_body.
    #[arg(long)]
    kind: Option<String>,
    /// Role code (users): planning_office, unit_editor, third_sector, viewer.
    #[arg(long)]
    role: Option<String>,
    /// Zone code; lists of zone-bound records default to the only zone,
    /// municipalities to every zone.
    #[arg(long)]
    zone: Option<String>,
    #[command(flatten)]
    db: DbArgs,
}

pub fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() {
                ExitCode::from(2)
            } else {
                ExitCode::SUCCESS
            };
        }
    };
    init_tracing();
    let rt = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: cannot start the runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match rt.block_on(run(cli)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn init_tracing() {
    let filter = tracing_subscriber::EnvFilter::try_from_env("ZONA_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info,sqlx=warn,tower_http=warn"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .try_init();
}

/// Opens and migrates the database, creating the directory of a SQLite file.
pub async fn open(url: &str) -> Result<Db> {
    if let Some(file) = zona_store::sqlite_path(url)? {
        if let Some(dir) = file.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir)
                .with_context(|| format!("cannot create directory {}", dir.display()))?;
        }
    }
    let db = Db::connect(url).await?;
    db.migrate().await?;
    // A damaged file must stop zona at the start, not answer pages with errors.
    db.check_integrity().await?;
    Ok(db)
}

async fn bind(addr: SocketAddr) -> Result<tokio::net::TcpListener> {
    tokio::net::TcpListener::bind(addr).await.map_err(|e| match e.kind() {
        std::io::ErrorKind::AddrInUse => anyhow!("cannot listen on {addr}: the address is already in use (is zona already running?); choose another with --bind"),
        std::io::ErrorKind::PermissionDenied => anyhow!("cannot listen on {addr}: permission denied; choose a port above 1024 with --bind"),
        _ => anyhow!("cannot listen on {addr}: {e}"),
    })
}

async fn run(cli: Cli) -> Result<()> {
    match cli.command {
        Command::Demo {
            bind: addr,
            data_dir,
            database_url,
            region,
        } => {
            let listener = bind(addr).await?;
            let url = match database_url {
                Some(u) => u,
                None => {
                    std::fs::create_dir_all(&data_dir)
                        .with_context(|| format!("cannot create {}", data_dir.display()))?;
                    let file = data_dir.join("zona-demo.db");
                    for suffix in ["", "-wal", "-shm"] {
                        let p = PathBuf::from(format!("{}{suffix}", file.display()));
                        if p.exists() {
                            std::fs::remove_file(&p).with_context(|| {
                                format!("cannot remove the old demo database {}", p.display())
                            })?;
                        }
                    }
                    format!("sqlite://{}", file.display())
                }
            };
            let db = open(&url).await?;
            if !db.is_empty().await? {
                bail!("the database is not empty: the demo needs a fresh database (for PostgreSQL, create an empty one)");
            }
            if region {
                let zones = crate::demo::load_region(&db).await?;
                println!("zona demo: Regione Toscana, {zones} zone");
            }
            let mut accounts = crate::demo::load(&db).await?;
            if region {
                accounts.push(crate::demo::add_regional_account(&db).await?);
            }
            let state = web::AppState::new(
                db,
                Arc::new(Config {
                    bind: addr,
                    public_zone: Some(crate::demo::ZONE.to_string()),
                    ..Config::default()
                }),
            );
            println!("zona demo: Zona Distretto Livornese");
            println!("database: {}", zona_store::redact(&url));
            println!("open http://{}/ in a browser", listener.local_addr()?);
            println!(
                "demo accounts (password for all: {}):",
                crate::demo::DEMO_PASSWORD
            );
            for (username, role) in accounts {
                println!("  {username:<16} {role}");
            }
            web::serve(listener, state).await?;
            Ok(())
        }
        Command::Serve {
            db,
            bind: addr,
            secure_cookies,
            public_zone,
            trusted_proxy,
            mail,
        } => {
            let mail = mail.config(addr)?;
            let database = open(&db.database_url).await?;
            let listener = bind(addr).await?;
            let config = Config {
                bind: addr,
                secure_cookies,
                public_zone,
                trusted_proxies: trusted_proxy,
                mail,
                ..Config::default()
            };
            tracing::info!(
                "zona listening on http://{}/ (database {})",
                listener.local_addr()?,
                zona_store::redact(&db.database_url)
            );
            web::serve(listener, web::AppState::new(database, Arc::new(config))).await?;
            Ok(())
        }
        Command::Backup { db, out } => {
            crate::backup::backup(&db.database_url, &out).await?;
            println!(
                "backup of {} written to {}",
                zona_store::redact(&db.database_url),
                out.display()
            );
            Ok(())
        }
        Command::Restore { file, db, replace } => {
            crate::backup::restore(&file, &db.database_url, replace).await?;
            println!(
                "{} restored into {}",
                file.display(),
                zona_store::redact(&db.database_url)
            );
            Ok(())
        }
        Command::Migrate { db } => {
            open(&db.database_url).await?;
            println!(
                "database is up to date: {}",
                zona_store::redact(&db.database_url)
            );
            Ok(())
        }
        Command::Zone { command } => zone(command).await,
        Command::User { command } => user(command).await,
        Command::Export(args) => export(args).await,
        Command::Bundle { command } => bundle(command).await,
        Command::Region {
            command: RegionCommand::Load { path, check, db },
        } => load_region(&path, check, &db.database_url).await,
        Command::BenchData { db } => bench_data(&db.database_url).await,
        Command::Soc26 {
            command: Soc26Command::Compute { file },
        } => soc26_compute(&file),
        Command::Soc26 {
            command: Soc26Command::Import { file, zone, db },
        } => crate::soc26_import::run(&file, zone.as_deref(), &db.database_url).await,
        Command::Indicators {
            command: IndicatorsCommand::Import { file, db },
        } => import_indicators(&file, &db.database_url).await,
    }
}

async fn bench_data(url: &str) -> Result<()> {
    let db = open(url).await?;
    let started = std::time::Instant::now();
    let made = crate::bench_data::fill(&db, crate::bench_data::Scale::REGION, |done, of, zone| {
        if done < of {
            eprintln!("zona bench-data: zona {} di {of}, {zone}", done + 1);
        }
    })
    .await?;
    println!(
        "zona bench-data: {} zone, {} POA, {} schede attività, {} righe di finanziamento, {} schede SOC26 ({}), in {:.0} s",
        made.zones,
        made.plans,
        made.sheets,
        made.funding_lines,
        made.forms,
        crate::bench_data::MARK,
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

async fn bundle(cmd: BundleCommand) -> Result<()> {
    use crate::bundle::{self, Format};
    match cmd {
        BundleCommand::Dump {
            zone,
            out,
            format,
            db,
        } => {
            let database = open(&db.database_url).await?;
            let format = match format {
                BundleFormatArg::Csv => Format::Csv,
                BundleFormatArg::Xlsx => Format::Xlsx,
            };
            match bundle::dump(&database, &zone, &out, format).await? {
                Ok(rows) => {
                    println!("zone {zone}: {rows} rows written to {}", out.display());
                    Ok(())
                }
                Err(problems) => {
                    bundle::print_problems("Il pacchetto non è stato scritto:", &problems);
                    bail!("the bundle was not written")
                }
            }
        }
        BundleCommand::Load { path, check, db } => {
            let database = open(&db.database_url).await?;
            let read = bundle::read(&path).await?;
            let result = match read {
                Ok(b) => bundle::load(&database, &b, check).await?.map(|r| (b, r)),
                Err(p) => Err(p),
            };
            match result {
                Ok((b, report)) => {
                    println!(
                        "{} {}: {}",
                        if check {
                            "Verifica del pacchetto della zona"
                        } else {
                            "Pacchetto caricato: zona"
                        },
                        b.manifest.zone,
                        if check && report.changes() == 0 {
                            "nessuna modifica".to_string()
                        } else if check {
                            format!("{} modifiche se caricato", report.changes())
                        } else {
                            format!("{} modifiche", report.changes())
                        }
                    );
                    for t in &report.tables {
                        if t.inserted + t.updated + t.deleted + t.unchanged + t.kept > 0 {
                            print!(
                                "  {:<24} {} nuove, {} modificate, {} tolte, {} invariate",
                                t.file, t.inserted, t.updated, t.deleted, t.unchanged
                            );
                            if t.kept > 0 {
                                print!(
                                    ", {} condivise con altre zone e diverse dal pacchetto: lasciate come sono",
                                    t.kept
                                );
                            }
                            println!();
                        }
                    }
                    Ok(())
                }
                Err(problems) => {
                    bundle::print_problems(
                        "Il pacchetto non è stato caricato: nessun dato è cambiato.",
                        &problems,
                    );
                    bail!("the bundle was refused")
                }
            }
        }
        BundleCommand::Dictionary => {
            print!("{}", bundle::dictionary());
            Ok(())
        }
    }
}

async fn load_region(path: &std::path::Path, check: bool, url: &str) -> Result<()> {
    let database = open(url).await?;
    let result = match crate::region::read(path).await? {
        Ok(r) => crate::region::load(&database, &r, check)
            .await?
            .map(|report| (r, report)),
        Err(p) => Err(p),
    };
    match result {
        Ok((r, report)) => {
            println!(
                "{} {}: {} zone, {} comuni; {}",
                if check {
                    "Verifica del pacchetto della regione"
                } else {
                    "Pacchetto caricato: regione"
                },
                r.region,
                r.zones.len(),
                r.municipalities(),
                match (check, report.changes()) {
                    (true, 0) | (false, 0) => "nessuna modifica".to_string(),
                    (true, n) => format!("{n} modifiche se caricato"),
                    (false, n) => format!("{n} modifiche"),
                }
            );
            for (zone, z) in &report.zones {
                println!("  {zone:<12} {} modifiche", z.changes());
            }
            Ok(())
        }
        Err(problems) => {
            crate::bundle::print_problems(
                "Il pacchetto regionale non è stato caricato: nessun dato è cambiato.",
                &problems,
            );
            bail!("the regional bundle was refused")
        }
    }
}

async fn zone(cmd: ZoneCommand) -> Result<()> {
    let cli = Actor::system("cli");
    match cmd {
        ZoneCommand::Add {
            db,
            region_code,
            region_name,
            code,
            name,
            lead_organisation,
        } => {
            let db = open(&db.database_url).await?;
            let region_code = zona_core::org::parse_code(&region_code)
                .map_err(|m| anyhow!("region code refused: {m}"))?;
            let code =
                zona_core::org::parse_code(&code).map_err(|m| anyhow!("zone code refused: {m}"))?;
            let (regions, _) =
                territory::list_regions(&db, &Default::default(), Page::all()).await?;
            let region_id = match regions.iter().find(|r| r.code == region_code) {
                Some(r) => r.id,
                None => {
                    let name = region_name.ok_or_else(|| {
                        anyhow!(
                            "region {region_code} does not exist: give its name with --region-name"
                        )
                    })?;
                    territory::create_region(
                        &db,
                        &cli,
                        &territory::RegionInput {
                            code: region_code.clone(),
                            name,
                        },
                    )
                    .await?
                }
            };
            let input = territory::ZoneInput {
                region_id,
                code: code.clone(),
                name,
                lead_organisation,
                seat_municipality_id: None,
            };
            let id = territory::create_zone(&db, &cli, &input)
                .await
                .map_err(|e| match e {
                    zona_store::StoreError::Duplicate { field } => {
                        anyhow!("a zone with the same {field} already exists")
                    }
                    other => other.into(),
                })?;
            println!("zone {code} created (id {id})");
            Ok(())
        }
        ZoneCommand::List { db } => {
            let db = open(&db.database_url).await?;
            let (zones, _) = territory::list_zones(&db, &Default::default(), Page::all()).await?;
            for z in zones {
                println!("{:<12} {:<40} {}", z.code, z.name, z.region_name);
            }
            Ok(())
        }
    }
}

pub(crate) async fn zone_id(db: &Db, code: Option<&str>) -> Result<i64> {
    match code {
        Some(c) => Ok(territory::get_zone_by_code(db, c)
            .await?
            .ok_or_else(|| anyhow!("no zone with code {c}"))?
            .id),
        None => {
            let (zones, n) = territory::list_zones(db, &Default::default(), Page::first(2)).await?;
            match n {
                0 => bail!("the database has no zone yet"),
                1 => Ok(zones[0].id),
                _ => bail!("the database has several zones: choose one with --zone CODE"),
            }
        }
    }
}

/// Reads a password from standard input: hidden at a terminal, the first
/// line otherwise (for scripts). Never from the command line.
fn read_password(username: &str) -> Result<String> {
    let password = if std::io::stdin().is_terminal() {
        let p = rpassword::prompt_password("New password: ")?;
        let again = rpassword::prompt_password("Repeat it: ")?;
        if p != again {
            bail!("the two passwords differ");
        }
        p
    } else {
        let mut line = String::new();
        std::io::stdin().lock().read_line(&mut line)?;
        line.trim_end_matches(['\n', '\r']).to_string()
    };
    zona_core::org::check_new_password(&password, username)
        .map_err(|m| anyhow!("password refused: {m}"))?;
    Ok(password)
}

async fn user(cmd: UserCommand) -> Result<()> {
    let cli = Actor::system("cli");
    match cmd {
        UserCommand::Add {
            db,
            username,
            full_name,
            email,
            zone,
            role,
            unit_id,
            organisation_id,
        } => {
            let db = open(&db.database_url).await?;
            let username = zona_core::org::parse_username(&username)
                .map_err(|m| anyhow!("username refused: {m}"))?;
            let email = zona_core::validation::optional_email(email.as_deref().unwrap_or(""))
                .map_err(|m| anyhow!("email refused: {m}"))?;
            let zone_id = zone_id(&db, zone.as_deref()).await?;
            let grant = role.map(|r| Grant {
                role: r.into(),
                zone_id,
                unit_id,
                organisation_id,
            });
            if let Some(g) = &grant {
                g.check_scope().map_err(|m| anyhow!("role refused: {m}"))?;
            }
            let password = read_password(&username)?;
            let hash = crate::passwords::hash(password).await?;
            let input = UserInput {
                username: username.clone(),
                full_name,
                email,
                zone_id,
                organisation_id: None,
            };
            let id = users::create_user(&db, &cli, &input, &hash, false)
                .await
                .map_err(|e| match e {
                    zona_store::StoreError::Duplicate { .. } => {
                        anyhow!("a user named {username} already exists")
                    }
                    other => other.into(),
                })?;
            if let Some(g) = grant {
                users::add_role(&db, &cli, id, &g).await?;
            }
            println!("user {username} created (id {id})");
            Ok(())
        }
        UserCommand::List { db } => {
            let db = open(&db.database_url).await?;
            let (list, _) = users::list_users(&db, &UserQuery::default(), Page::all()).await?;
            let mut out = std::io::stdout().lock();
            writeln!(
                out,
                "{:<6} {:<20} {:<30} {:<8} ROLES",
                "ID", "USERNAME", "NAME", "ACTIVE"
            )?;
            for u in list {
                writeln!(
                    out,
                    "{:<6} {:<20} {:<30} {:<8} {}",
                    u.id,
                    u.username,
                    u.full_name,
                    if u.active { "yes" } else { "no" },
                    u.roles.unwrap_or_default()
                )?;
            }
            Ok(())
        }
        UserCommand::SetPassword { db, username } => {
            let db = open(&db.database_url).await?;
            let u = users::get_user_by_username(&db, &username.to_lowercase())
                .await?
                .ok_or_else(|| anyhow!("no user named {username}"))?;
            let password = read_password(&u.username)?;
            let hash = crate::passwords::hash(password).await?;
            users::set_password(&db, &cli, u.id, &hash, false, None).await?;
            println!(
                "password of {} changed; its sessions were closed",
                u.username
            );
            Ok(())
        }
        UserCommand::Invite {
            db,
            username,
            days,
            base_url,
        } => {
            let db = open(&db.database_url).await?;
            let token = match crate::usecase::sessions::invite(&db, &cli, &username, days).await {
                Ok(t) => t,
                Err(crate::usecase::Error::NotFound) => bail!("no user named {username}"),
                Err(crate::usecase::Error::Refused(m)) => bail!("{m}"),
                Err(e) => return Err(e.into()),
            };
            println!("{}/accesso/invito/{token}", base_url.trim_end_matches('/'));
            eprintln!(
                "one-time link for {username}, valid for {days} days: give it to the person only"
            );
            Ok(())
        }
        UserCommand::Disable { db, username } => {
            let db = open(&db.database_url).await?;
            let u = users::get_user_by_username(&db, &username.to_lowercase())
                .await?
                .ok_or_else(|| anyhow!("no user named {username}"))?;
            territory::set_active(
                &db,
                &cli,
                Deactivatable::User,
                u.id,
                false,
                Some(u.zone_id),
                &format!("l'utente «{}»", u.username),
            )
            .await?;
            println!("user {} disabled", u.username);
            Ok(())
        }
    }
}

fn soc26_compute(file: &std::path::Path) -> Result<()> {
    let text = if file.as_os_str() == "-" {
        std::io::read_to_string(std::io::stdin()).context("cannot read standard input")?
    } else {
        std::fs::read_to_string(file).with_context(|| format!("cannot read {}", file.display()))?
    };
    // The form of the year the file declares; the latest one otherwise.
    let declared = serde_json::from_str::<serde_json::Value>(&text)
        .ok()
        .and_then(|v| v.get("year").and_then(|y| y.as_i64()));
    let spec = match declared {
        Some(y) => zona_core::soc26::Soc26Spec::for_year(y as i32)
            .ok_or_else(|| anyhow!("zona has no SOC26 form for the year {y}"))?,
        None => zona_core::soc26::Soc26Spec::latest(),
    };
    match zona_core::soc26_json::compute_json(&spec, &text) {
        Ok(v) => {
            let mut out = std::io::stdout().lock();
            serde_json::to_writer_pretty(&mut out, &v)?;
            writeln!(out)?;
            Ok(())
        }
        Err(problems) => {
            for p in &problems {
                eprintln!("{}: {}", p.field, p.message);
            }
            bail!(
                "{} has {} problem(s): the form was not computed",
                file.display(),
                problems.len()
            )
        }
    }
}

fn write_out(out: Option<PathBuf>, bytes: &[u8], what: &str) -> Result<()> {
    match out {
        Some(path) => {
            std::fs::write(&path, bytes)
                .with_context(|| format!("cannot write {}", path.display()))?;
            eprintln!("{what} written to {}", path.display());
        }
        None => std::io::stdout().lock().write_all(bytes)?,
    }
    Ok(())
}

async fn export_poa(a: ExportArgs) -> Result<()> {
    let year = a
        .year
        .ok_or_else(|| anyhow!("`zona export poa` needs --year YEAR"))?;
    let db = open(&a.db.database_url).await?;
    let zone = zone_id(&db, a.zone.as_deref()).await?;
    let data = crate::poa::PoaData::load(&db, zone, year)
        .await?
        .ok_or_else(|| anyhow!("the zone has no annual operating plan for {year}"))?;
    let q = zona_store::sheets::SheetQuery {
        text: a.q.clone(),
        ..Default::default()
    };
    let (bytes, what) = match a.format {
        FormatArg::Xlsx => (
            crate::poa::workbook(&db, &data).await?,
            format!("POA {year}"),
        ),
        FormatArg::Pdf => (
            crate::poa::pdf(&db, zone, &data).await?,
            format!("POA {year}"),
        ),
        FormatArg::Csv | FormatArg::Json => {
            let table = crate::poa::sheets_table(&db, &data, &q).await?;
            let format = if matches!(a.format, FormatArg::Csv) {
                zona_reports::ExportFormat::Csv
            } else {
                zona_reports::ExportFormat::Json
            };
            (
                table.write(format)?,
                format!("{} activity sheets", table.rows.len()),
            )
        }
    };
    write_out(a.out, &bytes, &what)
}

async fn export_codesign(a: ExportArgs) -> Result<()> {
    let db = open(&a.db.database_url).await?;
    let zone = zone_id(&db, a.zone.as_deref()).await?;
    let q = zona_store::codesign::AgreementQuery {
        text: a.q.clone(),
        ..Default::default()
    };
    let rows = zona_store::codesign::list_agreements(&db, zone, &q).await?;
    let what = format!("{} co-design agreements", rows.len());
    let bytes = match a.format {
        FormatArg::Pdf => {
            let z = zona_store::territory::get_zone(&db, zone)
                .await?
                .ok_or_else(|| anyhow!("zone not found"))?;
            crate::codesign::pdf(&rows, &z.name, time::OffsetDateTime::now_utc().date())?
        }
        f => {
            let table = crate::codesign::export_table(&rows, "Co-progettazione");
            table.write(match f {
                FormatArg::Csv => zona_reports::ExportFormat::Csv,
                FormatArg::Xlsx => zona_reports::ExportFormat::Xlsx,
                _ => zona_reports::ExportFormat::Json,
            })?
        }
    };
    write_out(a.out, &bytes, &what)
}

/// The network's tables: facilities, services matrix (Case della Comunità),
/// DM 77/2022 check, projects.
async fn export_network(a: ExportArgs) -> Result<()> {
    use crate::network as nw;
    let db = open(&a.db.database_url).await?;
    let zone = zone_id(&db, a.zone.as_deref()).await?;
    let z = zona_store::territory::get_zone(&db, zone)
        .await?
        .ok_or_else(|| anyhow!("zone not found"))?;
    let facilities = zona_store::network::list_facilities(&db, zone).await?;
    let (table, subtitle, widths) = match a.list.as_str() {
        "facilities" => (
            nw::facilities_table(&facilities),
            z.name.clone(),
            vec![4, 3, 1, 2, 2, 2, 2, 2, 1, 3, 1, 4, 2, 2, 3],
        ),
        "services-matrix" => {
            let houses = nw::matrix_facilities(
                &facilities,
                zona_core::network::FacilityKind::CommunityHouse,
            );
            let mut widths = vec![4];
            widths.extend(std::iter::repeat_n(2, houses.len()));
            (
                nw::matrix_table(&houses, &nw::service_terms(&db).await?),
                z.name.clone(),
                widths,
            )
        }
        "dm77-check" => {
            let c = nw::dm77_check(&db, zone).await?;
            (
                nw::dm77_table(&c),
                format!(
                    "{} – popolazione {} = {} – {}",
                    z.name,
                    zona_core::format::thousands(c.population),
                    c.population_how,
                    c.verdict.text()
                ),
                nw::DM77_WIDTHS.to_vec(),
            )
        }
        _ => (
            nw::projects_table(&zona_store::projects::list_projects(&db, zone).await?),
            z.name.clone(),
            vec![4, 1, 2, 3, 3, 2, 2, 2, 1, 1, 1],
        ),
    };
    let today = time::OffsetDateTime::now_utc().date();
    let bytes = match a.format {
        FormatArg::Pdf => zona_reports::pdf::table_pdf(&table, &subtitle, &widths, today)?,
        FormatArg::Csv => table.write(zona_reports::ExportFormat::Csv)?,
        FormatArg::Xlsx => table.write(zona_reports::ExportFormat::Xlsx)?,
        FormatArg::Json => table.write(zona_reports::ExportFormat::Json)?,
    };
    write_out(a.out, &bytes, &format!("{} rows", table.rows.len()))
}

async fn import_indicators(path: &std::path::Path, database_url: &str) -> Result<()> {
    let xlsx = match path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase)
        .as_deref()
    {
        Some("csv") => false,
        Some("xlsx") => true,
        _ => bail!("{}: use a .csv or .xlsx file", path.display()),
    };
    let size = std::fs::metadata(path)
        .with_context(|| format!("cannot read {}", path.display()))?
        .len();
    if size > crate::import::MAX_FILE_BYTES as u64 {
        bail!(
            "{}: il file supera i {} MB ammessi per un'importazione",
            path.display(),
            crate::import::MAX_FILE_BYTES / (1024 * 1024)
        );
    }
    let bytes = std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
    let db = open(database_url).await?;
    let actor = Actor::system("zona indicators import");
    match crate::usecase::profile::import(&db, &actor, &bytes, xlsx).await {
        Ok(done) => {
            println!("{}: {}", path.display(), done.describe());
            Ok(())
        }
        Err(crate::usecase::Error::Refused(m)) => {
            eprintln!("{m}");
            bail!("{}: not imported", path.display())
        }
        Err(e) => Err(e.into()),
    }
}

/// Every value of the health profile's indicators, in the long format.
async fn export_indicators(a: ExportArgs) -> Result<()> {
    let db = open(&a.db.database_url).await?;
    let table = crate::usecase::profile::values_table(&db).await?;
    let what = format!("{} indicator values", table.rows.len());
    let bytes = table.write(match a.format {
        FormatArg::Csv => zona_reports::ExportFormat::Csv,
        FormatArg::Xlsx => zona_reports::ExportFormat::Xlsx,
        FormatArg::Json => zona_reports::ExportFormat::Json,
        _ => bail!("indicators export to csv, xlsx or json"),
    })?;
    write_out(a.out, &bytes, &what)
}

async fn export(a: ExportArgs) -> Result<()> {
    if a.list == "indicators" {
        return export_indicators(a).await;
    }
    if ["facilities", "services-matrix", "dm77-check", "projects"].contains(&a.list.as_str()) {
        if a.year.is_some() {
            bail!("--year applies only to `zona export poa`");
        }
        return export_network(a).await;
    }
    if a.list == "poa" {
        return export_poa(a).await;
    }
    if a.year.is_some() {
        bail!("--year applies only to `zona export poa`");
    }
    if a.list == "co-design" {
        return export_codesign(a).await;
    }
    let list = ListName::from_cli(&a.list).ok_or_else(|| {
        let names: Vec<&str> = ListName::ALL.iter().map(|l| l.cli_name()).collect();
        anyhow!(
            "unknown list `{}`: choose one of {}, poa, co-design, facilities, services-matrix, dm77-check, projects, indicators",
            a.list,
            names.join(", ")
        )
    })?;
    let db = open(&a.db.database_url).await?;
    let mut f = Filters {
        text: a.q.unwrap_or_default(),
        active: a.status.map(|s| matches!(s, StatusArg::Active)),
        kind: a.kind,
        role: a.role,
        ..Default::default()
    };
    if let Some(k) = &f.kind {
        if zona_core::org::OrganisationKind::from_code(k).is_none() {
            bail!("unknown organisation kind `{k}`");
        }
    }
    if let Some(r) = &f.role {
        if Role::from_code(r).is_none() {
            bail!("unknown role `{r}`");
        }
    }
    // Municipalities are listed for every zone unless one is chosen: with
    // `zona export zones`, the whole territory.
    let every_zone = matches!(list, ListName::Regions | ListName::Zones)
        || (list == ListName::Municipalities && a.zone.is_none());
    if !every_zone {
        f.zone_id = Some(zone_id(&db, a.zone.as_deref()).await?);
    }
    let table = lists::table(&db, list, &f).await?;
    let format = match a.format {
        FormatArg::Csv => zona_reports::ExportFormat::Csv,
        FormatArg::Xlsx => zona_reports::ExportFormat::Xlsx,
        FormatArg::Json => zona_reports::ExportFormat::Json,
        FormatArg::Pdf => {
            bail!("PDF is available for `zona export poa`, `zona export co-design` and the network's tables (facilities, services-matrix, dm77-check, projects) only")
        }
    };
    let bytes = table.write(format)?;
    write_out(a.out, &bytes, &format!("{} rows", table.rows.len()))
}
