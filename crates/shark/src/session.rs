//! A session: the current database, settings and variables of one user,
//! and the entry point that runs HiveQL statements and streams results.

use crate::analyze::Analyzer;
use crate::catalog::Catalog;
use crate::error::{Result, SharkError};
use crate::exec::{AdaptiveSettings, ExecContext};
use crate::parse::{self, HiveStatement};
use crate::physical::metrics::{QueryProfile, QueryProfiles};
use crate::physical::{PhysicalPlan, PlannerSettings};
use crate::plan::LogicalPlan;
use arrow::datatypes::SchemaRef;
use arrow::record_batch::RecordBatch;
use rdd::CancelToken;
use sqlparser::ast::{self as ast, Statement};
use std::collections::BTreeMap;
use std::sync::Arc;

mod alter;
mod cache;
mod columns;
mod ddl;
mod describe;
mod insert;
mod load;
mod names;
mod result;
mod show;
mod write;

pub use result::QueryResult;

/// What a statement produced.
pub enum StatementResult {
    /// Rows (queries, EXPLAIN, SHOW, SET listings), streamed.
    Rows(QueryResult),
    /// A statement without rows (SET k=v, USE, DDL), with an optional note.
    Done(Option<String>),
}

/// One user's connection to the engine.
pub struct Session {
    ctx: rdd::Context,
    catalog: Arc<dyn Catalog>,
    tables: Arc<crate::cache::CachingCatalog>,
    database: String,
    settings: BTreeMap<String, String>,
    hivevars: BTreeMap<String, String>,
    cancel: CancelToken,
    hive: Option<Arc<crate::hive_catalog::HiveCatalog>>,
    /// The statement being run (for query profiles).
    current_sql: String,
    /// The front end's rule for paths statements name.
    path_guard: Option<crate::paths::PathGuard>,
    /// Whether TRANSFORM may run programs.
    scripts_allowed: bool,
    /// Files added with ADD FILE (for TRANSFORM scripts).
    added_files: Vec<std::path::PathBuf>,
}

impl Session {
    /// A session on `ctx` resolving tables in `catalog`, in database `default`.
    pub fn new(ctx: rdd::Context, catalog: Arc<dyn Catalog>) -> Self {
        // Tables are read through the engine's table cache.
        let tables = Arc::new(crate::cache::CachingCatalog::new(catalog, &ctx));
        Session {
            ctx,
            catalog: tables.clone(),
            tables,
            database: "default".into(),
            settings: BTreeMap::new(),
            hivevars: BTreeMap::new(),
            cancel: CancelToken::new(),
            hive: None,
            current_sql: String::new(),
            path_guard: None,
            scripts_allowed: true,
            added_files: Vec::new(),
        }
    }

    /// A session on a Hive warehouse folder: tables come from its
    /// metastore, and DDL and DML statements change it.
    pub fn with_warehouse(ctx: rdd::Context, warehouse: &std::path::Path) -> Result<Self> {
        Session::with_warehouse_at(ctx, warehouse, None)
    }

    /// [`Session::with_warehouse`] with the metastore in the SQLite file
    /// `metastore` (needed when the warehouse is on an object store).
    pub fn with_warehouse_at(
        ctx: rdd::Context,
        warehouse: &std::path::Path,
        metastore: Option<&std::path::Path>,
    ) -> Result<Self> {
        let hive = crate::hive_catalog::HiveCatalog::open_at(warehouse, metastore)?;
        let mut s = Session::new(ctx, hive.clone());
        s.hive = Some(hive);
        Ok(s)
    }

    /// The engine.
    pub fn context(&self) -> &rdd::Context {
        &self.ctx
    }

    /// The current database.
    pub fn database(&self) -> &str {
        &self.database
    }

    /// Sets a configuration value (`SET k=v`, `--hiveconf k=v`).
    pub fn set(&mut self, key: &str, value: &str) {
        if storage::config::is_storage_key(key) {
            // Object-store settings (`fs.s3a.*`) are the process's, as in
            // Hadoop: every store opened after this uses them. A session
            // with a path rule (a server's) never changes them: the
            // server set them at its start.
            if self.path_guard.is_some() {
                return;
            }
            storage::config::set(key, Some(value));
        }
        self.settings.insert(key.to_string(), value.to_string());
    }

