//! The workflows the log APIs are for, end to end, on the committed client (a hand-written
//! program of its own, so that its dependencies, clap among them, are not the generated
//! crate's):
//!
//! 1. export a bare-metal server's logs, wait until the export completes, download the
//!    archive (CloudDC);
//! 2. get a Redis instance's log download link and download the log (DCS);
//! 3. ask for a PostgreSQL instance's error-log links until they are ready, download each
//!    (RDS);
//! 4. optionally, page through a search cluster's log backup tasks (CSS).
//!
//! ```text
//! cargo run -p log-workflows -- --endpoint https://... --project-id <id> \
//!     --server-id <id> --redis-instance <id> --redis-log <id> --rds-instance <id> \
//!     [--css-cluster <id>] [--out <dir>] [--poll-ms <ms>] [--max-wait-s <s>]
//! ```
//!
//! Credentials: `--token <token>`, else AK/SK from `CLOUD_SDK_AK` / `CLOUD_SDK_SK`. Each flow
//! runs when its arguments are given; the program stops at the first failure, with a message
//! and exit status 1. A usage error exits with status 2 (clap's).

use clap::Parser;
use cloud_logs_client::{clouddc, css, dcs, rds, Config, Credentials, Progress};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

type Failure = Box<dyn std::error::Error>;

#[tokio::main]
async fn main() -> ExitCode {
    let args = Args::parse();
    match run(&args).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            let mut source = e.source();
            while let Some(cause) = source {
                eprintln!("  caused by: {cause}");
                source = cause.source();
            }
            ExitCode::FAILURE
        }
    }
}

/// Runs each flow whose arguments are given, against one endpoint and project.
#[derive(Parser)]
#[command(name = "log_workflows")]
struct Args {
    /// The service endpoint, e.g. `https://...`.
    #[arg(long, value_name = "URL")]
    endpoint: String,
    /// The project the resources belong to.
    #[arg(long, value_name = "ID")]
    project_id: String,
    /// A token; without it, AK/SK from `CLOUD_SDK_AK` / `CLOUD_SDK_SK`.
    #[arg(long)]
    token: Option<String>,
    /// Export, wait for and download this bare-metal server's logs (CloudDC).
    #[arg(long, value_name = "ID")]
    server_id: Option<String>,
    /// Download a log of this Redis instance (DCS), with `--redis-log`.
    #[arg(long, value_name = "ID", requires = "redis_log")]
    redis_instance: Option<String>,
    /// The Redis log to download.
    #[arg(long, value_name = "ID", requires = "redis_instance")]
    redis_log: Option<String>,
    /// Download this PostgreSQL instance's error logs (RDS).
    #[arg(long, value_name = "ID")]
    rds_instance: Option<String>,
    /// Page through this search cluster's log backup tasks (CSS).
    #[arg(long, value_name = "ID")]
    css_cluster: Option<String>,
    /// Where downloads go.
    #[arg(long, value_name = "DIR", default_value = ".")]
    out: PathBuf,
    /// The waiters' delay between polls, in milliseconds (their default when absent).
    #[arg(long, value_name = "MS")]
    poll_ms: Option<u64>,
    /// The waiters' longest wait, in seconds (their default when absent).
    #[arg(long, value_name = "S")]
    max_wait_s: Option<u64>,
}

async fn run(args: &Args) -> Result<(), Failure> {
    let credentials = match &args.token {
        Some(token) => Credentials::token(token),
        None => Credentials::from_env()?,
    };
    let config = Config::builder()
        .endpoint(args.endpoint.as_str())
        .project_id(args.project_id.as_str())
        .credentials(credentials)
        .build()?;
    let out = &args.out;
    std::fs::create_dir_all(out)?;
    // Polling pace: the specs' defaults unless given (tests poll fast).
    let poll = args.poll_ms.map(Duration::from_millis);
    let max_wait = args.max_wait_s.map(Duration::from_secs);

    if let Some(server) = &args.server_id {
        export_and_download(&config, server, out, poll, max_wait).await?;
    }
    if let (Some(instance), Some(log)) = (&args.redis_instance, &args.redis_log) {
        redis_log(&config, instance, log, out).await?;
    }
    if let Some(instance) = &args.rds_instance {
        error_logs(&config, instance, out, poll, max_wait).await?;
    }
    if let Some(cluster) = &args.css_cluster {
        backup_tasks(&config, cluster).await?;
    }
    Ok(())
}

