//! A seeded SQL mutation fuzzer over the whole statement path (parse,
//! analyze, plan, run): statements from `sql-tests/inputs`, the TPC-H
//! queries and DDL/DML written here are mutated token by token (drop,
//! repeat, swap, replace or insert a token from a dictionary of keywords,
//! operators, literals, functions and odd characters) and run against a
//! small warehouse. Every outcome must be a value — rows or an error; a
//! panic is a finding. Each input is written to `target/fuzz/current.sql`
//! before it runs (so an abort leaves it), findings to
//! `target/fuzz/findings/`.
//!
//! ```sh
//! cargo bench -p shark --bench fuzz_sql -- [--inputs 20000] [--seed 1] [--timeout-ms 2000] [--show N]
//! ```
//!
//! Exits 1 when any input panicked.

use shark::{Session, StatementResult};
use std::collections::BTreeMap;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Tokens the mutator inserts or substitutes.
const DICTIONARY: &[&str] = &[
    "TRANSFORM",
    "USING",
    "MAP",
    "REDUCE",
    "DISTRIBUTE",
    "SORT",
    "CLUSTER",
    "SKEWED",
    "PARTITION",
    "ORC",
    "AVRO",
    "INPUT__FILE__NAME",
    "SELECT",
    "FROM",
    "WHERE",
    "GROUP",
    "BY",
    "ORDER",
    "HAVING",
    "LIMIT",
    "JOIN",
    "LEFT",
    "SEMI",
    "OUTER",
    "ON",
    "UNION",
    "ALL",
    "DISTINCT",
    "AS",
    "CASE",
    "WHEN",
    "THEN",
    "ELSE",
    "END",
    "IN",
    "EXISTS",
    "NOT",
    "NULL",
    "AND",
    "OR",
    "IS",
    "BETWEEN",
    "LIKE",
    "RLIKE",
    "CAST",
    "INTERVAL",
    "DAY",
    "OVER",
    "PARTITION",
    "ROWS",
    "WINDOW",
    "LATERAL",
    "VIEW",
    "explode",
    "TABLESAMPLE",
    "WITH",
    "INSERT",
    "OVERWRITE",
    "INTO",
    "TABLE",
    "CREATE",
    "DROP",
    "ALTER",
    "ADD",
    "COLUMNS",
    "STRUCT",
    "MAP",
    "ARRAY",
    "DECIMAL(38,10)",
    "BIGINT",
    "STRING",
    "BOOLEAN",
    "TIMESTAMP",
    "DATE",
    "BINARY",
    "CHAR(3)",
    "VARCHAR(2)",
    "(",
    ")",
    ",",
    ".",
    "*",
    "+",
    "-",
    "/",
    "%",
    "=",
    "<=>",
    "<>",
    "<",
    ">=",
    "||",
    "[",
    "]",
    "0",
    "-1",
    "2147483648",
    "9223372036854775807",
    "-9223372036854775808",
    "1e308",
    "-0.0",
    "0.5",
    "NaN",
    "'x'",
    "''",
    "'é'",
    "'\\'",
    "'%'",
    "'2008-04-08'",
    "'1970-01-01 00:00:00'",
    "`k`",
    "`x+1`",
    "key",
    "value",
    "ds",
    "hr",
    "src",
    "srcpart",
    "nested",
    "a",
    "b",
    "s",
    "m",
    "count(*)",
    "sum",
    "avg",
    "min",
    "max",
    "concat",
    "substr",
    "regexp_replace",
    "split",
    "size",
    "named_struct",
    "map_keys",
    "sort_array",
    "percentile",
    "collect_set",
    "row_number()",
    "rank()",
    "lag",
    "first_value",
    "repeat",
    "rpad",
    "format_number",
    "from_unixtime",
    "date_add",
    "datediff",
    "hash",
    "coalesce",
    "if",
    "nvl",
    "greatest",
    "abs",
    "pmod",
    "conv",
    "hex",
    "unhex",
    "base64",
    "get_json_object",
    "é",
    "ü",
    "𝄞",
    "\u{0}",
    ";",
    "--",
    "/*",
    "${x}",
    "?",
];