    /// Refuses `SET` of a setting the engine read when it started (a
    /// memory budget, the scratch folder, ...) to a new value: it would
    /// silently do nothing. The same value is accepted.
    fn check_runtime_setting(&self, key: &str, value: &str) -> Result<()> {
        if !rdd::conf::is_static(key) {
            return Ok(());
        }
        let now = self.ctx.conf().get(key);
        if now == Some(value) {
            return Ok(());
        }
        Err(SharkError::unsupported(format!(
            "{key} cannot change at run time: the engine reads it when it starts (now {}); \
             give it to shark-cli with --hiveconf {key}={value}, to shark-server with --conf, \
             or in shark-defaults.conf",
            now.unwrap_or("its default")
        )))
    }

    /// A configuration value.
    pub fn get(&self, key: &str) -> Option<&str> {
        self.settings.get(key).map(|s| s.as_str())
    }

    /// Sets a variable for `${hivevar:k}` / `${k}` substitution.
    pub fn set_var(&mut self, key: &str, value: &str) {
        self.hivevars.insert(key.to_string(), value.to_string());
    }

    /// A token that cancels this session's running query from another thread.
    pub fn cancel_token(&self) -> CancelToken {
        self.cancel.clone()
    }

    fn partitions(&self) -> usize {
        for key in [
            "shark.shuffle.partitions",
            "spark.sql.shuffle.partitions",
            "mapred.reduce.tasks",
        ] {
            if let Some(n) = self.settings.get(key).and_then(|v| v.parse::<i64>().ok()) {
                if n > 0 {
                    return n as usize;
                }
            }
        }
        (self.ctx.default_parallelism() * 2).max(2)
    }

    /// Bytes of one task's rows held in memory before the rest goes to a
    /// file (`shark.task.maxDirectResultSize`, like Spark's setting).
    fn max_direct_result_bytes(&self) -> u64 {
        self.settings
            .get("shark.task.maxDirectResultSize")
            .or_else(|| self.settings.get("spark.task.maxDirectResultSize"))
            .and_then(|v| rdd::conf::parse_bytes(v))
            .unwrap_or(result::DEFAULT_MAX_DIRECT_BYTES)
    }

    fn broadcast_threshold(&self) -> u64 {
        let auto = self
            .settings
            .get("hive.auto.convert.join")
            .map(|v| !v.eq_ignore_ascii_case("false"))
            .unwrap_or(true);
        let threshold = [
            "hive.mapjoin.smalltable.filesize",
            "spark.sql.autoBroadcastJoinThreshold",
        ]
        .iter()
        .find_map(|k| self.settings.get(*k).and_then(|v| v.parse::<i64>().ok()))
        .unwrap_or(25_000_000);
        if auto && threshold > 0 {
            threshold as u64
        } else {
            0
        }
    }

    fn planner_settings(&self) -> Result<PlannerSettings> {
        Ok(PlannerSettings {
            partitions: self.partitions(),
            broadcast_threshold: self.broadcast_threshold(),
            execution_budget: self
                .ctx
                .conf()
                .get_bytes(rdd::conf::MEMORY_EXECUTION, 512 << 20)?,
        })
    }

    /// Adds a front end's rule for the paths statements name (checked
    /// after the built-in one that keeps the warehouse's own files out).
    pub fn set_path_guard(&mut self, guard: crate::paths::PathGuard) {
        self.path_guard = Some(guard);
    }

    /// A path a statement names, checked by both rules.
    pub(crate) fn user_path(
        &self,
        raw: &str,
        purpose: crate::paths::PathUse,
    ) -> Result<std::path::PathBuf> {
        let warehouse = self.hive.as_ref().map(|h| h.warehouse().to_path_buf());
        let path =
            crate::paths::check(raw, purpose, warehouse.as_deref(), self.path_guard.as_ref())?;
        // A metastore outside its warehouse (always so for one on a
        // store) has its own files to keep out of statements' reach.
        if let Some(h) = self
            .hive
            .as_ref()
            .filter(|h| !h.metastore().path().starts_with(h.warehouse()))
        {
            let why = crate::paths::metastore_files_internal(
                &h.local_root(),
                h.metastore().path(),
                &path,
            );
            if let Some(why) = why {
                return Err(SharkError::analysis(format!(
                    "'{raw}' {why}: the warehouse's own files cannot be used by a statement"
                )));
            }
        }
        Ok(path)
    }

