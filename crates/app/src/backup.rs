//! Backup and restore of a whole database.
//!
//! SQLite: the backup is a complete database file, copied while zona serves
//! (`VACUUM INTO`), holding every change committed before the copy began.
//! Restoring puts it in place of the database file, with the server stopped.
//!
//! PostgreSQL: the database's own tools, `pg_dump` in its custom format and
//! `pg_restore`; when they are not installed, the message gives the command
//! to run where they are. A database URL that sets a `search_path` (one
//! schema of a shared database) copies that schema only.

use anyhow::{anyhow, bail, Context, Result};
use std::path::{Path, PathBuf};
use zona_store::Db;

/// The SQLite file a `sqlite://` URL names, without its parameters.
fn sqlite_file(url: &str) -> Option<PathBuf> {
    let path = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))?;
    Some(PathBuf::from(path.split('?').next().unwrap_or(path)))
}

/// The schema a PostgreSQL URL selects with `options=-c search_path=…`.
fn postgres_schema(url: &str) -> Option<String> {
    let query = url.split_once('?')?.1;
    query.split('&').find_map(|pair| {
        let (key, value) = pair.split_once('=')?;
        if key != "options" {
            return None;
        }
        let value = value
            .replace("%20", " ")
            .replace("%3D", "=")
            .replace("%3d", "=");
        let setting = value
            .split_whitespace()
            .find_map(|w| w.strip_prefix("search_path="))?;
        Some(setting.split(',').next()?.trim().to_string())
    })
}

/// Copies the database at `url` into `out`, which must not exist.
pub async fn backup(url: &str, out: &Path) -> Result<()> {
    if out.exists() {
        bail!(
            "{} already exists: choose a new file for the backup",
            out.display()
        );
    }
    if sqlite_file(url).is_some() {
        let db = Db::connect(url).await?;
        let copied = db.backup_into(out).await;
        db.close().await;
        copied.with_context(|| format!("cannot write the backup to {}", out.display()))?;
        return Ok(());
    }
    let mut args = vec![
        "--format=custom".to_string(),
        format!("--file={}", out.display()),
    ];
    if let Some(schema) = postgres_schema(url) {
        args.push(format!("--schema={schema}"));
    }
    args.push(format!("--dbname={url}"));
    run_tool("pg_dump", &args)
}

/// Puts the backup `file` in place of the database at `url`. An existing
/// database is replaced only when `replace` is given; the server must be
/// stopped.
pub async fn restore(file: &Path, url: &str, replace: bool) -> Result<()> {
    if !file.is_file() {
        bail!("{} is not a backup file", file.display());
    }
    let Some(target) = sqlite_file(url) else {
        if !replace {
            bail!("restoring replaces what the database holds: stop zona, then run again with --replace");
        }
        let mut args = vec![
            "--clean".to_string(),
            "--if-exists".to_string(),
            "--no-owner".to_string(),
            "--exit-on-error".to_string(),
            format!("--dbname={url}"),
        ];
        args.push(file.display().to_string());
        return run_tool("pg_restore", &args);
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
    // Copied beside the target first, so the target is replaced whole or not
    // at all. The old database's write-ahead log goes before the new file
    // arrives: left behind, it would be applied to the restored file.
    let staging = PathBuf::from(format!("{}.restoring", target.display()));
    std::fs::copy(file, &staging)
        .with_context(|| format!("cannot copy {} to {}", file.display(), staging.display()))?;
    for suffix in ["-wal", "-shm"] {
        let p = PathBuf::from(format!("{}{suffix}", target.display()));
        if p.exists() {
            std::fs::remove_file(&p).with_context(|| format!("cannot remove {}", p.display()))?;
        }
    }
    std::fs::rename(&staging, &target)
        .with_context(|| format!("cannot move the backup to {}", target.display()))?;
    Ok(())
}

/// Runs a PostgreSQL client tool; when it is missing, says what to run.
fn run_tool(tool: &str, args: &[String]) -> Result<()> {
    match std::process::Command::new(tool).args(args).status() {
        Ok(s) if s.success() => Ok(()),
        Ok(s) => bail!("{tool} failed ({s})"),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => bail!(
            "{tool} is not installed: install the PostgreSQL client tools, or run where they are: {tool} {}",
            args.iter()
                .map(|a| zona_store::redact(a))
                .collect::<Vec<_>>()
                .join(" ")
        ),
        Err(e) => Err(anyhow!("cannot run {tool}: {e}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_name_their_file_and_schema() {
        assert_eq!(
            sqlite_file("sqlite://data/zona.db?mode=rwc"),
            Some(PathBuf::from("data/zona.db"))
        );
        assert_eq!(sqlite_file("postgres://x@h/db"), None);
        assert_eq!(
            postgres_schema("postgres://p@127.0.0.1:5432/test?options=-c%20search_path%3Dzt_1"),
            Some("zt_1".into())
        );
        assert_eq!(postgres_schema("postgres://p@127.0.0.1:5432/test"), None);
    }
}
