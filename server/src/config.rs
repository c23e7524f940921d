//! Settings of a server process (database, listen address, data dir) resolved from flags
//! and environment, each validated with an error naming the setting. No I/O beyond env.
use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

/// Where the data lives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Database {
    /// Embedded SQLite under a directory: `core.sqlite` and `workspaces/<id>.sqlite`.
    Sqlite { data_dir: PathBuf },
    /// A Postgres server: core tables in schema `core`, one schema per workspace;
    /// `pool_size` connections at most.
    Postgres { url: String, pool_size: u32 },
}

/// A validated server configuration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Config {
    /// The storage backend.
    pub database: Database,
    /// The address `serve` listens on.
    pub listen: SocketAddr,
    /// When true, `serve` refuses to start with pending migrations instead of applying them.
    pub no_migrate: bool,
    /// The limits of a GraphQL operation.
    pub graphql: GraphqlLimits,
    /// The connections' timeouts and cap.
    pub conn: ConnLimits,
    /// Requests per API key and failed authentications per client address.
    pub rate: RateLimits,
    /// Free bytes the embedded store's disk needs for `/healthz` to answer ready.
    pub min_free_disk: u64,
    /// How webhooks are delivered.
    pub webhooks: WebhookSettings,
    /// Whether this process delivers webhooks (`serve --no-worker` turns it off).
    pub worker: bool,
    /// The browser origins allowed to call the API (`TWENTY_CORS_ORIGINS`).
    pub cors: CorsOrigins,
}

/// The browser origins allowed to call the API from their pages (`TWENTY_CORS_ORIGINS`):
/// a comma list of origins, `*` for any (development), unset for none (no CORS headers;
/// browsers then refuse cross-origin calls).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum CorsOrigins {
    #[default]
    Off,
    Any,
    /// Each as a browser sends it in `Origin`: `scheme://host[:port]`, lower case.
    List(Vec<String>),
}

impl CorsOrigins {
    fn parse(value: &str) -> Result<CorsOrigins, ConfigError> {
        let value = value.trim();
        if value.is_empty() {
            return Ok(CorsOrigins::Off);
        }
        if value == "*" {
            return Ok(CorsOrigins::Any);
        }
        let invalid = |reason: String| ConfigError::Cors {
            value: value.to_owned(),
            reason,
        };
        let mut origins = Vec::new();
        for item in value.split(',').map(str::trim).filter(|i| !i.is_empty()) {
            if item == "*" {
                return Err(invalid("`*` must be the whole value".to_owned()));
            }
            let url = url::Url::parse(item).map_err(|e| invalid(format!("{item:?}: {e}")))?;
            if !matches!(url.scheme(), "http" | "https") || url.host().is_none() {
                return Err(invalid(format!("{item:?} is not an http(s) origin")));
            }
            if url.path() != "/" || url.query().is_some() || url.fragment().is_some() {
                return Err(invalid(format!(
                    "{item:?} has a path, query or fragment; an origin is scheme://host[:port]"
                )));
            }
            origins.push(url.origin().ascii_serialization());
        }
        Ok(CorsOrigins::List(origins))
    }
}

/// Webhook delivery (`TWENTY_WEBHOOK_*`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WebhookSettings {
    /// Targets allowed although they resolve to loopback, private or link-local
    /// addresses: host names, and address ranges (`127.0.0.1/32`).
    pub allowed_hosts: Vec<AllowedHost>,
    /// How long one attempt may take.
    pub timeout: Duration,
    /// The delays before the second, third, … attempt; after the last, the delivery is
    /// dead-lettered.
    pub retry_schedule: Vec<Duration>,
    /// How long the event log and finished deliveries are kept.
    pub retention: Duration,
    /// Deliveries in flight at once, per workspace.
    pub concurrency: usize,
    /// A webhook failing for this long without one success is disabled.
    pub disable_after: Duration,
    /// How often the worker looks for work written by other processes (its own
    /// process's writes wake it at once).
    pub poll_interval: Duration,
}

/// One entry of `TWENTY_WEBHOOK_ALLOWED_HOSTS`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AllowedHost {
    /// A host name, compared without case.
    Name(String),
    /// An address range: the network address and its prefix length.
    Range(std::net::IpAddr, u8),
}

impl AllowedHost {
    /// Whether `addr` is in this range (a name allows by name, not by address).
    pub fn contains(&self, addr: std::net::IpAddr) -> bool {
        use std::net::IpAddr;
        let AllowedHost::Range(net, prefix) = self else {
            return false;
        };
        let addr = match addr {
            IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(addr, IpAddr::V4),
            v4 => v4,
        };
        match (net, addr) {
            (IpAddr::V4(n), IpAddr::V4(a)) => {
                let mask = u32::MAX.checked_shl(32 - u32::from(*prefix)).unwrap_or(0);
                u32::from(*n) & mask == u32::from(a) & mask
            }
            (IpAddr::V6(n), IpAddr::V6(a)) => {
                let mask = u128::MAX.checked_shl(128 - u32::from(*prefix)).unwrap_or(0);
                u128::from(*n) & mask == u128::from(a) & mask
            }
            _ => false,
        }
    }

