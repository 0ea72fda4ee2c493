//! A database made for one benchmark run and dropped afterwards, shared by
//! every benchmark. `BENCH_DATABASE_URL` names the administrative database to
//! create it from (default: the local server as user postgres).

use anyhow::{anyhow, Context, Result};
use sqlx::Connection;
use std::future::Future;

const DEFAULT_ADMIN_URL: &str = "postgres://postgres@127.0.0.1:5432/postgres";

/// `url` with its database name replaced by `name`.
fn with_database(url: &str, name: &str) -> Result<String> {
    let (base, query) = url
        .split_once('?')
        .map_or((url, None), |(b, q)| (b, Some(q)));
    let (scheme, rest) = base
        .split_once("://")
        .context("BENCH_DATABASE_URL is not a URL")?;
    let host = rest.split('/').next().unwrap_or(rest);
    let query = query.map(|q| format!("?{q}")).unwrap_or_default();
    Ok(format!("{scheme}://{host}/{name}{query}"))
}

async fn admin(url: &str, sql: &str) -> Result<()> {
    let mut conn = sqlx::PgConnection::connect(url).await?;
    sqlx::raw_sql(sql).execute(&mut conn).await?;
    conn.close().await?;
    Ok(())
}

/// Creates `foodbot_bench_<random>`, prints a header naming `title`, runs
/// `run` with its URL, and drops the database again, also when `run` fails or
/// panics.
pub async fn on_fresh_database<F, Fut>(title: &str, run: F) -> Result<()>
where
    F: FnOnce(String) -> Fut,
    Fut: Future<Output = Result<()>> + Send + 'static,
{
    let admin_url =
        std::env::var("BENCH_DATABASE_URL").unwrap_or_else(|_| DEFAULT_ADMIN_URL.into());
    let name = format!("foodbot_bench_{:08x}", rand::random::<u32>());
    admin(&admin_url, &format!("CREATE DATABASE {name}"))
        .await
        .context("cannot create the bench database")?;
    let url = with_database(&admin_url, &name)?;
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    let load = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
    let load = load.split(' ').take(3).collect::<Vec<_>>().join(" ");
    println!("foodbot {title} benchmark: database {name}, {cores} cores, load average {load}");
    let outcome = tokio::spawn(run(url)).await;
    let dropped = admin(&admin_url, &format!("DROP DATABASE {name} WITH (FORCE)")).await;
    match outcome {
        Ok(result) => result?,
        Err(panic) => return Err(anyhow!("the benchmark panicked: {panic}")),
    }
    dropped.context("cannot drop the bench database")?;
    println!("dropped database {name}");
    Ok(())
}