    /// The physical plan of an optimized logical plan (no job runs).
    pub fn physical_plan(&self, logical: &LogicalPlan) -> Result<PhysicalPlan> {
        crate::physical::plan(logical, &self.planner_settings()?)
    }

    /// Plans and starts a query: the one road every statement that reads
    /// rows takes. The returned profile holds the plan as it runs (adaptive
    /// changes included) and its per-operator metrics. With
    /// `shark.plan.roundTrip=true` the physical plan is serialized and read
    /// back before it runs — each stage's fragment on its own, as they
    /// will be when shipped to executors.
    pub(crate) fn run_plan(
        &self,
        logical: &LogicalPlan,
    ) -> Result<(rdd::Rdd<crate::Batch>, Arc<QueryProfile>)> {
        let mut physical = self.physical_plan(logical)?;
        if self
            .settings
            .get("shark.plan.roundTrip")
            .is_some_and(|v| v.eq_ignore_ascii_case("true"))
        {
            physical = PhysicalPlan::from_bytes(&physical.to_bytes()?)?;
            let fragments = physical
                .fragments()
                .iter()
                .map(|f| crate::physical::fragment::Fragment::from_bytes(&f.to_bytes()?))
                .collect::<Result<Vec<_>>>()?;
            physical = PhysicalPlan::from_fragments(&fragments)?;
        }
        let profile = QueryProfiles::of(&self.ctx).start(&self.current_sql, &physical);
        let ex = ExecContext {
            ctx: self.ctx.clone(),
            adaptive: AdaptiveSettings::from_settings(
                &self.settings,
                self.ctx.default_parallelism(),
                self.broadcast_threshold(),
            ),
            query: Some(profile.id),
            shuffle_partitions: self.partitions(),
            dynamic_filters: self
                .settings
                .get("shark.sql.dynamicFilter.enabled")
                .is_none_or(|v| !v.trim().eq_ignore_ascii_case("false")),
            next_id: Arc::new(std::sync::atomic::AtomicUsize::new(physical.node_count())),
            remote: None,
        };
        let cluster = crate::distributed::SqlCluster::of(&self.ctx)
            .filter(|_| crate::distributed::stages::runs_only_here(&physical).is_none());
        let rdd = match cluster {
            Some(cluster) => crate::distributed::stages::build(
                &mut physical,
                &self.ctx,
                &cluster,
                &crate::distributed::stages::StageSettings {
                    broadcast_threshold: ex.adaptive.broadcast_threshold,
                    shuffle_partitions: ex.shuffle_partitions,
                    query: ex.query,
                },
            )?,
            None => self
                .ctx
                .run_with_cancel(&self.cancel, || crate::exec::execute(&mut physical, &ex))?,
        };
        *profile.plan.lock().unwrap() = physical;
        // Its jobs are described by the statement (as Spark's SQL jobs
        // are), unless the RDD already has a name (a cached table's).
        if rdd.name().is_none() {
            let text: String = self
                .current_sql
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ");
            let short: String = text.chars().take(100).collect();
            rdd.set_name(if short.len() < text.len() {
                format!("{short}…")
            } else {
                short
            });
        }
        Ok((rdd, profile))
    }

    /// Runs every statement of a script, stopping at the first error.
    pub fn execute_script(&mut self, script: &str) -> Result<Vec<StatementResult>> {
        let mut out = Vec::new();
        for stmt in parse::split_statements(script) {
            out.push(self.execute_at(&stmt.text, stmt.line)?);
        }
        Ok(out)
    }

    /// Runs one statement (without its `;`).
    pub fn execute(&mut self, sql: &str) -> Result<StatementResult> {
        self.execute_at(sql, 1)
    }

