//! Flight SQL against the `shark-server` binary, as deployed: a 10-million
//! row result streamed while the server's memory stays bounded, and a real
//! client — Python's ADBC Flight SQL driver — running queries, a prepared
//! statement and catalog calls (`tests/clients/adbc_flight_sql.py`).

use arrow_flight::sql::client::FlightSqlServiceClient;
use futures_util::TryStreamExt;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

/// A `shark-server` process, killed on drop.
struct ServerProcess {
    child: Child,
    /// The HTTP endpoint's address.
    http: String,
    /// The first stdout line, as printed.
    banner: String,
    flight: String,
    _dir: tempfile::TempDir,
    warehouse: PathBuf,
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn spawn(args: &[&str]) -> ServerProcess {
    let dir = tempfile::tempdir().unwrap();
    let warehouse = dir.path().join("warehouse");
    let mut child = Command::new(env!("CARGO_BIN_EXE_shark-server"))
        .args(["--warehouse", warehouse.to_str().unwrap()])
        .args(["--bind", "127.0.0.1:0", "--flight-bind", "127.0.0.1:0"])
        .args(["--master", "local[2]"])
        .args(args)
        .env("RUST_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let banner = lines.next().unwrap().unwrap();
    let flight = lines.next().unwrap().unwrap();
    let addr = |line: &str| line.rsplit("://").next().unwrap().to_string();
    ServerProcess {
        child,
        http: addr(&banner),
        banner: format!("{banner}\n{flight}"),
        flight: addr(&flight),
        _dir: dir,
        warehouse,
    }
}

/// The server's resident memory now, in bytes.
fn rss(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
        .map(|kb| kb * 1024)
        .unwrap_or(0)
}

async fn connect(addr: &str) -> FlightSqlServiceClient<tonic::transport::Channel> {
    let channel = tonic::transport::Endpoint::from_shared(format!("http://{addr}"))
        .unwrap()
        .connect()
        .await
        .unwrap();
    let mut c = FlightSqlServiceClient::new(channel);
    c.handshake("test", "").await.unwrap();
    c
}

/// Creates `src` (500 rows) through the client.
async fn load_src(c: &mut FlightSqlServiceClient<tonic::transport::Channel>, warehouse: &Path) {
    let incoming = warehouse.join("incoming");
    std::fs::create_dir_all(&incoming).unwrap();
    let file = incoming.join("kv.txt");
    let text: String = (0..500).map(|i| format!("{i}\x01val_{i}\n")).collect();
    std::fs::write(&file, text).unwrap();
    c.execute_update("CREATE TABLE src (key INT, value STRING)".into(), None)
        .await
        .unwrap();
    c.execute_update(
        format!("LOAD DATA LOCAL INPATH '{}' INTO TABLE src", file.display()),
        None,
    )
    .await
    .unwrap();
}

#[tokio::test]
async fn ten_million_rows_stream_in_bounded_memory() {
    let server = spawn(&[]);
    let mut c = connect(&server.flight).await;
    load_src(&mut c, &server.warehouse).await;
    let pid = server.child.id();
    let baseline = rss(pid);
    let peak = Arc::new(AtomicU64::new(baseline));
    let done = Arc::new(AtomicBool::new(false));
    let sampler = {
        let (peak, done) = (peak.clone(), done.clone());
        std::thread::spawn(move || {
            while !done.load(Ordering::Relaxed) {
                peak.fetch_max(rss(pid), Ordering::Relaxed);
                std::thread::sleep(Duration::from_millis(20));
            }
        })
    };
    // 500 × 500 × 40 = 10,000,000 rows of two ints (80 MB as Arrow).
    let info = c
        .execute(
            "SELECT a.key AS x, b.key AS y FROM src a JOIN src b JOIN src c WHERE c.key < 40"
                .into(),
            None,
        )
        .await
        .unwrap();
    let mut rows = 0usize;
    let mut sum = 0i64;
    for ep in info.endpoint {
        let mut stream = c.do_get(ep.ticket.unwrap()).await.unwrap();
        while let Some(b) = stream.try_next().await.unwrap() {
            rows += b.num_rows();
            let x = b
                .column(0)
                .as_any()
                .downcast_ref::<arrow::array::Int32Array>()
                .unwrap();
            sum += x.values().iter().map(|v| *v as i64).sum::<i64>();
        }
    }
    done.store(true, Ordering::Relaxed);
    sampler.join().unwrap();
    assert_eq!(rows, 10_000_000);
    assert_eq!(sum, (0..500i64).sum::<i64>() * 500 * 40);
    let grew = peak.load(Ordering::Relaxed).saturating_sub(baseline);
    eprintln!(
        "server RSS: baseline {} MB, grew {} MB",
        baseline >> 20,
        grew >> 20
    );
    // The whole result is 80 MB as Arrow and 10M rows × 2 ints; what the
    // server holds at once is a few batches, not the result.
    assert!(grew < 160 << 20, "the server grew by {} MB", grew >> 20);
}

/// The Python with `adbc_driver_flightsql` and `pyarrow`: $SHARK_TEST_PYTHON
/// (`.ci/run` makes a venv), else `python3` if it has them.
fn python() -> Option<String> {
    let candidates = std::env::var("SHARK_TEST_PYTHON")
        .ok()
        .into_iter()
        .chain(["python3".to_string()]);
    for py in candidates {
        let ok = Command::new(&py)
            .args(["-c", "import adbc_driver_flightsql.dbapi, pyarrow"])
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
        if ok {
            return Some(py);
        }
    }
    None
}

#[test]
fn python_adbc_client_works() {
    let Some(py) = python() else {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI must have the ADBC client: .ci/run installs it into a venv (SHARK_TEST_PYTHON)"
        );
        eprintln!(
            "skipped: no Python with adbc-driver-flightsql and pyarrow (set SHARK_TEST_PYTHON)"
        );
        return;
    };
    let server = spawn(&["--token", "s3cret"]);
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/clients/adbc_flight_sql.py");
    let out = Command::new(py)
        .arg(script)
        .arg(format!("grpc://{}", server.flight))
        .arg("s3cret")
        .arg(&server.warehouse)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "stdout:\n{stdout}\nstderr:\n{stderr}");
    assert!(
        stdout.contains("adbc client: all checks passed"),
        "{stdout}"
    );
}

