//! The workflows the log APIs are for, end to end (hand-written; `clientgen generate` keeps
//! this folder as it is):
//!
//! 1. export a bare-metal server's logs, wait until the export completes, download the
//!    archive (CloudDC);
//! 2. get a Redis instance's log download link and download the log (DCS);
//! 3. ask for a PostgreSQL instance's error-log links until they are ready, download each
//!    (RDS);
//! 4. optionally, page through a search cluster's log backup tasks (CSS).
//!
//! ```text
//! cargo run --example log_workflows -- --endpoint https://... --project-id <id> \
//!     --server-id <id> --redis-instance <id> --redis-log <id> --rds-instance <id> \
//!     [--css-cluster <id>] [--out <dir>] [--poll-ms <ms>] [--max-wait-s <s>]
//! ```
//!
//! Credentials: `--token <token>`, else AK/SK from `CLOUD_SDK_AK` / `CLOUD_SDK_SK`. Each flow
//! runs when its arguments are given; the program stops at the first failure, with a message
//! and exit status 1.

use cloud_logs_client::{clouddc, css, dcs, rds, Config, Credentials, Progress};
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

type Failure = Box<dyn std::error::Error>;

#[tokio::main]
async fn main() -> ExitCode {
    let args = match Args::parse(std::env::args().skip(1)) {
        Ok(args) => args,
        Err(message) => {
            eprintln!("error: {message}\n\n{USAGE}");
            return ExitCode::from(2);
        }
    };
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

const USAGE: &str = "usage: log_workflows --endpoint URL --project-id ID [--token TOKEN] \
[--server-id ID] [--redis-instance ID --redis-log ID] [--rds-instance ID] [--css-cluster ID] \
[--out DIR] [--poll-ms MS] [--max-wait-s S]";

struct Args {
    values: BTreeMap<String, String>,
}

impl Args {
    fn parse(raw: impl Iterator<Item = String>) -> Result<Args, String> {
        const KNOWN: &[&str] = &[
            "endpoint",
            "project-id",
            "token",
            "server-id",
            "redis-instance",
            "redis-log",
            "rds-instance",
            "css-cluster",
            "out",
            "poll-ms",
            "max-wait-s",
        ];
        let mut values = BTreeMap::new();
        let mut raw = raw.peekable();
        while let Some(flag) = raw.next() {
            let name = flag
                .strip_prefix("--")
                .filter(|n| KNOWN.contains(n))
                .ok_or_else(|| format!("unknown argument `{flag}`"))?;
            let value = raw
                .next()
                .ok_or_else(|| format!("`{flag}` needs a value"))?;
            values.insert(name.to_owned(), value);
        }
        for required in ["endpoint", "project-id"] {
            if !values.contains_key(required) {
                return Err(format!("--{required} is required"));
            }
        }
        Ok(Args { values })
    }

    fn get(&self, name: &str) -> Option<&str> {
        self.values.get(name).map(String::as_str)
    }

    fn number(&self, name: &str) -> Result<Option<u64>, Failure> {
        self.get(name)
            .map(|v| {
                v.parse()
                    .map_err(|_| format!("--{name} must be a number, not `{v}`").into())
            })
            .transpose()
    }
}

async fn run(args: &Args) -> Result<(), Failure> {
    let credentials = match args.get("token") {
        Some(token) => Credentials::token(token),
        None => Credentials::from_env()?,
    };
    let config = Config::builder()
        .endpoint(args.get("endpoint").unwrap_or_default())
        .project_id(args.get("project-id").unwrap_or_default())
        .credentials(credentials)
        .build()?;
    let out = PathBuf::from(args.get("out").unwrap_or("."));
    std::fs::create_dir_all(&out)?;
    // Polling pace: the specs' defaults unless given (tests poll fast).
    let poll = args.number("poll-ms")?.map(Duration::from_millis);
    let max_wait = args.number("max-wait-s")?.map(Duration::from_secs);

    if let Some(server) = args.get("server-id") {
        export_and_download(&config, server, &out, poll, max_wait).await?;
    }
    if let (Some(instance), Some(log)) = (args.get("redis-instance"), args.get("redis-log")) {
        redis_log(&config, instance, log, &out).await?;
    }
    if let Some(instance) = args.get("rds-instance") {
        error_logs(&config, instance, &out, poll, max_wait).await?;
    }
    if let Some(cluster) = args.get("css-cluster") {
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
