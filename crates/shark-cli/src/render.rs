//! Printing result rows: Hive's tab-separated text (the default in batch
//! mode), aligned tables (the default at a terminal), CSV and JSON lines.

use arrow::datatypes::{DataType, SchemaRef};
use arrow::record_batch::RecordBatch;
use std::io::Write;

/// An output format (`--output-format`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Tab-separated, `NULL` for nulls (Hive CLI).
    Tsv,
    /// Aligned columns with a frame.
    Table,
    /// RFC 4180 CSV.
    Csv,
    /// One JSON object per row.
    Json,
}

/// Renders all cells of a batch as Hive prints them (`None` for NULL).
pub fn cells(b: &RecordBatch) -> Vec<Vec<Option<String>>> {
    let cols: Vec<Vec<Option<String>>> = b
        .columns()
        .iter()
        .map(|c| hive::text::render_column(c).unwrap_or_else(|_| vec![None; c.len()]))
        .collect();
    (0..b.num_rows())
        .map(|r| cols.iter().map(|c| c[r].clone()).collect())
        .collect()
}

fn csv_field(v: &str) -> String {
    if v.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", v.replace('"', "\"\""))
    } else {
        v.to_string()
    }
}

fn json_string(v: &str) -> String {
    let mut s = String::with_capacity(v.len() + 2);
    s.push('"');
    for c in v.chars() {
        match c {
            '"' => s.push_str("\\\""),
            '\\' => s.push_str("\\\\"),
            '\n' => s.push_str("\\n"),
            '\r' => s.push_str("\\r"),
            '\t' => s.push_str("\\t"),
            c if (c as u32) < 0x20 => s.push_str(&format!("\\u{:04x}", c as u32)),
            c => s.push(c),
        }
    }
    s.push('"');
    s
}

/// Writes rows as they arrive; `table` buffers to align columns.
pub struct Printer {
    format: Format,
    header: bool,
    schema: SchemaRef,
    pending: Vec<Vec<Option<String>>>,
    printed_header: bool,
    /// Rows printed so far.
    pub rows: usize,
}

impl Printer {
    /// A printer for rows of `schema`.
    pub fn new(format: Format, header: bool, schema: SchemaRef) -> Self {
        Printer {
            format,
            header,
            schema,
            pending: Vec::new(),
            printed_header: false,
            rows: 0,
        }
    }

    fn names(&self) -> Vec<String> {
        self.schema
            .fields()
            .iter()
            .map(|f| f.name().clone())
            .collect()
    }

    /// Prints one batch (or buffers it for `table`).
    pub fn batch(&mut self, out: &mut dyn Write, b: &RecordBatch) -> std::io::Result<()> {
        let rows = cells(b);
        self.rows += rows.len();
        match self.format {
            Format::Table => self.pending.extend(rows),
            Format::Tsv | Format::Csv => {
                if self.header && !self.printed_header {
                    let names = self.names();
                    let line = if self.format == Format::Csv {
                        names
                            .iter()
                            .map(|n| csv_field(n))
                            .collect::<Vec<_>>()
                            .join(",")
                    } else {
                        names.join("\t")
                    };
                    writeln!(out, "{line}")?;
                    self.printed_header = true;
                }
                for r in rows {
                    let line = if self.format == Format::Csv {
                        r.iter()
                            .map(|c| c.as_deref().map(csv_field).unwrap_or_default())
                            .collect::<Vec<_>>()
                            .join(",")
                    } else {
                        r.iter()
                            .map(|c| c.as_deref().unwrap_or("NULL"))
                            .collect::<Vec<_>>()
                            .join("\t")
                    };
                    writeln!(out, "{line}")?;
                }
            }
            Format::Json => {
                let names = self.names();
                let types: Vec<DataType> = self
                    .schema
                    .fields()
                    .iter()
                    .map(|f| f.data_type().clone())
                    .collect();
                for r in rows {
                    let fields: Vec<String> = r
                        .iter()
                        .zip(&names)
                        .zip(&types)
                        .map(|((v, n), t)| {
                            let value = match v {
                                None => "null".to_string(),
                                Some(v)
                                    if matches!(
                                        t,
                                        DataType::Int8
                                            | DataType::Int16
                                            | DataType::Int32
                                            | DataType::Float32
                                            | DataType::Float64
                                    ) && v.parse::<f64>().is_ok_and(|x| x.is_finite()) =>
                                {
                                    v.clone()
                                }
                                Some(v) if *t == DataType::Boolean => v.clone(),
                                Some(v) => json_string(v),
                            };
                            format!("{}:{value}", json_string(n))
                        })
                        .collect();
                    writeln!(out, "{{{}}}", fields.join(","))?;
                }
            }
        }
        Ok(())
    }

    /// Flushes what `table` buffered.
    pub fn finish(&mut self, out: &mut dyn Write) -> std::io::Result<()> {
        if self.format != Format::Table {
            return Ok(());
        }
        const MAX: usize = 48;
        let names = self.names();
        let trunc = |s: &str| {
            if s.chars().count() > MAX {
                format!("{}…", s.chars().take(MAX - 1).collect::<String>())
            } else {
                s.to_string()
            }
        };
        let rows: Vec<Vec<String>> = self
            .pending
            .iter()
            .map(|r| {
                r.iter()
                    .map(|c| trunc(c.as_deref().unwrap_or("NULL")))
                    .collect()
            })
            .collect();
        let mut widths: Vec<usize> = names.iter().map(|n| n.chars().count()).collect();
        for r in &rows {
            for (i, c) in r.iter().enumerate() {
                widths[i] = widths[i].max(c.chars().count());
            }
        }
        let line = |out: &mut dyn Write| -> std::io::Result<()> {
            let parts: Vec<String> = widths.iter().map(|w| "-".repeat(w + 2)).collect();
            writeln!(out, "+{}+", parts.join("+"))
        };
        let row = |out: &mut dyn Write, cells: &[String]| -> std::io::Result<()> {
            let parts: Vec<String> = cells
                .iter()
                .zip(&widths)
                .map(|(c, w)| format!(" {c}{} ", " ".repeat(w - c.chars().count())))
                .collect();
            writeln!(out, "|{}|", parts.join("|"))
        };
        line(out)?;
        row(out, &names)?;
        line(out)?;
        for r in &rows {
            row(out, r)?;
        }
        line(out)?;
        self.pending.clear();
        Ok(())
    }
}
