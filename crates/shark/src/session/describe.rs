//! DESCRIBE [EXTENDED | FORMATTED] and SHOW CREATE TABLE.

use super::{QueryResult, Session, StatementResult};
use crate::error::Result;
use hive::metastore::{Column, Partition, Table, TableType};
use sqlparser::ast::{self as ast};

impl Session {
    /// DESCRIBE [EXTENDED|FORMATTED] for warehouse tables.
    pub(super) fn describe(
        &self,
        t: &Table,
        format: Option<ast::HiveDescribeFormat>,
    ) -> Result<StatementResult> {
        self.describe_with(t, None, format)
    }

    /// `DESCRIBE [EXTENDED|FORMATTED] t PARTITION (…)`: the table's
    /// columns with the partition's details.
    pub(super) fn describe_partition(
        &mut self,
        table: &ast::ObjectName,
        partition: &[ast::Expr],
        format: Option<ast::HiveDescribeFormat>,
    ) -> Result<StatementResult> {
        let t = self.existing_table(table)?;
        if !t.is_partitioned() {
            return Err(crate::error::SharkError::analysis(format!(
                "Table {} is not a partitioned table",
                t.name
            )));
        }
        let values = super::names::full_values(&t, &super::names::partition_spec(partition)?)?;
        let p = self
            .hive()?
            .metastore()
            .get_partition(&t.db, &t.name, &values)?
            .ok_or_else(|| {
                crate::error::SharkError::analysis(format!(
                    "Partition not found: {}",
                    t.partition_name(&values)
                ))
            })?;
        self.describe_with(&t, Some(&p), format)
    }

    fn describe_with(
        &self,
        t: &Table,
        partition: Option<&Partition>,
        format: Option<ast::HiveDescribeFormat>,
    ) -> Result<StatementResult> {
        let mut rows: Vec<Vec<String>> = Vec::new();
        let col = |c: &Column| {
            vec![
                c.name.clone(),
                c.type_name.clone(),
                c.comment.clone().unwrap_or_default(),
            ]
        };
        let formatted = matches!(format, Some(ast::HiveDescribeFormat::Formatted));
        if formatted {
            rows.push(vec![
                "# col_name".into(),
                "data_type".into(),
                "comment".into(),
            ]);
        }
        // A partition with its own columns is described with them.
        let data = partition
            .and_then(|p| p.columns.as_ref())
            .unwrap_or(&t.columns);
        rows.extend(data.iter().map(col));
        if !formatted {
            // Hive lists the partition columns with the others too.
            rows.extend(t.partition_keys.iter().map(col));
        }
        if t.is_partitioned() {
            rows.push(vec![String::new(), String::new(), String::new()]);
            rows.push(vec![
                "# Partition Information".into(),
                String::new(),
                String::new(),
            ]);
            rows.push(vec![
                "# col_name".into(),
                "data_type".into(),
                "comment".into(),
            ]);
            rows.extend(t.partition_keys.iter().map(col));
        }
        match format {
            Some(ast::HiveDescribeFormat::Formatted) if partition.is_some() => {
                let p = partition.expect("matched");
                let mut kv = |k: &str, v: String| rows.push(vec![k.to_string(), v, String::new()]);
                kv("", String::new());
                kv("# Detailed Partition Information", String::new());
                kv("Partition Value:", format!("[{}]", p.values.join(", ")));
                kv("Database:", t.db.clone());
                kv("Table:", t.name.clone());
                kv("CreateTime:", format_time(p.create_time));
                kv("LastAccessTime:", "UNKNOWN".into());
                kv("Location:", p.location.clone());
                kv("Partition Parameters:", String::new());
                for (k, v) in &p.parameters {
                    rows.push(vec![String::new(), k.clone(), v.clone()]);
                }
                storage_rows(t, &mut rows);
            }
            Some(ast::HiveDescribeFormat::Extended) if partition.is_some() => {
                let p = partition.expect("matched");
                rows.push(vec![String::new(); 3]);
                rows.push(vec![
                    "Detailed Partition Information".into(),
                    format!(
                        "Partition(values:[{}], dbName:{}, tableName:{}, createTime:{}, location:{}, parameters:{:?})",
                        p.values.join(", "), t.db, t.name, p.create_time, p.location, p.parameters
                    ),
                    String::new(),
                ]);
            }
            Some(ast::HiveDescribeFormat::Formatted) => {
                let mut kv = |k: &str, v: String| rows.push(vec![k.to_string(), v, String::new()]);
                kv("", String::new());
                kv("# Detailed Table Information", String::new());
                kv("Database:", t.db.clone());
                kv("OwnerType:", "USER".into());
                kv("Owner:", t.owner.clone().unwrap_or_else(|| "shark".into()));
                kv("CreateTime:", format_time(t.create_time));
                kv("Location:", t.storage.location.clone());
                kv("Table Type:", t.table_type.as_str().to_string());
                if let Some(c) = &t.comment {
                    kv("Comment:", c.clone());
                }
                kv("Table Parameters:", String::new());
                for (k, v) in t.parameters.iter().filter(|(k, _)| {
                    !k.starts_with("shark.skewed.") && !k.starts_with("shark.bucketed.")
                }) {
                    rows.push(vec![String::new(), k.clone(), v.clone()]);
                }
                storage_rows(t, &mut rows);
                if let Some(v) = &t.view_text {
                    rows.push(vec!["View Original Text:".into(), v.clone(), String::new()]);
                }
            }
            Some(ast::HiveDescribeFormat::Extended) => {
                rows.push(vec![String::new(); 3]);
                rows.push(vec![
                    "Detailed Table Information".into(),
                    format!(
                        "Table(tableName:{}, dbName:{}, createTime:{}, location:{}, tableType:{}, inputFormat:{}, serde:{}, parameters:{:?})",
                        t.name, t.db, t.create_time, t.storage.location, t.table_type.as_str(), t.storage.input_format, t.storage.serde, t.parameters
                    ),
                    String::new(),
                ]);
            }
            None => {}
        }
        Ok(StatementResult::Rows(QueryResult::table(
            &["col_name", "data_type", "comment"],
            rows,
        )))
    }
}

