//! Definition statements on a Hive warehouse: databases, tables (CREATE,
//! CTAS, DROP, TRUNCATE, MSCK REPAIR, ANALYZE), views. The writes are in
//! `insert.rs` and `load.rs`, ALTER in `alter.rs`, SHOW in `show.rs`,
//! DESCRIBE in `describe.rs`. Data moves through `write.rs`'s staging and rename;
//! metadata changes are single metastore transactions made after the data
//! is in place.

use super::names::*;
use super::write::{commit_pending, conform_rdd, staging_dir, write_rdd};
use super::{Session, StatementResult};
use crate::error::{Result, SharkError};
use crate::hive_catalog::{columns_schema, location_path, storage_format, BUCKETED_FILES};
use crate::hive_table::StorageFormat;
use crate::types::type_name;
use hive::metastore::{Column, Database, Partition, StorageDescriptor, Table, TableType};
use sqlparser::ast::{self as ast, Expr as SqlExpr, ObjectName};
use std::path::PathBuf;

impl Session {
    pub(super) fn create_database(
        &mut self,
        name: &str,
        if_not_exists: bool,
        comment: Option<String>,
        location: Option<String>,
        properties: Vec<(String, String)>,
    ) -> Result<StatementResult> {
        let hive = self.hive()?;
        if let Some(l) = &location {
            self.user_path(l, crate::paths::PathUse::Location)?;
        }
        let dir = location
            .clone()
            .map(PathBuf::from)
            .unwrap_or_else(|| hive::warehouse::database_dir(hive.warehouse(), name));
        let mut db = Database::new(name);
        db.description = comment;
        db.location = dir.display().to_string();
        db.parameters = properties.into_iter().collect();
        if hive
            .metastore()
            .create_database(&db, if_not_exists)?
            .is_some()
        {
            storage::create_dir_all(&dir)
                .map_err(|e| SharkError::exec(format!("cannot create {}: {e}", dir.display())))?;
        }
        Ok(StatementResult::Done(None))
    }

    pub(super) fn drop_database(
        &mut self,
        name: &str,
        if_exists: bool,
        cascade: bool,
    ) -> Result<StatementResult> {
        let hive = self.hive()?;
        if name == "default" {
            return Err(SharkError::analysis("Can not drop default database"));
        }
        let db = hive.metastore().get_database(name)?;
        let tables = hive.metastore().drop_database(name, if_exists, cascade)?;
        for t in tables {
            if t.table_type == TableType::Managed {
                let _ = storage::delete_dir(&location_path(&t.storage.location));
            }
        }
        if let Some(db) = db {
            let dir = location_path(&db.location);
            if dir.starts_with(hive.warehouse()) && dir != hive.warehouse() {
                let _ = storage::delete_dir(&dir);
            }
        }
        if self.database == name {
            self.database = "default".into();
        }
        Ok(StatementResult::Done(None))
    }

    /// `ANALYZE TABLE t [PARTITION (...)] COMPUTE STATISTICS [NOSCAN | FOR
    /// COLUMNS ...]`: the table's row count (unless NOSCAN), file count and
    /// size, recorded as Hive records them (numRows, numFiles, totalSize).
    /// Column statistics are not kept: FOR COLUMNS records the table's.
    pub(super) fn analyze_table(&mut self, a: &ast::Analyze) -> Result<StatementResult> {
        let name = a
            .table_name
            .as_ref()
            .ok_or_else(|| SharkError::analysis("ANALYZE needs a table"))?;
        let t = self.existing_table(name)?;
        let hive = self.hive()?;
        let dirs: Vec<PathBuf> = if t.is_partitioned() {
            hive.metastore()
                .list_partitions(&t.db, &t.name)?
                .iter()
                .map(|p| location_path(&p.location))
                .collect()
        } else {
            vec![location_path(&t.storage.location)]
        };
        let (mut files, mut bytes) = (0u64, 0u64);
        for d in dirs {
            // What a commit recorded on a store, else what is there.
            let recorded = match storage::is_remote(&d) {
                true => hive.metastore().file_list(&d.to_string_lossy())?,
                false => None,
            };
            let sizes: Vec<u64> = match recorded {
                Some(list) => list.into_iter().map(|f| f.1).collect(),
                None if storage::exists(&d)? => crate::table::data_files(&d)?
                    .into_iter()
                    .map(|f| f.1)
                    .collect(),
                None => continue,
            };
            files += sizes.len() as u64;
            bytes += sizes.iter().sum::<u64>();
        }
        let mut params = std::collections::BTreeMap::new();
        params.insert("numFiles".to_string(), files.to_string());
        params.insert("totalSize".to_string(), bytes.to_string());
        if !a.noscan {
            let sql = format!("SELECT count(*) FROM `{}`.`{}`", t.db, t.name);
            let rows = self.query(&sql)?;
            let n = rows
                .first()
                .and_then(|b| {
                    arrow::compute::cast(b.column(0), &arrow::datatypes::DataType::Int64).ok()
                })
                .map(|c| {
                    c.as_any()
                        .downcast_ref::<arrow::array::Int64Array>()
                        .map_or(0, |a| a.value(0))
                })
                .unwrap_or(0);
            params.insert("numRows".to_string(), n.to_string());
            params.insert(
                "COLUMN_STATS_ACCURATE".to_string(),
                "{\"BASIC_STATS\":\"true\"}".to_string(),
            );
        }
        hive.metastore()
            .set_table_parameters(&t.db, &t.name, &params)?;
        Ok(StatementResult::Done(None))
    }

