//! SHOW statements about one table: PARTITIONS, TBLPROPERTIES, CREATE
//! TABLE, COLUMNS.

use super::describe::show_create;
use super::{QueryResult, Session, StatementResult};
use crate::error::{Result, SharkError};
use sqlparser::ast::{self as ast, ObjectName};

impl Session {
    /// `SHOW PARTITIONS t` and `SHOW TBLPROPERTIES t`.
    pub(super) fn show_variable(&mut self, variable: &[ast::Ident]) -> Result<StatementResult> {
        let words: Vec<String> = variable.iter().map(|i| i.value.clone()).collect();
        let kind = words
            .first()
            .map(|w| w.to_ascii_uppercase())
            .unwrap_or_default();
        if variable.is_empty() {
            return Err(SharkError::analysis(
                "SHOW needs what to show (TABLES, DATABASES, PARTITIONS t, ...)",
            ));
        }
        let name = ObjectName::from(variable[1..].to_vec());
        match kind.as_str() {
            "PARTITIONS" => {
                let t = self.existing_table(&name)?;
                if !t.is_partitioned() {
                    return Err(SharkError::analysis(format!(
                        "Table {} is not a partitioned table",
                        t.name
                    )));
                }
                let parts = self.hive()?.metastore().list_partitions(&t.db, &t.name)?;
                Ok(StatementResult::Rows(QueryResult::lines(
                    "partition",
                    parts.iter().map(|p| t.partition_name(&p.values)).collect(),
                )))
            }
            "TBLPROPERTIES" => {
                let t = self.existing_table(&name)?;
                let rows = t
                    .parameters
                    .iter()
                    .map(|(k, v)| vec![k.clone(), v.clone()])
                    .collect();
                Ok(StatementResult::Rows(QueryResult::table(
                    &["prpt_name", "prpt_value"],
                    rows,
                )))
            }
            "EXECUTORS" if variable.len() == 1 => Ok(StatementResult::Rows(self.show_executors())),
            other => Err(SharkError::unsupported(format!("SHOW {other}"))),
        }
    }

    /// `SHOW EXECUTORS`: the cluster's executors (the driver alone on a
    /// local master), as Spark's executors page lists them.
    fn show_executors(&self) -> QueryResult {
        let header = [
            "executor_id",
            "address",
            "state",
            "cores",
            "memory_mb",
            "running_tasks",
            "finished_tasks",
            "failed_tasks",
            "lost_reason",
        ];
        let rows = match crate::distributed::SqlCluster::of(&self.ctx) {
            None => vec![vec![
                "driver".to_string(),
                "(this process)".to_string(),
                "alive".to_string(),
                self.ctx.workers().to_string(),
                String::new(),
                String::new(),
                String::new(),
                String::new(),
                String::new(),
            ]],
            Some(cluster) => cluster
                .executors()
                .into_iter()
                .map(|e| {
                    vec![
                        e.id,
                        e.address,
                        if e.alive { "alive" } else { "lost" }.to_string(),
                        e.cores.to_string(),
                        e.memory_mb.to_string(),
                        e.running.to_string(),
                        e.finished.to_string(),
                        e.failed.to_string(),
                        e.lost_reason.unwrap_or_default(),
                    ]
                })
                .collect(),
        };
        QueryResult::table(&header, rows)
    }

    /// `SHOW CREATE TABLE t`.
    pub(super) fn show_create_table(&mut self, obj_name: &ObjectName) -> Result<StatementResult> {
        let t = self.existing_table(obj_name)?;
        Ok(StatementResult::Rows(QueryResult::lines(
            "createtab_stmt",
            show_create(&t).lines().map(String::from).collect(),
        )))
    }

    /// `SHOW COLUMNS IN t`.
    pub(super) fn show_columns(
        &mut self,
        show_options: ast::ShowStatementOptions,
    ) -> Result<StatementResult> {
        let name = show_options
            .show_in
            .and_then(|s| s.parent_name)
            .ok_or_else(|| SharkError::analysis("SHOW COLUMNS needs IN table"))?;
        let t = self.existing_table(&name)?;
        let names = t
            .columns
            .iter()
            .chain(&t.partition_keys)
            .map(|c| c.name.clone())
            .collect();
        Ok(StatementResult::Rows(QueryResult::lines("field", names)))
    }
}

impl Session {
    /// `SHOW PARTITIONS t PARTITION (k='v', …)`: partitions whose named
    /// keys have these values (NULL's partition by its name,
    /// `__HIVE_DEFAULT_PARTITION__`).
    pub(super) fn show_partitions_matching(
        &mut self,
        table: &ObjectName,
        partition: &[sqlparser::ast::Expr],
    ) -> Result<StatementResult> {
        let t = self.existing_table(table)?;
        if !t.is_partitioned() {
            return Err(SharkError::analysis(format!(
                "Table {} is not a partitioned table",
                t.name
            )));
        }
        let spec = super::names::partition_spec(partition)?;
        let mut wanted = Vec::new();
        for (k, v) in spec {
            let i = t
                .partition_keys
                .iter()
                .position(|p| p.name == k)
                .ok_or_else(|| SharkError::analysis(format!("{k} is not a partition column")))?;
            wanted.push((i, v));
        }
        let parts = self.hive()?.metastore().list_partitions(&t.db, &t.name)?;
        let names = parts
            .iter()
            .filter(|p| {
                wanted
                    .iter()
                    .all(|(i, v)| v.as_ref().is_none_or(|v| p.values.get(*i) == Some(v)))
            })
            .map(|p| t.partition_name(&p.values))
            .collect();
        Ok(StatementResult::Rows(QueryResult::lines(
            "partition",
            names,
        )))
    }
}
