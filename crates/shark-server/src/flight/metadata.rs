//! Flight SQL's catalog calls, answered from the warehouse's metastore:
//! Hive has databases and tables but no catalogs, so (as Hive's JDBC
//! driver does) no catalog is listed and every database is a schema
//! without one (catalog name ""). Tables are `TABLE`, views `VIEW`; Hive
//! has no primary or foreign keys, so those calls answer empty.

use super::statements::FlightDataStream;
use crate::state::AppState;
use arrow::array::RecordBatch;
use arrow::datatypes::{DataType, Field, Schema, SchemaRef};
use arrow_flight::encode::FlightDataEncoderBuilder;
use arrow_flight::sql::metadata::{
    GetCatalogsBuilder, GetDbSchemasBuilder, GetTablesBuilder, SqlInfoData, SqlInfoDataBuilder,
};
use arrow_flight::sql::{
    CommandGetDbSchemas, CommandGetTables, ProstMessageExt, SqlInfo, SqlSupportedCaseSensitivity,
    SqlSupportedTransaction,
};
use arrow_flight::{FlightDescriptor, FlightEndpoint, FlightInfo, Ticket};
use futures_util::StreamExt;
use hive::metastore::Table;
use prost::Message;
use std::sync::{Arc, OnceLock};
use tonic::Status;

/// The table types tables are listed under.
pub const TABLE_TYPES: [&str; 2] = ["TABLE", "VIEW"];

/// A FlightInfo whose one ticket is the command itself (the answer is made
/// when the ticket is fetched).
pub fn info<M: ProstMessageExt>(
    command: &M,
    schema: &Schema,
    descriptor: FlightDescriptor,
) -> Result<FlightInfo, Status> {
    Ok(FlightInfo::new()
        .try_with_schema(schema)
        .map_err(|e| Status::internal(e.to_string()))?
        .with_endpoint(
            FlightEndpoint::new().with_ticket(Ticket::new(command.as_any().encode_to_vec())),
        )
        .with_descriptor(descriptor))
}

/// One batch as a `DoGet` answer.
pub fn one_batch(batch: RecordBatch) -> FlightDataStream {
    let schema = batch.schema();
    let data = FlightDataEncoderBuilder::new()
        .with_schema(schema)
        .build(futures_util::stream::iter([Ok(batch)]));
    Box::pin(data.map(|r| r.map_err(Status::from)))
}

fn internal(e: impl std::fmt::Display) -> Status {
    Status::internal(e.to_string())
}

/// Runs a metastore read on a blocking thread (SQLite calls block).
async fn read<T: Send + 'static>(
    state: &Arc<AppState>,
    f: impl FnOnce(&hive::metastore::Metastore) -> Result<T, Status> + Send + 'static,
) -> Result<T, Status> {
    let st = state.clone();
    tokio::task::spawn_blocking(move || f(st.catalog.metastore()))
        .await
        .map_err(internal)?
}

/// No catalogs.
pub fn catalogs() -> Result<RecordBatch, Status> {
    GetCatalogsBuilder::new().build().map_err(internal)
}

/// The databases, as schemas, filtered as the command asks.
pub async fn schemas(
    state: &Arc<AppState>,
    cmd: CommandGetDbSchemas,
) -> Result<RecordBatch, Status> {
    read(state, move |ms| {
        let mut b = cmd.into_builder();
        for db in ms.list_databases(None).map_err(internal)? {
            b.append("", db);
        }
        b.build().map_err(internal)
    })
    .await
}

/// The columns of a table (partition keys last, as Hive reads them), as
/// Arrow fields.
fn table_schema(t: &Table) -> Schema {
    let fields: Vec<Field> = t
        .columns
        .iter()
        .chain(&t.partition_keys)
        .map(|c| {
            let ty = hive::types::parse_hive_type(&c.type_name).unwrap_or(DataType::Utf8);
            Field::new(&c.name, ty, true)
        })
        .collect();
    Schema::new(fields)
}