    fn parse(text: &str) -> Option<AllowedHost> {
        let text = text.trim();
        if let Some((addr, prefix)) = text.split_once('/') {
            let addr: std::net::IpAddr = addr.parse().ok()?;
            let max = if addr.is_ipv4() { 32 } else { 128 };
            let prefix: u8 = prefix.parse().ok().filter(|p| *p <= max)?;
            return Some(AllowedHost::Range(addr, prefix));
        }
        if let Ok(addr) = text.parse::<std::net::IpAddr>() {
            return Some(AllowedHost::Range(
                addr,
                if addr.is_ipv4() { 32 } else { 128 },
            ));
        }
        let valid = !text.is_empty()
            && text
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '.');
        valid.then(|| AllowedHost::Name(text.to_ascii_lowercase()))
    }
}

impl std::fmt::Display for AllowedHost {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            AllowedHost::Name(n) => f.write_str(n),
            AllowedHost::Range(a, p) => write!(f, "{a}/{p}"),
        }
    }
}

impl Default for WebhookSettings {
    fn default() -> Self {
        let h = |hours: u64| Duration::from_secs(hours * 3600);
        WebhookSettings {
            allowed_hosts: Vec::new(),
            timeout: Duration::from_secs(5),
            // About two days in all (47 h 35 min), as Svix's schedule stretched.
            retry_schedule: vec![
                Duration::from_secs(5),
                Duration::from_secs(300),
                Duration::from_secs(1800),
                h(2),
                h(5),
                h(10),
                h(14),
                h(16),
            ],
            retention: h(24 * 14),
            concurrency: 128,
            disable_after: h(24 * 3),
            poll_interval: Duration::from_millis(250),
        }
    }
}

/// A list of durations as the retry schedule is written (`5s,5m,30m`).
fn durations(list: &[Duration]) -> String {
    list.iter()
        .map(|d| humantime::format_duration(*d).to_string())
        .collect::<Vec<_>>()
        .join(",")
}

/// The free disk space `/healthz` asks of the embedded store by default: 64 MiB.
pub const DEFAULT_MIN_FREE_DISK: u64 = 64 * 1024 * 1024;

/// The configurable limits of one GraphQL operation (`TWENTY_GRAPHQL_MAX_*`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GraphqlLimits {
    /// Deepest nesting of selections (`companies { edges { node { name } } }` is 4).
    pub max_depth: usize,
    /// Most fields selected, fragments expanded (Twenty's `GRAPHQL_MAX_FIELDS`).
    pub max_fields: usize,
    /// Most root fields (Twenty's `GRAPHQL_MAX_ROOT_RESOLVERS`).
    pub max_root_fields: usize,
    /// Most aliased fields.
    pub max_aliases: usize,
}

impl Default for GraphqlLimits {
    fn default() -> Self {
        GraphqlLimits {
            max_depth: 15,
            max_fields: 2000,
            max_root_fields: 20,
            max_aliases: 50,
        }
    }
}

/// The timeouts and the cap of the connections a server accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ConnLimits {
    /// A request's headers must arrive within this, from their first byte.
    pub header_timeout: Duration,
    /// A request's body must arrive within this, from the end of its headers.
    pub body_timeout: Duration,
    /// A connection waiting for its next request, or whose client reads nothing of a
    /// response, is closed after this.
    pub idle_timeout: Duration,
    /// Connections served at once; more wait in the listen queue until one closes.
    pub max_connections: usize,
}

impl Default for ConnLimits {
    fn default() -> Self {
        ConnLimits {
            header_timeout: Duration::from_secs(10),
            body_timeout: Duration::from_secs(30),
            idle_timeout: Duration::from_secs(60),
            max_connections: default_max_connections(),
        }
    }
}

/// 1,024 connections, or fewer when the process may open fewer files: half of its soft
/// descriptor limit, the rest left to database connections, SQLite files and logs.
pub fn default_max_connections() -> usize {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    {
        let mut limit = libc::rlimit {
            rlim_cur: 0,
            rlim_max: 0,
        };
        // SAFETY: getrlimit writes into the struct it is given and nothing else.
        if unsafe { libc::getrlimit(libc::RLIMIT_NOFILE, &mut limit) } == 0 {
            let half = usize::try_from(limit.rlim_cur / 2).unwrap_or(usize::MAX);
            return half.clamp(16, 1024);
        }
    }
    1024
}

/// At most `limit` requests in each `period` (a fixed window).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Window {
    pub limit: u32,
    pub period: Duration,
}

impl std::fmt::Display for Window {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{}/{}",
            self.limit,
            humantime::format_duration(self.period)
        )
    }
}

/// The rate limits (`None`: that limit is off).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateLimits {
    /// Requests per API key: a short window (Twenty's 100 a second)…
    pub short: Option<Window>,
    /// …and a long one.
    pub long: Option<Window>,
    /// Failed authentications per client address (IPv6: per /64).
    pub auth_failures: Option<Window>,
}

impl Default for RateLimits {
    fn default() -> Self {
        RateLimits {
            short: Some(Window {
                limit: 100,
                period: Duration::from_secs(1),
            }),
            long: Some(Window {
                limit: 3000,
                period: Duration::from_secs(60),
            }),
            auth_failures: Some(Window {
                limit: 60,
                period: Duration::from_secs(60),
            }),
        }
    }
}

impl RateLimits {
    /// No limit at all.
    pub const OFF: RateLimits = RateLimits {
        short: None,
        long: None,
        auth_failures: None,
    };
}

