//! Backup and restore of a whole database.
//!
//! SQLite: the backup is a complete database file, copied while zona serves
//! (`VACUUM INTO`), holding every change committed before the copy began.
//! Restoring puts it in place of the database file, with the server stopped;
//! the database it replaces is kept beside it as `….before-restore`.
//!
//! PostgreSQL: the database's own tools, `pg_dump` in its custom format and
//! `pg_restore` in one transaction; when they are not installed, the message
//! gives the command to run where they are. When zona's tables live in a
//! schema other than `public` (a `search_path` in the URL), only that schema
//! is copied. The password never appears among the tools' arguments: it
//! reaches them through `PGPASSWORD`.
//!
//! A backup is written to `….partial` and renamed when complete, so a failed
//! one never leaves a file that looks like a backup.

use anyhow::{anyhow, bail, Context, Result};
use std::path::{Path, PathBuf};
use zona_store::Db;

fn partial(out: &Path) -> PathBuf {
    PathBuf::from(format!("{}.partial", out.display()))
}

/// Copies the database at `url` into `out`, which must not exist.
pub async fn backup(url: &str, out: &Path) -> Result<()> {
    if out.exists() {
        bail!(
            "{} already exists: choose a new file for the backup",
            out.display()
        );
    }
    let staging = partial(out);
    let _ = std::fs::remove_file(&staging);
    let written = write_backup(url, &staging).await;
    let done = written.and_then(|()| {
        std::fs::File::open(&staging)?.sync_all()?;
        std::fs::rename(&staging, out)
            .with_context(|| format!("cannot move the backup to {}", out.display()))
    });
    if done.is_err() {
        let _ = std::fs::remove_file(&staging);
    }
    done
}

async fn write_backup(url: &str, to: &Path) -> Result<()> {
    if let Some(file) = zona_store::sqlite_path(url)? {
        // Opening a missing file would create an empty database and back
        // that up.
        if !file.is_file() {
            bail!("there is no database at {}", file.display());
        }
        let db = Db::connect(url).await?;
        let copied = db.backup_into(to).await;
        db.close().await;
        return copied.with_context(|| format!("cannot write the backup to {}", to.display()));
    }
    let schema = current_schema(url).await?;
    let mut args = vec![
        "--format=custom".to_string(),
        format!("--file={}", to.display()),
    ];
    if schema != "public" {
        args.push(format!("--schema={schema}"));
    }
    let (url, password) = zona_store::split_password(url);
    args.push(format!("--dbname={url}"));
    run_tool("pg_dump", &args, password)
}

/// The schema zona's tables are in, as the server resolves the URL.
async fn current_schema(url: &str) -> Result<String> {
    let db = Db::connect(url).await?;
    let schema = db.current_schema().await;
    db.close().await;
    schema?.ok_or_else(|| anyhow!("not a PostgreSQL database"))
}

/// Puts the backup `file` in place of the database at `url`. An existing
/// database is replaced only when `replace` is given; the server must be
/// stopped.
pub async fn restore(file: &Path, url: &str, replace: bool) -> Result<()> {
    if !file.is_file() {
        bail!("{} is not a backup file", file.display());
    }
    let Some(target) = zona_store::sqlite_path(url)? else {
        if !replace {
            bail!("restoring replaces what the database holds: stop zona, then run again with --replace");
        }
        let (url, password) = zona_store::split_password(url);
        let args = [
            "--clean".to_string(),
            "--if-exists".to_string(),
            "--no-owner".to_string(),
            "--single-transaction".to_string(),
            "--exit-on-error".to_string(),
            format!("--dbname={url}"),
            file.display().to_string(),
        ];
        return run_tool("pg_restore", &args, password);
    };
    // A backup that is not a sound zona database is refused before anything
    // is touched.
    let copy = Db::connect(&format!("sqlite://{}?mode=ro", file.display()))
        .await
        .map_err(|e| anyhow!("{} is not a zona database: {e}", file.display()))?;
    let checked = copy.check_integrity().await;
    copy.close().await;
    checked.map_err(|e| anyhow!("{} is not a sound zona database: {e}", file.display()))?;
    if target.exists() && !replace {
        bail!(
            "{} exists: stop zona, then run again with --replace to put the backup in its place",
            target.display()
        );
    }
    if let Some(dir) = target.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)
            .with_context(|| format!("cannot create directory {}", dir.display()))?;
    }
    // Copied beside the target first, so that the target is replaced whole
    // or not at all.
    let staging = PathBuf::from(format!("{}.restoring", target.display()));
    let staged = std::fs::copy(file, &staging)
        .and_then(|_| std::fs::File::open(&staging)?.sync_all())
        .with_context(|| format!("cannot copy {} to {}", file.display(), staging.display()));
    if let Err(e) = staged {
        let _ = std::fs::remove_file(&staging);
        return Err(e);
    }
    if target.exists() {
        set_aside(&target).await?;
    }
    std::fs::rename(&staging, &target)
        .with_context(|| format!("cannot move the backup to {}", target.display()))?;
    Ok(())
}

/// Folds the database's write-ahead log into its file, then moves the file
/// to `….before-restore`: nothing committed is lost, and no old log is left
/// to be applied to the restored file.
async fn set_aside(target: &Path) -> Result<()> {
    let db = Db::connect(&format!("sqlite://{}", target.display())).await?;
    let folded = db.checkpoint().await;
    db.close().await;
    folded.with_context(|| format!("cannot checkpoint {}", target.display()))?;
    let aside = PathBuf::from(format!("{}.before-restore", target.display()));
    std::fs::rename(target, &aside)
        .with_context(|| format!("cannot move {} aside", target.display()))?;
    for suffix in ["-wal", "-shm"] {
        let p = PathBuf::from(format!("{}{suffix}", target.display()));
        if p.exists() {
            std::fs::remove_file(&p).with_context(|| format!("cannot remove {}", p.display()))?;
        }
    }
    Ok(())
}

/// Runs a PostgreSQL client tool; when it is missing, says what to run.
fn run_tool(tool: &str, args: &[String], password: Option<String>) -> Result<()> {
    let mut command = std::process::Command::new(tool);
    command.args(args);
    if let Some(p) = password {
        command.env("PGPASSWORD", p);
    }
    match command.status() {
        Ok(s) if s.success() => Ok(()),
        Ok(s) => bail!("{tool} failed ({s})"),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => bail!(
            "{tool} is not installed: install the PostgreSQL client tools, or run where they are (with the password in PGPASSWORD): {tool} {}",
            args.join(" ")
        ),
        Err(e) => Err(anyhow!("cannot run {tool}: {e}")),
    }
}
