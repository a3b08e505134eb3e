//! The Arrow Flight SQL endpoint: JDBC, ODBC and ADBC clients (and the BI
//! tools on them) talk to the same engine, sessions, limits, read-only
//! rules and token as the HTTP API, on a port of its own. Statements run
//! on the HTTP API's road (`runner`), results stream from its spool.
//!
//! - `auth`: handshake and bearer tokens → server sessions;
//! - `statements`: statements, their tickets, streamed rows, cancellation;
//! - `prepared` and `params`: prepared statements and bound values;
//! - `metadata`: catalog calls and SQL info;
//! - `status`: API errors as gRPC statuses.

mod auth;
mod metadata;
pub mod params;
mod prepared;
mod statements;
mod status;

use crate::state::AppState;
use arrow::compute::concat_batches;
use arrow::datatypes::{Schema, SchemaRef};
use arrow::ipc::writer::IpcWriteOptions;
use arrow::record_batch::RecordBatch;
use arrow_flight::decode::FlightRecordBatchStream;
use arrow_flight::error::FlightError;
use arrow_flight::flight_service_server::{FlightService, FlightServiceServer};
use arrow_flight::sql::server::{FlightSqlService, PeekableFlightDataStream};
use arrow_flight::sql::{
    ActionCancelQueryRequest, ActionCancelQueryResult, ActionClosePreparedStatementRequest,
    ActionCreatePreparedStatementRequest, ActionCreatePreparedStatementResult, CommandGetCatalogs,
    CommandGetCrossReference, CommandGetDbSchemas, CommandGetExportedKeys, CommandGetImportedKeys,
    CommandGetPrimaryKeys, CommandGetSqlInfo, CommandGetTableTypes, CommandGetTables,
    CommandGetXdbcTypeInfo, CommandPreparedStatementQuery, CommandPreparedStatementUpdate,
    CommandStatementQuery, CommandStatementUpdate, DoPutPreparedStatementResult,
    TicketStatementQuery,
};
use arrow_flight::{
    Action, ActionType, CancelFlightInfoRequest, CancelFlightInfoResult, CancelStatus,
    FlightDescriptor, FlightInfo, HandshakeRequest, HandshakeResponse, IpcMessage, SchemaAsIpc,
    Ticket,
};
use futures_util::{Stream, TryStreamExt};
use prost::Message;
use std::pin::Pin;
use std::sync::Arc;
use tonic::{Request, Response, Status, Streaming};

pub use prepared::MAX_PREPARED;

/// The Flight action that cancels the queries of a FlightInfo.
const CANCEL_FLIGHT_INFO: &str = "CancelFlightInfo";

/// Largest message a client may send (a statement, bound parameters).
pub const MAX_REQUEST_BYTES: usize = 16 << 20;

/// Bound values one call may send: rows, and bytes as Arrow.
const MAX_BOUND_ROWS: usize = 10_000;
const MAX_BOUND_BYTES: usize = 16 << 20;

/// Calls one connection may have in flight at once.
const MAX_CALLS_PER_CONNECTION: usize = 64;

/// The Flight SQL service over a server's state.
pub struct SharkFlightSql {
    state: Arc<AppState>,
    prepared: prepared::PreparedStatements,
}

impl SharkFlightSql {
    /// The service over `state`.
    pub fn new(state: Arc<AppState>) -> SharkFlightSql {
        SharkFlightSql {
            state,
            prepared: prepared::PreparedStatements::default(),
        }
    }

    /// As a tonic service, with message-size limits; served only behind
    /// [`server`]'s credential check, which every call passes first.
    fn into_server(self) -> FlightServiceServer<SharkFlightSql> {
        FlightServiceServer::new(self)
            .max_decoding_message_size(MAX_REQUEST_BYTES)
            .max_encoding_message_size(64 << 20)
    }
}

type DoGetStream = <SharkFlightSql as FlightService>::DoGetStream;

impl SharkFlightSql {
    /// A catalog call's FlightInfo: the answer's schema, and the command
    /// itself as the ticket (answered when fetched).
    fn metadata_info<M: arrow_flight::sql::ProstMessageExt>(
        &self,
        command: &M,
        schema: &Schema,
        request: Request<FlightDescriptor>,
    ) -> Result<Response<FlightInfo>, Status> {
        auth::check(&self.state, request.metadata())?;
        Ok(Response::new(metadata::info(
            command,
            schema,
            request.into_inner(),
        )?))
    }

    /// A catalog call's rows, as one batch.
    fn answer<T>(
        &self,
        request: &Request<T>,
        batch: RecordBatch,
    ) -> Result<Response<DoGetStream>, Status> {
        auth::check(&self.state, request.metadata())?;
        Ok(Response::new(metadata::one_batch(batch)))
    }
}