/// DESCRIBE FORMATTED's storage block.
fn storage_rows(t: &Table, rows: &mut Vec<Vec<String>>) {
    rows.push(vec![String::new(); 3]);
    rows.push(vec![
        "# Storage Information".into(),
        String::new(),
        String::new(),
    ]);
    rows.push(vec![
        "SerDe Library:".into(),
        t.storage.serde.clone(),
        String::new(),
    ]);
    rows.push(vec![
        "InputFormat:".into(),
        t.storage.input_format.clone(),
        String::new(),
    ]);
    rows.push(vec![
        "OutputFormat:".into(),
        t.storage.output_format.clone(),
        String::new(),
    ]);
    rows.push(vec![
        "Compressed:".into(),
        if t.storage.compressed { "Yes" } else { "No" }.into(),
        String::new(),
    ]);
    rows.push(vec![
        "Num Buckets:".into(),
        t.storage
            .bucket_count
            .map(|b| b.to_string())
            .unwrap_or_else(|| "-1".into()),
        String::new(),
    ]);
    rows.push(vec![
        "Bucket Columns:".into(),
        format!("[{}]", t.storage.bucket_columns.join(", ")),
        String::new(),
    ]);
    if !t.storage.sort_columns.is_empty() {
        let order: Vec<String> = t
            .storage
            .sort_columns
            .iter()
            .map(|c| format!("Order(col:{}, order:{})", c.name, u8::from(c.ascending)))
            .collect();
        rows.push(vec![
            "Sort Columns:".into(),
            format!("[{}]", order.join(", ")),
            String::new(),
        ]);
    }
    if let Some(cols) = t.parameters.get(crate::parse::SKEWED_COLUMNS) {
        let get = |k: &str| t.parameters.get(k).cloned().unwrap_or_default();
        rows.push(vec![
            "Skewed Columns:".into(),
            format!("[{}]", cols.replace(',', ", ")),
            String::new(),
        ]);
        rows.push(vec![
            "Skewed Values:".into(),
            get(crate::parse::SKEWED_VALUES),
            String::new(),
        ]);
        if get(crate::parse::SKEWED_AS_DIRECTORIES) == "true" {
            rows.push(vec![
                "Stored As SubDirectories:".into(),
                "Yes".into(),
                String::new(),
            ]);
        }
    }
    rows.push(vec![
        "Storage Desc Params:".into(),
        String::new(),
        String::new(),
    ]);
    for (k, v) in &t.storage.serde_params {
        rows.push(vec![
            String::new(),
            k.clone(),
            v.escape_default().to_string(),
        ]);
    }
}

pub(super) fn format_time(secs: i64) -> String {
    chrono::DateTime::from_timestamp(secs, 0)
        .map(|d| d.format("%a %b %d %H:%M:%S UTC %Y").to_string())
        .unwrap_or_default()
}

/// SHOW CREATE TABLE: the DDL that recreates the table.
pub(super) fn show_create(t: &Table) -> String {
    if let Some(v) = &t.view_text {
        return format!("CREATE VIEW `{}`.`{}` AS {v}", t.db, t.name);
    }
    let cols = |cs: &[Column]| {
        cs.iter()
            .map(|c| match &c.comment {
                Some(cm) => format!(
                    "  `{}` {} COMMENT '{}'",
                    c.name,
                    c.type_name,
                    cm.replace('\'', "\\'")
                ),
                None => format!("  `{}` {}", c.name, c.type_name),
            })
            .collect::<Vec<_>>()
            .join(",\n")
    };
    let mut s = format!(
        "CREATE {}TABLE `{}`.`{}`(\n{})",
        if t.table_type == TableType::External {
            "EXTERNAL "
        } else {
            ""
        },
        t.db,
        t.name,
        cols(&t.columns)
    );
    if let Some(c) = &t.comment {
        s.push_str(&format!("\nCOMMENT '{}'", c.replace('\'', "\\'")));
    }
    if t.is_partitioned() {
        s.push_str(&format!("\nPARTITIONED BY (\n{})", cols(&t.partition_keys)));
    }
    s.push_str(&format!("\nROW FORMAT SERDE\n  '{}'", t.storage.serde));
    let params: Vec<String> = t
        .storage
        .serde_params
        .iter()
        .map(|(k, v)| format!("  '{k}'='{}'", v.escape_default()))
        .collect();
    if !params.is_empty() {
        s.push_str(&format!(
            "\nWITH SERDEPROPERTIES (\n{})",
            params.join(",\n")
        ));
    }
    s.push_str(&format!(
        "\nSTORED AS INPUTFORMAT\n  '{}'\nOUTPUTFORMAT\n  '{}'",
        t.storage.input_format, t.storage.output_format
    ));
    // Hive prints a scheme: `file:` for a local path, a store's as it is.
    let scheme = if t.storage.location.contains("://") || t.storage.location.starts_with("file:") {
        ""
    } else {
        "file:"
    };
    s.push_str(&format!("\nLOCATION\n  '{scheme}{}'", t.storage.location));
    let props: Vec<String> = t
        .parameters
        .iter()
        .map(|(k, v)| format!("  '{k}'='{v}'"))
        .collect();
    if !props.is_empty() {
        s.push_str(&format!("\nTBLPROPERTIES (\n{})", props.join(",\n")));
    }
    s
}
