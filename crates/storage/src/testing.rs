//! A real S3-compatible server for tests: moto's standalone server
//! (`pip install "moto[server]"`), run from the Python in
//! `$SHARK_TEST_PYTHON` on a free loopback port. One server serves a whole
//! test process (the store settings are the process's); each test takes
//! its own bucket. The server exits when the test process does, however
//! it ends.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::process::{Child, Command, Stdio};
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant};

/// The running server.
pub struct S3Server {
    /// `http://127.0.0.1:<port>`.
    pub endpoint: String,
    port: u16,
    _child: Mutex<Child>,
}

/// Runs moto and exits when its parent (the test process) is gone.
const LAUNCHER: &str = r#"
import os, sys, threading, time
parent = os.getppid()
def watch():
    while True:
        if os.getppid() != parent:
            os._exit(0)
        time.sleep(0.5)
threading.Thread(target=watch, daemon=True).start()
from moto.server import main
main(["-H", "127.0.0.1", "-p", sys.argv[1]])
"#;

fn python() -> Option<String> {
    let python = std::env::var("SHARK_TEST_PYTHON").ok()?;
    let ok = Command::new(&python)
        .args(["-c", "import moto.server, flask"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    ok.then_some(python)
}

impl S3Server {
    /// The process's server, started on first use, with the `fs.s3a.*`
    /// settings pointing at it. `None` (the caller skips) when no Python
    /// with moto is configured — except under CI (`CI` set), where that is
    /// a failure: the CI script installs moto.
    pub fn shared() -> Option<&'static S3Server> {
        static SERVER: OnceLock<Option<S3Server>> = OnceLock::new();
        let server = SERVER.get_or_init(|| {
            let Some(python) = python() else {
                assert!(
                    std::env::var_os("CI").is_none(),
                    "CI must provide moto: SHARK_TEST_PYTHON with moto[server]"
                );
                eprintln!("SHARK_TEST_PYTHON has no moto: S3 tests skipped");
                return None;
            };
            Some(S3Server::start(&python))
        });
        let s = server.as_ref()?;
        s.configure();
        Some(s)
    }

    fn start(python: &str) -> S3Server {
        let port = TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .map(|a| a.port())
            .expect("a free loopback port");
        let child = Command::new(python)
            .args(["-c", LAUNCHER, &port.to_string()])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("moto starts");
        let deadline = Instant::now() + Duration::from_secs(60);
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(Instant::now() < deadline, "moto did not listen in 60 s");
            std::thread::sleep(Duration::from_millis(100));
        }
        S3Server {
            endpoint: format!("http://127.0.0.1:{port}"),
            port,
            _child: Mutex::new(child),
        }
    }

    /// The settings that reach this server (as a user would `SET` them).
    pub fn settings(&self) -> Vec<(String, String)> {
        [
            ("fs.s3a.endpoint", self.endpoint.as_str()),
            ("fs.s3a.path.style.access", "true"),
            ("fs.s3a.access.key", "shark-test-key"),
            ("fs.s3a.secret.key", "shark-test-secret"),
            ("fs.s3a.endpoint.region", "us-east-1"),
        ]
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
    }

    fn configure(&self) {
        for (k, v) in self.settings() {
            crate::config::set(&k, Some(&v));
        }
    }

    /// Creates bucket `name` (moto takes unsigned requests).
    pub fn create_bucket(&self, name: &str) {
        let mut s = TcpStream::connect(("127.0.0.1", self.port)).expect("moto listens");
        let req = format!(
            "PUT /{name} HTTP/1.1\r\nHost: 127.0.0.1:{}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
            self.port
        );
        s.write_all(req.as_bytes()).expect("request sent");
        let mut reply = String::new();
        let _ = s.read_to_string(&mut reply);
        assert!(
            reply.starts_with("HTTP/1.1 200") || reply.starts_with("HTTP/1.0 200"),
            "bucket {name} not created: {reply}"
        );
    }
}