fn ipc_schema(schema: &Schema) -> Result<prost::bytes::Bytes, Status> {
    let IpcMessage(b) = SchemaAsIpc::new(schema, &IpcWriteOptions::default())
        .try_into()
        .map_err(|e: arrow::error::ArrowError| Status::internal(e.to_string()))?;
    Ok(b)
}

/// The record batches a client put (bound parameters), as one batch, up
/// to [`MAX_BOUND_ROWS`] rows and [`MAX_BOUND_BYTES`] bytes.
async fn put_batches(stream: PeekableFlightDataStream) -> Result<Option<RecordBatch>, Status> {
    // A message with only the command (no Arrow data) binds nothing.
    let data = stream
        .map_err(FlightError::from)
        .try_filter(|m| std::future::ready(!m.data_header.is_empty()));
    let mut decoded = FlightRecordBatchStream::new_from_flight_data(data);
    let bad =
        |e: FlightError| Status::invalid_argument(format!("cannot read the bound values: {e}"));
    let (mut batches, mut rows, mut bytes) = (Vec::new(), 0usize, 0usize);
    while let Some(b) = decoded.try_next().await.map_err(bad)? {
        rows += b.num_rows();
        bytes += b.get_array_memory_size();
        if rows > MAX_BOUND_ROWS || bytes > MAX_BOUND_BYTES {
            return Err(Status::resource_exhausted(format!(
                "bind at most {MAX_BOUND_ROWS} rows and {} MiB of values per call",
                MAX_BOUND_BYTES >> 20
            )));
        }
        batches.push(b);
    }
    let Some(first) = batches.first() else {
        return Ok(None);
    };
    let schema: SchemaRef = first.schema();
    concat_batches(&schema, &batches)
        .map(Some)
        .map_err(|e| Status::invalid_argument(format!("cannot read the bound values: {e}")))
}

fn decode_info(bytes: &[u8]) -> Result<FlightInfo, Status> {
    FlightInfo::decode(bytes).map_err(|e| Status::invalid_argument(format!("bad FlightInfo: {e}")))
}

#[tonic::async_trait]
impl FlightSqlService for SharkFlightSql {
    type FlightService = SharkFlightSql;

    async fn do_handshake(
        &self,
        request: Request<Streaming<HandshakeRequest>>,
    ) -> Result<
        Response<Pin<Box<dyn Stream<Item = Result<HandshakeResponse, Status>> + Send>>>,
        Status,
    > {
        let caller = auth::handshake(&self.state, request.metadata()).await?;
        let payload = caller
            .issued
            .clone()
            .unwrap_or_default()
            .into_bytes()
            .into();
        let reply = HandshakeResponse {
            protocol_version: 0,
            payload,
        };
        let stream: Pin<Box<dyn Stream<Item = _> + Send>> =
            Box::pin(futures_util::stream::iter([Ok(reply)]));
        Ok(caller.stamp(Response::new(stream)))
    }

    async fn get_flight_info_statement(
        &self,
        query: CommandStatementQuery,
        request: Request<FlightDescriptor>,
    ) -> Result<Response<FlightInfo>, Status> {
        let caller = auth::caller(&self.state, request.metadata(), true).await?;
        let info = statements::execute(
            &self.state,
            caller.session.clone(),
            query.query,
            request.into_inner(),
        )
        .await?;
        Ok(caller.stamp(Response::new(info)))
    }

    async fn get_flight_info_prepared_statement(
        &self,
        cmd: CommandPreparedStatementQuery,
        request: Request<FlightDescriptor>,
    ) -> Result<Response<FlightInfo>, Status> {
        let caller = auth::caller(&self.state, request.metadata(), true).await?;
        let p = self
            .prepared
            .get(&cmd.prepared_statement_handle, &caller.scope())?;
        let mut sql = p.statements(None)?;
        if sql.len() != 1 {
            return Err(Status::invalid_argument(format!(
                "a query runs with one row of bound values, not {}",
                sql.len()
            )));
        }
        let info = statements::execute(
            &self.state,
            caller.session.clone(),
            sql.remove(0),
            request.into_inner(),
        )
        .await?;
        Ok(caller.stamp(Response::new(info)))
    }

    async fn do_get_statement(
        &self,
        ticket: TicketStatementQuery,
        request: Request<Ticket>,
    ) -> Result<Response<DoGetStream>, Status> {
        let scope = auth::scope(&self.state, request.metadata())?;
        let s = statements::stream(&self.state, &ticket.statement_handle, &scope).await?;
        Ok(Response::new(s))
    }