/// A setting that cannot be used; the message names it.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ConfigError {
    /// An unparsable listen address.
    #[error(
        "invalid TWENTY_LISTEN (--listen) {value:?}: expected HOST:PORT such as 127.0.0.1:3000 or localhost:3000 ({reason})"
    )]
    Listen { value: String, reason: String },
    /// A database URL that is not a Postgres URL.
    #[error(
        "invalid {name} {value:?}: expected a postgres:// or postgresql:// URL (or leave it unset for the embedded SQLite store)"
    )]
    DatabaseUrl { name: &'static str, value: String },
    /// An empty data directory.
    #[error("invalid TWENTY_DATA_DIR (--data-dir): it must not be empty")]
    DataDir,
    /// A GraphQL limit that is not a positive integer.
    #[error("invalid {name} {value:?}: expected a whole number from 1 to 100000")]
    GraphqlLimit { name: &'static str, value: String },
    /// A Postgres pool size that is not a whole number from 1 to 1000.
    #[error("invalid TWENTY_PG_POOL_SIZE {value:?}: expected a whole number from 1 to 1000")]
    PgPoolSize { value: String },
    /// A timeout that is not a duration from 1s to 1h.
    #[error("invalid {name} {value:?}: expected a duration from 1s to 1h such as 10s")]
    Timeout { name: &'static str, value: String },
    /// A connection cap that is not a whole number from 1 to 1000000.
    #[error("invalid TWENTY_MAX_CONNECTIONS {value:?}: expected a whole number from 1 to 1000000")]
    MaxConnections { value: String },
    /// A free-disk threshold that is not a whole number of bytes.
    #[error(
        "invalid TWENTY_MIN_FREE_DISK {value:?}: expected a whole number of bytes such as 67108864"
    )]
    MinFreeDisk { value: String },
    /// A webhook setting that cannot be used (the text says what is expected).
    #[error("invalid {name} {value:?}: expected {expected}")]
    Webhook {
        name: &'static str,
        value: String,
        expected: &'static str,
    },
    /// A CORS origin list that cannot be used.
    #[error(
        "invalid TWENTY_CORS_ORIGINS {value:?}: expected `*` or a comma list of origins such as https://app.example.com,http://localhost:5173 ({reason})"
    )]
    Cors { value: String, reason: String },
    /// A rate limit that is not `off` or `N/PERIOD`.
    #[error(
        "invalid {name} {value:?}: expected `off` or a count and a period such as 100/1s (1 to 1000000 per 1s to 1d)"
    )]
    Rate { name: &'static str, value: String },
}

/// The raw settings as given by flags or environment, before validation.
#[derive(Debug, Clone, Default)]
pub struct RawSettings {
    /// `--database-url` / `DATABASE_URL`.
    pub database_url: Option<String>,
    /// `PG_DATABASE_URL`, Twenty's name, used when `DATABASE_URL` is absent.
    pub pg_database_url: Option<String>,
    /// `--listen` / `TWENTY_LISTEN`.
    pub listen: Option<String>,
    /// `--data-dir` / `TWENTY_DATA_DIR`.
    pub data_dir: Option<String>,
    /// `--no-migrate`.
    pub no_migrate: bool,
    /// `TWENTY_GRAPHQL_MAX_DEPTH`, `_MAX_FIELDS`, `_MAX_ROOT_FIELDS`, `_MAX_ALIASES`.
    pub graphql_max_depth: Option<String>,
    pub graphql_max_fields: Option<String>,
    pub graphql_max_root_fields: Option<String>,
    pub graphql_max_aliases: Option<String>,
    /// `TWENTY_PG_POOL_SIZE`: the Postgres pool's connections (default: see
    /// [`pg_pool_size`]).
    pub pg_pool_size: Option<String>,
    /// `TWENTY_HEADER_TIMEOUT`, `TWENTY_BODY_TIMEOUT`, `TWENTY_IDLE_TIMEOUT` (durations).
    pub header_timeout: Option<String>,
    pub body_timeout: Option<String>,
    pub idle_timeout: Option<String>,
    /// `TWENTY_MAX_CONNECTIONS`.
    pub max_connections: Option<String>,
    /// `TWENTY_RATE_LIMIT` (`off` turns every rate limit off), `TWENTY_RATE_LIMIT_SHORT`,
    /// `TWENTY_RATE_LIMIT_LONG`, `TWENTY_AUTH_FAILURE_LIMIT` (`N/PERIOD` or `off`).
    pub rate_limit: Option<String>,
    pub rate_limit_short: Option<String>,
    pub rate_limit_long: Option<String>,
    pub auth_failure_limit: Option<String>,
    /// `TWENTY_MIN_FREE_DISK`: bytes.
    pub min_free_disk: Option<String>,
    /// `serve --no-worker`.
    pub no_worker: bool,
    /// `TWENTY_CORS_ORIGINS`.
    pub cors_origins: Option<String>,
    /// `TWENTY_WEBHOOK_ALLOWED_HOSTS`, `_TIMEOUT`, `_RETRY_SCHEDULE`, `_RETENTION`,
    /// `_CONCURRENCY`, `_DISABLE_AFTER`, `_POLL_INTERVAL`.
    pub webhook_allowed_hosts: Option<String>,
    pub webhook_timeout: Option<String>,
    pub webhook_retry_schedule: Option<String>,
    pub webhook_retention: Option<String>,
    pub webhook_concurrency: Option<String>,
    pub webhook_disable_after: Option<String>,
    pub webhook_poll_interval: Option<String>,
}