/// The tables and views, filtered as the command asks.
pub async fn tables(state: &Arc<AppState>, cmd: CommandGetTables) -> Result<RecordBatch, Status> {
    read(state, move |ms| {
        let mut b: GetTablesBuilder = cmd.into_builder();
        let include_schema = b.include_schema();
        for db in ms.list_databases(None).map_err(internal)? {
            for name in ms.list_tables(&db, None).map_err(internal)? {
                let Some(t) = ms.get_table(&db, &name).map_err(internal)? else {
                    continue;
                };
                let kind = if t.is_view() { "VIEW" } else { "TABLE" };
                let schema = if include_schema {
                    table_schema(&t)
                } else {
                    Schema::empty()
                };
                b.append("", &db, &name, kind, &schema).map_err(internal)?;
            }
        }
        b.build().map_err(internal)
    })
    .await
}

/// A Hive type for `GetXdbcTypeInfo`: name, type, column size, literal
/// prefix, create parameters, radix, largest scale.
type HiveType = (
    &'static str,
    arrow_flight::sql::XdbcDataType,
    i32,
    Option<&'static str>,
    Option<&'static [&'static str]>,
    Option<i32>,
    i32,
);

/// Hive's types, as `GetXdbcTypeInfo` (JDBC's `getTypeInfo`) lists them.
pub fn type_info() -> &'static arrow_flight::sql::metadata::XdbcTypeInfoData {
    use arrow_flight::sql::metadata::{XdbcTypeInfo, XdbcTypeInfoDataBuilder};
    use arrow_flight::sql::{Nullable, Searchable, XdbcDataType as X};
    static INFO: OnceLock<arrow_flight::sql::metadata::XdbcTypeInfoData> = OnceLock::new();
    INFO.get_or_init(|| {
        let mut b = XdbcTypeInfoDataBuilder::new();
        let types: [HiveType; 12] = [
            ("boolean", X::XdbcBit, 1, None, None, None, 0),
            ("tinyint", X::XdbcTinyint, 3, None, None, Some(10), 0),
            ("smallint", X::XdbcSmallint, 5, None, None, Some(10), 0),
            ("int", X::XdbcInteger, 10, None, None, Some(10), 0),
            ("bigint", X::XdbcBigint, 19, None, None, Some(10), 0),
            ("float", X::XdbcReal, 7, None, None, Some(10), 0),
            ("double", X::XdbcDouble, 15, None, None, Some(10), 0),
            (
                "decimal",
                X::XdbcDecimal,
                38,
                None,
                Some(&["precision", "scale"]),
                Some(10),
                38,
            ),
            ("string", X::XdbcVarchar, i32::MAX, Some("'"), None, None, 0),
            ("binary", X::XdbcBinary, i32::MAX, None, None, None, 0),
            ("date", X::XdbcDate, 10, Some("DATE '"), None, None, 0),
            (
                "timestamp",
                X::XdbcTimestamp,
                29,
                Some("TIMESTAMP '"),
                None,
                None,
                0,
            ),
        ];
        for (name, ty, size, quote, params, radix, max_scale) in types {
            b.append(XdbcTypeInfo {
                type_name: name.into(),
                data_type: ty,
                column_size: Some(size),
                literal_prefix: quote.map(str::to_string),
                literal_suffix: quote.map(|_| "'".to_string()),
                create_params: params.map(|p| p.iter().map(|s| s.to_string()).collect()),
                nullable: Nullable::NullabilityNullable,
                case_sensitive: name == "string",
                searchable: if name == "string" {
                    Searchable::Full
                } else {
                    Searchable::Basic
                },
                unsigned_attribute: radix.map(|_| false),
                fixed_prec_scale: false,
                auto_increment: radix.map(|_| false),
                local_type_name: Some(name.into()),
                minimum_scale: Some(0),
                maximum_scale: Some(max_scale),
                sql_data_type: ty,
                datetime_subcode: None,
                num_prec_radix: radix,
                interval_precision: None,
            });
        }
        b.build().expect("the type list is well formed")
    })
}

/// The schema of `GetTables` answers (with or without table schemas).
pub fn tables_schema(cmd: &CommandGetTables) -> SchemaRef {
    cmd.clone().into_builder().schema()
}

/// `TABLE` and `VIEW`.
pub fn table_types() -> Result<RecordBatch, Status> {
    let schema = Schema::new(vec![utf8("table_type", false)]);
    let types = arrow::array::StringArray::from(TABLE_TYPES.to_vec());
    RecordBatch::try_new(Arc::new(schema), vec![Arc::new(types)]).map_err(internal)
}