    pub(super) fn drop_table(&mut self, n: &ObjectName, if_exists: bool, view: bool) -> Result<()> {
        let hive = self.hive()?;
        let (db, name) = name_parts(n, &self.database)?;
        let Some(t) = hive.get(&db, &name)? else {
            // Hive: hive.exec.drop.ignorenonexistent=true by default.
            let ignore = if_exists
                || self
                    .settings
                    .get("hive.exec.drop.ignorenonexistent")
                    .map(|v| v != "false")
                    .unwrap_or(true);
            return if ignore {
                Ok(())
            } else {
                Err(SharkError::analysis(format!("Table not found '{name}'")))
            };
        };
        if view != t.is_view() {
            return Err(SharkError::analysis(if view {
                format!("Cannot drop a table with DROP VIEW: {name}")
            } else {
                format!("Cannot drop a view with DROP TABLE: {name}")
            }));
        }
        let partitions = if t.is_partitioned() {
            hive.metastore().list_partitions(&db, &name)?
        } else {
            vec![]
        };
        // Journaled: after a kill the table is gone with its files, or
        // still there with them (never files a new table would inherit).
        let folders = if t.table_type == TableType::Managed && !t.is_view() {
            partitions
                .iter()
                .map(|p| location_path(&p.location))
                .chain(std::iter::once(location_path(&t.storage.location)))
                .collect()
        } else {
            vec![]
        };
        let mut commit = hive::commit::Commit::new();
        commit.drop = Some(hive::commit::Removal {
            db: db.clone(),
            table: name.clone(),
            created: t.create_time,
            partitions: None,
            folders,
        });
        commit.run(&hive.local_root(), hive.metastore())?;
        Ok(())
    }

    /// `TRUNCATE TABLE t [PARTITION (...)]`: a managed table's files go.
    pub(super) fn truncate(&mut self, tr: &ast::Truncate) -> Result<StatementResult> {
        for target in &tr.table_names {
            let t = self.existing_table(&target.name)?;
            let dirs: Vec<PathBuf> = match (&tr.partitions, t.is_partitioned()) {
                (Some(spec), true) => {
                    let values = full_values(&t, &partition_spec(spec)?)?;
                    let hive = self.hive()?;
                    let p = hive
                        .metastore()
                        .get_partition(&t.db, &t.name, &values)?
                        .ok_or_else(|| SharkError::analysis("Partition not found"))?;
                    vec![location_path(&p.location)]
                }
                (None, true) => self
                    .hive()?
                    .metastore()
                    .list_partitions(&t.db, &t.name)?
                    .iter()
                    .map(|p| location_path(&p.location))
                    .collect(),
                _ => vec![location_path(&t.storage.location)],
            };
            if t.table_type == TableType::External {
                return Err(SharkError::analysis(format!(
                    "Cannot truncate non-managed table {}",
                    t.name
                )));
            }
            // Each folder is swapped for an empty one in one journaled
            // commit: after a kill the table is whole or empty.
            let hive = self.hive()?;
            let staging = staging_dir(&hive.local_root())?;
            let mut commit = hive::commit::Commit::new();
            commit.staging = Some(staging.clone());
            commit.table = Some((t.db.clone(), t.name.clone(), t.create_time));
            for (i, d) in dirs.into_iter().enumerate() {
                if !storage::exists(&d)? {
                    continue;
                }
                let empty = staging.join(format!("empty-{i}"));
                std::fs::create_dir_all(&empty)
                    .map_err(|e| SharkError::exec(format!("{}: {e}", empty.display())))?;
                commit.moves.push(hive::commit::FolderMove {
                    staged: empty,
                    target: d,
                    overwrite: true,
                });
            }
            let result = commit.run(&hive.local_root(), hive.metastore());
            // A commit whose journal was written is decided: its staging
            // stays for the roll-forward.
            if result.is_ok() || !commit_pending(&hive.local_root(), &staging) {
                let _ = std::fs::remove_dir_all(&staging);
            }
            result?;
        }
        Ok(StatementResult::Done(None))
    }

