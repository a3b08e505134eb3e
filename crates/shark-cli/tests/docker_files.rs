//! `docker/`: CI cannot build images here, so these tests hold the files
//! to what the programs really do. Every command in the Dockerfile, the
//! compose file and the Kubernetes manifests names a program the image
//! holds and only flags that program has; and the compose stack, run as
//! plain processes (paths and host names mapped to this machine), comes
//! up as a cluster that answers queries.

#[path = "support/ports.rs"]
mod ports;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

fn docker_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docker")
}

/// The programs the image holds.
const PROGRAMS: [&str; 3] = ["shark-server", "shark-cli", "shark-executor"];

fn program(name: &str) -> PathBuf {
    let cli = PathBuf::from(env!("CARGO_BIN_EXE_shark-cli"));
    let path = match name {
        "shark-cli" => cli,
        "shark-executor" => PathBuf::from(env!("CARGO_BIN_EXE_shark-executor")),
        other => cli.with_file_name(other),
    };
    assert!(
        path.is_file(),
        "{} is not built (cargo build --workspace)",
        path.display()
    );
    path
}

/// The JSON-list commands of a file (`entrypoint:`, `command:`, `CMD`,
/// `ENTRYPOINT`), in order, each with the key it came under.
fn commands(file: &Path) -> Vec<(String, Vec<String>)> {
    let text = std::fs::read_to_string(file).unwrap();
    let mut out = Vec::new();
    for line in text.lines() {
        let t = line.trim_start_matches([' ', '-']);
        for key in ["entrypoint:", "command:", "ENTRYPOINT", "CMD"] {
            if let Some(rest) = t.strip_prefix(key) {
                let rest = rest.trim();
                if rest.starts_with('[') {
                    let list: Vec<String> = serde_json::from_str(rest)
                        .unwrap_or_else(|e| panic!("{}: {line}: {e}", file.display()));
                    out.push((key.trim_end_matches(':').to_string(), list));
                }
            }
        }
    }
    out
}

fn help(program_name: &str) -> String {
    let o = Command::new(program(program_name))
        .arg("--help")
        .output()
        .unwrap();
    assert!(o.status.success(), "{program_name} --help");
    String::from_utf8_lossy(&o.stdout).to_string()
}

/// Checks one command's flags against its program's `--help`.
fn check(file: &str, program_name: &str, args: &[String]) {
    let text = help(program_name);
    for (i, a) in args.iter().enumerate() {
        if !a.starts_with("--") {
            continue;
        }
        let documented = text.match_indices(a.as_str()).any(|(at, _)| {
            !text[at + a.len()..].starts_with(|c: char| c.is_alphanumeric() || c == '-')
        });
        assert!(documented, "{file}: {program_name} has no flag {a}");
        if a == "--master" {
            let value = &args[i + 1];
            rdd::Master::parse(value).unwrap_or_else(|e| panic!("{file}: {e}"));
        }
    }
}

#[test]
fn docker_files_use_programs_and_flags_that_exist() {
    let dockerfile = docker_dir().join("Dockerfile");
    let text = std::fs::read_to_string(&dockerfile).unwrap();
    for p in PROGRAMS {
        assert!(
            text.contains(&format!("target/release/{p}")),
            "the image lacks {p}"
        );
    }
    let mut entrypoint = String::new();
    let mut checked = 0;
    for (key, list) in commands(&dockerfile) {
        if key == "ENTRYPOINT" {
            entrypoint = list[0].clone();
            check("Dockerfile", &entrypoint, &list[1..]);
        } else {
            check("Dockerfile", &entrypoint, &list);
        }
        checked += 1;
    }
    for file in ["compose.yaml", "k8s/shark.yaml"] {
        for (_, list) in commands(&docker_dir().join(file)) {
            assert!(PROGRAMS.contains(&list[0].as_str()), "{file}: {:?}", list);
            check(file, &list[0], &list[1..]);
            checked += 1;
        }
    }
    assert!(checked >= 8, "only {checked} commands found");
}

/// Kills the processes when the test ends, however it ends.
struct Processes(Vec<Child>);

impl Drop for Processes {
    fn drop(&mut self) {
        for c in &mut self.0 {
            let _ = c.kill();
            let _ = c.wait();
        }
    }
}

fn shark_cli(args: &[&str]) -> (bool, String) {
    let o = Command::new(program("shark-cli"))
        .args(args)
        .stdin(Stdio::null())
        .output()
        .unwrap();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
    (o.status.success(), text)
}