/// A duration setting within `min..=max`: unset keeps `default`.
fn duration_in(
    name: &'static str,
    value: Option<String>,
    default: Duration,
    (min, max): (Duration, Duration),
    expected: &'static str,
) -> Result<Duration, ConfigError> {
    let Some(value) = value.filter(|v| !v.trim().is_empty()) else {
        return Ok(default);
    };
    match humantime::parse_duration(value.trim()) {
        Ok(d) if d >= min && d <= max => Ok(d),
        _ => Err(ConfigError::Webhook {
            name,
            value,
            expected,
        }),
    }
}

impl RawSettings {
    fn webhooks(&mut self) -> Result<WebhookSettings, ConfigError> {
        let defaults = WebhookSettings::default();
        let non_empty = |v: Option<String>| v.filter(|s| !s.trim().is_empty());
        let allowed_hosts = match non_empty(self.webhook_allowed_hosts.take()) {
            None => Vec::new(),
            Some(value) => value
                .split(',')
                .filter(|h| !h.trim().is_empty())
                .map(|h| {
                    AllowedHost::parse(h).ok_or_else(|| ConfigError::Webhook {
                        name: "TWENTY_WEBHOOK_ALLOWED_HOSTS",
                        value: value.clone(),
                        expected: "a comma list of host names and address ranges such as example.internal,127.0.0.1/32",
                    })
                })
                .collect::<Result<_, _>>()?,
        };
        let retry_schedule = match non_empty(self.webhook_retry_schedule.take()) {
            None => defaults.retry_schedule,
            Some(value) => {
                let bad = || ConfigError::Webhook {
                    name: "TWENTY_WEBHOOK_RETRY_SCHEDULE",
                    value: value.clone(),
                    expected: "a comma list of 1 to 20 delays from 1s to 7d such as 5s,5m,30m,2h",
                };
                let list: Vec<Duration> = value
                    .split(',')
                    .map(|d| humantime::parse_duration(d.trim()).map_err(|_| bad()))
                    .collect::<Result<_, _>>()?;
                let week = Duration::from_secs(7 * 86_400);
                if list.is_empty()
                    || list.len() > 20
                    || list
                        .iter()
                        .any(|d| *d < Duration::from_secs(1) || *d > week)
                {
                    return Err(bad());
                }
                list
            }
        };
        let concurrency = match non_empty(self.webhook_concurrency.take()) {
            None => defaults.concurrency,
            Some(value) => match value.trim().parse::<usize>() {
                Ok(n) if (1..=1000).contains(&n) => n,
                _ => {
                    return Err(ConfigError::Webhook {
                        name: "TWENTY_WEBHOOK_CONCURRENCY",
                        value,
                        expected: "a whole number from 1 to 1000",
                    });
                }
            },
        };
        let s = Duration::from_secs;
        Ok(WebhookSettings {
            allowed_hosts,
            timeout: duration_in(
                "TWENTY_WEBHOOK_TIMEOUT",
                self.webhook_timeout.take(),
                defaults.timeout,
                (s(1), s(60)),
                "a duration from 1s to 60s such as 5s",
            )?,
            retry_schedule,
            retention: duration_in(
                "TWENTY_WEBHOOK_RETENTION",
                self.webhook_retention.take(),
                defaults.retention,
                (s(60), s(365 * 86_400)),
                "a duration from 1m to 365d such as 14d",
            )?,
            concurrency,
            disable_after: duration_in(
                "TWENTY_WEBHOOK_DISABLE_AFTER",
                self.webhook_disable_after.take(),
                defaults.disable_after,
                (s(1), s(365 * 86_400)),
                "a duration from 1s to 365d such as 3d",
            )?,
            poll_interval: duration_in(
                "TWENTY_WEBHOOK_POLL_INTERVAL",
                self.webhook_poll_interval.take(),
                defaults.poll_interval,
                (Duration::from_millis(10), s(60)),
                "a duration from 10ms to 60s such as 250ms",
            )?,
        })
    }
}

/// A timeout setting: unset keeps `default`; otherwise a duration from 1s to 1h.
fn timeout(
    name: &'static str,
    value: Option<String>,
    default: Duration,
) -> Result<Duration, ConfigError> {
    let Some(value) = value.filter(|v| !v.trim().is_empty()) else {
        return Ok(default);
    };
    match humantime::parse_duration(value.trim()) {
        Ok(d) if d >= Duration::from_secs(1) && d <= Duration::from_secs(3600) => Ok(d),
        _ => Err(ConfigError::Timeout { name, value }),
    }
}

/// A rate setting: unset keeps `default`; `off`; or `N/PERIOD` (`100/1s`).
fn rate(
    name: &'static str,
    value: Option<String>,
    default: Option<Window>,
) -> Result<Option<Window>, ConfigError> {
    let Some(value) = value.filter(|v| !v.trim().is_empty()) else {
        return Ok(default);
    };
    if value.trim() == "off" {
        return Ok(None);
    }
    let bad = || ConfigError::Rate {
        name,
        value: value.clone(),
    };
    let (count, period) = value.trim().split_once('/').ok_or_else(bad)?;
    let limit = count.trim().parse::<u32>().map_err(|_| bad())?;
    let period = humantime::parse_duration(period.trim()).map_err(|_| bad())?;
    if !(1..=1_000_000).contains(&limit)
        || period < Duration::from_secs(1)
        || period > Duration::from_secs(86_400)
    {
        return Err(bad());
    }
    Ok(Some(Window { limit, period }))
}