    async fn get_flight_info_catalogs(
        &self,
        query: CommandGetCatalogs,
        request: Request<FlightDescriptor>,
    ) -> Result<Response<FlightInfo>, Status> {
        self.metadata_info(&query, &query.into_builder().schema(), request)
    }

    async fn do_get_catalogs(
        &self,
        _query: CommandGetCatalogs,
        request: Request<Ticket>,
    ) -> Result<Response<DoGetStream>, Status> {
        self.answer(&request, metadata::catalogs()?)
    }

    async fn get_flight_info_schemas(
        &self,
        query: CommandGetDbSchemas,
        request: Request<FlightDescriptor>,
    ) -> Result<Response<FlightInfo>, Status> {
        auth::check(&self.state, request.metadata())?;
        let info = metadata::info(&query, &metadata::schemas_schema(), request.into_inner())?;
        Ok(Response::new(info))
    }

    async fn do_get_schemas(
        &self,
        query: CommandGetDbSchemas,
        request: Request<Ticket>,
    ) -> Result<Response<DoGetStream>, Status> {
        let batch = metadata::schemas(&self.state, query).await?;
        self.answer(&request, batch)
    }

    async fn get_flight_info_tables(
        &self,
        query: CommandGetTables,
        request: Request<FlightDescriptor>,
    ) -> Result<Response<FlightInfo>, Status> {
        self.metadata_info(&query, &metadata::tables_schema(&query), request)
    }

    async fn do_get_tables(
        &self,
        query: CommandGetTables,
        request: Request<Ticket>,
    ) -> Result<Response<DoGetStream>, Status> {
        let batch = metadata::tables(&self.state, query).await?;
        self.answer(&request, batch)
    }

    async fn get_flight_info_table_types(
        &self,
        query: CommandGetTableTypes,
        request: Request<FlightDescriptor>,
    ) -> Result<Response<FlightInfo>, Status> {
        self.metadata_info(&query, &metadata::table_types()?.schema(), request)
    }

    async fn do_get_table_types(
        &self,
        _query: CommandGetTableTypes,
        request: Request<Ticket>,
    ) -> Result<Response<DoGetStream>, Status> {
        self.answer(&request, metadata::table_types()?)
    }

    async fn get_flight_info_sql_info(
        &self,
        query: CommandGetSqlInfo,
        request: Request<FlightDescriptor>,
    ) -> Result<Response<FlightInfo>, Status> {
        self.metadata_info(
            &query,
            arrow_flight::sql::metadata::SqlInfoDataBuilder::schema(),
            request,
        )
    }

    async fn do_get_sql_info(
        &self,
        query: CommandGetSqlInfo,
        request: Request<Ticket>,
    ) -> Result<Response<DoGetStream>, Status> {
        let batch = metadata::sql_info(self.state.config.read_only)
            .record_batch(query.info)
            .map_err(|e| Status::internal(e.to_string()))?;
        self.answer(&request, batch)
    }

    async fn get_flight_info_primary_keys(
        &self,
        query: CommandGetPrimaryKeys,
        request: Request<FlightDescriptor>,
    ) -> Result<Response<FlightInfo>, Status> {
        self.metadata_info(&query, &metadata::primary_keys().schema(), request)
    }

    async fn do_get_primary_keys(
        &self,
        _query: CommandGetPrimaryKeys,
        request: Request<Ticket>,
    ) -> Result<Response<DoGetStream>, Status> {
        self.answer(&request, metadata::primary_keys())
    }

    async fn get_flight_info_exported_keys(
        &self,
        query: CommandGetExportedKeys,
        request: Request<FlightDescriptor>,
    ) -> Result<Response<FlightInfo>, Status> {
        self.metadata_info(&query, &metadata::foreign_keys().schema(), request)
    }

    async fn do_get_exported_keys(
        &self,
        _query: CommandGetExportedKeys,
        request: Request<Ticket>,
    ) -> Result<Response<DoGetStream>, Status> {
        self.answer(&request, metadata::foreign_keys())
    }

    async fn get_flight_info_imported_keys(
        &self,
        query: CommandGetImportedKeys,
        request: Request<FlightDescriptor>,
    ) -> Result<Response<FlightInfo>, Status> {
        self.metadata_info(&query, &metadata::foreign_keys().schema(), request)
    }

    async fn do_get_imported_keys(
        &self,
        _query: CommandGetImportedKeys,
        request: Request<Ticket>,
    ) -> Result<Response<DoGetStream>, Status> {
        self.answer(&request, metadata::foreign_keys())
    }