    /// Runs a query and collects its rows (for tests and small results).
    pub fn query(&mut self, sql: &str) -> Result<Vec<RecordBatch>> {
        match self.execute(sql)? {
            StatementResult::Rows(r) => r.collect_batches(),
            StatementResult::Done(_) => Ok(vec![]),
        }
    }

    /// The columns a query would return, from its plan alone (no job runs),
    /// for clients that must describe a result before running it (prepared
    /// statements). `None` for statements whose rows are not known without
    /// running them (SHOW, DESCRIBE, EXPLAIN, SET) or that return none.
    pub fn result_schema(&self, sql: &str) -> Result<Option<SchemaRef>> {
        let text = parse::substitute(sql, &self.hivevars, &self.settings);
        match parse::parse_statement(&text, 1)? {
            HiveStatement::Sql(stmt) => match *stmt {
                Statement::Query(q) => Ok(Some(self.plan(&q)?.schema())),
                _ => Ok(None),
            },
            _ => Ok(None),
        }
    }

    /// The token that cancels the next (or running) statement; a fresh one
    /// once the previous was used to cancel.
    pub fn cancel_token_for_next(&mut self) -> CancelToken {
        if self.cancel.is_cancelled() {
            self.cancel = CancelToken::new();
        }
        self.cancel.clone()
    }

    /// Runs one statement that starts on `line` of its script.
    pub fn execute_at_line(&mut self, sql: &str, line: u64) -> Result<StatementResult> {
        self.execute_at(sql, line)
    }

    fn execute_at(&mut self, sql: &str, line: u64) -> Result<StatementResult> {
        if self.cancel.is_cancelled() {
            self.cancel = CancelToken::new();
        }
        let text = parse::substitute(sql, &self.hivevars, &self.settings);
        self.current_sql = text.clone();
        let stmt = parse::parse_statement(&text, line)?;
        self.run(stmt).map_err(|e| e.in_script_at_line(line))
    }

    fn run(&mut self, stmt: HiveStatement) -> Result<StatementResult> {
        match stmt {
            HiveStatement::Set { key: None, .. } => {
                let lines: Vec<String> = self
                    .settings
                    .iter()
                    .map(|(k, v)| format!("{k}={}", storage::config::shown_value(k, v)))
                    .collect();
                Ok(StatementResult::Rows(QueryResult::lines("set", lines)))
            }
            HiveStatement::Set {
                key: Some(k),
                value: None,
            } => {
                let engine = rdd::conf::is_static(&k)
                    .then(|| self.ctx.conf().get(&k).map(str::to_string))
                    .flatten();
                let line = match self.settings.get(&k).or(engine.as_ref()) {
                    Some(v) => format!("{k}={}", storage::config::shown_value(&k, v)),
                    None => format!("{k} is undefined"),
                };
                Ok(StatementResult::Rows(QueryResult::lines("set", vec![line])))
            }
            HiveStatement::Set {
                key: Some(k),
                value: Some(v),
            } => {
                if let Some(var) = k.strip_prefix("hivevar:") {
                    self.hivevars.insert(var.to_string(), v);
                } else {
                    let k = k.strip_prefix("hiveconf:").unwrap_or(&k).to_string();
                    self.check_runtime_setting(&k, &v)?;
                    if storage::config::is_storage_key(&k) && self.path_guard.is_some() {
                        // They change every session's stores (and name
                        // credentials): the server's to set, at its start.
                        return Err(SharkError::Forbidden(format!(
                            "{k} is a server setting: give it with --conf when the server starts"
                        )));
                    }
                    self.set(&k, &v);
                }
                Ok(StatementResult::Done(None))
            }
            HiveStatement::Reset(key) => {
                match key {
                    // Object-store settings stay: they are the process's
                    // (and what it started with), not this session's.
                    Some(k) => {
                        self.settings.remove(&k);
                    }
                    None => self.settings.clear(),
                }
                Ok(StatementResult::Done(None))
            }
            HiveStatement::DescribeFunction { name, extended } => Ok(StatementResult::Rows(
                QueryResult::lines("tab_name", describe_function(&name, extended)),
            )),
            HiveStatement::Resource(text) => self.resource(&text),
            HiveStatement::Explain {
                extended,
                analyze,
                inner,
            } => self.explain(*inner, extended, analyze),
            HiveStatement::CreateDatabase {
                name,
                if_not_exists,
                comment,
                location,
                properties,
            } => self.create_database(&name, if_not_exists, comment, location, properties),
            HiveStatement::AlterColumns {
                table,
                partition,
                change,
                cascade,
            } => self.alter_columns(&table, partition, change, cascade),
            HiveStatement::SetLocation {
                table,
                partition,
                location,
            } => self.set_location(&table, partition, location),
            HiveStatement::CreateExternal(stmt) => self.run_catalog_statement(*stmt, true),
            HiveStatement::MultiInsert(stmts) => {
                let mut last = StatementResult::Done(None);
                for s in stmts {
                    last = self.run(s)?;
                }
                Ok(last)
            }
            HiveStatement::ClearCache => self.clear_cache(),
            HiveStatement::ShowPartitions { table, partition } => {
                self.show_partitions_matching(&table, &partition)
            }
            HiveStatement::DescribePartition {
                table,
                partition,
                format,
            } => self.describe_partition(&table, &partition, format),
            HiveStatement::AlterPartitionColumn { table, column } => {
                self.alter_partition_column(&table, column)
            }
            HiveStatement::AlterClustering { table, clustered } => {
                self.alter_clustering(&table, clustered)
            }
            HiveStatement::AlterStorage {
                table,
                format,
                serde_properties,
            } => self.alter_storage(&table, format, serde_properties),
            HiveStatement::DirectoryRowFormat {
                statement,
                delimiters,
            } => match *statement {
                Statement::Directory { path, source, .. } => {
                    let format = Session::delimited_format(&delimiters)?;
                    self.write_directory(&path, &source, &format)
                }
                other => self.run_sql(other),
            },
            HiveStatement::Sql(stmt) => self.run_sql(*stmt),
        }
    }

