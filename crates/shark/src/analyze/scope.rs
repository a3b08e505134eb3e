//! Name resolution: the columns visible at a point of a query, with their
//! table qualifiers, and Hive's error messages for names that do not resolve.

use crate::error::{Result, SharkError};
use arrow::datatypes::{DataType, SchemaRef};

/// One visible column.
#[derive(Debug, Clone)]
pub struct ScopeColumn {
    /// The table alias (or name) it comes from.
    pub qualifier: Option<String>,
    /// Its name, lower-case.
    pub name: String,
    /// Its type.
    pub data_type: DataType,
    /// Internal columns (subquery results) that `*` does not expand to.
    pub hidden: bool,
    /// A partition column of a stored table: Hive names its NULL value
    /// `__HIVE_DEFAULT_PARTITION__`, and a comparison with that name means
    /// the NULL partition.
    pub partition_key: bool,
    /// For a CHAR(n) column read straight from a table (or passed on
    /// unchanged): n. Its values are held without the blank padding, which
    /// the query's final output adds back, as Hive prints CHAR(n).
    pub char_width: Option<u32>,
}

/// The columns of a plan's output, by position.
#[derive(Debug, Clone, Default)]
pub struct Scope {
    /// Positional columns.
    pub columns: Vec<ScopeColumn>,
    /// Columns from here on belong to an enclosing query: a name found both
    /// before and after this point resolves to the nearer (inner) one.
    pub outer_start: Option<usize>,
}

impl Scope {
    /// The columns of `schema`, all with `qualifier`.
    pub fn from_schema(schema: &SchemaRef, qualifier: Option<&str>) -> Scope {
        Scope {
            outer_start: None,
            columns: schema
                .fields()
                .iter()
                .map(|f| ScopeColumn {
                    qualifier: qualifier.map(|q| q.to_ascii_lowercase()),
                    name: f.name().to_ascii_lowercase(),
                    data_type: f.data_type().clone(),
                    hidden: false,
                    partition_key: false,
                    char_width: None,
                })
                .collect(),
        }
    }

    /// This scope's columns followed by `other`'s.
    pub fn concat(&self, other: &Scope) -> Scope {
        let mut columns = self.columns.clone();
        columns.extend(other.columns.iter().cloned());
        Scope {
            columns,
            outer_start: None,
        }
    }

    /// Re-qualifies every column (a FROM alias).
    pub fn with_qualifier(mut self, q: &str) -> Scope {
        for c in &mut self.columns {
            c.qualifier = Some(q.to_ascii_lowercase());
        }
        self
    }

    /// Number of columns.
    pub fn len(&self) -> usize {
        self.columns.len()
    }

    /// True when there are no columns.
    pub fn is_empty(&self) -> bool {
        self.columns.is_empty()
    }

    /// The position of `qualifier.name` (or `name`), `None` if absent, an
    /// error if ambiguous.
    pub fn resolve(&self, qualifier: Option<&str>, name: &str) -> Result<Option<usize>> {
        let name = name.to_ascii_lowercase();
        let q = qualifier.map(|q| q.to_ascii_lowercase());
        let mut hits: Vec<usize> = self
            .columns
            .iter()
            .enumerate()
            .filter(|(_, c)| c.name == name && (q.is_none() || c.qualifier == q))
            .map(|(i, _)| i)
            .collect();
        if let Some(start) = self.outer_start {
            if hits.iter().any(|&h| h < start) {
                hits.retain(|&h| h < start);
            }
        }
        match hits.len() {
            0 => Ok(None),
            1 => Ok(Some(hits[0])),
            _ => {
                // The same column reached twice through one qualifier (e.g.
                // a join key kept on both sides) resolves to the first.
                let first = &self.columns[hits[0]];
                if q.is_some()
                    || hits
                        .iter()
                        .all(|&h| self.columns[h].qualifier == first.qualifier)
                {
                    return Ok(Some(hits[0]));
                }
                Err(SharkError::analysis(format!(
                    "Ambiguous column reference {name}"
                )))
            }
        }
    }

    /// True when some column has this qualifier.
    pub fn has_qualifier(&self, q: &str) -> bool {
        let q = q.to_ascii_lowercase();
        self.columns
            .iter()
            .any(|c| c.qualifier.as_deref() == Some(q.as_str()))
    }

    /// Hive's message for a name that does not resolve, listing candidates.
    pub fn not_found(&self, qualifier: Option<&str>, name: &str) -> String {
        let full = match qualifier {
            Some(q) => format!("{q}.{name}"),
            None => name.to_string(),
        };
        let visible: Vec<String> = self
            .columns
            .iter()
            .filter(|c| !c.hidden)
            .map(|c| match &c.qualifier {
                Some(q) => format!("{q}.{}", c.name),
                None => c.name.clone(),
            })
            .collect();
        let closest = visible
            .iter()
            .min_by_key(|c| {
                edit_distance(
                    c.rsplit('.').next().unwrap_or(c),
                    &name.to_ascii_lowercase(),
                )
            })
            .filter(|c| {
                edit_distance(
                    c.rsplit('.').next().unwrap_or(c),
                    &name.to_ascii_lowercase(),
                ) <= 2
            });
        let mut msg = format!("Invalid table alias or column reference '{full}'");
        if let Some(c) = closest {
            msg.push_str(&format!(" (did you mean '{c}'?)"));
        }
        msg.push_str(&format!(
            ": (possible column names are: {})",
            visible.join(", ")
        ));
        msg
    }
}

/// Levenshtein distance, for "did you mean" suggestions.
pub fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            cur[j + 1] = (prev[j] + usize::from(ca != cb))
                .min(prev[j + 1] + 1)
                .min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}