/// The cores this process may run on (1 when unknown).
pub fn cores() -> u32 {
    std::thread::available_parallelism().map_or(1, |n| u32::try_from(n.get()).unwrap_or(u32::MAX))
}

/// Connections of the Postgres pool unless `TWENTY_PG_POOL_SIZE` says otherwise: twice
/// the cores, at least 4 (PostgreSQL's rule of thumb). More backends than that only take
/// turns on the cores: on the 2-core benchmark machine, 4 connections instead of 10
/// answered the REST list 15–25 % faster and cut its p99 by a third (README,
/// "Connections").
pub fn pg_pool_size() -> u32 {
    cores().saturating_mul(2).max(4)
}

/// A limit setting: unset keeps `default`; otherwise 1 to 100000.
fn limit(name: &'static str, value: Option<String>, default: usize) -> Result<usize, ConfigError> {
    let Some(value) = value.filter(|v| !v.trim().is_empty()) else {
        return Ok(default);
    };
    match value.trim().parse::<usize>() {
        Ok(n) if (1..=100_000).contains(&n) => Ok(n),
        _ => Err(ConfigError::GraphqlLimit { name, value }),
    }
}

/// `HOST:PORT` with an IP address or a host name (`localhost:3000`), resolved once; an
/// IPv4 address is preferred when the name has several.
fn listen_address(text: &str) -> Result<SocketAddr, ConfigError> {
    let error = |reason: String| ConfigError::Listen {
        value: text.to_owned(),
        reason,
    };
    if let Ok(addr) = text.parse::<SocketAddr>() {
        return Ok(addr);
    }
    let Some((host, port)) = text.rsplit_once(':') else {
        return Err(error("no port".to_owned()));
    };
    if host.is_empty() || port.parse::<u16>().is_err() {
        return Err(error("invalid socket address syntax".to_owned()));
    }
    use std::net::ToSocketAddrs;
    let addrs: Vec<SocketAddr> = text
        .to_socket_addrs()
        .map_err(|e| error(format!("cannot resolve {host:?}: {e}")))?
        .collect();
    addrs
        .iter()
        .find(|a| a.is_ipv4())
        .or(addrs.first())
        .copied()
        .ok_or_else(|| error(format!("{host:?} resolves to no address")))
}

/// Every setting read from the environment, with its default (taken from the defaults
/// themselves), as `--help` lists them.
pub fn environment() -> Vec<(&'static str, String)> {
    let graphql = GraphqlLimits::default();
    let conn = ConnLimits::default();
    let rate = RateLimits::default();
    let webhooks = WebhookSettings::default();
    let secs = |d: Duration| humantime::format_duration(d).to_string();
    let window = |w: Option<Window>| w.map_or("off".to_owned(), |w| w.to_string());
    vec![
        (
            "DATABASE_URL (or PG_DATABASE_URL)",
            "unset: the embedded SQLite store".to_owned(),
        ),
        ("TWENTY_LISTEN", DEFAULT_LISTEN.to_owned()),
        ("TWENTY_DATA_DIR", DEFAULT_DATA_DIR.to_owned()),
        ("TWENTY_PG_POOL_SIZE", pg_pool_size().to_string()),
        ("TWENTY_GRAPHQL_MAX_DEPTH", graphql.max_depth.to_string()),
        ("TWENTY_GRAPHQL_MAX_FIELDS", graphql.max_fields.to_string()),
        (
            "TWENTY_GRAPHQL_MAX_ROOT_FIELDS",
            graphql.max_root_fields.to_string(),
        ),
        (
            "TWENTY_GRAPHQL_MAX_ALIASES",
            graphql.max_aliases.to_string(),
        ),
        ("TWENTY_HEADER_TIMEOUT", secs(conn.header_timeout)),
        ("TWENTY_BODY_TIMEOUT", secs(conn.body_timeout)),
        ("TWENTY_IDLE_TIMEOUT", secs(conn.idle_timeout)),
        ("TWENTY_MAX_CONNECTIONS", conn.max_connections.to_string()),
        (
            "TWENTY_RATE_LIMIT",
            "on (`off` turns every rate limit off)".to_owned(),
        ),
        ("TWENTY_RATE_LIMIT_SHORT", window(rate.short)),
        ("TWENTY_RATE_LIMIT_LONG", window(rate.long)),
        ("TWENTY_AUTH_FAILURE_LIMIT", window(rate.auth_failures)),
        ("RUST_LOG", "info,sqlx::postgres::notice=warn".to_owned()),
        ("TWENTY_LOG_FORMAT", "text (or json)".to_owned()),
        ("TWENTY_MIN_FREE_DISK", DEFAULT_MIN_FREE_DISK.to_string()),
        (
            "TWENTY_CORS_ORIGINS",
            "unset: no cross-origin calls (a comma list of origins, or * for any)".to_owned(),
        ),
        (
            "TWENTY_WEBHOOK_ALLOWED_HOSTS",
            "none (private, loopback and link-local targets are refused)".to_owned(),
        ),
        ("TWENTY_WEBHOOK_TIMEOUT", secs(webhooks.timeout)),
        (
            "TWENTY_WEBHOOK_RETRY_SCHEDULE",
            durations(&webhooks.retry_schedule),
        ),
        ("TWENTY_WEBHOOK_RETENTION", secs(webhooks.retention)),
        (
            "TWENTY_WEBHOOK_CONCURRENCY",
            webhooks.concurrency.to_string(),
        ),
        ("TWENTY_WEBHOOK_DISABLE_AFTER", secs(webhooks.disable_after)),
        ("TWENTY_WEBHOOK_POLL_INTERVAL", secs(webhooks.poll_interval)),
    ]
}

