//! Serves [`minimal_api::app`] on 127.0.0.1:8100 for tokens of the issuer
//! at `ISSUER` (default: the demo's, http://127.0.0.1:9000) for the API
//! `http://localhost:8000/api`, callable from `APP_ORIGIN` (default: the
//! minimal app, http://localhost:3100).

use std::{env, error::Error};

use axum::http::HeaderValue;
use bearer_auth::BearerAuth;

#[tokio::main]
async fn main() -> Result<(), Box<dyn Error>> {
    let issuer = env::var("ISSUER").unwrap_or_else(|_| "http://127.0.0.1:9000".into());
    let origin = env::var("APP_ORIGIN").unwrap_or_else(|_| "http://localhost:3100".into());
    let auth = BearerAuth::builder(issuer, "http://localhost:8000/api").build()?;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:8100").await?;
    axum::serve(
        listener,
        minimal_api::app(auth, HeaderValue::from_str(&origin)?),
    )
    .await?;
    Ok(())
}
