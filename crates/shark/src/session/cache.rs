//! CACHE [LAZY] TABLE t [AS SELECT ...], UNCACHE TABLE [IF EXISTS] t and
//! CLEAR CACHE: the statements of Shark's table cache (`crate::cache`).

use super::{Session, StatementResult};
use crate::batch::Batch;
use crate::error::{Result, SharkError};
use crate::expr::Expr;
use crate::table::TableSource;
use arrow::datatypes::SchemaRef;
use rdd::{Context, Rdd};
use sqlparser::ast::{ObjectName, Query};
use std::sync::Arc;

/// A query's rows as a table, for `CACHE TABLE t AS SELECT ...`.
struct QueryRows {
    schema: SchemaRef,
    rdd: Rdd<Batch>,
}

impl TableSource for QueryRows {
    fn schema(&self) -> SchemaRef {
        self.schema.clone()
    }
    fn scan(&self, _: &Context, _: Option<&[usize]>, _: &[Expr], _: usize) -> Result<Rdd<Batch>> {
        Ok(self.rdd.clone())
    }
    fn estimated_bytes(&self) -> Option<u64> {
        None
    }
    fn kind(&self) -> String {
        "query".into()
    }
    fn descriptor(&self) -> crate::table::SourceDescriptor {
        crate::table::SourceDescriptor::Local {
            kind: "query rows".into(),
        }
    }
}

impl Session {
    /// `CACHE [LAZY] TABLE name [[AS] query]`.
    pub(super) fn cache_table(
        &mut self,
        name: &ObjectName,
        lazy: bool,
        query: Option<Box<Query>>,
    ) -> Result<StatementResult> {
        let (db, table) = super::names::name_parts(name, &self.database)?;
        let key = self.tables.key(&db, &table);
        let exists = self.tables.inner().table(&db, &table)?;
        let cached = match query {
            Some(q) => {
                if exists.is_some() {
                    return Err(SharkError::analysis(format!(
                        "Table {db}.{table} already exists; CACHE TABLE ... AS SELECT needs a new name"
                    )));
                }
                let plan = self.plan(&q)?;
                let (rdd, _) = self.run_plan(&plan)?;
                let source = Arc::new(QueryRows {
                    schema: plan.schema(),
                    rdd,
                });
                self.tables
                    .cache()
                    .insert(&self.ctx, &key, source, false, self.partitions())?
            }
            None => {
                let source = exists.ok_or_else(|| {
                    SharkError::analysis(format!("Table not found '{db}.{table}'"))
                })?;
                let partitions = self.partitions();
                self.tables
                    .cache()
                    .insert(&self.ctx, &key, source, true, partitions)?
            }
        };
        if lazy {
            return Ok(StatementResult::Done(None));
        }
        let rdd = cached.rdd().clone();
        let rows = self.ctx.run_with_cancel(&self.cancel, || {
            rdd.map(|Batch(b)| b.num_rows() as u64).reduce(|a, b| a + b)
        });
        let rows = match rows {
            Ok(n) => n,
            Err(rdd::RddError::EmptyCollection(_)) => 0,
            Err(e) => {
                self.tables.cache().remove(&key);
                return Err(e.into());
            }
        };
        Ok(StatementResult::Done(Some(format!(
            "Cached {db}.{table}: {rows} rows"
        ))))
    }

    /// `UNCACHE TABLE [IF EXISTS] name`: a table that is not cached is left
    /// as it is; a name that is neither a table nor cached is an error
    /// without IF EXISTS.
    pub(super) fn uncache_table(
        &mut self,
        name: &ObjectName,
        if_exists: bool,
    ) -> Result<StatementResult> {
        let (db, table) = super::names::name_parts(name, &self.database)?;
        let key = self.tables.key(&db, &table);
        let was_cached = self.tables.cache().remove(&key);
        if !was_cached && !if_exists && self.tables.inner().table(&db, &table)?.is_none() {
            return Err(SharkError::analysis(format!(
                "Table or view not found '{db}.{table}'"
            )));
        }
        Ok(StatementResult::Done(None))
    }

    /// `CLEAR CACHE`: every cached table of this engine.
    pub(super) fn clear_cache(&mut self) -> Result<StatementResult> {
        self.tables.cache().clear();
        Ok(StatementResult::Done(None))
    }
}