    /// `MSCK REPAIR TABLE t`: partition folders missing from the metastore
    /// are added.
    pub(super) fn msck_repair(&mut self, m: &ast::Msck) -> Result<StatementResult> {
        let t = self.existing_table(&m.table_name)?;
        let keys: Vec<String> = t.partition_keys.iter().map(|k| k.name.clone()).collect();
        let found =
            hive::warehouse::list_partition_dirs(&location_path(&t.storage.location), &keys)?;
        let parts: Vec<Partition> = found
            .into_iter()
            .map(|d| Partition {
                values: d
                    .values
                    .into_iter()
                    .map(|v| {
                        v.unwrap_or_else(|| hive::warehouse::DEFAULT_PARTITION_NAME.to_string())
                    })
                    .collect(),
                location: d.path.display().to_string(),
                ..Partition::default()
            })
            .collect();
        let added = self
            .hive()?
            .metastore()
            .add_partitions(&t.db, &t.name, &parts, true)?;
        let note = (!added.is_empty()).then(|| {
            format!(
                "Partitions not in metastore: {}",
                added
                    .iter()
                    .map(|p| t.partition_name(&p.values))
                    .collect::<Vec<_>>()
                    .join(" ")
            )
        });
        Ok(StatementResult::Done(note))
    }

    pub(super) fn create_view(&mut self, cv: ast::CreateView) -> Result<StatementResult> {
        let hive = self.hive()?;
        let (db, name) = name_parts(&cv.name, &self.database)?;
        let plan = self.plan(&cv.query)?;
        let schema = plan.schema();
        let names: Vec<String> = if cv.columns.is_empty() {
            schema.fields().iter().map(|f| f.name().clone()).collect()
        } else {
            cv.columns
                .iter()
                .map(|c| c.name.value.to_ascii_lowercase())
                .collect()
        };
        if names.len() != schema.fields().len() {
            return Err(SharkError::analysis(
                "view column list does not match the query",
            ));
        }
        let columns = names
            .iter()
            .zip(schema.fields())
            .map(|(n, f)| Column::new(n, &type_name(f.data_type())))
            .collect();
        let mut t = Table::new(&db, &name, columns);
        t.table_type = TableType::VirtualView;
        t.storage = StorageDescriptor::none();
        // Stored with the column names the view declares.
        let text = if cv.columns.is_empty() {
            cv.query.to_string()
        } else {
            format!("SELECT * FROM ({}) _v({})", cv.query, names.join(", "))
        };
        t.view_text = Some(text);
        if cv.or_replace {
            hive.metastore().drop_table(&db, &name, true)?;
        }
        hive.metastore().create_table(&t, cv.if_not_exists)?;
        Ok(StatementResult::Done(None))
    }