/// Values swapped for a literal or a name: the statement still parses,
/// and analysis, planning and execution meet odd types and edge values.
const VALUES: &[&str] = &[
    "NULL",
    "0",
    "-1",
    "1",
    "2147483647",
    "2147483648",
    "9223372036854775807",
    "-9223372036854775808",
    "1e308",
    "-1e308",
    "-0.0",
    "0.1",
    "1.5BD",
    "100Y",
    "7S",
    "9L",
    "'x'",
    "''",
    "' '",
    "'é𝄞'",
    "'NaN'",
    "'Infinity'",
    "'2008-04-08'",
    "'2008-02-30'",
    "'1970-01-01 00:00:00'",
    "'99999-12-31'",
    "'%'",
    "'\\'",
    "'[]'",
    "'{\"a\":1}'",
    "true",
    "false",
    "key",
    "value",
    "CAST(NULL AS INT)",
    "CAST(NULL AS STRING)",
    "array(1,NULL)",
    "array()",
    "map('a',1)",
    "named_struct('x',1)",
    "current_date",
    "current_timestamp",
    "DATE '2008-04-08'",
    "TIMESTAMP '2008-04-08 01:02:03'",
    "INTERVAL '1' DAY",
    "rand()",
    "1/0",
    "pmod(-7,0)",
    "repeat('x',100)",
    "(SELECT 1)",
    "(SELECT max(key) FROM src)",
];

/// Statements written for the fuzzer (beyond the golden tests' inputs).
const SEEDS: &[&str] = &[
    "SELECT key, value FROM src WHERE key < 10 ORDER BY key",
    "SELECT ds, hr, count(*) FROM srcpart GROUP BY ds, hr",
    "SELECT a.key, b.value FROM src a JOIN src b ON a.key = b.key WHERE a.key > 400",
    "SELECT key FROM src WHERE key IN (SELECT key FROM srcpart WHERE hr = '11')",
    "SELECT key, row_number() OVER (PARTITION BY value ORDER BY key) FROM src",
    "SELECT s.x, m['k'], a[0] FROM nested",
    "SELECT e FROM nested LATERAL VIEW explode(a) t AS e",
    "WITH q AS (SELECT key FROM src) SELECT count(*) FROM q",
    "FROM src SELECT key WHERE key = 1",
    "SELECT CAST(value AS INT), CAST(key AS DECIMAL(10,2)) FROM src LIMIT 3",
    "SELECT key FROM src UNION ALL SELECT key FROM srcpart",
    "SELECT count(DISTINCT value), percentile(key, 0.5) FROM src",
    "CREATE TABLE fz (a INT, b STRING) PARTITIONED BY (p STRING)",
    "INSERT OVERWRITE TABLE fz PARTITION (p) SELECT key, value, ds FROM srcpart",
    "ALTER TABLE fz ADD COLUMNS (c DOUBLE)",
    "DESCRIBE FORMATTED srcpart",
    "SHOW PARTITIONS srcpart",
    "EXPLAIN SELECT key FROM src WHERE key = 1",
    "SELECT date_add('2008-04-08', 1), datediff('2009-01-01', '2008-12-25')",
    "SELECT concat_ws('-', split('a,b', ',')), size(map('a', 1))",
    "SELECT key FROM src TABLESAMPLE(BUCKET 1 OUT OF 2 ON key) s",
    "SELECT count(*) FROM src TABLESAMPLE(10 PERCENT) s",
    "SELECT * FROM src TABLESAMPLE(3 ROWS)",
    "SELECT key, count(*) FROM src GROUP BY key HAVING key IN (SELECT key FROM srcpart)",
    "SELECT key FROM src GROUP BY key HAVING NOT EXISTS (SELECT 1 FROM srcpart p WHERE p.key = src.key)",
    "CREATE TABLE fc (c CHAR(3), v VARCHAR(2))",
    "INSERT INTO fc SELECT value, value FROM src",
    "SELECT TRANSFORM(key, value) USING 'cat' AS (k INT, v STRING) FROM src CLUSTER BY k",
    "SELECT TRANSFORM(key) ROW FORMAT DELIMITED FIELDS TERMINATED BY ',' USING 'cat' AS k ROW FORMAT DELIMITED NULL DEFINED AS 'n' FROM src",
    "FROM (FROM src MAP key, value USING 'cat' AS k, v CLUSTER BY k) m INSERT OVERWRITE TABLE fz PARTITION (p='x') REDUCE m.k, m.v USING 'cat' AS (a INT, b STRING)",
    "from (from src select key where key > 1) a select a.key",
    "SELECT key, sum(key) OVER (DISTRIBUTE BY value SORT BY key ROWS BETWEEN 1 PRECEDING AND CURRENT ROW) FROM src",
    "SELECT key, rank() OVER w FROM src WINDOW w AS (CLUSTER BY key)",
    "SHOW PARTITIONS srcpart PARTITION (ds='2008-04-08')",
    "DESCRIBE FORMATTED srcpart PARTITION (ds='2008-04-08', hr='11')",
    "ALTER TABLE fz PARTITION COLUMN (p INT)",
    "ALTER TABLE fz SET SERDEPROPERTIES ('field.delim'=',')",
    "ALTER TABLE fz SET FILEFORMAT ORC",
    "ALTER TABLE fz CLUSTERED BY (a) SORTED BY (a DESC) INTO 4 BUCKETS",
    "CREATE TABLE fs (k INT, v STRING) SKEWED BY (k) ON ((1), (2)) STORED AS DIRECTORIES",
    "CREATE TABLE fo STORED AS ORC AS SELECT key, value FROM src",
    "CREATE TABLE fa (k INT, v STRING) STORED AS AVRO",
    "INSERT INTO fa SELECT key, value FROM src",
    "SELECT xpath('<a><b>1</b></a>', 'a/b/text()'), xpath_int('<a><b>2</b></a>', 'sum(a/b)')",
    "SELECT histogram_numeric(key, 3), context_ngrams(sentences(value), array(NULL), 2) FROM src",
    "SELECT INPUT__FILE__NAME, BLOCK__OFFSET__INSIDE__FILE, key FROM srcpart WHERE key < 5",
    "SELECT key FROM src TABLESAMPLE(BUCKET 1 OUT OF 4) s",
];

