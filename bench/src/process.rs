//! Child processes of a run (the server under test, the floor): started with their output
//! in a log file, waited for until they answer, measured (peak RSS), and killed on drop,
//! so that a failed or interrupted run leaves nothing behind.

use std::fs::File;
use std::net::{SocketAddr, TcpListener};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A running child process, killed when dropped.
pub struct Process {
    name: String,
    child: Child,
    log: PathBuf,
}

/// A free port on 127.0.0.1 (bound, then released for the child to take).
pub fn free_address() -> Result<SocketAddr, String> {
    let listener = TcpListener::bind("127.0.0.1:0")
        .map_err(|e| format!("cannot find a free port on 127.0.0.1: {e}"))?;
    listener
        .local_addr()
        .map_err(|e| format!("cannot read a bound address: {e}"))
}

impl Process {
    /// Starts `command` with stdout and stderr going to `<log_dir>/<name>.log`.
    pub fn spawn(name: &str, mut command: Command, log_dir: &Path) -> Result<Process, String> {
        let log = log_dir.join(format!("{name}.log"));
        let out =
            File::create(&log).map_err(|e| format!("cannot create {}: {e}", log.display()))?;
        let err = out
            .try_clone()
            .map_err(|e| format!("cannot share {}: {e}", log.display()))?;
        let child = command
            .stdin(Stdio::null())
            .stdout(out)
            .stderr(err)
            .spawn()
            .map_err(|e| format!("cannot start {name} ({:?}): {e}", command.get_program()))?;
        Ok(Process {
            name: name.to_owned(),
            child,
            log,
        })
    }

    /// The process id.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// The peak resident set size so far (`VmHWM` of `/proc/<pid>/status`), in KiB.
    pub fn peak_rss_kib(&self) -> Option<u64> {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.pid())).ok()?;
        status
            .lines()
            .find_map(|l| l.strip_prefix("VmHWM:"))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
    }

    /// The last lines of the process's output, for error messages.
    pub fn log_tail(&self) -> String {
        let text = std::fs::read_to_string(&self.log).unwrap_or_default();
        let lines: Vec<&str> = text.lines().collect();
        let tail = &lines[lines.len().saturating_sub(15)..];
        format!(
            "--- last lines of {} ---\n{}",
            self.log.display(),
            tail.join("\n")
        )
    }

    /// Waits until `url` answers 2xx (at most 60 s); fails early when the process exits.
    pub async fn wait_ready(&mut self, url: &str) -> Result<(), String> {
        let client = reqwest::Client::builder()
            .no_proxy()
            .timeout(Duration::from_secs(5))
            .build()
            .map_err(|e| format!("cannot build an HTTP client: {e}"))?;
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            if let Ok(Some(status)) = self.child.try_wait() {
                return Err(format!(
                    "{} exited ({status}) before answering {url}\n{}",
                    self.name,
                    self.log_tail()
                ));
            }
            if let Ok(response) = client.get(url).send().await
                && response.status().is_success()
            {
                return Ok(());
            }
            if Instant::now() > deadline {
                return Err(format!(
                    "{} did not answer {url} within 60 s\n{}",
                    self.name,
                    self.log_tail()
                ));
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
}

impl Drop for Process {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Clock ticks per second of `/proc/<pid>/stat` (`USER_HZ`, 100 on Linux).
const TICKS_PER_SECOND: u64 = 100;

/// CPU time (user + system) of a process so far, from `/proc/<pid>/stat`.
fn cpu_of(stat: &str) -> Option<Duration> {
    // The command name is in parentheses and may hold spaces: fields follow the last `)`.
    let fields: Vec<&str> = stat
        .get(stat.rfind(')')? + 1..)?
        .split_whitespace()
        .collect();
    let utime: u64 = fields.get(11)?.parse().ok()?;
    let stime: u64 = fields.get(12)?.parse().ok()?;
    Some(Duration::from_millis(
        (utime + stime) * 1000 / TICKS_PER_SECOND,
    ))
}

fn cpu_of_pid(pid: &str) -> Option<(String, Duration)> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    let name = stat.get(stat.find('(')? + 1..stat.rfind(')')?)?.to_owned();
    Some((name, cpu_of(&stat)?))
}

/// CPU time used so far by the process under test, by the PostgreSQL server's processes
/// (none on SQLite, where the database runs inside the server) and by this program (the
/// load generator; its other threads are idle while it runs).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Cpu {
    pub target: Duration,
    pub database: Duration,
    pub generator: Duration,
}

impl Cpu {
    /// Reads the figures now; `None` when `/proc` cannot tell (not Linux, process gone).
    pub fn read(target_pid: u32) -> Option<Cpu> {
        let target = cpu_of_pid(&target_pid.to_string())?.1;
        let generator = cpu_of_pid("self")?.1;
        let mut database = Duration::ZERO;
        for entry in std::fs::read_dir("/proc").ok()?.flatten() {
            let name = entry.file_name();
            let Some(pid) = name
                .to_str()
                .filter(|p| p.bytes().all(|b| b.is_ascii_digit()))
            else {
                continue;
            };
            if let Some((command, spent)) = cpu_of_pid(pid)
                && command == "postgres"
            {
                database += spent;
            }
        }
        Some(Cpu {
            target,
            database,
            generator,
        })
    }

    /// What was spent between `earlier` and this reading; `None` if a process restarted.
    pub fn since(&self, earlier: &Cpu) -> Option<Cpu> {
        Some(Cpu {
            target: self.target.checked_sub(earlier.target)?,
            // Postgres backends come and go: a negative difference counts as nothing.
            database: self.database.saturating_sub(earlier.database),
            generator: self.generator.checked_sub(earlier.generator)?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cpu_time_is_read_after_the_command_name() {
        let stat = "4242 (tokio (x) 1) S 1 4242 4242 0 -1 4194560 300 0 0 0 150 25 0 0 20 0 3 0";
        assert_eq!(cpu_of(stat), Some(Duration::from_millis(1750)));
        assert_eq!(cpu_of("garbage"), None);
    }

    #[test]
    fn this_process_has_a_cpu_reading() {
        let now = Cpu::read(std::process::id()).expect("a reading of /proc");
        let later = Cpu::read(std::process::id()).expect("a second reading");
        assert!(later.since(&now).is_some());
    }
}