/// Applies the command line's polling pace to a waiter.
fn paced<T: Send + 'static, E: Send + 'static>(
    waiter: cloud_logs_client::Waiter<T, E>,
    poll: Option<Duration>,
    max_wait: Option<Duration>,
) -> cloud_logs_client::Waiter<T, E> {
    let waiter = match poll {
        Some(every) => waiter.min_delay(every).max_delay(every * 4),
        None => waiter,
    };
    match max_wait {
        Some(limit) => waiter.max_wait(limit),
        None => waiter,
    }
}

fn show_progress(label: &'static str) -> impl FnMut(Progress) + Send + 'static {
    let mut shown = 0;
    move |p: Progress| {
        // One line per 10% (or per MiB when the size is unknown), and the last one.
        let step = p.total.map_or(1 << 20, |t| (t / 10).max(1));
        if p.received / step > shown || Some(p.received) == p.total {
            shown = p.received / step;
            match p.total {
                Some(total) => println!("{label}: {} of {total} bytes", p.received),
                None => println!("{label}: {} bytes", p.received),
            }
        }
    }
}

async fn export_and_download(
    config: &Config,
    server: &str,
    out: &std::path::Path,
    poll: Option<Duration>,
    max_wait: Option<Duration>,
) -> Result<(), Failure> {
    let client = clouddc::Client::new(config);
    let task = client.export_server_logs(server).send().await?;
    let export_id = task
        .export_id
        .clone()
        .ok_or("the export response carries no export_id")?;
    println!("export {export_id} started");

    let waiter = client
        .wait_until_export_completed(server, export_id.as_str())
        .on_poll(|task| {
            let percentage = task.percentage.as_ref().map(ToString::to_string);
            println!(
                "export progress: {}",
                percentage.as_deref().unwrap_or("unknown")
            );
        });
    let done = paced(waiter, poll, max_wait).await?;
    println!(
        "export {export_id} complete ({})",
        done.status.as_ref().map_or("no status", |s| s.as_str())
    );

    let archive = client
        .download_server_logs(server, export_id.as_str())
        .send()
        .await?
        .into_inner();
    let saved = archive
        .save_into(out)
        .progress(show_progress("server logs"))
        .await?;
    println!(
        "server logs saved: {} ({} bytes)",
        saved.path.display(),
        saved.bytes
    );
    Ok(())
}

async fn redis_log(
    config: &Config,
    instance: &str,
    log: &str,
    out: &std::path::Path,
) -> Result<(), Failure> {
    let client = dcs::Client::new(config);
    let answer = client
        .create_redislog_download_link(instance, log)
        .send()
        .await?;
    let link = answer
        .presigned_link()
        .ok_or("the response carries no download link")?;
    println!(
        "redis log link on {}",
        link.host().unwrap_or_else(|| "?".into())
    );
    let saved = link
        .save_to(config, out.join(format!("redis-{log}.log")))
        .progress(show_progress("redis log"))
        .await?;
    println!(
        "redis log saved: {} ({} bytes)",
        saved.path.display(),
        saved.bytes
    );
    Ok(())
}

async fn error_logs(
    config: &Config,
    instance: &str,
    out: &std::path::Path,
    poll: Option<Duration>,
    max_wait: Option<Duration>,
) -> Result<(), Failure> {
    let client = rds::Client::new(config);
    let ready = paced(
        client.wait_until_errorlog_links_ready(instance),
        poll,
        max_wait,
    )
    .await?;
    let links = ready.list.as_deref().unwrap_or_default();
    println!("error-log links ready: {}", links.len());
    for entry in links {
        let Some(link) = entry.presigned_file_link() else {
            continue;
        };
        let saved = link
            .save_into(config, out)
            .progress(show_progress("error log"))
            .await?;
        println!(
            "error log saved: {} ({} bytes)",
            saved.path.display(),
            saved.bytes
        );
    }
    Ok(())
}

async fn backup_tasks(config: &Config, cluster: &str) -> Result<(), Failure> {
    let client = css::Client::new(config);
    let mut tasks = client.list_logs_job(cluster).limit(100).items();
    let mut count = 0;
    while let Some(task) = tasks.next().await {
        let task = task?;
        count += 1;
        println!(
            "backup task {}: {}",
            task.id.as_deref().unwrap_or("?"),
            task.status.as_ref().map_or("?", |s| s.as_str())
        );
    }
    println!("backup tasks: {count}");
    Ok(())
}