/// A tiny deterministic generator (SplitMix64).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

/// Splits SQL into words, quoted strings, numbers and single symbols.
fn tokens(sql: &str) -> Vec<String> {
    let chars: Vec<char> = sql.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c.is_whitespace() {
            i += 1;
            continue;
        }
        if c == '-' && chars.get(i + 1) == Some(&'-') {
            while i < chars.len() && chars[i] != '\n' {
                i += 1;
            }
            continue;
        }
        let start = i;
        if c == '\'' || c == '`' || c == '"' {
            i += 1;
            while i < chars.len() && chars[i] != c {
                i += 1;
            }
            i = (i + 1).min(chars.len());
        } else if c.is_alphanumeric() || c == '_' {
            while i < chars.len()
                && (chars[i].is_alphanumeric() || chars[i] == '_' || chars[i] == '.')
            {
                i += 1;
            }
        } else {
            i += 1;
        }
        out.push(chars[start..i].iter().collect());
    }
    out
}

/// One to three random edits of a seed statement.
fn mutate(seed: &str, rng: &mut Rng) -> String {
    let mut t = tokens(seed);
    // One in ten runs as written: the baseline the mutants depart from.
    let edits = match rng.below(10) {
        0 => 0,
        1..=3 => 1 + rng.below(3),
        _ => 1,
    };
    for _ in 0..edits {
        let word = DICTIONARY[rng.below(DICTIONARY.len())].to_string();
        let at = rng.below(t.len() + 1);
        match rng.below(24) {
            0 if !t.is_empty() => {
                t.remove(at.min(t.len() - 1));
            }
            1 if !t.is_empty() => {
                let i = at.min(t.len() - 1);
                let tok = t[i].clone();
                t.insert(i, tok);
            }
            2 if t.len() > 1 => {
                let i = at.min(t.len() - 2);
                t.swap(i, i + 1);
            }
            3 if !t.is_empty() => {
                let i = at.min(t.len() - 1);
                t[i] = word;
            }
            4 if rng.below(4) == 0 => {
                // A run of one token: deep nesting and long chains.
                let n = 1 + rng.below(64);
                for _ in 0..n {
                    t.insert(at.min(t.len()), word.clone());
                }
            }
            5..=8 => t.insert(at, word),
            9..=11 if !t.is_empty() => {
                // Another token of the statement itself, elsewhere.
                let tok = t[rng.below(t.len())].clone();
                t.insert(at.min(t.len()), tok);
            }
            12..=23 => {
                // A literal or a name becomes another value.
                let values: Vec<usize> = (0..t.len())
                    .filter(|&i| {
                        let c = t[i].chars().next().unwrap_or(' ');
                        c.is_alphanumeric() || c == '\'' || c == '`'
                    })
                    .collect();
                if !values.is_empty() {
                    let i = values[rng.below(values.len())];
                    t[i] = VALUES[rng.below(VALUES.len())].to_string();
                }
            }
            _ => t.insert(at, word),
        }
    }
    let mut sql = t.join(" ");
    if rng.below(20) == 0 {
        // Cut anywhere, even inside a character.
        let cut = rng.below(sql.len() + 1);
        sql = String::from_utf8_lossy(&sql.as_bytes()[..cut]).into_owned();
    }
    sql
}

