//! Password hashing with Argon2id (the `password-auth` defaults), run off the
//! async runtime because a hash takes tens of milliseconds of CPU.

use anyhow::Context;

pub async fn hash(password: String) -> anyhow::Result<String> {
    tokio::task::spawn_blocking(move || password_auth::generate_hash(password))
        .await
        .context("password hashing task failed")
}

/// Verifies a password. With no stored hash (unknown user) a dummy hash is
/// verified anyway, so the answer takes the same time either way.
pub async fn verify(password: String, stored: Option<String>) -> anyhow::Result<bool> {
    tokio::task::spawn_blocking(move || {
        let known = stored.is_some();
        let hash = stored.unwrap_or_else(|| DUMMY_HASH.with(|h| h.clone()));
        let matches = password_auth::verify_password(password, &hash).is_ok();
        known && matches
    })
    .await
    .context("password verification task failed")
}

thread_local! {
    static DUMMY_HASH: String = password_auth::generate_hash("zona-dummy-password");
}
