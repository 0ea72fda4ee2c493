//! `foodbot`: reads config, starts telemetry, builds the server, runs until a
//! shutdown signal.

use clap::{Parser, Subcommand};
use foodbot::config::Config;
use foodbot::startup::{shutdown_signal, Server};
use tracing_subscriber::EnvFilter;

#[derive(Parser)]
#[command(
    name = "foodbot",
    version,
    about = "Food ordering inside Telegram: bot + Mini App backend"
)]
struct Cli {
    #[command(flatten)]
    config: Config,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Run the server (the default).
    Serve,
    /// Check the menu file and exit.
    CheckMenu,
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    let filter =
        EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn"));
    if cli.config.log_format == "json" {
        tracing_subscriber::fmt()
            .with_env_filter(filter)
            .json()
            .init();
    } else {
        tracing_subscriber::fmt().with_env_filter(filter).init();
    }
    match cli.command.unwrap_or(Command::Serve) {
        Command::CheckMenu => {
            let menu = foodbot::menu::load(&cli.config.menu_path)?;
            println!(
                "{}: {} categories, {} items, ok",
                cli.config.menu_path.display(),
                menu.categories.len(),
                menu.items.len()
            );
            Ok(())
        }
        Command::Serve => {
            let demo = cli.config.bot_token.is_none();
            let server = Server::build(cli.config).await?;
            let url = format!("http://{}", server.local_addr()?);
            println!(
                "foodbot is listening on {url} (store: {}{})",
                server.state.app.db.kind(),
                if demo {
                    ", offline demo mode: no BOT_TOKEN"
                } else {
                    ""
                }
            );
            if demo {
                println!("  menu:        {url}/api/v1/menu");
                println!("  demo login:  {url}/api/v1/demo/init-data");
            }
            server.run_until(shutdown_signal()).await
        }
    }
}