/// An HTTPS GET of `path`, trusting `ca` only; the status line.
async fn https_status(addr: &str, ca: &str, path: &str) -> std::io::Result<String> {
    use rustls_pki_types::pem::PemObject;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    use tokio_rustls::rustls;
    let mut roots = rustls::RootCertStore::empty();
    for c in rustls_pki_types::CertificateDer::pem_slice_iter(ca.as_bytes()) {
        roots.add(c.unwrap()).unwrap();
    }
    #[allow(deprecated)]
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_root_certificates(roots)
        .with_no_client_auth();
    let connector = tokio_rustls::TlsConnector::from(Arc::new(config));
    let tcp = tokio::net::TcpStream::connect(addr).await?;
    let name = rustls_pki_types::ServerName::try_from("localhost").unwrap();
    let mut tls = connector.connect(name, tcp).await?;
    tls.write_all(
        format!("GET {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n").as_bytes(),
    )
    .await?;
    let mut response = String::new();
    tls.read_to_string(&mut response).await.ok();
    Ok(response.lines().next().unwrap_or_default().to_string())
}

#[tokio::test]
async fn tls_serves_https_and_flight() {
    let cert = rcgen::generate_simple_self_signed(vec!["localhost".to_string()]).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let (cert_path, key_path) = (dir.path().join("cert.pem"), dir.path().join("key.pem"));
    std::fs::write(&cert_path, cert.cert.pem()).unwrap();
    std::fs::write(&key_path, cert.signing_key.serialize_pem()).unwrap();
    let server = spawn(&[
        "--tls-cert",
        cert_path.to_str().unwrap(),
        "--tls-key",
        key_path.to_str().unwrap(),
    ]);
    assert!(
        server
            .banner
            .starts_with("shark-server listening on https://"),
        "{}",
        server.banner
    );
    assert!(server.banner.contains("grpc+tls://"), "{}", server.banner);
    let http_addr = server.http.clone();
    let ca = cert.cert.pem();

    // HTTPS answers; plain HTTP on the same port does not.
    let status = https_status(&http_addr, &ca, "/health").await.unwrap();
    assert!(status.contains("200"), "{status}");
    storage::install_tls_provider();
    let plain = reqwest::get(format!("http://{http_addr}/health")).await;
    assert!(plain.is_err() || !plain.unwrap().status().is_success());

    // Flight over TLS with the certificate trusted.
    let tls = tonic::transport::ClientTlsConfig::new()
        .ca_certificate(tonic::transport::Certificate::from_pem(&ca))
        .domain_name("localhost");
    let channel = tonic::transport::Endpoint::from_shared(format!("https://{}", server.flight))
        .unwrap()
        .tls_config(tls)
        .unwrap()
        .connect()
        .await
        .unwrap();
    let mut c = FlightSqlServiceClient::new(channel);
    c.handshake("tls", "").await.unwrap();
    let info = c.execute("SELECT 6 * 7".into(), None).await.unwrap();
    let mut stream = c
        .do_get(info.endpoint[0].ticket.clone().unwrap())
        .await
        .unwrap();
    let b = stream.try_next().await.unwrap().unwrap();
    let v = arrow::compute::cast(b.column(0), &arrow::datatypes::DataType::Int64).unwrap();
    assert_eq!(
        v.as_any()
            .downcast_ref::<arrow::array::Int64Array>()
            .unwrap()
            .value(0),
        42
    );

    // A plaintext Flight client is turned away.
    let plain = tonic::transport::Endpoint::from_shared(format!("http://{}", server.flight))
        .unwrap()
        .connect()
        .await;
    if let Ok(ch) = plain {
        let mut c = FlightSqlServiceClient::new(ch);
        assert!(c.handshake("x", "").await.is_err());
    }
}

#[test]
fn bad_tls_files_stop_the_server_with_a_message() {
    let dir = tempfile::tempdir().unwrap();
    let junk = dir.path().join("junk.pem");
    std::fs::write(&junk, "not a certificate").unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_shark-server"))
        .args(["--warehouse", dir.path().join("wh").to_str().unwrap()])
        .args(["--bind", "127.0.0.1:0", "--flight-bind", "127.0.0.1:0"])
        .args([
            "--tls-cert",
            junk.to_str().unwrap(),
            "--tls-key",
            junk.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("TLS"), "{err}");
}

#[test]
fn an_empty_token_is_refused_at_start() {
    let dir = tempfile::tempdir().unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_shark-server"))
        .args(["--warehouse", dir.path().join("wh").to_str().unwrap()])
        .args(["--bind", "127.0.0.1:0", "--flight-bind", "127.0.0.1:0"])
        .args(["--token", ""])
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("--token must not be empty"), "{err}");
}
