//! `--connect URL`: the same shell against a running shark-server. Each
//! statement is posted to `/v1/statements` in one server session; result
//! rows come back as an Arrow IPC stream and print exactly as in embedded
//! mode.

use crate::render::{Format, Printer};
use serde_json::Value;
use std::io::{BufRead, Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

/// A minimal HTTP/1.1 client for one server (plain HTTP, loopback use).
pub struct Server {
    host: String,
    token: Option<String>,
}

/// An HTTP response: status and body.
pub struct Response {
    pub status: u16,
    pub body: Vec<u8>,
}

impl Response {
    fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or(Value::Null)
    }
}

impl Server {
    /// A client for `http://host:port`.
    pub fn new(url: &str) -> Result<Server, String> {
        let rest = url
            .strip_prefix("http://")
            .ok_or_else(|| format!("--connect needs an http:// URL, got {url}"))?;
        let host = rest.trim_end_matches('/').to_string();
        Ok(Server {
            host,
            token: std::env::var("SHARK_SERVER_TOKEN").ok(),
        })
    }

    /// Sends one request and reads the whole response.
    pub fn request(
        &self,
        method: &str,
        path: &str,
        body: Option<&Value>,
        accept: &str,
    ) -> Result<Response, String> {
        let (status, mut reader) = self.open(method, path, body, accept)?;
        let mut body = Vec::new();
        reader.read_to_end(&mut body).map_err(|e| e.to_string())?;
        Ok(Response { status, body })
    }

    /// Sends one request; the status and the body as it arrives (chunked
    /// transfer decoded), so a large result is read as it streams.
    pub fn open(
        &self,
        method: &str,
        path: &str,
        body: Option<&Value>,
        accept: &str,
    ) -> Result<(u16, Box<dyn Read>), String> {
        let mut stream = TcpStream::connect(&self.host)
            .map_err(|e| format!("cannot connect to {}: {e}", self.host))?;
        stream.set_read_timeout(Some(Duration::from_secs(600))).ok();
        let payload = body.map(|b| b.to_string()).unwrap_or_default();
        let mut req = format!(
            "{method} {path} HTTP/1.1\r\nHost: {}\r\nAccept: {accept}\r\nConnection: close\r\n",
            self.host
        );
        if let Some(t) = &self.token {
            req.push_str(&format!("Authorization: Bearer {t}\r\n"));
        }
        if body.is_some() {
            req.push_str(&format!(
                "Content-Type: application/json\r\nContent-Length: {}\r\n",
                payload.len()
            ));
        }
        req.push_str("\r\n");
        req.push_str(&payload);
        stream
            .write_all(req.as_bytes())
            .map_err(|e| e.to_string())?;
        let mut reader = std::io::BufReader::new(stream);
        let mut status_line = String::new();
        reader
            .read_line(&mut status_line)
            .map_err(|e| e.to_string())?;
        let status: u16 = status_line
            .split_whitespace()
            .nth(1)
            .and_then(|s| s.parse().ok())
            .ok_or_else(|| format!("bad response from server: {status_line:?}"))?;
        let mut chunked = false;
        loop {
            let mut line = String::new();
            reader.read_line(&mut line).map_err(|e| e.to_string())?;
            let line = line.trim_end();
            if line.is_empty() {
                break;
            }
            if let Some((k, v)) = line.split_once(':') {
                if k.trim().eq_ignore_ascii_case("transfer-encoding")
                    && v.trim().eq_ignore_ascii_case("chunked")
                {
                    chunked = true;
                }
            }
        }
        let body: Box<dyn Read> = if chunked {
            Box::new(Chunked {
                inner: reader,
                left: 0,
                done: false,
            })
        } else {
            Box::new(reader)
        };
        Ok((status, body))
    }
}

/// A chunked HTTP body, decoded as it is read.
struct Chunked<R> {
    inner: R,
    left: usize,
    done: bool,
}

impl<R: BufRead> Read for Chunked<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if self.done || buf.is_empty() {
            return Ok(0);
        }
        if self.left == 0 {
            let mut size = String::new();
            if self.inner.read_line(&mut size)? == 0 {
                // Not UnexpectedEof: Arrow's reader takes that, at a message
                // boundary, for a clean end of stream.
                return Err(std::io::Error::new(
                    std::io::ErrorKind::ConnectionAborted,
                    "the server closed the result stream early (the query failed, was cancelled or was cut by a limit)",
                ));
            }
            let n = usize::from_str_radix(size.trim().split(';').next().unwrap_or("0"), 16)
                .map_err(|e| {
                    std::io::Error::new(std::io::ErrorKind::InvalidData, format!("bad chunk: {e}"))
                })?;
            if n == 0 {
                self.done = true;
                return Ok(0);
            }
            self.left = n;
        }
        let want = buf.len().min(self.left);
        let got = self.inner.read(&mut buf[..want])?;
        if got == 0 {
            return Err(std::io::Error::new(
                std::io::ErrorKind::ConnectionAborted,
                "the server closed the result stream early",
            ));
        }
        self.left -= got;
        if self.left == 0 {
            let mut crlf = [0u8; 2];
            self.inner.read_exact(&mut crlf)?;
        }
        Ok(got)
    }
}