    pub(super) fn create_table(
        &mut self,
        ct: ast::CreateTable,
        external: bool,
    ) -> Result<StatementResult> {
        let hive = self.hive()?;
        let (db, name) = name_parts(&ct.name, &self.database)?;
        if hive.metastore().get_database(&db)?.is_none() {
            return Err(SharkError::analysis(format!(
                "Database does not exist: {db}"
            )));
        }
        if let Some(like) = &ct.like {
            let src = match like {
                ast::CreateTableLikeKind::Plain(l) | ast::CreateTableLikeKind::Parenthesized(l) => {
                    self.existing_table(&l.name)?
                }
            };
            let mut t = src.clone();
            t.db = db.clone();
            t.name = name.clone();
            t.table_type = if external {
                TableType::External
            } else {
                TableType::Managed
            };
            t.storage.location = ct
                .location
                .clone()
                .or_else(|| ct.hive_formats.as_ref().and_then(|h| h.location.clone()))
                .unwrap_or_default();
            if !t.storage.location.is_empty() {
                self.user_path(&t.storage.location, crate::paths::PathUse::Location)?;
            }
            t.parameters.clear();
            t.create_time = 0;
            if hive
                .metastore()
                .create_table(&t, ct.if_not_exists)?
                .is_some()
            {
                self.make_table_dir(&db, &name)?;
            }
            return Ok(StatementResult::Done(None));
        }
        let mut t = Table::new(&db, &name, column_defs(&ct.columns)?);
        t.table_type = if external {
            TableType::External
        } else {
            TableType::Managed
        };
        if let ast::HiveDistributionStyle::PARTITIONED { columns } = &ct.hive_distribution {
            t.partition_keys = column_defs(columns)?;
        }
        if let Some(c) = &ct.comment {
            t.comment = Some(match c {
                ast::CommentDef::WithEq(s) | ast::CommentDef::WithoutEq(s) => s.clone(),
            });
        }
        let mut sd = StorageDescriptor::text();
        let mut location = ct.location.clone();
        if let Some(h) = &ct.hive_formats {
            sd = storage_descriptor(h)?;
            if let Some(ast::HiveRowFormat::DELIMITED { delimiters }) = &h.row_format {
                for d in delimiters {
                    let key = match d.delimiter {
                        ast::HiveDelimiter::FieldsTerminatedBy => "field.delim",
                        ast::HiveDelimiter::FieldsEscapedBy => "escape.delim",
                        ast::HiveDelimiter::CollectionItemsTerminatedBy => "colelction.delim",
                        ast::HiveDelimiter::MapKeysTerminatedBy => "mapkey.delim",
                        ast::HiveDelimiter::LinesTerminatedBy => "line.delim",
                        ast::HiveDelimiter::NullDefinedAs => "serialization.null.format",
                    };
                    sd.serde_params
                        .insert(key.into(), unescape_delim(&d.char.value));
                }
                if let Some(f) = sd.serde_params.get("field.delim").cloned() {
                    sd.serde_params.insert("serialization.format".into(), f);
                }
            }
            if location.is_none() {
                location = h.location.clone();
            }
        }
        if let Some(cb) = &ct.clustered_by {
            sd.bucket_columns = cb
                .columns
                .iter()
                .map(|c| c.value.to_ascii_lowercase())
                .collect();
            sd.bucket_count = cb.num_buckets.to_string().parse().ok();
            if sd.bucket_count.is_none_or(|n| n == 0) {
                return Err(SharkError::analysis(format!(
                    "CLUSTERED BY ... INTO {} BUCKETS: the bucket count must be a positive number",
                    cb.num_buckets
                )));
            }
            sd.sort_columns = sort_columns(cb);
        }
        if let Some(l) = &location {
            self.user_path(l, crate::paths::PathUse::Location)?;
        }
        sd.location = location.unwrap_or_default();
        t.storage = sd;
        if let ast::CreateTableOptions::TableProperties(props) = &ct.table_options {
            for p in props {
                if let ast::SqlOption::KeyValue { key, value } = p {
                    let k = key
                        .to_string()
                        .trim_matches('\'')
                        .trim_matches('"')
                        .to_string();
                    let v = match value {
                        SqlExpr::Value(v) => match &v.value {
                            ast::Value::SingleQuotedString(s)
                            | ast::Value::DoubleQuotedString(s) => s.clone(),
                            other => other.to_string(),
                        },
                        other => other.to_string(),
                    };
                    t.parameters.insert(k, v);
                }
            }
        }
        if t.storage.bucket_count.is_some_and(|n| n > 0) {
            let loc = location_path(&t.storage.location);
            let empty = t.storage.location.is_empty()
                || crate::table::data_files(&loc).map_or(true, |f| f.is_empty());
            if empty {
                t.parameters.insert(BUCKETED_FILES.into(), "true".into());
            }
        }
        let Some(query) = &ct.query else {
            if t.columns.is_empty() {
                t.columns = columns_from_files(&t)?;
            }
            if hive
                .metastore()
                .create_table(&t, ct.if_not_exists)?
                .is_some()
            {
                let stored = hive.get(&db, &name)?.expect("just created");
                let _ = storage::create_dir_all(&location_path(&stored.storage.location));
            }
            return Ok(StatementResult::Done(None));
        };
        // CTAS: the data is written first, then the table is created.
        if hive.get(&db, &name)?.is_some() {
            if ct.if_not_exists {
                return Ok(StatementResult::Done(None));
            }
            return Err(SharkError::analysis(format!(
                "Table already exists: {db}.{name}"
            )));
        }
        if t.is_partitioned() {
            return Err(SharkError::unsupported(
                "CREATE TABLE ... PARTITIONED BY ... AS SELECT",
            ));
        }
        let (mut plan, widths) = self.plan_with_chars(query)?;
        let schema = plan.schema();
        if t.columns.is_empty() {
            // A CHAR(n) column selected as it is stays CHAR(n), as in Hive.
            t.columns = schema
                .fields()
                .iter()
                .zip(&widths)
                .map(|(f, w)| {
                    let name = f.name().to_ascii_lowercase();
                    match w {
                        Some(n) => Column::new(&name, &format!("char({n})")),
                        None => Column::new(
                            &name,
                            &type_name(if f.data_type() == &arrow::datatypes::DataType::Null {
                                &arrow::datatypes::DataType::Utf8
                            } else {
                                f.data_type()
                            }),
                        ),
                    }
                })
                .collect();
            // Padded as Hive's text SerDe writes CHAR, unless bucketed
            // (buckets go by the unpadded value's hash).
            if matches!(storage_format(&t), crate::table::StorageFormat::Text(_))
                && super::insert::bucketing(&t)?.is_none()
            {
                plan = super::pad_chars(plan, &widths)?;
            }
        }
        let target_schema = columns_schema(&t.columns)?;
        let (rdd, _) = self.run_plan(&plan)?;
        let rdd = conform_rdd(rdd, target_schema.clone());
        let staging = staging_dir(&hive.local_root())?;
        let format = storage_format(&t);
        let buckets = super::insert::bucketing(&t)?;
        let result = (|| -> Result<()> {
            let data = staging.join("data");
            match &buckets {
                Some((columns, n)) => {
                    super::write::write_buckets(
                        &super::write::sorted_buckets(
                            &super::write::by_bucket(&rdd, columns.clone(), *n),
                            &target_schema,
                            &super::insert::bucket_sort(&t),
                        ),
                        &data,
                        &format,
                        &[],
                        target_schema.clone(),
                    )?;
                }
                None => {
                    write_rdd(&rdd, &data, &format, &[])?;
                }
            }
            std::fs::create_dir_all(&data).map_err(|e| SharkError::exec(e.to_string()))?;
            if hive.metastore().get_table(&t.db, &t.name)?.is_some() {
                return Err(SharkError::analysis(format!(
                    "Table {} already exists",
                    t.name
                )));
            }
            if t.storage.location.is_empty() {
                t.storage.location = hive.metastore().default_table_location(&t.db, &t.name)?;
            }
            // Fixed before the journal: a recovery tells this table (already
            // registered) from another one of the same name by it.
            if t.create_time == 0 {
                t.create_time = std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .map(|d| d.as_secs() as i64)
                    .unwrap_or(1);
            }
            // One journaled commit: the files go into place, then the table
            // is registered; after a kill it exists whole or not at all.
            let mut commit = hive::commit::Commit::new();
            commit.staging = Some(staging.clone());
            commit.moves.push(hive::commit::FolderMove {
                staged: data,
                target: location_path(&t.storage.location),
                overwrite: true,
            });
            commit.create = Some(t.clone());
            Ok(commit.run(&hive.local_root(), hive.metastore())?)
        })();
        if result.is_ok() || !commit_pending(&hive.local_root(), &staging) {
            let _ = std::fs::remove_dir_all(&staging);
        }
        result?;
        Ok(StatementResult::Done(None))
    }
}