    fn analyzer(&self) -> Analyzer<'_> {
        crate::functions::set_planning_bound(&self.ctx);
        Analyzer::new(self.catalog.as_ref(), &self.database, &self.settings)
            .with_scripts(self.scripts_allowed)
            .with_script_files(self.added_files.clone())
    }

    /// Whether TRANSFORM … USING may run programs in this session (yes
    /// unless the front end says no: shark-server without --allow-scripts).
    pub fn set_scripts_allowed(&mut self, allowed: bool) {
        self.scripts_allowed = allowed;
    }

    /// The optimized plan of a query.
    pub fn plan(&self, q: &sqlparser::ast::Query) -> Result<Arc<crate::plan::LogicalPlan>> {
        let (plan, _) = self.analyzer().plan_query(q)?;
        crate::optimize::optimize(plan)
    }

    /// The optimized plan of a query whose rows are shown or written out
    /// as text: CHAR(n) columns padded with blanks to n, as Hive prints
    /// them.
    pub fn plan_output(&self, q: &sqlparser::ast::Query) -> Result<Arc<crate::plan::LogicalPlan>> {
        let (plan, widths) = self.plan_with_chars(q)?;
        pad_chars(plan, &widths)
    }

    /// The optimized plan of a query, and the CHAR(n) width of each output
    /// column that is a CHAR column passed on unchanged.
    pub(crate) fn plan_with_chars(
        &self,
        q: &sqlparser::ast::Query,
    ) -> Result<(Arc<crate::plan::LogicalPlan>, Vec<Option<u32>>)> {
        let (plan, scope) = self.analyzer().plan_query(q)?;
        let mut widths: Vec<Option<u32>> = scope.columns.iter().map(|c| c.char_width).collect();
        if widths.len() != plan.schema().fields().len() {
            widths = vec![None; plan.schema().fields().len()];
        }
        Ok((crate::optimize::optimize(plan)?, widths))
    }

    fn run_sql(&mut self, stmt: Statement) -> Result<StatementResult> {
        match stmt {
            Statement::Query(q) => {
                let plan = self.plan_output(&q)?;
                let (rdd, profile) = self.run_plan(&plan)?;
                Ok(StatementResult::Rows(
                    QueryResult::from_rdd(plan.schema(), rdd, self.cancel.clone())
                        .with_max_direct_bytes(self.max_direct_result_bytes())
                        .with_profile(profile),
                ))
            }
            Statement::Cache {
                table_flag,
                table_name,
                query,
                ..
            } => {
                let lazy = match &table_flag {
                    None => false,
                    Some(f) if f.to_string().eq_ignore_ascii_case("lazy") => true,
                    Some(f) => {
                        return Err(SharkError::unsupported(format!("CACHE {f} TABLE")));
                    }
                };
                self.cache_table(&table_name, lazy, query)
            }
            Statement::UNCache {
                table_name,
                if_exists,
            } => self.uncache_table(&table_name, if_exists),
            Statement::Use(u) => {
                let name = match u {
                    sqlparser::ast::Use::Object(n)
                    | sqlparser::ast::Use::Database(n)
                    | sqlparser::ast::Use::Schema(n) => n.to_string(),
                    sqlparser::ast::Use::Default => "default".to_string(),
                    other => return Err(SharkError::unsupported(format!("{other}"))),
                };
                let name = name.trim_matches('`').to_ascii_lowercase();
                if !self.catalog.databases()?.contains(&name) {
                    return Err(SharkError::analysis(format!(
                        "Database does not exist: {name}"
                    )));
                }
                self.database = name;
                Ok(StatementResult::Done(None))
            }
            Statement::ShowDatabases { .. } => Ok(StatementResult::Rows(QueryResult::lines(
                "database_name",
                self.catalog.databases()?,
            ))),
            Statement::ShowTables { show_options, .. } => {
                let db = show_options
                    .show_in
                    .as_ref()
                    .and_then(|s| s.parent_name.as_ref())
                    .map(|n| n.to_string().to_ascii_lowercase())
                    .unwrap_or_else(|| self.database.clone());
                let pattern = match &show_options.filter_position {
                    Some(sqlparser::ast::ShowStatementFilterPosition::Suffix(
                        sqlparser::ast::ShowStatementFilter::Like(p),
                    ))
                    | Some(sqlparser::ast::ShowStatementFilterPosition::Infix(
                        sqlparser::ast::ShowStatementFilter::Like(p),
                    )) => Some(p.clone()),
                    Some(sqlparser::ast::ShowStatementFilterPosition::Suffix(
                        sqlparser::ast::ShowStatementFilter::NoKeyword(p),
                    )) => Some(p.clone()),
                    _ => None,
                };
                let mut names = self.catalog.table_names(&db)?;
                if let Some(p) = pattern {
                    names.retain(|n| hive_pattern_match(&p, n));
                }
                Ok(StatementResult::Rows(QueryResult::lines("tab_name", names)))
            }
            Statement::ShowFunctions { filter } => {
                // Both registries, plus `if`, which analysis handles itself.
                let mut names: Vec<String> = crate::functions::names()
                    .into_iter()
                    .chain(crate::functions::aggregate::names())
                    .chain(["if"])
                    .map(String::from)
                    .collect();
                names.sort();
                names.dedup();
                // `SHOW FUNCTIONS [LIKE] 'pat'`: Hive's `*` and `|` patterns.
                match &filter {
                    Some(
                        sqlparser::ast::ShowStatementFilter::Like(p)
                        | sqlparser::ast::ShowStatementFilter::NoKeyword(p),
                    ) => names.retain(|n| hive_pattern_match(p, n)),
                    Some(other) => {
                        return Err(SharkError::unsupported(format!("SHOW FUNCTIONS {other}")))
                    }
                    None => {}
                }
                Ok(StatementResult::Rows(QueryResult::lines("tab_name", names)))
            }
            Statement::ExplainTable {
                table_name,
                hive_format,
                ..
            } if self.hive.is_some() => {
                let parts: Vec<String> = table_name
                    .0
                    .iter()
                    .map(|p| p.to_string().trim_matches('`').to_ascii_lowercase())
                    .collect();
                let (db, t) = match parts.as_slice() {
                    [t] => (self.database.clone(), t.clone()),
                    [d, t] => (d.clone(), t.clone()),
                    _ => {
                        return Err(SharkError::analysis(format!(
                            "invalid table name {table_name}"
                        )))
                    }
                };
                let hive = self.hive.clone().expect("checked");
                let table = hive
                    .get(&db, &t)?
                    .ok_or_else(|| SharkError::analysis(format!("Table not found '{t}'")))?;
                self.describe(&table, hive_format)
            }
            Statement::ExplainTable { table_name, .. } => {
                let parts: Vec<String> = table_name
                    .0
                    .iter()
                    .map(|p| p.to_string().trim_matches('`').to_ascii_lowercase())
                    .collect();
                let (db, t) = match parts.as_slice() {
                    [t] => (self.database.clone(), t.clone()),
                    [d, t] => (d.clone(), t.clone()),
                    _ => {
                        return Err(SharkError::analysis(format!(
                            "invalid table name {table_name}"
                        )))
                    }
                };
                let table = self
                    .catalog
                    .table(&db, &t)?
                    .ok_or_else(|| SharkError::analysis(format!("Table not found '{t}'")))?;
                let schema = table.schema();
                let rows: Vec<Vec<String>> = schema
                    .fields()
                    .iter()
                    .map(|f| {
                        vec![
                            f.name().clone(),
                            crate::types::type_name(f.data_type()),
                            String::new(),
                        ]
                    })
                    .collect();
                Ok(StatementResult::Rows(QueryResult::table(
                    &["col_name", "data_type", "comment"],
                    rows,
                )))
            }
            other => self.run_catalog_statement(other, false),
        }
    }

    /// The catalog and data statements, each handed to its own file:
    /// `ddl.rs`, `insert.rs`, `load.rs`, `alter.rs`, `show.rs`.
    fn run_catalog_statement(
        &mut self,
        stmt: Statement,
        external: bool,
    ) -> Result<StatementResult> {
        match stmt {
            Statement::CreateDatabase {
                db_name,
                if_not_exists,
                location,
                ..
            } => {
                let name = db_name.to_string().trim_matches('`').to_ascii_lowercase();
                self.create_database(&name, if_not_exists, None, location, vec![])
            }
            Statement::CreateSchema {
                schema_name,
                if_not_exists,
                ..
            } => {
                let name = schema_name
                    .to_string()
                    .trim_matches('`')
                    .to_ascii_lowercase();
                self.create_database(&name, if_not_exists, None, None, vec![])
            }
            Statement::Drop {
                object_type,
                if_exists,
                names,
                cascade,
                ..
            } => {
                for n in &names {
                    match object_type {
                        ast::ObjectType::Database | ast::ObjectType::Schema => {
                            self.drop_database(
                                &n.to_string().trim_matches('`').to_ascii_lowercase(),
                                if_exists,
                                cascade,
                            )?;
                        }
                        ast::ObjectType::Table | ast::ObjectType::View => {
                            self.drop_table(n, if_exists, object_type == ast::ObjectType::View)?
                        }
                        other => return Err(SharkError::unsupported(format!("DROP {other}"))),
                    }
                }
                Ok(StatementResult::Done(None))
            }
            Statement::CreateTable(ct) => self.create_table(ct, external),
            Statement::CreateView(cv) => self.create_view(cv),
            Statement::Insert(ins) => self.insert(ins),
            Statement::LoadData {
                local,
                inpath,
                overwrite,
                table_name,
                partitioned,
                ..
            } => self.load_data(local, &inpath, overwrite, &table_name, partitioned),
            Statement::AlterTable(at) => self.alter_table(at),
            Statement::Truncate(tr) => self.truncate(&tr),
            Statement::Msck(m) => self.msck_repair(&m),
            Statement::ShowVariable { variable } => self.show_variable(&variable),
            Statement::ShowCreate { obj_name, .. } => self.show_create_table(&obj_name),
            Statement::ShowColumns { show_options, .. } => self.show_columns(show_options),
            Statement::Analyze(a) => self.analyze_table(&a),
            Statement::Directory {
                path,
                source,
                file_format,
                ..
            } => self.insert_directory(&path, &source, file_format),
            other => Err(SharkError::unsupported(format!(
                "statement '{}'",
                other.to_string().chars().take(60).collect::<String>()
            ))),
        }
    }

    fn explain(
        &mut self,
        inner: HiveStatement,
        extended: bool,
        analyze: bool,
    ) -> Result<StatementResult> {
        let HiveStatement::Sql(stmt) = inner else {
            return Err(SharkError::unsupported("EXPLAIN of a non-query statement"));
        };
        let Statement::Query(q) = *stmt else {
            return Err(SharkError::unsupported("EXPLAIN of a non-query statement"));
        };
        let (analyzed, _) = self.analyzer().plan_query(&q)?;
        let optimized = crate::optimize::optimize(analyzed.clone())?;
        let mut text = String::new();
        if extended {
            text.push_str("== Analyzed Logical Plan ==\n");
            text.push_str(&analyzed.to_string());
            text.push_str("== Optimized Logical Plan ==\n");
            text.push_str(&optimized.to_string());
        }
        if analyze {
            // Timed from planning: adaptive execution runs map stages then.
            let started = std::time::Instant::now();
            let (rdd, profile) = self.run_plan(&optimized)?;
            let mut rows = 0u64;
            for b in QueryResult::from_rdd(optimized.schema(), rdd, self.cancel.clone()) {
                rows += b?.num_rows() as u64;
            }
            text.push_str(&format!(
                "== Physical Plan (executed: {rows} rows in {:.3} s) ==\n",
                started.elapsed().as_secs_f64()
            ));
            for l in profile.render() {
                text.push_str(&l);
                text.push('\n');
            }
        } else {
            let physical = self.physical_plan(&optimized)?;
            text.push_str("== Physical Plan ==\n");
            for l in crate::physical::explain::render(&physical, None) {
                text.push_str(&l);
                text.push('\n');
            }
        }
        let lines: Vec<String> = text.lines().map(String::from).collect();
        Ok(StatementResult::Rows(QueryResult::lines("Explain", lines)))
    }
}

