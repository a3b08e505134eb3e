//! The Arrow Flight SQL endpoint as a Flight SQL client sees it: statements
//! and updates, sessions per bearer, prepared statements with bound
//! parameters, catalog calls, errors as statuses, authentication,
//! read-only refusals, cancellation, and many clients at once.

mod common;

use arrow::array::{Array, AsArray, Int32Array, RecordBatch, StringArray};
use arrow::datatypes::{DataType, Int64Type};
use arrow_flight::error::FlightError;
use arrow_flight::sql::client::FlightSqlServiceClient;
use arrow_flight::sql::{CommandGetDbSchemas, CommandGetTables, SqlInfo};
use arrow_flight::{
    Action, CancelFlightInfoRequest, CancelFlightInfoResult, CancelStatus, FlightInfo,
};
use common::*;
use futures_util::TryStreamExt;
use prost::Message;
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};
use tonic::transport::Channel;
use tonic::Code;

type Client = FlightSqlServiceClient<Channel>;

/// The server most tests share, with `src` (500 rows) loaded.
fn server() -> &'static TestServer {
    static SERVER: OnceLock<TestServer> = OnceLock::new();
    SERVER.get_or_init(|| {
        let s = start(|_| {});
        std::thread::scope(|sc| sc.spawn(|| load_src_blocking(&s)).join().unwrap());
        s
    })
}

async fn connect(s: &TestServer) -> Client {
    let channel = tonic::transport::Endpoint::from_shared(s.flight.clone())
        .unwrap()
        .connect()
        .await
        .unwrap();
    FlightSqlServiceClient::new(channel)
}

/// A client that shook hands: its calls share one session.
async fn session(s: &TestServer) -> Client {
    let mut c = connect(s).await;
    c.handshake("tester", "").await.unwrap();
    assert!(c.token().is_some());
    c
}

fn code(e: FlightError) -> (Code, String) {
    match e {
        FlightError::Tonic(s) => (s.code(), s.message().to_string()),
        other => panic!("not a status: {other}"),
    }
}

async fn fetch(c: &mut Client, info: FlightInfo) -> Result<Vec<RecordBatch>, FlightError> {
    let mut out = Vec::new();
    for ep in info.endpoint {
        let stream = c.do_get(ep.ticket.unwrap()).await?;
        out.extend(stream.try_collect::<Vec<_>>().await?);
    }
    Ok(out)
}

async fn query(c: &mut Client, sql: &str) -> Vec<RecordBatch> {
    let info = c.execute(sql.to_string(), None).await.unwrap();
    fetch(c, info).await.unwrap()
}

fn ints(batches: &[RecordBatch], col: usize) -> Vec<i64> {
    batches
        .iter()
        .flat_map(|b| {
            let a = arrow::compute::cast(b.column(col), &DataType::Int64).unwrap();
            a.as_primitive::<Int64Type>()
                .iter()
                .map(|v| v.unwrap())
                .collect::<Vec<_>>()
        })
        .collect()
}

fn strings(batches: &[RecordBatch], col: usize) -> Vec<String> {
    batches
        .iter()
        .flat_map(|b| {
            let a = b.column(col).as_string::<i32>();
            (0..a.len())
                .map(|i| a.value(i).to_string())
                .collect::<Vec<_>>()
        })
        .collect()
}

#[tokio::test]
async fn statements_run_and_stream_their_rows() {
    let mut c = session(server()).await;
    let info = c
        .execute(
            "SELECT key, value FROM src WHERE key < 5 ORDER BY key".into(),
            None,
        )
        .await
        .unwrap();
    let schema = info.clone().try_decode_schema().unwrap();
    assert_eq!(schema.field(0).name(), "key");
    assert_eq!(schema.field(1).data_type(), &DataType::Utf8);
    let rows = fetch(&mut c, info).await.unwrap();
    assert_eq!(ints(&rows, 0), [0, 1, 2, 3, 4]);
    assert_eq!(
        strings(&rows, 1),
        ["val_0", "val_1", "val_2", "val_3", "val_4"]
    );

    // Updates, through DoPut.
    c.execute_update("CREATE TABLE flight_upd (k INT, v STRING)".into(), None)
        .await
        .unwrap();
    let n = c
        .execute_update(
            "INSERT INTO flight_upd VALUES (1, 'a'), (2, 'b')".into(),
            None,
        )
        .await
        .unwrap();
    assert_eq!(n, -1, "the engine does not count changed rows");
    let rows = query(&mut c, "SELECT sum(k), count(*) FROM flight_upd").await;
    assert_eq!(ints(&rows, 0), [3]);
    assert_eq!(ints(&rows, 1), [2]);

    // A statement without rows, through the query call: an empty result.
    let info = c
        .execute("DROP TABLE flight_upd".into(), None)
        .await
        .unwrap();
    assert!(fetch(&mut c, info)
        .await
        .unwrap()
        .iter()
        .all(|b| b.num_rows() == 0));
}