/// The storage a table's `ROW FORMAT SERDE`, `STORED AS` and `WITH
/// SERDEPROPERTIES` clauses ask for. Formats Shark cannot read are refused
/// by name rather than read as text.
pub(super) fn storage_descriptor(h: &ast::HiveFormat) -> Result<StorageDescriptor> {
    let unsupported = |what: String| {
        SharkError::unsupported(format!(
            "{what}: Shark reads and writes TEXTFILE, PARQUET, ORC and AVRO tables"
        ))
    };
    let by_class = |class: &str| -> Result<Option<StorageDescriptor>> {
        let lower = class.to_ascii_lowercase();
        Ok(Some(if lower.contains("parquet") {
            StorageDescriptor::parquet()
        } else if lower.contains(".orc.") {
            StorageDescriptor::orc()
        } else if lower.contains("avro") {
            StorageDescriptor::avro()
        } else if lower.contains("lazysimpleserde") || lower.contains("textinputformat") {
            return Ok(None);
        } else {
            return Err(unsupported(format!("the storage class '{class}'")));
        }))
    };
    let mut sd = StorageDescriptor::text();
    if let Some(ast::HiveRowFormat::SERDE { class }) = &h.row_format {
        if let Some(s) = by_class(class)? {
            sd = s;
        }
    }
    match &h.storage {
        Some(ast::HiveIOFormat::FileFormat { format }) => match format {
            ast::FileFormat::PARQUET => sd = StorageDescriptor::parquet(),
            ast::FileFormat::ORC => sd = StorageDescriptor::orc(),
            ast::FileFormat::AVRO => sd = StorageDescriptor::avro(),
            ast::FileFormat::TEXTFILE => {}
            other => {
                return Err(unsupported(format!(
                    "STORED AS {other} is not supported yet"
                )))
            }
        },
        Some(ast::HiveIOFormat::IOF { input_format, .. }) => {
            let class = input_format.to_string();
            if let Some(s) = by_class(class.trim_matches('\''))? {
                sd = s;
            }
        }
        _ => {}
    }
    for p in h.serde_properties.iter().flatten() {
        if let ast::SqlOption::KeyValue { key, value } = p {
            let k = key.to_string().trim_matches('\'').to_string();
            let v = match value {
                SqlExpr::Value(v) => match &v.value {
                    ast::Value::SingleQuotedString(s) | ast::Value::DoubleQuotedString(s) => {
                        s.clone()
                    }
                    other => other.to_string(),
                },
                other => other.to_string(),
            };
            sd.serde_params.insert(k, v);
        }
    }
    Ok(sd)
}