/// `DESCRIBE FUNCTION [EXTENDED] name`'s lines.
fn describe_function(name: &str, extended: bool) -> Vec<String> {
    let known = crate::functions::lookup(name).is_some()
        || crate::functions::aggregate::names().contains(&name)
        || name == "if";
    match crate::functions::docs::doc(name) {
        Some(d) => {
            let mut out = vec![d.usage.to_string()];
            if extended {
                out.extend(d.extended.lines().map(str::to_string));
            }
            out
        }
        None if known => vec![format!("{name}: no description written yet")],
        None => vec![format!("Function '{name}' does not exist.")],
    }
}

fn hive_pattern_match(pattern: &str, name: &str) -> bool {
    // Hive's SHOW TABLES patterns: `*` any, `|` alternatives.
    pattern.split('|').any(|alt| {
        let re = format!("^{}$", regex::escape(alt.trim()).replace("\\*", ".*"));
        regex::Regex::new(&re)
            .map(|r| r.is_match(name))
            .unwrap_or(false)
    })
}

/// `plan` with its CHAR(n) columns (`widths`) padded with blanks to n.
pub(crate) fn pad_chars(
    plan: Arc<crate::plan::LogicalPlan>,
    widths: &[Option<u32>],
) -> Result<Arc<crate::plan::LogicalPlan>> {
    if widths.iter().all(Option::is_none) {
        return Ok(plan);
    }
    let schema = plan.schema();
    let exprs = schema
        .fields()
        .iter()
        .zip(widths)
        .enumerate()
        .map(|(i, (f, w))| {
            let col = crate::expr::Expr::column(i, f.name().clone(), f.data_type().clone());
            match w {
                Some(n) => crate::analyze::expr::pad_to_length(col, *n),
                None => Ok(col),
            }
        })
        .collect::<Result<Vec<_>>>()?;
    Ok(Arc::new(crate::plan::LogicalPlan::Project(
        crate::plan::Project {
            input: plan,
            exprs,
            schema,
        },
    )))
}