/// What the server tells clients about itself and its SQL.
pub fn sql_info(read_only: bool) -> &'static SqlInfoData {
    static WRITABLE: OnceLock<SqlInfoData> = OnceLock::new();
    static READ_ONLY: OnceLock<SqlInfoData> = OnceLock::new();
    let cell = if read_only { &READ_ONLY } else { &WRITABLE };
    cell.get_or_init(|| {
        let mut b = SqlInfoDataBuilder::new();
        b.append(SqlInfo::FlightSqlServerName, "Shark");
        b.append(SqlInfo::FlightSqlServerVersion, env!("CARGO_PKG_VERSION"));
        b.append(SqlInfo::FlightSqlServerArrowVersion, "60");
        b.append(SqlInfo::FlightSqlServerReadOnly, read_only);
        b.append(SqlInfo::FlightSqlServerSql, true);
        b.append(SqlInfo::FlightSqlServerSubstrait, false);
        b.append(
            SqlInfo::FlightSqlServerTransaction,
            SqlSupportedTransaction::None as i32,
        );
        b.append(SqlInfo::FlightSqlServerCancel, true);
        b.append(SqlInfo::FlightSqlServerBulkIngestion, false);
        b.append(SqlInfo::FlightSqlServerStatementTimeout, 0i32);
        b.append(SqlInfo::FlightSqlServerTransactionTimeout, 0i32);
        b.append(SqlInfo::SqlDdlCatalog, false);
        b.append(SqlInfo::SqlDdlSchema, true);
        b.append(SqlInfo::SqlDdlTable, true);
        b.append(
            SqlInfo::SqlIdentifierCase,
            SqlSupportedCaseSensitivity::SqlCaseSensitivityCaseInsensitive as i32,
        );
        b.append(SqlInfo::SqlIdentifierQuoteChar, "`");
        b.append(
            SqlInfo::SqlQuotedIdentifierCase,
            SqlSupportedCaseSensitivity::SqlCaseSensitivityCaseInsensitive as i32,
        );
        b.append(SqlInfo::SqlAllTablesAreSelectable, true);
        b.append(SqlInfo::SqlSearchStringEscape, "\\");
        b.append(SqlInfo::SqlSupportsColumnAliasing, true);
        b.append(SqlInfo::SqlNullPlusNullIsNull, true);
        b.append(SqlInfo::SqlSupportsTableCorrelationNames, true);
        b.append(SqlInfo::SqlSupportsExpressionsInOrderBy, true);
        b.append(SqlInfo::SqlSupportsLikeEscapeClause, false);
        b.append(SqlInfo::SqlSupportsNonNullableColumns, false);
        b.build().expect("the server's SQL info is well formed")
    })
}

fn utf8(name: &str, nullable: bool) -> Field {
    Field::new(name, DataType::Utf8, nullable)
}

/// The (empty) answer to `GetPrimaryKeys`.
pub fn primary_keys() -> RecordBatch {
    let schema = Schema::new(vec![
        utf8("catalog_name", true),
        utf8("db_schema_name", true),
        utf8("table_name", false),
        utf8("column_name", false),
        Field::new("key_sequence", DataType::Int32, false),
        utf8("key_name", true),
    ]);
    RecordBatch::new_empty(Arc::new(schema))
}

/// The (empty) answer to `GetExportedKeys`, `GetImportedKeys` and
/// `GetCrossReference`.
pub fn foreign_keys() -> RecordBatch {
    let schema = Schema::new(vec![
        utf8("pk_catalog_name", true),
        utf8("pk_db_schema_name", true),
        utf8("pk_table_name", false),
        utf8("pk_column_name", false),
        utf8("fk_catalog_name", true),
        utf8("fk_db_schema_name", true),
        utf8("fk_table_name", false),
        utf8("fk_column_name", false),
        Field::new("key_sequence", DataType::Int32, false),
        utf8("fk_key_name", true),
        utf8("pk_key_name", true),
        Field::new("update_rule", DataType::UInt8, false),
        Field::new("delete_rule", DataType::UInt8, false),
    ]);
    RecordBatch::new_empty(Arc::new(schema))
}

/// `GetDbSchemas`' answer schema.
pub fn schemas_schema() -> SchemaRef {
    GetDbSchemasBuilder::new(None::<String>, None::<String>).schema()
}
