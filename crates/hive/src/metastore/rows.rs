//! The metastore's SQLite side: the schema, and reading and writing the
//! rows of databases, tables, columns, parameters and partitions.

use super::*;
/// Hive's schema, simplified: one storage descriptor per table, folded into
/// `TBLS`. Child rows go with their parent (`ON DELETE CASCADE`). This is
/// version 1; a new metastore runs [`MIGRATIONS`] after it as an old one
/// does, so both end with the same tables.
pub(super) const SCHEMA: &str = "
CREATE TABLE VERSION (
    ver_id INTEGER PRIMARY KEY CHECK (ver_id = 1),
    schema_version INTEGER NOT NULL,
    version_comment TEXT NOT NULL
);
CREATE TABLE DBS (
    db_id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    description TEXT,
    location TEXT NOT NULL,
    owner TEXT
);
CREATE TABLE DATABASE_PARAMS (
    db_id INTEGER NOT NULL REFERENCES DBS (db_id) ON DELETE CASCADE,
    param_key TEXT NOT NULL,
    param_value TEXT NOT NULL,
    PRIMARY KEY (db_id, param_key)
);
CREATE TABLE TBLS (
    tbl_id INTEGER PRIMARY KEY,
    db_id INTEGER NOT NULL REFERENCES DBS (db_id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    owner TEXT,
    create_time INTEGER NOT NULL,
    table_type TEXT NOT NULL,
    view_text TEXT,
    comment TEXT,
    location TEXT NOT NULL,
    input_format TEXT NOT NULL,
    output_format TEXT NOT NULL,
    serde TEXT NOT NULL,
    compressed INTEGER NOT NULL,
    bucket_count INTEGER,
    UNIQUE (db_id, name)
);
CREATE TABLE COLUMNS (
    tbl_id INTEGER NOT NULL REFERENCES TBLS (tbl_id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    name TEXT NOT NULL,
    type_name TEXT NOT NULL,
    comment TEXT,
    PRIMARY KEY (tbl_id, position)
);
CREATE TABLE PARTITION_KEYS (
    tbl_id INTEGER NOT NULL REFERENCES TBLS (tbl_id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    name TEXT NOT NULL,
    type_name TEXT NOT NULL,
    comment TEXT,
    PRIMARY KEY (tbl_id, position)
);
CREATE TABLE TABLE_PARAMS (
    tbl_id INTEGER NOT NULL REFERENCES TBLS (tbl_id) ON DELETE CASCADE,
    param_key TEXT NOT NULL,
    param_value TEXT NOT NULL,
    PRIMARY KEY (tbl_id, param_key)
);
CREATE TABLE SERDE_PARAMS (
    tbl_id INTEGER NOT NULL REFERENCES TBLS (tbl_id) ON DELETE CASCADE,
    param_key TEXT NOT NULL,
    param_value TEXT NOT NULL,
    PRIMARY KEY (tbl_id, param_key)
);
CREATE TABLE BUCKETING_COLS (
    tbl_id INTEGER NOT NULL REFERENCES TBLS (tbl_id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    name TEXT NOT NULL,
    PRIMARY KEY (tbl_id, position)
);
CREATE TABLE SORT_COLS (
    tbl_id INTEGER NOT NULL REFERENCES TBLS (tbl_id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    name TEXT NOT NULL,
    ascending INTEGER NOT NULL,
    PRIMARY KEY (tbl_id, position)
);
CREATE TABLE PARTITIONS (
    part_id INTEGER PRIMARY KEY,
    tbl_id INTEGER NOT NULL REFERENCES TBLS (tbl_id) ON DELETE CASCADE,
    part_name TEXT NOT NULL,
    location TEXT NOT NULL,
    create_time INTEGER NOT NULL,
    UNIQUE (tbl_id, part_name)
);
CREATE TABLE PARTITION_KEY_VALS (
    part_id INTEGER NOT NULL REFERENCES PARTITIONS (part_id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    value TEXT NOT NULL,
    PRIMARY KEY (part_id, position)
);
CREATE TABLE PARTITION_PARAMS (
    part_id INTEGER NOT NULL REFERENCES PARTITIONS (part_id) ON DELETE CASCADE,
    param_key TEXT NOT NULL,
    param_value TEXT NOT NULL,
    PRIMARY KEY (part_id, param_key)
);
CREATE INDEX TBLS_DB ON TBLS (db_id);
CREATE INDEX PARTITIONS_TBL ON PARTITIONS (tbl_id);
";

/// `MIGRATIONS[i]` upgrades a schema of version `i + 1` to `i + 2`; append
/// a step when the schema changes and bump [`SCHEMA_VERSION`].
pub(super) const MIGRATIONS: &[&str] = &[
    // 1 → 2: partitions with their own columns.
    "CREATE TABLE PARTITION_COLUMNS (
        part_id INTEGER NOT NULL REFERENCES PARTITIONS (part_id) ON DELETE CASCADE,
        position INTEGER NOT NULL,
        name TEXT NOT NULL,
        type_name TEXT NOT NULL,
        comment TEXT,
        PRIMARY KEY (part_id, position)
    );",
    // 2 → 3: the files a location on an object store reads (the commit
    // of writes there, which cannot rename).
    "CREATE TABLE LOCATION_FILES (
        location TEXT PRIMARY KEY,
        files TEXT NOT NULL
    );
    CREATE TABLE FILE_COMMITS (
        tag TEXT PRIMARY KEY,
        obsolete TEXT NOT NULL
    );",
];

/// Run `op`, again after a pause while SQLite says the database is busy or
/// locked (the busy timeout covers most waits; this covers the rest).
pub(super) fn retry_busy<T>(mut op: impl FnMut() -> R<T>) -> R<T> {
    let mut attempt = 0;
    loop {
        match op() {
            Err(Failure::Sql(e)) if is_busy(&e) && attempt < BUSY_RETRIES => {
                attempt += 1;
                std::thread::sleep(Duration::from_millis(10 * u64::from(attempt.min(20))));
            }
            other => return other,
        }
    }
}

pub(super) fn is_busy(e: &rusqlite::Error) -> bool {
    matches!(
        e.sqlite_error_code(),
        Some(ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked)
    )
}

pub(super) fn sql_error(path: &Path, e: rusqlite::Error) -> HiveError {
    HiveError::Metastore(format!("metastore {}: {e}", path.display()))
}

/// Create the schema in a fresh file, check or migrate an existing one.
pub(super) fn init_schema(tx: &Transaction<'_>, path: &Path) -> R<()> {
    let tables: i64 = tx.query_row(
        "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite%'",
        [],
        |r| r.get(0),
    )?;
    let has_version: i64 = tx.query_row(
        "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'VERSION'",
        [],
        |r| r.get(0),
    )?;
    let bad = |msg: String| -> Failure {
        HiveError::Metastore(format!("metastore {}: {msg}", path.display())).into()
    };
    if has_version == 0 {
        if tables > 0 {
            return Err(bad("not a Shark metastore (no VERSION table)".into()));
        }
        tx.execute_batch(SCHEMA)?;
        for step in MIGRATIONS {
            tx.execute_batch(step)?;
        }
        tx.execute(
            "INSERT INTO VERSION (ver_id, schema_version, version_comment) VALUES (1, ?1, ?2)",
            params![SCHEMA_VERSION, "Shark metastore schema"],
        )?;
        return Ok(());
    }
    let version: Option<i64> = tx
        .query_row(
            "SELECT schema_version FROM VERSION WHERE ver_id = 1",
            [],
            |r| r.get(0),
        )
        .optional()?;
    let version = version.ok_or_else(|| bad("the VERSION table is empty".into()))?;
    if version > SCHEMA_VERSION {
        return Err(bad(format!(
            "schema version {version} is newer than this Shark supports ({SCHEMA_VERSION}); \
             use a newer Shark or another warehouse"
        )));
    }
    if version < 1 {
        return Err(bad(format!("unknown schema version {version}")));
    }
    for from in version..SCHEMA_VERSION {
        let step = MIGRATIONS
            .get((from - 1) as usize)
            .ok_or_else(|| bad(format!("no migration from schema version {from}")))?;
        tx.execute_batch(step)?;
    }
    if version != SCHEMA_VERSION {
        tx.execute(
            "UPDATE VERSION SET schema_version = ?1 WHERE ver_id = 1",
            [SCHEMA_VERSION],
        )?;
    }
    Ok(())
}

pub(super) fn now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

pub(super) fn path_string(p: &Path) -> Result<String> {
    p.to_str()
        .map(str::to_string)
        .ok_or_else(|| HiveError::Invalid(format!("path is not UTF-8: {}", p.display())))
}

/// `base/child` for locations stored as strings.
pub(super) fn join_location(base: &str, child: &str) -> String {
    format!("{}/{child}", base.trim_end_matches('/'))
}

/// Hive's rule for database and table names (`[A-Za-z0-9_]+`, at most 128
/// characters): they become folder names and must not need quoting.
pub(super) fn validate_name(name: &str) -> Result<()> {
    let ok = !name.is_empty()
        && name.len() <= 128
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    if ok {
        Ok(())
    } else {
        Err(HiveError::Invalid(format!(
            "{name} is not a valid object name"
        )))
    }
}

/// Lower-case the names of `t`, check them, and check the columns.
pub(super) fn normalize_table(t: &Table) -> Result<Table> {
    let mut t = t.clone();
    t.db = t.db.to_lowercase();
    t.name = t.name.to_lowercase();
    validate_name(&t.db)?;
    validate_name(&t.name)?;
    let data_columns = t.columns.len();
    let mut seen = HashSet::new();
    for (i, c) in t
        .columns
        .iter_mut()
        .chain(t.partition_keys.iter_mut())
        .enumerate()
    {
        c.name = c.name.to_lowercase();
        c.type_name = c.type_name.trim().to_lowercase();
        if c.name.is_empty() {
            return Err(HiveError::Invalid("Empty column name".to_string()));
        }
        if !seen.insert(c.name.clone()) {
            return Err(HiveError::Invalid(if i < data_columns {
                format!("Duplicate column name: {}", c.name)
            } else {
                format!("Column repeated in partitioning columns: {}", c.name)
            }));
        }
    }
    for c in &mut t.storage.bucket_columns {
        *c = c.to_lowercase();
    }
    for c in &mut t.storage.sort_columns {
        c.name = c.name.to_lowercase();
    }
    if t.is_view() && t.view_text.is_none() {
        return Err(HiveError::Invalid(format!(
            "View {} has no query text",
            t.qualified_name()
        )));
    }
    Ok(t)
}

/// Values checked against the partition keys of `t`, empty ones replaced by
/// [`DEFAULT_PARTITION_NAME`].
pub(super) fn check_values(t: &Table, values: &[String]) -> R<Vec<String>> {
    if !t.is_partitioned() {
        return Err(
            HiveError::Invalid(format!("Table {} is not partitioned", t.qualified_name())).into(),
        );
    }
    if values.len() != t.partition_keys.len() {
        let keys: Vec<&str> = t.partition_keys.iter().map(|c| c.name.as_str()).collect();
        return Err(HiveError::Invalid(format!(
            "Partition spec of {} has {} values; the partition keys are ({})",
            t.qualified_name(),
            values.len(),
            keys.join(", ")
        ))
        .into());
    }
    Ok(values.iter().map(|v| normalize_value(v)).collect())
}

pub(super) fn normalize_value(v: &str) -> String {
    if v.is_empty() {
        DEFAULT_PARTITION_NAME.to_string()
    } else {
        v.to_string()
    }
}

pub(super) fn filter_names(names: Vec<String>, pattern: Option<&str>) -> Vec<String> {
    match pattern {
        None => names,
        Some(p) => {
            let p = HivePattern::new(p);
            names.into_iter().filter(|n| p.matches(n)).collect()
        }
    }
}

pub(super) fn db_not_found(name: &str) -> HiveError {
    HiveError::NotFound(format!("Database does not exist: {name}"))
}

pub(super) fn table_not_found(db: &str, name: &str) -> HiveError {
    HiveError::NotFound(format!("Table not found: {db}.{name}"))
}

pub(super) fn partition_not_found(t: &Table, name: &str) -> HiveError {
    HiveError::NotFound(format!(
        "Partition not found: {}/{name}",
        t.qualified_name()
    ))
}

pub(super) fn strings(c: &Connection, sql: &str, p: impl rusqlite::Params) -> R<Vec<String>> {
    let mut st = c.prepare(sql)?;
    let rows = st.query_map(p, |r| r.get(0))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The id and location of database `name`.
pub(super) fn db_row(c: &Connection, name: &str) -> R<Option<(i64, String)>> {
    Ok(c.query_row(
        "SELECT db_id, location FROM DBS WHERE name = ?1",
        [name],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )
    .optional()?)
}

pub(super) fn load_database(c: &Connection, name: &str) -> R<Option<Database>> {
    let row = c
        .query_row(
            "SELECT db_id, name, description, location, owner FROM DBS WHERE name = ?1",
            [name],
            |r| {
                Ok((
                    r.get::<_, i64>(0)?,
                    Database {
                        name: r.get(1)?,
                        description: r.get(2)?,
                        location: r.get(3)?,
                        owner: r.get(4)?,
                        parameters: BTreeMap::new(),
                    },
                ))
            },
        )
        .optional()?;
    match row {
        None => Ok(None),
        Some((id, mut db)) => {
            db.parameters = load_params(c, "DATABASE_PARAMS", "db_id", id)?;
            Ok(Some(db))
        }
    }
}

pub(super) fn table_id(c: &Connection, db: &str, name: &str) -> R<Option<i64>> {
    Ok(c.query_row(
        "SELECT t.tbl_id FROM TBLS t JOIN DBS d ON d.db_id = t.db_id
             WHERE d.name = ?1 AND t.name = ?2",
        [db, name],
        |r| r.get(0),
    )
    .optional()?)
}

pub(super) fn require_table(c: &Connection, db: &str, name: &str) -> R<(i64, Table)> {
    let id = table_id(c, db, name)?.ok_or_else(|| table_not_found(db, name))?;
    Ok((id, load_table(c, id)?))
}

pub(super) fn load_table(c: &Connection, id: i64) -> R<Table> {
    let (mut t, table_type, bucket_count) = c.query_row(
        "SELECT d.name, t.name, t.owner, t.create_time, t.table_type, t.view_text, t.comment,
                t.location, t.input_format, t.output_format, t.serde, t.compressed, t.bucket_count
         FROM TBLS t JOIN DBS d ON d.db_id = t.db_id WHERE t.tbl_id = ?1",
        [id],
        |r| {
            let t = Table {
                db: r.get(0)?,
                name: r.get(1)?,
                owner: r.get(2)?,
                create_time: r.get(3)?,
                view_text: r.get(5)?,
                comment: r.get(6)?,
                storage: StorageDescriptor {
                    location: r.get(7)?,
                    input_format: r.get(8)?,
                    output_format: r.get(9)?,
                    serde: r.get(10)?,
                    compressed: r.get(11)?,
                    ..StorageDescriptor::none()
                },
                ..Table::default()
            };
            Ok((t, r.get::<_, String>(4)?, r.get::<_, Option<i64>>(12)?))
        },
    )?;
    t.table_type = TableType::parse(&table_type).ok_or_else(|| {
        HiveError::Metastore(format!(
            "table {} has unknown type {table_type}",
            t.qualified_name()
        ))
    })?;
    t.storage.bucket_count = bucket_count.map(|n| n as u32);
    t.columns = load_columns(c, "COLUMNS", id)?;
    t.partition_keys = load_columns(c, "PARTITION_KEYS", id)?;
    t.parameters = load_params(c, "TABLE_PARAMS", "tbl_id", id)?;
    t.storage.serde_params = load_params(c, "SERDE_PARAMS", "tbl_id", id)?;
    t.storage.bucket_columns = strings(
        c,
        "SELECT name FROM BUCKETING_COLS WHERE tbl_id = ?1 ORDER BY position",
        [id],
    )?;
    let mut st =
        c.prepare("SELECT name, ascending FROM SORT_COLS WHERE tbl_id = ?1 ORDER BY position")?;
    let rows = st.query_map([id], |r| {
        Ok(SortColumn {
            name: r.get(0)?,
            ascending: r.get(1)?,
        })
    })?;
    t.storage.sort_columns = rows.collect::<rusqlite::Result<_>>()?;
    Ok(t)
}

/// `table` is one of the constant names COLUMNS / PARTITION_KEYS.
pub(super) fn load_columns(c: &Connection, table: &str, id: i64) -> R<Vec<Column>> {
    let mut st = c.prepare(&format!(
        "SELECT name, type_name, comment FROM {table} WHERE tbl_id = ?1 ORDER BY position"
    ))?;
    let rows = st.query_map([id], |r| {
        Ok(Column {
            name: r.get(0)?,
            type_name: r.get(1)?,
            comment: r.get(2)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// `table` and `id_col` are constant names of a `*_PARAMS` table.
pub(super) fn load_params(
    c: &Connection,
    table: &str,
    id_col: &str,
    id: i64,
) -> R<BTreeMap<String, String>> {
    let mut st = c.prepare(&format!(
        "SELECT param_key, param_value FROM {table} WHERE {id_col} = ?1"
    ))?;
    let rows = st.query_map([id], |r| Ok((r.get(0)?, r.get(1)?)))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

pub(super) fn write_params(
    c: &Connection,
    table: &str,
    id_col: &str,
    id: i64,
    params: &BTreeMap<String, String>,
) -> R<()> {
    let mut st = c.prepare(&format!(
        "INSERT INTO {table} ({id_col}, param_key, param_value) VALUES (?1, ?2, ?3)"
    ))?;
    for (k, v) in params {
        st.execute(params![id, k, v])?;
    }
    Ok(())
}

pub(super) fn insert_table(c: &Connection, db_id: i64, t: &Table) -> R<i64> {
    c.execute(
        "INSERT INTO TBLS (db_id, name, owner, create_time, table_type, view_text, comment,
                           location, input_format, output_format, serde, compressed, bucket_count)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
        params![
            db_id,
            t.name,
            t.owner,
            t.create_time,
            t.table_type.as_str(),
            t.view_text,
            t.comment,
            t.storage.location,
            t.storage.input_format,
            t.storage.output_format,
            t.storage.serde,
            t.storage.compressed,
            t.storage.bucket_count,
        ],
    )?;
    let id = c.last_insert_rowid();
    write_table_children(c, id, t)?;
    Ok(id)
}

/// Rewrite the row and children of table `id` in place: its id stays, so
/// its partitions stay attached (also across a rename).
pub(super) fn update_table(c: &Connection, id: i64, db_id: i64, t: &Table) -> R<()> {
    c.execute(
        "UPDATE TBLS SET db_id = ?1, name = ?2, owner = ?3, create_time = ?4, table_type = ?5,
                view_text = ?6, comment = ?7, location = ?8, input_format = ?9,
                output_format = ?10, serde = ?11, compressed = ?12, bucket_count = ?13
         WHERE tbl_id = ?14",
        params![
            db_id,
            t.name,
            t.owner,
            t.create_time,
            t.table_type.as_str(),
            t.view_text,
            t.comment,
            t.storage.location,
            t.storage.input_format,
            t.storage.output_format,
            t.storage.serde,
            t.storage.compressed,
            t.storage.bucket_count,
            id,
        ],
    )?;
    for child in [
        "COLUMNS",
        "PARTITION_KEYS",
        "TABLE_PARAMS",
        "SERDE_PARAMS",
        "BUCKETING_COLS",
        "SORT_COLS",
    ] {
        c.execute(&format!("DELETE FROM {child} WHERE tbl_id = ?1"), [id])?;
    }
    write_table_children(c, id, t)
}

pub(super) fn write_table_children(c: &Connection, id: i64, t: &Table) -> R<()> {
    for (table, cols) in [
        ("COLUMNS", &t.columns),
        ("PARTITION_KEYS", &t.partition_keys),
    ] {
        let mut st = c.prepare(&format!(
            "INSERT INTO {table} (tbl_id, position, name, type_name, comment)
             VALUES (?1, ?2, ?3, ?4, ?5)"
        ))?;
        for (i, col) in cols.iter().enumerate() {
            st.execute(params![id, i as i64, col.name, col.type_name, col.comment])?;
        }
    }
    write_params(c, "TABLE_PARAMS", "tbl_id", id, &t.parameters)?;
    write_params(c, "SERDE_PARAMS", "tbl_id", id, &t.storage.serde_params)?;
    let mut st =
        c.prepare("INSERT INTO BUCKETING_COLS (tbl_id, position, name) VALUES (?1, ?2, ?3)")?;
    for (i, name) in t.storage.bucket_columns.iter().enumerate() {
        st.execute(params![id, i as i64, name])?;
    }
    let mut st = c.prepare(
        "INSERT INTO SORT_COLS (tbl_id, position, name, ascending) VALUES (?1, ?2, ?3, ?4)",
    )?;
    for (i, s) in t.storage.sort_columns.iter().enumerate() {
        st.execute(params![id, i as i64, s.name, s.ascending])?;
    }
    Ok(())
}

/// Partition locations at or under `old` move under `new` (a renamed
/// managed table's folder moves with its partitions).
pub(super) fn relocate_partitions(c: &Connection, tbl_id: i64, old: &str, new: &str) -> R<()> {
    let rows: Vec<(i64, String)> = {
        let mut st = c.prepare("SELECT part_id, location FROM PARTITIONS WHERE tbl_id = ?1")?;
        let rows = st.query_map([tbl_id], |r| Ok((r.get(0)?, r.get(1)?)))?;
        rows.collect::<rusqlite::Result<_>>()?
    };
    let old = old.trim_end_matches('/');
    for (id, loc) in rows {
        let rest = match loc.strip_prefix(old) {
            Some(rest) if rest.is_empty() || rest.starts_with('/') => rest,
            _ => continue,
        };
        c.execute(
            "UPDATE PARTITIONS SET location = ?1 WHERE part_id = ?2",
            params![format!("{}{rest}", new.trim_end_matches('/')), id],
        )?;
    }
    Ok(())
}

pub(super) fn partition_id(c: &Connection, tbl_id: i64, name: &str) -> R<Option<i64>> {
    Ok(c.query_row(
        "SELECT part_id FROM PARTITIONS WHERE tbl_id = ?1 AND part_name = ?2",
        params![tbl_id, name],
        |r| r.get(0),
    )
    .optional()?)
}

pub(super) fn insert_partition(c: &Connection, tbl_id: i64, name: &str, p: &Partition) -> R<i64> {
    c.execute(
        "INSERT INTO PARTITIONS (tbl_id, part_name, location, create_time)
         VALUES (?1, ?2, ?3, ?4)",
        params![tbl_id, name, p.location, p.create_time],
    )?;
    let id = c.last_insert_rowid();
    let mut st =
        c.prepare("INSERT INTO PARTITION_KEY_VALS (part_id, position, value) VALUES (?1, ?2, ?3)")?;
    for (i, v) in p.values.iter().enumerate() {
        st.execute(params![id, i as i64, v])?;
    }
    write_params(c, "PARTITION_PARAMS", "part_id", id, &p.parameters)?;
    write_partition_columns(c, id, p.columns.as_deref())?;
    Ok(id)
}

/// Replaces the own columns of partition `part_id` (None: the table's).
pub(super) fn write_partition_columns(
    c: &Connection,
    part_id: i64,
    columns: Option<&[Column]>,
) -> R<()> {
    c.execute(
        "DELETE FROM PARTITION_COLUMNS WHERE part_id = ?1",
        [part_id],
    )?;
    let mut st = c.prepare(
        "INSERT INTO PARTITION_COLUMNS (part_id, position, name, type_name, comment)
         VALUES (?1, ?2, ?3, ?4, ?5)",
    )?;
    for (i, col) in columns.unwrap_or_default().iter().enumerate() {
        st.execute(params![
            part_id,
            i as i64,
            col.name.to_lowercase(),
            col.type_name.trim().to_lowercase(),
            col.comment
        ])?;
    }
    Ok(())
}

/// The partitions of table `tbl_id` (only `part_id` if given), ordered by
/// partition name as Hive orders them.
pub(super) fn load_partitions(c: &Connection, tbl_id: i64, only: Option<i64>) -> R<Vec<Partition>> {
    let mut parts: Vec<(i64, Partition)> = {
        let mut st = c.prepare(
            "SELECT part_id, location, create_time FROM PARTITIONS
             WHERE tbl_id = ?1 AND (?2 IS NULL OR part_id = ?2) ORDER BY part_name",
        )?;
        let rows = st.query_map(params![tbl_id, only], |r| {
            Ok((
                r.get(0)?,
                Partition {
                    values: Vec::new(),
                    location: r.get(1)?,
                    parameters: BTreeMap::new(),
                    create_time: r.get(2)?,
                    columns: None,
                },
            ))
        })?;
        rows.collect::<rusqlite::Result<_>>()?
    };
    let index: HashMap<i64, usize> = parts
        .iter()
        .enumerate()
        .map(|(i, (id, _))| (*id, i))
        .collect();
    let mut st = c.prepare(
        "SELECT v.part_id, v.value FROM PARTITION_KEY_VALS v JOIN PARTITIONS p
             ON p.part_id = v.part_id
         WHERE p.tbl_id = ?1 AND (?2 IS NULL OR p.part_id = ?2) ORDER BY v.part_id, v.position",
    )?;
    let mut rows = st.query(params![tbl_id, only])?;
    while let Some(r) = rows.next()? {
        let (id, v): (i64, String) = (r.get(0)?, r.get(1)?);
        if let Some(&i) = index.get(&id) {
            parts[i].1.values.push(v);
        }
    }
    let mut st = c.prepare(
        "SELECT pp.part_id, pp.param_key, pp.param_value FROM PARTITION_PARAMS pp
         JOIN PARTITIONS p ON p.part_id = pp.part_id
         WHERE p.tbl_id = ?1 AND (?2 IS NULL OR p.part_id = ?2)",
    )?;
    let mut rows = st.query(params![tbl_id, only])?;
    while let Some(r) = rows.next()? {
        let (id, k, v): (i64, String, String) = (r.get(0)?, r.get(1)?, r.get(2)?);
        if let Some(&i) = index.get(&id) {
            parts[i].1.parameters.insert(k, v);
        }
    }
    let mut st = c.prepare(
        "SELECT pc.part_id, pc.name, pc.type_name, pc.comment FROM PARTITION_COLUMNS pc
         JOIN PARTITIONS p ON p.part_id = pc.part_id
         WHERE p.tbl_id = ?1 AND (?2 IS NULL OR p.part_id = ?2)
         ORDER BY pc.part_id, pc.position",
    )?;
    let mut rows = st.query(params![tbl_id, only])?;
    while let Some(r) = rows.next()? {
        let id: i64 = r.get(0)?;
        if let Some(&i) = index.get(&id) {
            parts[i]
                .1
                .columns
                .get_or_insert_with(Vec::new)
                .push(Column {
                    name: r.get(1)?,
                    type_name: r.get(2)?,
                    comment: r.get(3)?,
                });
        }
    }
    Ok(parts.into_iter().map(|(_, p)| p).collect())
}
