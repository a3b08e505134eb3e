//! `TABLESAMPLE` on a table in FROM, as Hive reads it:
//! - `(BUCKET x OUT OF y [ON expr | ON rand()])`: the rows whose bucket,
//!   Hive's `(hash(expr) & Integer.MAX_VALUE) % y`, is `x - 1` (without
//!   ON, the table's `CLUSTERED BY` columns; `rand()` buckets rows at
//!   random);
//! - `(n ROWS)`: `n` rows of the table (Hive takes `n` from each input
//!   split; Shark, like Spark, `n` in all — the same for a one-file table);
//! - `(n PERCENT)`, `(nB|K|M|G)`: block sampling, whole 128 MiB blocks of
//!   the input until the share or size is covered (`sampled_table`).

use super::expr::{bind, BindCtx};
use super::scope::Scope;
use super::Analyzer;
use crate::error::{Result, SharkError};
use crate::plan::{Filter, Limit, LogicalPlan};
use crate::sampled_table::{SampleSize, SampledTable};
use arrow::datatypes::DataType;
use sqlparser::ast::{self as ast, Expr as SqlExpr};
use std::collections::HashMap;
use std::sync::Arc;

type Planned = (Arc<LogicalPlan>, Scope);

/// A positive whole number written in the clause.
fn count(text: &str, what: &str) -> Result<u64> {
    text.trim().parse::<u64>().ok().ok_or_else(|| {
        SharkError::analysis(format!(
            "TABLESAMPLE: {what} must be a whole number, not {text}"
        ))
    })
}

fn is_rand(e: &SqlExpr) -> bool {
    matches!(e, SqlExpr::Function(f) if f.name.to_string().eq_ignore_ascii_case("rand"))
}