fn seeds(root: &Path) -> Vec<String> {
    let mut out: Vec<String> = SEEDS.iter().map(|s| s.to_string()).collect();
    let mut files: Vec<PathBuf> = Vec::new();
    for dir in ["sql-tests/inputs", "crates/shark/benches/tpch"] {
        if let Ok(rd) = std::fs::read_dir(root.join(dir)) {
            files.extend(
                rd.flatten()
                    .map(|e| e.path())
                    .filter(|p| p.extension().is_some_and(|e| e == "sql")),
            );
        }
    }
    files.sort();
    for f in files {
        let text = std::fs::read_to_string(&f).unwrap_or_default();
        let text: String = text
            .lines()
            .filter(|l| !l.trim_start().starts_with("--"))
            .collect::<Vec<_>>()
            .join("\n");
        for st in shark::parse::split_statements(&text) {
            let s = st.text.trim().to_string();
            if !s.is_empty() && s.len() < 4000 {
                out.push(s);
            }
        }
    }
    out
}

const SETUP: &str = "
DROP TABLE IF EXISTS srcpart; DROP TABLE IF EXISTS nested; DROP TABLE IF EXISTS fz;
CREATE TABLE srcpart (key INT, value STRING) PARTITIONED BY (ds STRING, hr STRING);
INSERT INTO srcpart PARTITION (ds='2008-04-08', hr='11') SELECT key, value FROM src;
INSERT INTO srcpart PARTITION (ds='2008-04-09', hr='12') SELECT key, value FROM src WHERE key > 5;
CREATE TABLE nested (a ARRAY<INT>, m MAP<STRING,INT>, s STRUCT<x:INT,y:STRING>);
INSERT INTO nested SELECT array(1,2,NULL), map('k',1,'j',NULL), named_struct('x',1,'y','a') FROM src WHERE key = 0;
";

/// The golden tests' tables (`sql-tests/data/*.tsv`: a `name:type`
/// header, then tab-separated rows) as text tables, loaded from copies
/// without the header.
fn load_golden_tables(s: &mut Session, root: &Path, scratch: &Path) {
    let Ok(rd) = std::fs::read_dir(root.join("sql-tests/data")) else {
        return;
    };
    for f in rd.flatten().map(|e| e.path()) {
        let name = f
            .file_stem()
            .and_then(|n| n.to_str())
            .unwrap_or("t")
            .to_string();
        let text = std::fs::read_to_string(&f).unwrap_or_default();
        let Some((header, body)) = text.split_once('\n') else {
            continue;
        };
        let cols: Vec<String> = header
            .split('\t')
            .map(|c| {
                let (n, t) = c.split_once(':').unwrap_or((c, "string"));
                format!("`{n}` {t}")
            })
            .collect();
        let rows = scratch.join(format!("{name}.txt"));
        std::fs::write(&rows, body).expect("scratch file");
        for sql in [
            format!("DROP TABLE IF EXISTS `{name}`"),
            format!(
                "CREATE TABLE `{name}` ({}) ROW FORMAT DELIMITED FIELDS TERMINATED BY '\\t'",
                cols.join(", ")
            ),
            format!(
                "LOAD DATA LOCAL INPATH '{}' OVERWRITE INTO TABLE `{name}`",
                rows.display()
            ),
        ] {
            if let Err(e) = s.execute(&sql) {
                panic!("setup failed at {sql}: {e}");
            }
        }
    }
}

fn setup(ctx: &rdd::Context, wh: &Path, root: &Path, scratch: &Path) -> Session {
    let mut s = Session::with_warehouse(ctx.clone(), wh).expect("warehouse");
    load_golden_tables(&mut s, root, scratch);
    for st in shark::parse::split_statements(SETUP) {
        if let Err(e) = s.execute(&st.text) {
            panic!("setup failed at {}: {e}", st.text);
        }
    }
    // Mutated TRANSFORM commands must not run: they are planned, then refused.
    s.set_scripts_allowed(false);
    s
}

/// Runs one statement to the end (draining its rows).
fn run(s: &mut Session, sql: &str) -> Result<usize, (String, String)> {
    let err = |e: shark::SharkError| (e.kind().to_string(), e.to_string());
    match s.execute(sql).map_err(err)? {
        StatementResult::Done(_) => Ok(0),
        StatementResult::Rows(rows) => {
            let mut n = 0;
            for b in rows {
                n += b.map_err(err)?.num_rows();
            }
            Ok(n)
        }
    }
}