#[tokio::test]
async fn a_session_keeps_its_database_and_settings() {
    let s = server();
    let mut c = session(s).await;
    query(&mut c, "CREATE DATABASE IF NOT EXISTS flight_db").await;
    query(&mut c, "USE flight_db").await;
    query(&mut c, "CREATE TABLE here (x INT)").await;
    query(&mut c, "SET hivevar:who=flight").await;
    let rows = query(&mut c, "SELECT '${who}', count(*) FROM here").await;
    assert_eq!(strings(&rows, 0), ["flight"]);
    // Another connection has its own session: still in `default`.
    let mut other = session(s).await;
    let e = other
        .execute("SELECT * FROM here".into(), None)
        .await
        .unwrap_err();
    let (code, msg) = code(e);
    assert_eq!(code, Code::InvalidArgument, "{msg}");
    // The bearer is a secret of its own, not the session's id (which
    // the HTTP API shows): it names no session there.
    let (status, _) = get(&s.base, &format!("/v1/sessions/{}", c.token().unwrap())).await;
    assert_eq!(status, reqwest::StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn prepared_statements_bind_parameters() {
    let mut c = session(server()).await;
    let mut p = c
        .prepare(
            "SELECT key, value FROM src WHERE key < ? AND value <> ? ORDER BY key".into(),
            None,
        )
        .await
        .unwrap();
    let ds = p.dataset_schema().unwrap().clone();
    assert_eq!(ds.fields().len(), 2);
    assert_eq!(ds.field(0).data_type(), &DataType::Int32);
    assert_eq!(p.parameter_schema().unwrap().fields().len(), 2);
    let bind = |k: i32, v: &str| {
        RecordBatch::try_from_iter([
            ("k", Arc::new(Int32Array::from(vec![k])) as _),
            ("v", Arc::new(StringArray::from(vec![v])) as _),
        ])
        .unwrap()
    };
    p.set_parameters(bind(4, "val_2")).unwrap();
    let info = p.execute().await.unwrap();
    assert_eq!(ints(&fetch(&mut c, info).await.unwrap(), 0), [0, 1, 3]);
    // Quotes in a bound string stay data.
    p.set_parameters(bind(3, "x' OR '1'='1")).unwrap();
    let info = p.execute().await.unwrap();
    assert_eq!(ints(&fetch(&mut c, info).await.unwrap(), 0), [0, 1, 2]);

    // An update with parameters, one run per bound row.
    query(&mut c, "CREATE TABLE flight_prep (k INT, v STRING)").await;
    let mut ins = c
        .prepare("INSERT INTO flight_prep VALUES (?, ?)".into(), None)
        .await
        .unwrap();
    let rows = RecordBatch::try_from_iter([
        ("k", Arc::new(Int32Array::from(vec![7, 8])) as _),
        ("v", Arc::new(StringArray::from(vec!["seven", "it's"])) as _),
    ])
    .unwrap();
    ins.set_parameters(rows).unwrap();
    ins.execute_update().await.unwrap();
    let got = query(&mut c, "SELECT k, v FROM flight_prep ORDER BY k").await;
    assert_eq!(ints(&got, 0), [7, 8]);
    assert_eq!(strings(&got, 1), ["seven", "it's"]);
    ins.close().await.unwrap();

    // Without values bound, a statement with markers is refused.
    let mut unbound = c.prepare("SELECT ?".into(), None).await.unwrap();
    let (code_, _) = code(unbound.execute().await.unwrap_err());
    assert_eq!(code_, Code::InvalidArgument);
    // Preparing checks the statement.
    let e = c
        .prepare("SELECT nope FROM src".into(), None)
        .await
        .unwrap_err();
    assert_eq!(code(e).0, Code::InvalidArgument);
    // A closed statement is gone.
    let handle_user = p;
    handle_user.close().await.unwrap();
}

#[tokio::test]
async fn catalog_calls_list_databases_tables_and_types() {
    let s = server();
    let mut c = session(s).await;
    query(&mut c, "CREATE DATABASE IF NOT EXISTS flight_meta").await;
    query(&mut c, "CREATE TABLE IF NOT EXISTS flight_meta.items (id BIGINT, name STRING) PARTITIONED BY (dt STRING)").await;
    query(
        &mut c,
        "CREATE VIEW IF NOT EXISTS flight_meta.names AS SELECT name FROM flight_meta.items",
    )
    .await;

    let info = c.get_catalogs().await.unwrap();
    assert_eq!(
        fetch(&mut c, info)
            .await
            .unwrap()
            .iter()
            .map(|b| b.num_rows())
            .sum::<usize>(),
        0
    );

    let info = c
        .get_db_schemas(CommandGetDbSchemas {
            catalog: None,
            db_schema_filter_pattern: Some("flight_m%".into()),
        })
        .await
        .unwrap();
    let rows = fetch(&mut c, info).await.unwrap();
    assert_eq!(strings(&rows, 1), ["flight_meta"]);

    let info = c
        .get_tables(CommandGetTables {
            catalog: None,
            db_schema_filter_pattern: Some("flight_meta".into()),
            table_name_filter_pattern: None,
            table_types: vec![],
            include_schema: true,
        })
        .await
        .unwrap();
    let rows = fetch(&mut c, info).await.unwrap();
    assert_eq!(strings(&rows, 2), ["items", "names"]);
    assert_eq!(strings(&rows, 3), ["TABLE", "VIEW"]);
    let schema_bytes = rows[0].column(4).as_binary::<i32>().value(0).to_vec();
    let msg = arrow::ipc::root_as_message(&schema_bytes[..]).ok();
    let schema = match msg.and_then(|m| m.header_as_schema()) {
        Some(s) => arrow::ipc::convert::try_fb_to_schema(s).unwrap(),
        None => arrow::ipc::convert::try_schema_from_ipc_buffer(&schema_bytes).unwrap(),
    };
    let names: Vec<&str> = schema.fields().iter().map(|f| f.name().as_str()).collect();
    assert_eq!(names, ["id", "name", "dt"]);
    assert_eq!(schema.field(0).data_type(), &DataType::Int64);

    let info = c
        .get_tables(CommandGetTables {
            catalog: None,
            db_schema_filter_pattern: Some("flight_meta".into()),
            table_name_filter_pattern: Some("n%".into()),
            table_types: vec!["VIEW".into()],
            include_schema: false,
        })
        .await
        .unwrap();
    assert_eq!(strings(&fetch(&mut c, info).await.unwrap(), 2), ["names"]);

    let info = c.get_table_types().await.unwrap();
    assert_eq!(
        strings(&fetch(&mut c, info).await.unwrap(), 0),
        ["TABLE", "VIEW"]
    );

    let info = c
        .get_sql_info(vec![
            SqlInfo::FlightSqlServerName,
            SqlInfo::FlightSqlServerReadOnly,
        ])
        .await
        .unwrap();
    let rows = fetch(&mut c, info).await.unwrap();
    assert_eq!(rows.iter().map(|b| b.num_rows()).sum::<usize>(), 2);
    let infos = rows[0]
        .column(0)
        .as_primitive::<arrow::datatypes::UInt32Type>();
    assert_eq!(infos.values().to_vec(), [0, 3]);

    let info = c
        .get_xdbc_type_info(arrow_flight::sql::CommandGetXdbcTypeInfo { data_type: None })
        .await
        .unwrap();
    let types = strings(&fetch(&mut c, info).await.unwrap(), 0);
    for t in ["int", "bigint", "string", "decimal", "date", "timestamp"] {
        assert!(types.iter().any(|x| x == t), "{t} in {types:?}");
    }

    let info = c
        .get_primary_keys(arrow_flight::sql::CommandGetPrimaryKeys {
            catalog: None,
            db_schema: Some("flight_meta".into()),
            table: "items".into(),
        })
        .await
        .unwrap();
    assert_eq!(
        fetch(&mut c, info)
            .await
            .unwrap()
            .iter()
            .map(|b| b.num_rows())
            .sum::<usize>(),
        0
    );
}

#[tokio::test]
async fn errors_are_statuses_with_their_position() {
    let mut c = session(server()).await;
    let (code_, msg) = code(
        c.execute("SELECT key\nFROM src WHER key = 1".into(), None)
            .await
            .unwrap_err(),
    );
    assert_eq!(code_, Code::InvalidArgument);
    assert!(msg.contains("line 2:"), "{msg}");
    let (code_, msg) = code(
        c.execute("SELECT nope FROM src".into(), None)
            .await
            .unwrap_err(),
    );
    assert_eq!(code_, Code::InvalidArgument);
    assert!(msg.contains("nope"), "{msg}");
    // An unknown ticket.
    let t = arrow_flight::Ticket::new(b"garbage".to_vec());
    assert!(c.do_get(t).await.is_err());
}

#[tokio::test]
async fn authentication_holds() {
    let s = start(|c| c.token = Some("s3cret".into()));
    // No credentials.
    let mut c = connect(&s).await;
    let (code_, msg) = code(c.execute("SELECT 1".into(), None).await.unwrap_err());
    assert_eq!(code_, Code::Unauthenticated, "{msg}");
    let (code_, _) = code(c.get_catalogs().await.unwrap_err());
    assert_eq!(code_, Code::Unauthenticated);
    // A wrong bearer.
    c.set_token("guess".into());
    assert_eq!(
        code(c.execute("SELECT 1".into(), None).await.unwrap_err()).0,
        Code::Unauthenticated
    );
    // A wrong password.
    let mut c = connect(&s).await;
    assert!(c.handshake("me", "wrong").await.is_err());
    // The right one: a session bearer, not the server's token.
    c.handshake("me", "s3cret").await.unwrap();
    assert_ne!(c.token().map(String::as_str), Some("s3cret"));
    let rows = query(&mut c, "SELECT 1 + 1").await;
    assert_eq!(ints(&rows, 0), [2]);
    // The server's own token works as a bearer too.
    let mut c = connect(&s).await;
    c.set_token("s3cret".into());
    assert_eq!(ints(&query(&mut c, "SELECT 40 + 2").await, 0), [42]);
}

#[tokio::test]
async fn users_see_only_their_own_queries() {
    let dir = tempfile::tempdir().unwrap();
    let users = users_file(dir.path());
    let s = start(move |c| c.users = Some(users));
    let mut alice = connect(&s).await;
    // The name must be the token's user.
    assert!(alice.handshake("bob", "a-token").await.is_err());
    alice.handshake("alice", "a-token").await.unwrap();
    let info = alice.execute("SELECT 7".into(), None).await.unwrap();
    // Bob, with his own token as the bearer (a new session), cannot fetch
    // or cancel it; the admin can fetch it.
    let mut bob = connect(&s).await;
    bob.set_token("b-token".into());
    let ticket = info.endpoint[0].ticket.clone().unwrap();
    let (code_, _) = code(
        bob.do_get(ticket.clone())
            .await
            .expect_err("bob read alice's rows"),
    );
    assert_eq!(code_, Code::NotFound);
    assert_eq!(cancel(&mut bob, &info).await, CancelStatus::NotCancellable);
    let mut ops = connect(&s).await;
    ops.set_token("o-token".into());
    assert_eq!(ints(&fetch(&mut ops, info).await.unwrap(), 0), [7]);
    // Alice's token alone (no session) reaches her own queries.
    let info = alice.execute("SELECT 8".into(), None).await.unwrap();
    let mut alice2 = connect(&s).await;
    alice2.set_token("a-token".into());
    assert_eq!(ints(&fetch(&mut alice2, info).await.unwrap(), 0), [8]);
}

#[tokio::test]
async fn read_only_servers_refuse_writes() {
    let s = start(|c| c.read_only = true);
    let mut c = session(&s).await;
    let (code_, msg) = code(
        c.execute_update("CREATE TABLE t (x INT)".into(), None)
            .await
            .unwrap_err(),
    );
    assert_eq!(code_, Code::PermissionDenied, "{msg}");
    let (code_, _) = code(
        c.prepare("CREATE TABLE t (x INT)".into(), None)
            .await
            .unwrap_err(),
    );
    assert_eq!(code_, Code::PermissionDenied);
    assert_eq!(ints(&query(&mut c, "SELECT 7").await, 0), [7]);
}

/// Rows without end (62.5 billion).
const ENDLESS: &str =
    "SELECT a.key, b.key, c.key, d.key FROM src a JOIN src b JOIN src c JOIN src d";

async fn cancel(c: &mut Client, info: &FlightInfo) -> CancelStatus {
    let req = CancelFlightInfoRequest::new(info.clone());
    let action = Action::new("CancelFlightInfo", req.encode_to_vec());
    let mut results = c.do_action(action).await.unwrap();
    let r = results.message().await.unwrap().unwrap();
    let r = CancelFlightInfoResult::decode(r.body).unwrap();
    CancelStatus::try_from(r.status).unwrap()
}

#[tokio::test]
async fn cancel_flight_info_stops_the_query() {
    let mut c = session(server()).await;
    let info = c.execute(ENDLESS.into(), None).await.unwrap();
    let ticket = info.endpoint[0].ticket.clone().unwrap();
    // A reader waiting for the rows of the running query.
    let mut stream = c.do_get(ticket).await.unwrap();
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(cancel(&mut c, &info).await, CancelStatus::Cancelled);
    let started = Instant::now();
    let ended = loop {
        match stream.try_next().await {
            Ok(Some(_)) => assert!(
                started.elapsed() < Duration::from_secs(30),
                "still streaming"
            ),
            Ok(None) => break None,
            Err(e) => break Some(e),
        }
    };
    assert!(
        ended.is_some(),
        "a cancelled query's stream must not end as if complete"
    );
    // Cancelling again: nothing left to cancel.
    assert_eq!(cancel(&mut c, &info).await, CancelStatus::NotCancellable);
}

#[tokio::test]
async fn many_clients_are_all_answered_while_a_long_query_runs() {
    // A server of its own: another test's long query would take the
    // second worker.
    let s = &start(|_| {});
    std::thread::scope(|sc| sc.spawn(|| load_src_blocking(s)).join().unwrap());
    let mut long = session(s).await;
    let info = long.execute(LONG.into(), None).await.unwrap();
    let clients = 16;
    let per_client = 50;
    let started = Instant::now();
    let mut tasks = Vec::new();
    for t in 0..clients {
        let mut c = session(s).await;
        tasks.push(tokio::spawn(async move {
            let mut latencies = Vec::new();
            for i in 0..per_client {
                let k = (t * per_client + i) % 500;
                let q = Instant::now();
                let rows =
                    query(&mut c, &format!("SELECT count(*) FROM src WHERE key < {k}")).await;
                latencies.push(q.elapsed());
                assert_eq!(ints(&rows, 0), [k as i64]);
            }
            latencies
        }));
    }
    let mut all = Vec::new();
    for t in tasks {
        all.extend(t.await.unwrap());
    }
    all.sort();
    let p99 = all[all.len() * 99 / 100];
    eprintln!(
        "{} queries in {:?}, p99 {:?}",
        all.len(),
        started.elapsed(),
        p99
    );
    assert_eq!(all.len(), clients * per_client);
    assert_eq!(cancel(&mut long, &info).await, CancelStatus::Cancelled);
}

#[tokio::test]
async fn sessions_keep_their_queries_and_statements_to_themselves() {
    let s = server();
    let mut mine = session(s).await;
    let mut theirs = session(s).await;
    let info = mine
        .execute("SELECT key FROM src WHERE key < 3".into(), None)
        .await
        .unwrap();
    // Another session cannot read or cancel my query.
    let ticket = info.endpoint[0].ticket.clone().unwrap();
    let (code_, _) = code(
        theirs
            .do_get(ticket.clone())
            .await
            .err()
            .unwrap_or_else(|| panic!("another session read my result")),
    );
    assert_eq!(code_, Code::NotFound);
    assert_eq!(
        cancel(&mut theirs, &info).await,
        CancelStatus::NotCancellable
    );
    assert_eq!(ints(&fetch(&mut mine, info).await.unwrap(), 0).len(), 3);
    // Nor use my prepared statement.
    use arrow_flight::sql::{Any, ProstMessageExt};
    let create = arrow_flight::sql::ActionCreatePreparedStatementRequest {
        query: "SELECT 1".into(),
        transaction_id: None,
    };
    let action = Action::new("CreatePreparedStatement", create.as_any().encode_to_vec());
    let mut results = mine.do_action(action).await.unwrap();
    let body = results.message().await.unwrap().unwrap().body;
    let created: arrow_flight::sql::ActionCreatePreparedStatementResult =
        Any::decode(body).unwrap().unpack().unwrap().unwrap();
    let cmd = arrow_flight::sql::CommandPreparedStatementQuery {
        prepared_statement_handle: created.prepared_statement_handle,
    };
    let descriptor = arrow_flight::FlightDescriptor::new_cmd(cmd.as_any().encode_to_vec());
    let as_caller = |c: &Client, d: arrow_flight::FlightDescriptor| {
        let mut req = tonic::Request::new(d);
        let bearer = format!("Bearer {}", c.token().unwrap());
        req.metadata_mut()
            .insert("authorization", bearer.parse().unwrap());
        req
    };
    let req = as_caller(&theirs, descriptor.clone());
    let e = theirs.inner_mut().get_flight_info(req).await.unwrap_err();
    assert_eq!(e.code(), Code::NotFound);
    let req = as_caller(&mine, descriptor);
    assert!(mine.inner_mut().get_flight_info(req).await.is_ok());
}

#[tokio::test]
async fn bound_strings_stay_data() {
    let mut c = session(server()).await;
    query(&mut c, "SET hivevar:secret=leaked").await;
    let mut p = c.prepare("SELECT ?, length(?)".into(), None).await.unwrap();
    let tricky = "${secret} ${env:HOME} \\0 12 -- x' ; \u{0}7 \\";
    p.set_parameters(
        RecordBatch::try_from_iter([
            ("a", Arc::new(StringArray::from(vec![tricky])) as _),
            ("b", Arc::new(StringArray::from(vec![tricky])) as _),
        ])
        .unwrap(),
    )
    .unwrap();
    let info = p.execute().await.unwrap();
    let rows = fetch(&mut c, info).await.unwrap();
    assert_eq!(strings(&rows, 0), [tricky]);
    assert_eq!(ints(&rows, 1), [tricky.chars().count() as i64]);
}

#[tokio::test]
async fn a_query_call_takes_one_statement() {
    let mut c = session(server()).await;
    let (code_, msg) = code(
        c.execute("SELECT 1; SELECT 2".into(), None)
            .await
            .unwrap_err(),
    );
    assert_eq!(code_, Code::InvalidArgument, "{msg}");
    // Scripts run as updates.
    c.execute_update("SET hivevar:a=1; SET hivevar:b=2".into(), None)
        .await
        .unwrap();
    assert_eq!(
        strings(&query(&mut c, "SELECT '${a}${b}'").await, 0),
        ["12"]
    );
}

#[tokio::test]
async fn a_result_cut_by_max_rows_does_not_end_as_complete() {
    let s = start(|c| c.max_rows = 10);
    let mut c = session(&s).await;
    let info = c
        .execute(
            "SELECT explode(array(1,2,3,4,5,6,7,8,9,10,11,12))".into(),
            None,
        )
        .await
        .unwrap();
    let (code_, msg) = code(fetch(&mut c, info).await.unwrap_err());
    assert_eq!(code_, Code::ResourceExhausted, "{msg}");
    assert!(msg.contains("max-rows"), "{msg}");
}
