//! Hive's script transforms (`SELECT TRANSFORM (…) USING 'command' AS …`,
//! `MAP … USING`, `REDUCE … USING`) as data: the clause as parsed, carried
//! from the parser to the analyzer inside a marker call, and the spec a
//! plan's transform operator runs.

use hive::text::TextFormat;
use serde::{Deserialize, Serialize};

/// The name of the marker function the parser puts where a TRANSFORM
/// clause was: its first argument is the [`ScriptClause`] as JSON, the
/// others are the expressions fed to the script.
pub const MARKER: &str = "__shark_transform";

/// Rows as a script reads or writes them: `ROW FORMAT DELIMITED` with its
/// field separator and NULL text (Hive's defaults: TAB and `\N`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ScriptRowFormat {
    /// Between fields.
    pub field_delim: String,
    /// A NULL field.
    pub null: String,
}

impl Default for ScriptRowFormat {
    fn default() -> Self {
        ScriptRowFormat {
            field_delim: "\t".into(),
            null: "\\N".into(),
        }
    }
}

impl ScriptRowFormat {
    /// The text SerDe format that reads and writes such rows.
    pub fn text_format(&self) -> TextFormat {
        TextFormat {
            field_delim: self.field_delim.clone(),
            null_string: self.null.clone(),
            ..TextFormat::default()
        }
    }
}

/// A TRANSFORM clause as written.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ScriptClause {
    /// The command line (`USING '…'`), run by `/bin/sh -c`.
    pub command: String,
    /// `AS` columns with their Hive types (None: STRING); None without AS,
    /// when the output is `key` (up to the first separator) and `value`
    /// (the rest of the line).
    pub columns: Option<Vec<(String, Option<String>)>>,
    /// How input rows are written to the script.
    pub input: ScriptRowFormat,
    /// How the script's output lines are read.
    pub output: ScriptRowFormat,
}

/// What a transform operator runs: the command and both row formats; its
/// output columns are the operator's schema.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ScriptSpec {
    /// The command line, run by `/bin/sh -c`.
    pub command: String,
    /// No AS clause: the output is `key` and `value` (the rest of the line).
    pub key_value: bool,
    /// How input rows are written to the script.
    pub input: ScriptRowFormat,
    /// How the script's output lines are read.
    pub output: ScriptRowFormat,
    /// Files added with `ADD FILE`: the script runs in a folder holding
    /// them (links), which is also first on its PATH, as Hive ships added
    /// files to a task's working directory.
    #[serde(default)]
    pub files: Vec<std::path::PathBuf>,
}