    async fn get_flight_info_cross_reference(
        &self,
        query: CommandGetCrossReference,
        request: Request<FlightDescriptor>,
    ) -> Result<Response<FlightInfo>, Status> {
        self.metadata_info(&query, &metadata::foreign_keys().schema(), request)
    }

    async fn do_get_cross_reference(
        &self,
        _query: CommandGetCrossReference,
        request: Request<Ticket>,
    ) -> Result<Response<DoGetStream>, Status> {
        self.answer(&request, metadata::foreign_keys())
    }

    async fn get_flight_info_xdbc_type_info(
        &self,
        query: CommandGetXdbcTypeInfo,
        request: Request<FlightDescriptor>,
    ) -> Result<Response<FlightInfo>, Status> {
        self.metadata_info(&query, &metadata::type_info().schema(), request)
    }

    async fn do_get_xdbc_type_info(
        &self,
        query: CommandGetXdbcTypeInfo,
        request: Request<Ticket>,
    ) -> Result<Response<DoGetStream>, Status> {
        let batch = query
            .into_builder(metadata::type_info())
            .build()
            .map_err(|e| Status::internal(e.to_string()))?;
        self.answer(&request, batch)
    }

    async fn do_put_statement_update(
        &self,
        cmd: CommandStatementUpdate,
        request: Request<PeekableFlightDataStream>,
    ) -> Result<i64, Status> {
        let caller = auth::caller(&self.state, request.metadata(), false).await?;
        statements::execute_update(&self.state, caller.session, cmd.query).await
    }

    async fn do_put_prepared_statement_query(
        &self,
        cmd: CommandPreparedStatementQuery,
        request: Request<PeekableFlightDataStream>,
    ) -> Result<DoPutPreparedStatementResult, Status> {
        let scope = auth::scope(&self.state, request.metadata())?;
        let handle = cmd.prepared_statement_handle;
        if let Some(values) = put_batches(request.into_inner()).await? {
            self.prepared.bind(&handle, &scope, values)?;
        }
        Ok(DoPutPreparedStatementResult {
            prepared_statement_handle: Some(handle),
        })
    }

    async fn do_put_prepared_statement_update(
        &self,
        cmd: CommandPreparedStatementUpdate,
        request: Request<PeekableFlightDataStream>,
    ) -> Result<i64, Status> {
        let caller = auth::caller(&self.state, request.metadata(), false).await?;
        let p = self
            .prepared
            .get(&cmd.prepared_statement_handle, &caller.scope())?;
        let values = put_batches(request.into_inner()).await?;
        let mut total = 0i64;
        for sql in p.statements(values.as_ref())? {
            let n = statements::execute_update(&self.state, caller.session.clone(), sql).await?;
            total = if n < 0 || total < 0 { -1 } else { total + n };
        }
        Ok(total)
    }

    async fn do_action_create_prepared_statement(
        &self,
        query: ActionCreatePreparedStatementRequest,
        request: Request<Action>,
    ) -> Result<ActionCreatePreparedStatementResult, Status> {
        let caller = auth::caller(&self.state, request.metadata(), false).await?;
        let sql = query.query;
        if sql.len() > self.state.config.max_sql_bytes {
            return Err(Status::resource_exhausted(format!(
                "SQL text exceeds {} bytes",
                self.state.config.max_sql_bytes
            )));
        }
        let vars = caller.session.vars().clone();
        self.state
            .policy
            .check(&sql, &vars)
            .map_err(status::status)?;
        let unbound = params::unbound(&sql).map_err(Status::invalid_argument)?;
        let engine = caller.session.engine.clone().lock_owned().await;
        let dataset = tokio::task::spawn_blocking(move || {
            shark::parse::complexity::with_statement_stack(|| engine.result_schema(&unbound))
        })
        .await
        .map_err(|e| Status::internal(e.to_string()))?
        .map_err(|e| status::to_status(&crate::error::ApiError::from_shark(&e)))?
        .unwrap_or_else(|| Arc::new(Schema::empty()));
        let owner = caller.owner().map(str::to_string);
        let p = prepared::Prepared::new(sql, owner, caller.user.name.clone())?;
        let result = ActionCreatePreparedStatementResult {
            prepared_statement_handle: format!("ps_{}", self.state.new_session_id())
                .into_bytes()
                .into(),
            dataset_schema: ipc_schema(&dataset)?,
            parameter_schema: ipc_schema(&p.parameters)?,
        };
        let handle = String::from_utf8_lossy(&result.prepared_statement_handle).into_owned();
        self.prepared
            .insert(handle, p, self.state.config.session_idle());
        Ok(result)
    }