fn main() {
    let mut args = std::env::args().skip(1);
    let (mut inputs, mut seed, mut timeout_ms, mut show) = (20_000usize, 1u64, 2_000u64, 0usize);
    while let Some(a) = args.next() {
        let mut value = || args.next().expect("a value");
        match a.as_str() {
            "--inputs" => inputs = value().parse().expect("a count"),
            "--seed" => seed = value().parse().expect("a number"),
            "--timeout-ms" => timeout_ms = value().parse().expect("milliseconds"),
            "--show" => show = value().parse().expect("a count"),
            "--bench" => {}
            other => panic!("unknown argument {other}"),
        }
    }
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let out = root.join("target/fuzz");
    std::fs::create_dir_all(out.join("findings")).expect("target/fuzz");
    let corpus = seeds(&root);
    let dir = tempfile::tempdir().expect("a temporary folder");
    let wh = dir.path().join("warehouse");
    let ctx = rdd::Context::new("local[2]", "fuzz").expect("engine");
    // Panics are findings here: keep their messages short.
    std::panic::set_hook(Box::new(|_| {}));
    let mut session = setup(&ctx, &wh, &root, dir.path());
    let mut rng = Rng(seed);
    let mut outcomes: BTreeMap<String, u64> = BTreeMap::new();
    let mut panics: Vec<(String, String)> = Vec::new();
    let started = Instant::now();
    // A watchdog cancels a statement running past the timeout.
    let running = Arc::new(AtomicU64::new(0));
    let token = Arc::new(std::sync::Mutex::new(session.cancel_token_for_next()));
    {
        let (running, token) = (running.clone(), token.clone());
        std::thread::spawn(move || loop {
            std::thread::sleep(Duration::from_millis(50));
            let since = running.load(Ordering::Relaxed);
            let now = started.elapsed().as_millis() as u64;
            if since != 0 && now.saturating_sub(since) > timeout_ms {
                token.lock().unwrap().cancel();
            }
        });
    }
    for i in 0..inputs {
        let base = &corpus[rng.below(corpus.len())];
        let sql = mutate(base, &mut rng);
        let _ = std::fs::write(out.join("current.sql"), &sql);
        *token.lock().unwrap() = session.cancel_token_for_next();
        running.store(
            started.elapsed().as_millis().max(1) as u64,
            Ordering::Relaxed,
        );
        let result = catch_unwind(AssertUnwindSafe(|| run(&mut session, &sql)));
        running.store(0, Ordering::Relaxed);
        let kind = match result {
            Ok(Ok(_)) => "ok".to_string(),
            // A task's panic comes back as an error: still a finding.
            Ok(Err((_, msg))) if msg.contains("panicked") => {
                let _ = std::fs::write(out.join(format!("findings/task-panic-{i}.sql")), &sql);
                panics.push((sql.clone(), msg));
                "PANIC in a task".to_string()
            }
            Ok(Err((kind, msg))) => {
                if i < show {
                    println!("{sql}\n    -> {msg}");
                }
                format!("error: {kind}")
            }
            Err(p) => {
                let msg = p
                    .downcast_ref::<String>()
                    .cloned()
                    .or_else(|| p.downcast_ref::<&str>().map(|s| s.to_string()))
                    .unwrap_or_default();
                let _ = std::fs::write(out.join(format!("findings/panic-{i}.sql")), &sql);
                panics.push((sql.clone(), msg));
                session = setup(&ctx, &wh, &root, dir.path());
                "PANIC".to_string()
            }
        };
        let wrote = kind == "ok" && !sql.trim_start().to_ascii_uppercase().starts_with("SELECT");
        *outcomes.entry(kind).or_default() += 1;
        if wrote {
            // It may have dropped or changed the fixtures: start again.
            session = setup(&ctx, &wh, &root, dir.path());
        }
        if (i + 1) % 1000 == 0 {
            eprintln!(
                "{} inputs, {} panics, {:.0} s",
                i + 1,
                panics.len(),
                started.elapsed().as_secs_f64()
            );
        }
    }
    println!(
        "{inputs} inputs (seed {seed}) in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    for (k, n) in &outcomes {
        println!("  {k:40} {n}");
    }
    for (sql, msg) in &panics {
        println!("PANIC {msg}\n    {sql}");
    }
    std::process::exit(if panics.is_empty() { 0 } else { 1 });
}