impl Analyzer<'_> {
    /// The table's rows as the sample clause selects them.
    pub(super) fn plan_sample(
        &mut self,
        sample: &ast::TableSample,
        table: (&str, &str),
        plan: Arc<LogicalPlan>,
        scope: Scope,
    ) -> Result<Planned> {
        let name = table.1;
        if let Some(b) = &sample.bucket {
            let x = count(&b.bucket.to_string(), "the bucket")?;
            let y = count(&b.total.to_string(), "the bucket count")?;
            if x == 0 || y == 0 {
                return Err(SharkError::analysis(format!(
                    "TABLESAMPLE on {name}: buckets are numbered from 1"
                )));
            }
            if x > y {
                return Err(SharkError::analysis(format!(
                    "Numerator should not be bigger than denominator in sample clause for table {name}"
                )));
            }
            let bucket_cols = self.catalog.bucket_columns(table.0, name)?;
            let on_buckets = match &b.on {
                None => true,
                Some(e) => {
                    let named: Vec<String> = e
                        .to_string()
                        .split(',')
                        .map(|c| c.trim().trim_matches('`').to_ascii_lowercase())
                        .collect();
                    !bucket_cols.is_empty() && named == bucket_cols
                }
            };
            let on = match &b.on {
                Some(e) if is_rand(e) => "rand()".to_string(),
                Some(e) => e.to_string(),
                None => {
                    let cols = self.catalog.bucket_columns(table.0, name)?;
                    if cols.is_empty() {
                        return Err(SharkError::analysis(format!(
                            "Sampling expression needed for non-bucketed table {name}: \
                             TABLESAMPLE (BUCKET {x} OUT OF {y} ON col) or ON rand()"
                        )));
                    }
                    cols.iter()
                        .map(|c| format!("`{c}`"))
                        .collect::<Vec<_>>()
                        .join(", ")
                }
            };
            // Hive's sampling predicate, written as Hive would evaluate it.
            let text = format!("((hash({on}) & 2147483647) % {y}) = {}", x - 1);
            let dialect = crate::parse::dialect::SharkDialect::default();
            let parsed = sqlparser::parser::Parser::new(&dialect)
                .try_with_sql(&text)
                .and_then(|mut p| p.parse_expr())
                .map_err(|e| SharkError::analysis(format!("TABLESAMPLE ON {on}: {e}")))?;
            let none = HashMap::new();
            let mut cx = BindCtx {
                scope: &scope,
                aggs: None,
                subqueries: &none,
                windows: None,
                grouping: None,
            };
            let predicate = bind(&parsed, &mut cx)?.cast_to(&DataType::Boolean);
            let plan = if on_buckets {
                self.read_buckets(plan, table, x - 1, y)?
            } else {
                plan
            };
            let plan = Arc::new(LogicalPlan::Filter(Filter {
                input: plan,
                predicate,
            }));
            return Ok((plan, scope));
        }
        let quantity = sample.quantity.as_ref().ok_or_else(|| {
            SharkError::unsupported(format!("{sample} on {name}: no sample size"))
        })?;
        match quantity.unit {
            Some(ast::TableSampleUnit::Rows) => {
                let n = count(&quantity.value.to_string(), "the row count")?;
                let plan = Arc::new(LogicalPlan::Limit(Limit {
                    input: plan,
                    fetch: usize::try_from(n).unwrap_or(usize::MAX),
                }));
                Ok((plan, scope))
            }
            Some(ast::TableSampleUnit::Percent) => {
                let text = quantity.value.to_string();
                let p: f64 = text.trim().parse().map_err(|_| {
                    SharkError::analysis(format!(
                        "TABLESAMPLE: a percentage is a number, not {text}"
                    ))
                })?;
                if !(0.0..=100.0).contains(&p) {
                    return Err(SharkError::analysis(format!(
                        "TABLESAMPLE on {name}: a percentage is between 0 and 100, not {p}"
                    )));
                }
                self.block_sample(plan, scope, SampleSize::Percent(p), name)
            }
            None => {
                let text = quantity.value.to_string();
                let bytes = byte_length(&text).ok_or_else(|| {
                    SharkError::analysis(format!(
                        "TABLESAMPLE ({text}) on {name}: expected n ROWS, n PERCENT, a size such as 100M, or BUCKET x OUT OF y"
                    ))
                })?;
                self.block_sample(plan, scope, SampleSize::Bytes(bytes), name)
            }
        }
    }

    /// A bucketed table's scan reading only the files of the buckets that
    /// can hold sample bucket `x` of `y` (when `y` and the table's bucket
    /// count divide one another); the plan unchanged otherwise. The
    /// sampling filter still runs above it.
    fn read_buckets(
        &self,
        plan: Arc<LogicalPlan>,
        table: (&str, &str),
        x: u64,
        y: u64,
    ) -> Result<Arc<LogicalPlan>> {
        let Some(n) = self.catalog.bucket_count(table.0, table.1)? else {
            return Ok(plan);
        };
        let n = u64::from(n);
        let LogicalPlan::Scan(scan) = plan.as_ref() else {
            return Ok(plan);
        };
        let crate::table::SourceDescriptor::Hive(h) = scan.source.descriptor() else {
            return Ok(plan);
        };
        let keep: Vec<u32> = if n.is_multiple_of(y) {
            (0..n).filter(|b| b % y == x).map(|b| b as u32).collect()
        } else if y.is_multiple_of(n) {
            vec![(x % n) as u32]
        } else {
            return Ok(plan);
        };
        let mut scan = scan.clone();
        scan.source =
            Arc::new(crate::hive_table::HiveTable::from_descriptor(&h).with_buckets(keep));
        Ok(Arc::new(LogicalPlan::Scan(scan)))
    }

    /// The table's scan reading only the sampled blocks.
    fn block_sample(
        &self,
        plan: Arc<LogicalPlan>,
        scope: Scope,
        size: SampleSize,
        name: &str,
    ) -> Result<Planned> {
        let LogicalPlan::Scan(scan) = plan.as_ref() else {
            return Err(SharkError::unsupported(format!(
                "block sampling of {name}, which is not a stored table"
            )));
        };
        let seed = self
            .settings
            .get("hive.sample.seednumber")
            .and_then(|v| v.trim().parse::<u64>().ok())
            .unwrap_or(0);
        let mut scan = scan.clone();
        scan.source = Arc::new(SampledTable::new(scan.source.clone(), size, seed));
        Ok((Arc::new(LogicalPlan::Scan(scan)), scope))
    }
}

/// Hive's byte-length literal: digits and a unit, `B`, `K`, `M` or `G`.
fn byte_length(text: &str) -> Option<u64> {
    let t = text.trim();
    let unit = t.chars().last()?;
    let n: u64 = t[..t.len() - unit.len_utf8()].trim().parse().ok()?;
    let scale: u64 = match unit.to_ascii_uppercase() {
        'B' => 1,
        'K' => 1 << 10,
        'M' => 1 << 20,
        'G' => 1 << 30,
        _ => return None,
    };
    n.checked_mul(scale)
}

#[cfg(test)]
mod tests {
    #[test]
    fn byte_lengths_read_as_hive_writes_them() {
        assert_eq!(super::byte_length("100M"), Some(100 << 20));
        assert_eq!(super::byte_length("1k"), Some(1024));
        assert_eq!(super::byte_length("7B"), Some(7));
        assert_eq!(super::byte_length("2G"), Some(2 << 30));
        for bad in ["M", "10", "10é", "1.5M", "99999999999999999999G"] {
            assert_eq!(super::byte_length(bad), None, "{bad}");
        }
    }
}