    async fn do_action_close_prepared_statement(
        &self,
        query: ActionClosePreparedStatementRequest,
        request: Request<Action>,
    ) -> Result<(), Status> {
        let scope = auth::scope(&self.state, request.metadata())?;
        self.prepared
            .close(&query.prepared_statement_handle, &scope)
    }

    async fn do_action_cancel_query(
        &self,
        query: ActionCancelQueryRequest,
        request: Request<Action>,
    ) -> Result<ActionCancelQueryResult, Status> {
        let scope = auth::scope(&self.state, request.metadata())?;
        let info = decode_info(&query.info)?;
        // ActionCancelQueryResult.CancelResult (not exported by the crate).
        const CANCELLED: i32 = 1;
        const NOT_CANCELLABLE: i32 = 3;
        let result = match statements::cancel(&self.state, &info, &scope) {
            CancelStatus::Cancelled => CANCELLED,
            _ => NOT_CANCELLABLE,
        };
        Ok(ActionCancelQueryResult { result })
    }

    async fn do_action_fallback(
        &self,
        request: Request<Action>,
    ) -> Result<Response<<Self as FlightService>::DoActionStream>, Status> {
        let scope = auth::scope(&self.state, request.metadata())?;
        let action = request.into_inner();
        if action.r#type != CANCEL_FLIGHT_INFO {
            return Err(Status::unimplemented(format!(
                "unknown action '{}'",
                action.r#type
            )));
        }
        let req = CancelFlightInfoRequest::decode(&*action.body)
            .map_err(|e| Status::invalid_argument(format!("bad CancelFlightInfoRequest: {e}")))?;
        let info = req
            .info
            .ok_or_else(|| Status::invalid_argument("CancelFlightInfoRequest without info"))?;
        let status = statements::cancel(&self.state, &info, &scope);
        let result = CancelFlightInfoResult {
            status: status as i32,
        };
        let body = arrow_flight::Result {
            body: result.encode_to_vec().into(),
        };
        Ok(Response::new(Box::pin(futures_util::stream::iter([Ok(
            body,
        )]))))
    }

    async fn list_custom_actions(&self) -> Option<Vec<Result<ActionType, Status>>> {
        Some(vec![Ok(ActionType {
            r#type: CANCEL_FLIGHT_INFO.into(),
            description: "Cancels the queries of a FlightInfo.\n
                Request Message: CancelFlightInfoRequest\n
                Response Message: CancelFlightInfoResult"
                .into(),
        })])
    }
}

/// A Flight SQL server over `state` (TLS with `tls`): calls are checked
/// for credentials before their messages are read, a connection may have
/// [`MAX_CALLS_PER_CONNECTION`] calls in flight, TLS handshakes time out.
pub fn server(
    state: Arc<AppState>,
    tls: Option<tonic::transport::Identity>,
) -> Result<tonic::transport::server::Router, String> {
    let mut builder = tonic::transport::Server::builder()
        .concurrency_limit_per_connection(MAX_CALLS_PER_CONNECTION)
        .max_concurrent_streams(MAX_CALLS_PER_CONNECTION as u32)
        // A client that stops answering HTTP/2 pings (gone without a FIN)
        // loses its connection; idle but live clients (JDBC pools) keep it.
        .http2_keepalive_interval(Some(std::time::Duration::from_secs(30)))
        .http2_keepalive_timeout(Some(std::time::Duration::from_secs(20)));
    if let Some(identity) = tls {
        let config = tonic::transport::ServerTlsConfig::new()
            .identity(identity)
            .timeout(std::time::Duration::from_secs(10));
        builder = builder
            .tls_config(config)
            .map_err(|e| format!("bad TLS certificate or key: {e}"))?;
    }
    let checked = state.clone();
    let service = SharkFlightSql::new(state).into_server();
    let interceptor = move |req: Request<()>| {
        auth::check(&checked, req.metadata())?;
        Ok(req)
    };
    Ok(
        builder.add_service(tonic::service::interceptor::InterceptedService::new(
            service,
            interceptor,
        )),
    )
}

/// Serves a [`server`] on `listener` until `shutdown`.
pub async fn serve(
    router: tonic::transport::server::Router,
    listener: tokio::net::TcpListener,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> Result<(), String> {
    router
        .serve_with_incoming_shutdown(
            // Without TCP_NODELAY, each small reply waits on the client's
            // delayed ACK (tens of ms a call).
            tonic::transport::server::TcpIncoming::from(listener)
                .with_nodelay(Some(true))
                .with_keepalive(Some(std::time::Duration::from_secs(60))),
            shutdown,
        )
        .await
        .map_err(|e| format!("flight server: {e}"))
}
