//! The release `server` binary as a child process of a benchmark: started
//! on an index with a throw-away database, timed until `/api/health` says
//! the index is loaded, its resident memory read from /proc, stopped when
//! dropped.

use anyhow::Context;
use std::path::Path;
use std::process::{Child, Command};
use std::time::{Duration, Instant};

/// How long the server may take to come up or to stop.
const PATIENCE: Duration = Duration::from_secs(60);

/// A server process serving one index on a loopback port.
pub struct Server {
    child: Child,
    /// `127.0.0.1:PORT`.
    pub listen: String,
    /// From spawning the process to `/api/health` reporting the index loaded.
    pub startup: Duration,
    /// Holds the database; removed after the process is stopped.
    _database: tempfile::TempDir,
}

impl Server {
    /// Starts `binary` on `index` with guest quotas off, and waits until the
    /// index is loaded.
    pub fn start(binary: &Path, index: &Path) -> anyhow::Result<Server> {
        Server::start_with(binary, index, &["--no-guest-quota"])
    }

    /// Starts `binary` on `index` with `flags` added, and waits until the
    /// index is loaded.
    pub fn start_with(binary: &Path, index: &Path, flags: &[&str]) -> anyhow::Result<Server> {
        let database = tempfile::tempdir().context("creating the database folder")?;
        let listen = format!("127.0.0.1:{}", free_port()?);
        let started = Instant::now();
        let child = Command::new(binary)
            .arg("--index")
            .arg(index)
            .arg("--database")
            .arg(database.path().join("server.db"))
            .args(["--listen", &listen])
            .args(flags)
            .env("RUST_LOG", "warn")
            .spawn()
            .with_context(|| format!("starting {}", binary.display()))?;
        let mut server = Server {
            child,
            listen,
            startup: Duration::ZERO,
            _database: database,
        };
        server.wait_loaded(started)?;
        server.startup = started.elapsed();
        Ok(server)
    }

    fn wait_loaded(&mut self, started: Instant) -> anyhow::Result<()> {
        while !health_loaded(&self.listen) {
            anyhow::ensure!(started.elapsed() < PATIENCE, "the server did not come up");
            if let Some(status) = self.child.try_wait()? {
                anyhow::bail!("the server exited: {status}");
            }
            std::thread::sleep(Duration::from_millis(2));
        }
        Ok(())
    }

    /// The server's database file.
    pub fn database(&self) -> std::path::PathBuf {
        self._database.path().join("server.db")
    }

    /// `http://127.0.0.1:PORT` followed by `path`.
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.listen)
    }

    /// The process's resident memory now, in KiB.
    pub fn rss_kb(&self) -> anyhow::Result<u64> {
        let pid = self.child.id();
        let status = std::fs::read_to_string(format!("/proc/{pid}/status"))
            .with_context(|| format!("reading /proc/{pid}/status"))?;
        status
            .lines()
            .find_map(|l| l.strip_prefix("VmRSS:"))
            .and_then(|v| v.split_whitespace().next()?.parse().ok())
            .context("no VmRSS")
    }
}

impl Drop for Server {
    /// Asks the server to shut down (SIGTERM), kills it if it has not
    /// within `PATIENCE`.
    fn drop(&mut self) {
        if !matches!(self.child.try_wait(), Ok(None)) {
            return; // exited already, and reaped: its pid may be another's now
        }
        // SAFETY: kill(2) on our own child's pid, which is not reaped yet.
        unsafe { libc::kill(self.child.id() as libc::pid_t, libc::SIGTERM) };
        let deadline = Instant::now() + PATIENCE;
        while Instant::now() < deadline {
            if !matches!(self.child.try_wait(), Ok(None)) {
                return;
            }
            std::thread::sleep(Duration::from_millis(10));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A loopback port nothing listens on now (the kernel's pick).
fn free_port() -> anyhow::Result<u16> {
    let socket = std::net::TcpListener::bind("127.0.0.1:0").context("finding a free port")?;
    Ok(socket.local_addr()?.port())
}

/// Whether `/api/health` answers with an index loaded.
fn health_loaded(listen: &str) -> bool {
    use std::io::{Read, Write};
    let Ok(mut s) = std::net::TcpStream::connect(listen) else {
        return false;
    };
    let request = format!("GET /api/health HTTP/1.0\r\nHost: {listen}\r\n\r\n");
    let mut body = String::new();
    s.write_all(request.as_bytes()).is_ok()
        && s.read_to_string(&mut body).is_ok()
        && body.contains("\"loaded\":true")
}