#[test]
fn the_compose_stack_runs_as_processes() {
    let dir = tempfile::tempdir().unwrap();
    let warehouse = dir.path().join("warehouse");
    let scratch = dir.path().join("scratch");
    std::fs::create_dir_all(&scratch).unwrap();
    let (cluster, http, flight) = (ports::free_port(), ports::free_port(), ports::free_port());
    let map = |arg: &str| -> String {
        match arg {
            "/warehouse" => warehouse.display().to_string(),
            "/scratch" => scratch.display().to_string(),
            "driver:7077" => format!("127.0.0.1:{cluster}"),
            "shark://0.0.0.0:7077" => format!("shark://127.0.0.1:{cluster}"),
            "0.0.0.0:8080" => format!("127.0.0.1:{http}"),
            "0.0.0.0:8815" => format!("127.0.0.1:{flight}"),
            // A container's host name resolves inside compose's network;
            // this machine's may not resolve at all.
            "auto" => "127.0.0.1".into(),
            other => other.into(),
        }
    };
    let services: Vec<Vec<String>> = commands(&docker_dir().join("compose.yaml"))
        .into_iter()
        .map(|(_, list)| list.iter().map(|a| map(a)).collect())
        .collect();
    let [demo, driver, executor] = &services[..] else {
        panic!("expected the demo, driver and executor services: {services:?}");
    };
    let run = |cmd: &[String]| {
        let mut c = Command::new(program(&cmd[0]));
        c.args(&cmd[1..])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        c
    };
    assert!(run(demo).status().unwrap().success(), "{demo:?}");
    let mut processes = Processes(vec![run(driver).spawn().unwrap()]);
    // replicas: 2
    for _ in 0..2 {
        processes.0.push(run(executor).spawn().unwrap());
    }
    let server = format!("http://127.0.0.1:{http}");
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let (ok, out) = shark_cli(&["--connect", &server, "-e", "SHOW EXECUTORS"]);
        if ok
            && out
                .lines()
                .filter(|l| l.contains("\talive\t2\t2048\t"))
                .count()
                == 2
        {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "the cluster did not come up: {out}"
        );
        std::thread::sleep(Duration::from_millis(200));
    }
    // The server's executors listing (the web UI's Executors page).
    let listing = http_get(http, "/api/v1/executors");
    let executors: Vec<serde_json::Value> = serde_json::from_str(&listing).unwrap();
    assert_eq!(
        executors.len(),
        3,
        "the driver and two executors: {listing}"
    );
    assert!(
        executors[1..]
            .iter()
            .all(|e| e["isActive"] == true && e["totalCores"] == 2),
        "{listing}"
    );
    let sql = "SELECT count(*) FROM src; \
               SELECT a.key, count(*) FROM src a JOIN srcpart b ON a.key = b.key \
               GROUP BY a.key ORDER BY a.key LIMIT 3";
    let (ok, out) = shark_cli(&["--connect", &server, "-e", sql]);
    assert!(ok, "{out}");
    let (ok, local) = shark_cli(&[
        "--warehouse",
        &warehouse.display().to_string(),
        "--master",
        "local[2]",
        "-e",
        sql,
    ]);
    assert!(ok, "{local}");
    let rows = |text: &str| -> Vec<String> {
        text.lines()
            .filter(|l| l.chars().next().is_some_and(|c| c.is_ascii_digit()))
            .map(String::from)
            .collect()
    };
    assert_eq!(rows(&out), rows(&local));
    assert_eq!(rows(&out).len(), 4, "{out}");
    // The driver goes; its executors follow.
    let mut driver = processes.0.remove(0);
    let _ = driver.kill();
    let _ = driver.wait();
    let deadline = Instant::now() + Duration::from_secs(20);
    for e in &mut processes.0 {
        while e.try_wait().unwrap().is_none() {
            assert!(Instant::now() < deadline, "an executor outlived its driver");
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}

/// The body of a plain HTTP GET to the loopback port `port`.
fn http_get(port: u16, path: &str) -> String {
    use std::io::{Read, Write};
    let mut conn = std::net::TcpStream::connect(("127.0.0.1", port)).unwrap();
    write!(
        conn,
        "GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut response = String::new();
    conn.read_to_string(&mut response).unwrap();
    let (head, body) = response.split_once("\r\n\r\n").unwrap();
    assert!(head.starts_with("HTTP/1.1 200"), "{head}");
    if head
        .to_ascii_lowercase()
        .contains("transfer-encoding: chunked")
    {
        // One chunk is all a small JSON answer takes; drop the framing.
        let mut out = String::new();
        let mut rest = body;
        while let Some((size, tail)) = rest.split_once("\r\n") {
            let n = usize::from_str_radix(size.trim(), 16).unwrap_or(0);
            if n == 0 {
                break;
            }
            out.push_str(&tail[..n]);
            rest = &tail[n + 2..];
        }
        return out;
    }
    body.to_string()
}
