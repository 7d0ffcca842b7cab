//! Fresh, migrated databases for tests, on either backend.
//!
//! SQLite: a new file in the temporary directory. PostgreSQL: a new schema in
//! the database named by `ZONA_TEST_POSTGRES_URL` (default
//! `postgres://postgres@127.0.0.1:5432/test`), so tests run in parallel without
//! creating databases. Both are removed when the [`TestDb`] is dropped. A
//! PostgreSQL that cannot be reached is an error, never a skip.

use sqlx::postgres::PgConnectOptions;
use sqlx::Connection;
use std::path::PathBuf;
use std::str::FromStr;
pub use zona_store::Backend;
use zona_store::Db;

pub const DEFAULT_POSTGRES_URL: &str = "postgres://postgres@127.0.0.1:5432/test";

pub fn postgres_url() -> String {
    std::env::var("ZONA_TEST_POSTGRES_URL").unwrap_or_else(|_| DEFAULT_POSTGRES_URL.to_string())
}

pub struct TestDb {
    pub db: Db,
    /// The URL another process (the `zona` binary) can use to reach the same data.
    pub url: String,
    cleanup: Cleanup,
}

enum Cleanup {
    File(PathBuf),
    Schema(String),
}

fn unique_name(prefix: &str) -> String {
    format!("{prefix}_{}", &zona_store::sessions::random_token()[..16])
}

impl TestDb {
    pub async fn new(backend: Backend) -> TestDb {
        match backend {
            Backend::Sqlite => {
                let dir = std::env::temp_dir().join(unique_name("zona_test"));
                std::fs::create_dir_all(&dir).expect("create temp dir");
                let url = format!("sqlite://{}", dir.join("zona.db").display());
                let db = Db::connect(&url).await.expect("open SQLite");
                db.migrate().await.expect("migrate SQLite");
                TestDb {
                    db,
                    url,
                    cleanup: Cleanup::File(dir),
                }
            }
            Backend::Postgres => {
                let base = postgres_url();
                let schema = unique_name("zt");
                let mut conn = sqlx::PgConnection::connect(&base).await.unwrap_or_else(|e| {
                    panic!("PostgreSQL is required for the tests and is not reachable at {base}: {e}")
                });
                sqlx::query(&format!("CREATE SCHEMA {schema}"))
                    .execute(&mut conn)
                    .await
                    .expect("create schema");
                let _ = conn.close().await;
                let opts = PgConnectOptions::from_str(&base)
                    .expect("valid URL")
                    .options([("search_path", schema.as_str())])
                    .application_name(&schema);
                let db = Db::connect_postgres(opts)
                    .await
                    .expect("connect PostgreSQL");
                db.migrate().await.expect("migrate PostgreSQL");
                let sep = if base.contains('?') { '&' } else { '?' };
                let url = format!("{base}{sep}options=-c%20search_path%3D{schema}");
                TestDb {
                    db,
                    url,
                    cleanup: Cleanup::Schema(schema),
                }
            }
        }
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        match &self.cleanup {
            Cleanup::File(dir) => {
                let _ = std::fs::remove_dir_all(dir);
            }
            Cleanup::Schema(schema) => {
                let schema = schema.clone();
                // Drop runs inside or outside a runtime; a thread of its own with
                // its own runtime works in both cases.
                let _ = std::thread::spawn(move || {
                    let rt = tokio::runtime::Builder::new_current_thread()
                        .enable_all()
                        .build();
                    if let Ok(rt) = rt {
                        rt.block_on(async move {
                            if let Ok(mut c) = sqlx::PgConnection::connect(&postgres_url()).await {
                                // Connections of the dropped pool may still be open
                                // (a pool closes lazily): end them so the drop
                                // does not wait on their locks.
                                let _ = sqlx::query(
                                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity \
                                     WHERE application_name = $1 AND pid <> pg_backend_pid()",
                                )
                                .bind(&schema)
                                .execute(&mut c)
                                .await;
                                let _ =
                                    sqlx::query(&format!("DROP SCHEMA IF EXISTS {schema} CASCADE"))
                                        .execute(&mut c)
                                        .await;
                                let _ = c.close().await;
                            }
                        });
                    }
                })
                .join();
            }
        }
    }
}

/// Both backends, for tests that must pass on each.
pub const BACKENDS: [Backend; 2] = [Backend::Sqlite, Backend::Postgres];
