//! `foodbot`: reads config, starts telemetry, builds the server, runs until a
//! shutdown signal.

use clap::{Parser, Subcommand};
use foodbot::config::Config;
use foodbot::startup::{shutdown_signal, Server};
use foodbot::store::Database;
use tracing_subscriber::EnvFilter;

#[global_allocator]
static ALLOCATOR: foodbot::Allocator = mimalloc::MiMalloc;

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
    /// Read models: status, rebuild.
    Projections {
        #[command(subcommand)]
        command: foodbot::cli::ProjectionsCommand,
    },
    /// Auditors: replay payment events; verify the ledger, the hash chain, its
    /// signed anchors and the events' seals; sign the chain's head.
    Audit {
        #[command(subcommand)]
        command: foodbot::cli::AuditCommand,
    },
    /// Orders: show one, now or as of a past time.
    Order {
        #[command(subcommand)]
        command: foodbot::cli::OrderCommand,
    },
    /// The bot's registration with Telegram: `setup` (webhook, commands,
    /// descriptions, menu button), `status` (getWebhookInfo).
    Telegram {
        #[command(subcommand)]
        command: foodbot::cli::TelegramCommand,
    },
    /// A terminal chat with the offline demo's bot (a server running without
    /// BOT_TOKEN), as a demo user: messages, commands, buttons by number.
    Chat(foodbot::cli::chat::ChatArgs),
    /// Analysts: a read model, table or view as CSV on stdout.
    Export {
        /// Read model, table or view name.
        name: String,
        #[arg(long, default_value = "csv")]
        format: String,
    },
    /// Verify a Mini App initData string (read from stdin) with Telegram's
    /// Ed25519 public key, knowing only the bot id: third-party validation.
    VerifyInitData {
        /// The bot the Mini App belongs to (the number before ':' in its token).
        #[arg(long)]
        bot_id: i64,
        /// Use Telegram's test-environment key instead of the production key.
        #[arg(long)]
        test_environment: bool,
        /// Another public key, in hex (overrides the two above).
        #[arg(long)]
        public_key: Option<String>,
    },
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
        Command::VerifyInitData {
            bot_id,
            test_environment,
            public_key,
        } => {
            use foodbot::telegram::init_data::{
                self as init, TELEGRAM_PUBLIC_KEY_PRODUCTION, TELEGRAM_PUBLIC_KEY_TEST,
            };
            let hex = public_key.unwrap_or_else(|| {
                let key = if test_environment {
                    TELEGRAM_PUBLIC_KEY_TEST
                } else {
                    TELEGRAM_PUBLIC_KEY_PRODUCTION
                };
                key.to_string()
            });
            let key = init::parse_public_key(&hex)
                .map_err(|_| anyhow::anyhow!("not an Ed25519 public key: {hex}"))?;
            let mut raw = String::new();
            std::io::Read::read_to_string(&mut std::io::stdin(), &mut raw)?;
            let max_age = chrono::Duration::seconds(cli.config.init_data_max_age_secs);
            match init::validate_third_party(raw.trim(), bot_id, &key, chrono::Utc::now(), max_age)
            {
                Ok(data) => {
                    let auth_date = data.auth_date.to_rfc3339();
                    println!(
                        "{}",
                        serde_json::json!({ "valid": true, "user": data.user, "auth_date": auth_date })
                    );
                    Ok(())
                }
                Err(e) => {
                    println!(
                        "{}",
                        serde_json::json!({ "valid": false, "error": e.to_string() })
                    );
                    std::process::exit(1);
                }
            }
        }
        Command::Chat(args) => {
            let stdin = std::io::stdin().lock();
            let out = &mut std::io::stdout().lock();
            foodbot::cli::chat::run(args, stdin, out).await
        }
        Command::Telegram { command } => {
            let out = &mut std::io::stdout().lock();
            foodbot::cli::telegram::run(&cli.config, command, out).await
        }
        Command::Projections { command } => foodbot::cli::projections(&cli.config, command).await,
        Command::Audit { command } => {
            if !foodbot::cli::audit(&cli.config, command).await? {
                std::process::exit(1);
            }
            Ok(())
        }
        Command::Order { command } => {
            let db = Database::connect(&cli.config.database_url, 4).await?;
            if !foodbot::cli::order(&db, command).await? {
                std::process::exit(1);
            }
            Ok(())
        }
        Command::Export { name, format } => {
            let db = Database::connect(&cli.config.database_url, 4).await?;
            foodbot::cli::export(&db, &name, &format).await
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
                println!("  demo console: {url}/  (the Mini App, the bot chat and the staff chat)");
                println!("  menu:         {url}/api/v1/menu");
                println!("  demo login:   {url}/api/v1/demo/init-data");
            }
            server.run_until(shutdown_signal()).await
        }
    }
}
