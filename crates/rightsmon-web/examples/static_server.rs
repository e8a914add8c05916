//! The reference side of the portal benchmark (`bench/portal/run`): a minimal server that answers
//! each of the given paths with the bytes of a file, held in memory, on the same HTTP stack
//! (hyper through axum) as Rights Monitor.
//!
//! Usage: static_server ADDR PATH=FILE:CONTENT-TYPE [PATH=FILE:CONTENT-TYPE ...]
#![allow(clippy::expect_used)]

use axum::Router;
use axum::http::header;
use axum::routing::get;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let mut args = std::env::args().skip(1);
    let address = args.next().ok_or_else(|| anyhow::anyhow!("usage: static_server ADDR PATH=FILE:CONTENT-TYPE ..."))?;
    let mut router = Router::new();
    for spec in args {
        let (path, rest) = spec.split_once('=').ok_or_else(|| anyhow::anyhow!("{spec}: expected PATH=FILE:CONTENT-TYPE"))?;
        let (file, content_type) = rest.rsplit_once(':').ok_or_else(|| anyhow::anyhow!("{spec}: expected PATH=FILE:CONTENT-TYPE"))?;
        let body: &'static [u8] = Box::leak(std::fs::read(file)?.into_boxed_slice());
        let content_type: &'static str = Box::leak(content_type.to_owned().into_boxed_str());
        router = router.route(path, get(move || async move { ([(header::CONTENT_TYPE, content_type)], body) }));
    }
    let listener = tokio::net::TcpListener::bind(&address).await?;
    axum::serve(listener, router).await?;
    Ok(())
}