fn error_text(r: &Response) -> String {
    let j = r.json();
    let e = &j["error"];
    let kind = e["kind"].as_str().unwrap_or("execution");
    let msg = e["message"]
        .as_str()
        .map(String::from)
        .unwrap_or_else(|| String::from_utf8_lossy(&r.body).to_string());
    let label = match kind {
        "parse" => "ParseException",
        "analysis" => "SemanticException",
        _ => "Execution Error",
    };
    if msg.starts_with(label) {
        msg
    } else {
        format!("{label}: {msg}")
    }
}

/// A connected shell: one server session.
pub struct Remote {
    server: Server,
    session: String,
    pub format: Format,
    pub header: bool,
    pub silent: bool,
}

impl Remote {
    /// Opens a server session.
    pub fn connect(
        url: &str,
        format: Format,
        header: bool,
        silent: bool,
    ) -> Result<Remote, String> {
        let server = Server::new(url)?;
        let r = server.request(
            "POST",
            "/v1/sessions",
            Some(&serde_json::json!({})),
            "application/json",
        )?;
        if r.status != 200 && r.status != 201 {
            return Err(format!("FAILED: {}", error_text(&r)));
        }
        let session = r.json()["session_id"]
            .as_str()
            .ok_or("the server returned no session id")?
            .to_string();
        Ok(Remote {
            server,
            session,
            format,
            header,
            silent,
        })
    }

    /// Runs one statement; rows to `out`.
    pub fn run_statement(&mut self, sql: &str, out: &mut dyn Write) -> Result<(), String> {
        let started = Instant::now();
        let body = serde_json::json!({ "sql": sql, "session": self.session, "wait_ms": 300000 });
        let r = self
            .server
            .request("POST", "/v1/statements", Some(&body), "application/json")?;
        if r.status >= 400 {
            return Err(format!("FAILED: {}", error_text(&r)));
        }
        let j = r.json();
        let id = j["query_id"]
            .as_str()
            .map(String::from)
            .or_else(|| j["query_id"].as_u64().map(|n| n.to_string()))
            .ok_or("the server returned no query id")?;
        if r.status == 202 {
            loop {
                std::thread::sleep(Duration::from_millis(200));
                let s = self.server.request(
                    "GET",
                    &format!("/v1/queries/{id}"),
                    None,
                    "application/json",
                )?;
                let state = s.json()["state"].as_str().unwrap_or("").to_string();
                match state.as_str() {
                    "finished" => break,
                    "failed" | "cancelled" => return Err(format!("FAILED: {}", error_text(&s))),
                    _ => {}
                }
            }
        }
        let has_columns = j["columns"].as_array().is_none_or(|c| !c.is_empty());
        let mut fetched = None;
        if has_columns {
            // The rows stream from the server's spool, batch by batch.
            let (status, mut body) = self.server.open(
                "GET",
                &format!("/v1/queries/{id}/results"),
                None,
                "application/vnd.apache.arrow.stream",
            )?;
            if status >= 400 {
                let mut text = Vec::new();
                body.read_to_end(&mut text)
                    .map_err(|e| format!("FAILED: {e}"))?;
                return Err(format!(
                    "FAILED: {}",
                    error_text(&Response { status, body: text })
                ));
            }
            let mut first = [0u8; 1];
            let has_body = body.read(&mut first).map_err(|e| format!("FAILED: {e}"))? > 0;
            if has_body {
                let reader = arrow::ipc::reader::StreamReader::try_new(
                    std::io::BufReader::new(std::io::Cursor::new(first).chain(body)),
                    None,
                )
                .map_err(|e| format!("FAILED: bad result stream: {e}"))?;
                let mut printer = Printer::new(self.format, self.header, reader.schema());
                for b in reader {
                    let b = b.map_err(|e| format!("FAILED: {e}"))?;
                    printer.batch(out, &b).map_err(|e| e.to_string())?;
                }
                printer.finish(out).map_err(|e| e.to_string())?;
                fetched = Some(printer.rows);
            }
        }
        if !self.silent {
            eprintln!("OK");
            match fetched {
                Some(n) => eprintln!(
                    "Time taken: {:.3} seconds, Fetched: {n} row(s)",
                    started.elapsed().as_secs_f64()
                ),
                None => eprintln!("Time taken: {:.3} seconds", started.elapsed().as_secs_f64()),
            }
        }
        Ok(())
    }

    /// Runs a script, stopping at the first error.
    pub fn run_script(&mut self, script: &str, out: &mut dyn Write) -> Result<(), String> {
        for stmt in shark::parse::split_statements(script) {
            let lower = stmt.text.trim().to_ascii_lowercase();
            if lower == "quit" || lower == "exit" {
                return Ok(());
            }
            self.run_statement(&stmt.text, out)?;
        }
        Ok(())
    }
}