/// [`environment`] as the text `--help` ends with.
pub fn environment_help() -> String {
    let settings = environment();
    let width = settings.iter().map(|(n, _)| n.len()).max().unwrap_or(0);
    let mut out = String::from("Settings (environment; the README's Limits section says more):\n");
    for (name, default) in settings {
        out.push_str(&format!("  {name:<width$}  default: {default}\n"));
    }
    out
}

/// The default listen address.
pub const DEFAULT_LISTEN: &str = "127.0.0.1:3000";
/// The default embedded data directory.
pub const DEFAULT_DATA_DIR: &str = "./.twenty";

impl RawSettings {
    /// Validates the settings into a [`Config`].
    pub fn resolve(mut self) -> Result<Config, ConfigError> {
        let webhooks = self.webhooks()?;
        let listen_text = self.listen.unwrap_or_else(|| DEFAULT_LISTEN.to_owned());
        let listen = listen_address(&listen_text)?;
        let non_empty = |v: Option<String>| v.filter(|s| !s.trim().is_empty());
        let url = match non_empty(self.database_url) {
            Some(url) => Some(("DATABASE_URL", url)),
            None => non_empty(self.pg_database_url).map(|url| ("PG_DATABASE_URL", url)),
        };
        // Checked also when unused (on SQLite): a bad value is an error wherever it is set.
        let pool_size = match non_empty(self.pg_pool_size) {
            None => pg_pool_size(),
            Some(value) => match value.trim().parse::<u32>() {
                Ok(n) if (1..=1000).contains(&n) => n,
                _ => return Err(ConfigError::PgPoolSize { value }),
            },
        };
        let database = match url {
            Some((name, url)) => {
                if !(url.starts_with("postgres://") || url.starts_with("postgresql://")) {
                    return Err(ConfigError::DatabaseUrl { name, value: url });
                }
                Database::Postgres { url, pool_size }
            }
            None => {
                let dir = self.data_dir.unwrap_or_else(|| DEFAULT_DATA_DIR.to_owned());
                if dir.trim().is_empty() {
                    return Err(ConfigError::DataDir);
                }
                Database::Sqlite {
                    data_dir: PathBuf::from(dir),
                }
            }
        };
        let defaults = GraphqlLimits::default();
        let graphql = GraphqlLimits {
            max_depth: limit(
                "TWENTY_GRAPHQL_MAX_DEPTH",
                self.graphql_max_depth,
                defaults.max_depth,
            )?,
            max_fields: limit(
                "TWENTY_GRAPHQL_MAX_FIELDS",
                self.graphql_max_fields,
                defaults.max_fields,
            )?,
            max_root_fields: limit(
                "TWENTY_GRAPHQL_MAX_ROOT_FIELDS",
                self.graphql_max_root_fields,
                defaults.max_root_fields,
            )?,
            max_aliases: limit(
                "TWENTY_GRAPHQL_MAX_ALIASES",
                self.graphql_max_aliases,
                defaults.max_aliases,
            )?,
        };
        let conn_defaults = ConnLimits::default();
        let conn = ConnLimits {
            header_timeout: timeout(
                "TWENTY_HEADER_TIMEOUT",
                self.header_timeout,
                conn_defaults.header_timeout,
            )?,
            body_timeout: timeout(
                "TWENTY_BODY_TIMEOUT",
                self.body_timeout,
                conn_defaults.body_timeout,
            )?,
            idle_timeout: timeout(
                "TWENTY_IDLE_TIMEOUT",
                self.idle_timeout,
                conn_defaults.idle_timeout,
            )?,
            max_connections: match non_empty(self.max_connections) {
                None => conn_defaults.max_connections,
                Some(value) => match value.trim().parse::<usize>() {
                    Ok(n) if (1..=1_000_000).contains(&n) => n,
                    _ => return Err(ConfigError::MaxConnections { value }),
                },
            },
        };
        let rate_defaults = match non_empty(self.rate_limit) {
            None => RateLimits::default(),
            Some(v) if v.trim() == "off" => RateLimits::OFF,
            Some(v) if v.trim() == "on" => RateLimits::default(),
            Some(value) => {
                return Err(ConfigError::Rate {
                    name: "TWENTY_RATE_LIMIT",
                    value,
                });
            }
        };
        let rate = RateLimits {
            short: rate(
                "TWENTY_RATE_LIMIT_SHORT",
                self.rate_limit_short,
                rate_defaults.short,
            )?,
            long: rate(
                "TWENTY_RATE_LIMIT_LONG",
                self.rate_limit_long,
                rate_defaults.long,
            )?,
            auth_failures: rate(
                "TWENTY_AUTH_FAILURE_LIMIT",
                self.auth_failure_limit,
                rate_defaults.auth_failures,
            )?,
        };
        let min_free_disk = match non_empty(self.min_free_disk) {
            None => DEFAULT_MIN_FREE_DISK,
            Some(value) => value
                .trim()
                .parse::<u64>()
                .map_err(|_| ConfigError::MinFreeDisk { value })?,
        };
        Ok(Config {
            database,
            listen,
            no_migrate: self.no_migrate,
            graphql,
            conn,
            rate,
            min_free_disk,
            webhooks,
            worker: !self.no_worker,
            cors: CorsOrigins::parse(self.cors_origins.as_deref().unwrap_or(""))?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_to_sqlite_under_dot_twenty_on_port_3000() {
        let config = RawSettings::default().resolve().unwrap();
        assert_eq!(config.listen.to_string(), "127.0.0.1:3000");
        assert_eq!(
            config.database,
            Database::Sqlite {
                data_dir: PathBuf::from("./.twenty")
            }
        );
    }

    #[test]
    fn cors_origins_are_off_any_or_a_list_of_origins() {
        let cors = |value: &str| {
            RawSettings {
                cors_origins: Some(value.to_owned()),
                ..Default::default()
            }
            .resolve()
            .map(|c| c.cors)
        };
        assert_eq!(
            RawSettings::default().resolve().unwrap().cors,
            CorsOrigins::Off
        );
        assert_eq!(cors(" "), Ok(CorsOrigins::Off));
        assert_eq!(cors("*"), Ok(CorsOrigins::Any));
        assert_eq!(
            cors("https://App.Example.com, http://localhost:5173/"),
            Ok(CorsOrigins::List(vec![
                "https://app.example.com".into(),
                "http://localhost:5173".into()
            ]))
        );
        for bad in [
            "https://a.example.com/app",
            "ftp://a.example.com",
            "*,https://a.example.com",
            "localhost:5173",
        ] {
            let error = cors(bad).unwrap_err().to_string();
            assert!(
                error.starts_with("invalid TWENTY_CORS_ORIGINS"),
                "{bad}: {error}"
            );
        }
    }

    #[test]
    fn pg_database_url_is_used_when_database_url_is_absent() {
        let raw = RawSettings {
            pg_database_url: Some("postgres://u@h/db".into()),
            ..Default::default()
        };
        assert_eq!(
            raw.resolve().unwrap().database,
            Database::Postgres {
                url: "postgres://u@h/db".into(),
                pool_size: pg_pool_size(),
            }
        );
    }

    #[test]
    fn the_postgres_pool_size_defaults_to_the_cores_and_is_validated() {
        let url = Some("postgres://u@h/db".to_owned());
        let raw = RawSettings {
            database_url: url.clone(),
            pg_pool_size: Some("25".into()),
            ..Default::default()
        };
        assert_eq!(
            raw.resolve().unwrap().database,
            Database::Postgres {
                url: "postgres://u@h/db".into(),
                pool_size: 25,
            }
        );
        for bad in ["0", "1001", "ten", "-3"] {
            let raw = RawSettings {
                database_url: url.clone(),
                pg_pool_size: Some(bad.into()),
                ..Default::default()
            };
            let message = raw.resolve().unwrap_err().to_string();
            assert!(message.contains("TWENTY_PG_POOL_SIZE"), "{message}");
            assert!(message.contains(bad), "{message}");
        }
        assert!(pg_pool_size() >= 4);
    }

    #[test]
    fn the_listen_address_may_name_a_host() {
        let raw = RawSettings {
            listen: Some("localhost:3000".into()),
            ..Default::default()
        };
        let listen = raw.resolve().unwrap().listen;
        assert!(listen.ip().is_loopback(), "{listen}");
        assert_eq!(listen.port(), 3000);
        for bad in ["localhost:", ":3000", "localhost:port"] {
            let raw = RawSettings {
                listen: Some(bad.into()),
                ..Default::default()
            };
            let message = raw.resolve().unwrap_err().to_string();
            assert!(message.contains("TWENTY_LISTEN"), "{bad}: {message}");
        }
    }

    #[test]
    fn the_free_disk_threshold_is_bytes() {
        let config = RawSettings::default().resolve().unwrap();
        assert_eq!(config.min_free_disk, DEFAULT_MIN_FREE_DISK);
        let raw = RawSettings {
            min_free_disk: Some("1048576".into()),
            ..Default::default()
        };
        assert_eq!(raw.resolve().unwrap().min_free_disk, 1_048_576);
        let raw = RawSettings {
            min_free_disk: Some("64MB".into()),
            ..Default::default()
        };
        let message = raw.resolve().unwrap_err().to_string();
        assert!(message.contains("TWENTY_MIN_FREE_DISK"), "{message}");
    }

    #[test]
    fn a_bad_listen_address_names_the_setting() {
        let raw = RawSettings {
            listen: Some("localhost".into()),
            ..Default::default()
        };
        let message = raw.resolve().unwrap_err().to_string();
        assert!(message.contains("TWENTY_LISTEN"), "{message}");
    }

    #[test]
    fn graphql_limits_default_and_are_validated() {
        let config = RawSettings::default().resolve().unwrap();
        assert_eq!(config.graphql, GraphqlLimits::default());
        let raw = RawSettings {
            graphql_max_depth: Some("8".into()),
            ..Default::default()
        };
        assert_eq!(raw.resolve().unwrap().graphql.max_depth, 8);
        let raw = RawSettings {
            graphql_max_aliases: Some("0".into()),
            ..Default::default()
        };
        let message = raw.resolve().unwrap_err().to_string();
        assert!(
            message.starts_with("invalid TWENTY_GRAPHQL_MAX_ALIASES \"0\""),
            "{message}"
        );
    }

    #[test]
    fn connection_limits_default_and_are_validated() {
        let config = RawSettings::default().resolve().unwrap();
        assert_eq!(config.conn.header_timeout, Duration::from_secs(10));
        assert_eq!(config.conn.body_timeout, Duration::from_secs(30));
        assert_eq!(config.conn.idle_timeout, Duration::from_secs(60));
        assert!((16..=1024).contains(&config.conn.max_connections));
        let raw = RawSettings {
            header_timeout: Some("2s".into()),
            max_connections: Some("50".into()),
            ..Default::default()
        };
        let conn = raw.resolve().unwrap().conn;
        assert_eq!(conn.header_timeout, Duration::from_secs(2));
        assert_eq!(conn.max_connections, 50);
        for (raw, name) in [
            (
                RawSettings {
                    idle_timeout: Some("0s".into()),
                    ..Default::default()
                },
                "TWENTY_IDLE_TIMEOUT",
            ),
            (
                RawSettings {
                    body_timeout: Some("soon".into()),
                    ..Default::default()
                },
                "TWENTY_BODY_TIMEOUT",
            ),
            (
                RawSettings {
                    max_connections: Some("0".into()),
                    ..Default::default()
                },
                "TWENTY_MAX_CONNECTIONS",
            ),
        ] {
            let message = raw.resolve().unwrap_err().to_string();
            assert!(message.contains(name), "{message}");
        }
    }

    #[test]
    fn rate_limits_default_to_twentys_and_can_be_set_or_turned_off() {
        let rate = RawSettings::default().resolve().unwrap().rate;
        assert_eq!(rate, RateLimits::default());
        assert_eq!(rate.short.unwrap().to_string(), "100/1s");
        let raw = RawSettings {
            rate_limit: Some("off".into()),
            ..Default::default()
        };
        assert_eq!(raw.resolve().unwrap().rate, RateLimits::OFF);
        let raw = RawSettings {
            rate_limit_long: Some("10000/1h".into()),
            auth_failure_limit: Some("off".into()),
            ..Default::default()
        };
        let rate = raw.resolve().unwrap().rate;
        assert_eq!(
            rate.long,
            Some(Window {
                limit: 10000,
                period: Duration::from_secs(3600)
            })
        );
        assert_eq!(rate.auth_failures, None);
        for bad in ["100", "0/1s", "10/0s", "x/1s", "10/2d"] {
            let raw = RawSettings {
                rate_limit_short: Some(bad.into()),
                ..Default::default()
            };
            let message = raw.resolve().unwrap_err().to_string();
            assert!(message.contains("TWENTY_RATE_LIMIT_SHORT"), "{message}");
        }
    }

    #[test]
    fn a_non_postgres_url_names_the_setting() {
        let raw = RawSettings {
            database_url: Some("mysql://x".into()),
            ..Default::default()
        };
        let message = raw.resolve().unwrap_err().to_string();
        assert!(message.starts_with("invalid DATABASE_URL"), "{message}");
    }

    #[test]
    fn webhook_settings_default_and_are_validated_by_name() {
        let config = RawSettings::default().resolve().unwrap();
        assert!(config.worker);
        let w = &config.webhooks;
        assert_eq!(w.timeout, Duration::from_secs(5));
        let total: Duration = w.retry_schedule.iter().sum();
        assert!(
            total > Duration::from_secs(40 * 3600) && total < Duration::from_secs(56 * 3600),
            "about two days: {total:?}"
        );
        assert!(w.allowed_hosts.is_empty());
        let raw = RawSettings {
            no_worker: true,
            webhook_allowed_hosts: Some("hooks.internal, 127.0.0.1/32,::1".into()),
            webhook_retry_schedule: Some("1s, 1s,2s".into()),
            webhook_timeout: Some("2s".into()),
            ..Default::default()
        };
        let config = raw.resolve().unwrap();
        assert!(!config.worker);
        assert_eq!(
            config.webhooks.allowed_hosts,
            [
                AllowedHost::Name("hooks.internal".into()),
                AllowedHost::Range("127.0.0.1".parse().unwrap(), 32),
                AllowedHost::Range("::1".parse().unwrap(), 128),
            ]
        );
        assert_eq!(config.webhooks.retry_schedule.len(), 3);
        let bad = |raw: RawSettings, name: &str| {
            let message = raw.resolve().unwrap_err().to_string();
            assert!(message.contains(name), "{message}");
        };
        for value in ["1s,,2s", "0s", "1s,8d", "soon"] {
            bad(
                RawSettings {
                    webhook_retry_schedule: Some(value.into()),
                    ..Default::default()
                },
                "TWENTY_WEBHOOK_RETRY_SCHEDULE",
            );
        }
        for value in ["10.0.0.0/33", "not a host!", "1.2.3.4/x"] {
            bad(
                RawSettings {
                    webhook_allowed_hosts: Some(value.into()),
                    ..Default::default()
                },
                "TWENTY_WEBHOOK_ALLOWED_HOSTS",
            );
        }
        bad(
            RawSettings {
                webhook_timeout: Some("2m".into()),
                ..Default::default()
            },
            "TWENTY_WEBHOOK_TIMEOUT",
        );
        bad(
            RawSettings {
                webhook_concurrency: Some("0".into()),
                ..Default::default()
            },
            "TWENTY_WEBHOOK_CONCURRENCY",
        );
        let range = AllowedHost::Range("10.1.0.0".parse().unwrap(), 16);
        assert!(range.contains("10.1.200.3".parse().unwrap()));
        assert!(!range.contains("10.2.0.1".parse().unwrap()));
    }
}