/// The columns of a table declared without any: from an Avro table's
/// `avro.schema.literal` (as Hive's AvroSerDe derives them), else from the
/// first data file under its LOCATION (Parquet, ORC or Avro), leaving out
/// the partition columns.
fn columns_from_files(t: &Table) -> Result<Vec<Column>> {
    let format = storage_format(t);
    let literal = t
        .parameters
        .get("avro.schema.literal")
        .or_else(|| t.storage.serde_params.get("avro.schema.literal"));
    if let (StorageFormat::Avro, Some(json)) = (&format, literal) {
        return Ok(hive::avro_file::hive_columns(json)?
            .into_iter()
            .map(|(n, ty)| Column::new(&n, &ty))
            .collect());
    }
    if matches!(format, StorageFormat::Text(_)) || t.storage.location.is_empty() {
        return Err(SharkError::analysis(
            "a table without columns needs STORED AS PARQUET, ORC or AVRO and a LOCATION \
             holding such files (or, for AVRO, TBLPROPERTIES ('avro.schema.literal'=...))",
        ));
    }
    let loc = location_path(&t.storage.location);
    let files = crate::table::data_files(&loc)?;
    let first = &files
        .first()
        .ok_or_else(|| {
            SharkError::analysis(format!(
                "no {} files under {}",
                format.name(),
                loc.display()
            ))
        })?
        .0;
    let schema = match format {
        StorageFormat::Orc => orc_file::inspect(first)?.schema,
        StorageFormat::Avro => hive::avro_file::read_schema(first)?,
        _ => hive::parquet_file::read_schema(first)?,
    };
    let keys: Vec<String> = t.partition_keys.iter().map(|k| k.name.clone()).collect();
    Ok(schema
        .fields()
        .iter()
        .filter(|f| !keys.contains(&f.name().to_ascii_lowercase()))
        .map(|f| Column::new(&f.name().to_ascii_lowercase(), &type_name(f.data_type())))
        .collect())
}
