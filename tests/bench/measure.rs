//! Medians, units, and the child processes that measure peak memory: a process's peak is its
//! own (`getrusage`), so each measurement runs in a fresh process.

use std::path::Path;
use std::time::{Duration, Instant};

/// The first argument that makes this binary a measuring child.
const CHILD: &str = "--clientgen-bench-child";

pub fn median(mut values: Vec<Duration>) -> Duration {
    values.sort();
    values[values.len() / 2]
}

pub fn mib(kib: u64) -> f64 {
    kib as f64 / 1024.0
}

pub fn seconds(d: Duration) -> String {
    if d < Duration::from_millis(10) {
        format!("{:.2} ms", d.as_secs_f64() * 1e3)
    } else {
        format!("{:.3} s", d.as_secs_f64())
    }
}

/// What a child measured.
pub struct Child {
    pub elapsed: Duration,
    pub peak_kib: u64,
}

impl Child {
    /// Generation of `spec` (in memory, nothing written) in a fresh process.
    pub fn generate(spec: &Path) -> Result<Child, String> {
        Child::spawn(&["generate", &spec.display().to_string()])
    }

    /// `command` in a fresh process, with the peak of the largest process it waited for.
    pub fn run_with_env(command: &[&str], env: &[(&str, &str)]) -> Result<Child, String> {
        let mut args = vec!["run"];
        args.extend_from_slice(command);
        Child::spawn_with_env(&args, env)
    }

    fn spawn(args: &[&str]) -> Result<Child, String> {
        Child::spawn_with_env(args, &[])
    }

    fn spawn_with_env(args: &[&str], env: &[(&str, &str)]) -> Result<Child, String> {
        let exe = std::env::current_exe().map_err(|e| e.to_string())?;
        let output = std::process::Command::new(exe)
            .arg(CHILD)
            .args(args)
            .envs(env.iter().copied())
            .output()
            .map_err(|e| e.to_string())?;
        let stdout = String::from_utf8_lossy(&output.stdout);
        if !output.status.success() {
            return Err(format!(
                "{}{}",
                stdout,
                String::from_utf8_lossy(&output.stderr)
            ));
        }
        let field = |name: &str| {
            stdout
                .lines()
                .find_map(|l| l.strip_prefix(name))
                .and_then(|v| v.trim().parse::<u64>().ok())
                .ok_or_else(|| format!("the child printed no {name}"))
        };
        Ok(Child {
            elapsed: Duration::from_micros(field("elapsed_us=")?),
            peak_kib: field("peak_kib=")?,
        })
    }
}

/// Runs the child's job when this process is a measuring child; `None` otherwise.
pub fn child_main() -> Option<i32> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) != Some(CHILD) {
        return None;
    }
    let started = Instant::now();
    let (code, who) = match args.get(1).map(String::as_str) {
        Some("generate") => {
            let config = clientgen::Config {
                specs: vec![args[2].clone().into()],
                ..clientgen::Config::default()
            };
            let files = clientgen::generate_from_files(Path::new(""), &config);
            let code = match files {
                Ok(files) => {
                    std::hint::black_box(files);
                    0
                }
                Err(e) => {
                    eprintln!("{e}");
                    1
                }
            };
            (code, libc::RUSAGE_SELF)
        }
        Some("run") => {
            let status = std::process::Command::new(&args[2])
                .args(&args[3..])
                .status()
                .map(|s| s.code().unwrap_or(1))
                .unwrap_or(1);
            (status, libc::RUSAGE_CHILDREN)
        }
        _ => (2, libc::RUSAGE_SELF),
    };
    let elapsed = started.elapsed();
    println!("elapsed_us={}", elapsed.as_micros());
    println!("peak_kib={}", max_rss_kib(who));
    Some(code)
}

fn max_rss_kib(who: libc::c_int) -> u64 {
    // Linux carries a process's `ru_maxrss` over from its parent across fork and exec, so a
    // child's own peak comes from its memory map's high-water mark instead.
    if who == libc::RUSAGE_SELF {
        let own = std::fs::read_to_string("/proc/self/status")
            .ok()
            .and_then(|status| {
                status
                    .lines()
                    .find_map(|l| l.strip_prefix("VmHWM:"))
                    .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
            });
        if let Some(kib) = own {
            return kib;
        }
    }
    // SAFETY: getrusage writes into the zeroed struct we own, and reads nothing else.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: as above; `who` is RUSAGE_SELF or RUSAGE_CHILDREN.
    let ok = unsafe { libc::getrusage(who, &mut usage) } == 0;
    if !ok {
        return 0;
    }
    // Kilobytes on Linux, bytes on macOS.
    let raw = usage.ru_maxrss as u64;
    if cfg!(target_os = "macos") {
        raw / 1024
    } else {
        raw
    }
}
