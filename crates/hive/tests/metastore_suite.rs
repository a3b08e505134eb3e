//! The persistent metastore against a real warehouse folder: every object's
//! life cycle, IF [NOT] EXISTS, CASCADE, renames with partitions, partition
//! listing, persistence, several handles and threads, atomicity and the
//! schema version check.

use hive::metastore::{
    Column, Database, Metastore, Partition, SortColumn, StorageDescriptor, Table, TableType,
    DDL_TIME, LAZY_SIMPLE_SERDE, METASTORE_FILE, PARQUET_SERDE, SCHEMA_VERSION,
};
use hive::warehouse::DEFAULT_PARTITION_NAME;
use hive::HiveError;
use std::collections::BTreeMap;
use std::path::Path;
use std::sync::{Arc, Barrier};

fn warehouse() -> (tempfile::TempDir, Metastore) {
    let dir = tempfile::tempdir().unwrap();
    let ms = Metastore::open(dir.path()).unwrap();
    (dir, ms)
}

fn loc(p: &Path) -> String {
    std::path::absolute(p)
        .unwrap()
        .to_str()
        .unwrap()
        .to_string()
}

fn strs(v: &[&str]) -> Vec<String> {
    v.iter().map(|s| s.to_string()).collect()
}

fn simple(db: &str, name: &str) -> Table {
    Table::new(
        db,
        name,
        vec![Column::new("key", "int"), Column::new("value", "string")],
    )
}

/// `db.name (key int, value string) PARTITIONED BY (ds string, hr int)`.
fn partitioned(db: &str, name: &str) -> Table {
    Table {
        partition_keys: vec![Column::new("ds", "string"), Column::new("hr", "int")],
        ..simple(db, name)
    }
}

fn values(parts: &[Partition]) -> Vec<Vec<String>> {
    parts.iter().map(|p| p.values.clone()).collect()
}

#[test]
fn open_creates_the_default_database_in_the_warehouse() {
    let (dir, ms) = warehouse();
    assert!(dir.path().join(METASTORE_FILE).is_file());
    assert_eq!(ms.list_databases(None).unwrap(), vec!["default"]);
    let db = ms.get_database("DEFAULT").unwrap().unwrap();
    assert_eq!(db.name, "default");
    assert_eq!(db.location, loc(dir.path()));
    assert_eq!(db.description.as_deref(), Some("Default Hive database"));
    assert!(ms.list_tables("default", None).unwrap().is_empty());

    // A warehouse folder that does not exist yet is created.
    let nested = dir.path().join("a/b/wh");
    let ms2 = Metastore::open(&nested).unwrap();
    assert!(nested.join(METASTORE_FILE).is_file());
    assert_eq!(ms2.warehouse(), std::path::absolute(&nested).unwrap());
}

#[test]
fn databases_create_get_list_alter_drop() {
    let (dir, ms) = warehouse();
    let mut sales = Database::new("Sales");
    sales.description = Some("money".into());
    sales.parameters.insert("creator".into(), "me".into());
    let stored = ms.create_database(&sales, false).unwrap().unwrap();
    assert_eq!(stored.name, "sales");
    assert_eq!(stored.location, loc(&dir.path().join("sales.db")));

    let got = ms.get_database("SALES").unwrap().unwrap();
    assert_eq!(got, stored);
    assert_eq!(got.parameters["creator"], "me");

    let err = ms
        .create_database(&Database::new("sales"), false)
        .unwrap_err();
    assert_eq!(
        err,
        HiveError::AlreadyExists("Database sales already exists".into())
    );
    assert_eq!(
        ms.create_database(&Database::new("sales"), true).unwrap(),
        None
    );

    let custom = Database {
        location: "/data/elsewhere".into(),
        ..Database::new("ops")
    };
    ms.create_database(&custom, false).unwrap();
    assert_eq!(
        ms.get_database("ops").unwrap().unwrap().location,
        "/data/elsewhere"
    );
    ms.create_database(&Database::new("staging"), false)
        .unwrap();

    assert_eq!(
        ms.list_databases(None).unwrap(),
        strs(&["default", "ops", "sales", "staging"])
    );
    assert_eq!(
        ms.list_databases(Some("s*")).unwrap(),
        strs(&["sales", "staging"])
    );
    assert_eq!(
        ms.list_databases(Some("OPS|def*")).unwrap(),
        strs(&["default", "ops"])
    );
    assert!(ms.list_databases(Some("nomatch*")).unwrap().is_empty());

    let mut altered = got.clone();
    altered.owner = Some("alice".into());
    altered.location = String::new(); // keep the current location
    altered.parameters = BTreeMap::from([("k".into(), "v".into())]);
    ms.alter_database("sales", &altered).unwrap();
    let got = ms.get_database("sales").unwrap().unwrap();
    assert_eq!(got.owner.as_deref(), Some("alice"));
    assert_eq!(got.parameters, altered.parameters);
    assert_eq!(got.location, stored.location);

    assert!(ms.drop_database("Sales", false, false).unwrap().is_empty());
    assert_eq!(ms.get_database("sales").unwrap(), None);
    let err = ms.drop_database("sales", false, false).unwrap_err();
    assert_eq!(
        err,
        HiveError::NotFound("Database does not exist: sales".into())
    );
    assert!(ms.drop_database("sales", true, false).unwrap().is_empty());
    assert!(matches!(
        ms.drop_database("default", true, true),
        Err(HiveError::InvalidOperation(_))
    ));
    assert!(matches!(
        ms.create_database(&Database::new("bad-name"), false),
        Err(HiveError::Invalid(_))
    ));
    assert!(matches!(
        ms.alter_database("nosuch", &altered),
        Err(HiveError::NotFound(_))
    ));
}

#[test]
fn drop_database_refuses_tables_without_cascade() {
    let (_dir, ms) = warehouse();
    ms.create_database(&Database::new("d"), false).unwrap();
    ms.create_table(&simple("d", "t1"), false).unwrap();
    ms.create_table(&partitioned("d", "t2"), false).unwrap();
    ms.add_partitions("d", "t2", &[Partition::new(&["2024", "1"])], false)
        .unwrap();

    let err = ms.drop_database("d", false, false).unwrap_err();
    assert_eq!(
        err,
        HiveError::InvalidOperation("Database d is not empty. One or more tables exist.".into())
    );
    assert_eq!(ms.list_tables("d", None).unwrap(), strs(&["t1", "t2"]));

    let dropped = ms.drop_database("d", false, true).unwrap();
    let names: Vec<_> = dropped.iter().map(|t| t.qualified_name()).collect();
    assert_eq!(names, strs(&["d.t1", "d.t2"]));
    assert!(dropped[1].storage.location.ends_with("/d.db/t2"));
    assert_eq!(ms.get_database("d").unwrap(), None);
    assert_eq!(ms.get_table("d", "t1").unwrap(), None);

    // Recreated, the database is empty: nothing of the old one survived.
    ms.create_database(&Database::new("d"), false).unwrap();
    assert!(ms.list_tables("d", None).unwrap().is_empty());
    ms.create_table(&partitioned("d", "t2"), false).unwrap();
    assert!(ms.list_partitions("d", "t2").unwrap().is_empty());
}

#[test]
fn tables_round_trip_every_field() {
    let (dir, ms) = warehouse();
    ms.create_database(&Database::new("s"), false).unwrap();
    let mut storage = StorageDescriptor::text();
    storage.serde_params.extend([
        ("field.delim".to_string(), ",".to_string()),
        ("serialization.null.format".to_string(), "".to_string()),
        ("colelction.delim".to_string(), "|".to_string()),
        ("mapkey.delim".to_string(), ":".to_string()),
        ("line.delim".to_string(), "\n".to_string()),
    ]);
    storage.compressed = true;
    storage.bucket_count = Some(8);
    storage.bucket_columns = strs(&["Key"]);
    storage.sort_columns = vec![
        SortColumn {
            name: "key".into(),
            ascending: true,
        },
        SortColumn {
            name: "Value".into(),
            ascending: false,
        },
    ];
    let t = Table {
        db: "S".into(),
        name: "Events".into(),
        table_type: TableType::External,
        columns: vec![
            Column {
                name: "Key".into(),
                type_name: "INT".into(),
                comment: Some("the Key".into()),
            },
            Column::new("value", "map<string,array<int>>"),
            Column::new("amount", "decimal(10,2)"),
        ],
        partition_keys: vec![Column {
            name: "DS".into(),
            type_name: "string".into(),
            comment: Some("day".into()),
        }],
        storage,
        parameters: BTreeMap::from([("EXTERNAL".into(), "TRUE".into())]),
        view_text: None,
        comment: Some("all events".into()),
        owner: Some("bob".into()),
        create_time: 0,
    };
    let stored = ms.create_table(&t, false).unwrap().unwrap();
    assert_eq!(stored.db, "s");
    assert_eq!(stored.name, "events");
    assert_eq!(stored.columns[0].name, "key");
    assert_eq!(stored.columns[0].type_name, "int");
    assert_eq!(stored.columns[0].comment.as_deref(), Some("the Key"));
    assert_eq!(stored.partition_keys[0].name, "ds");
    assert_eq!(stored.storage.bucket_columns, strs(&["key"]));
    assert_eq!(stored.storage.sort_columns[1].name, "value");
    assert_eq!(
        stored.storage.location,
        loc(&dir.path().join("s.db/events"))
    );
    assert!(stored.create_time > 1_600_000_000);
    assert!(stored.parameters.contains_key(DDL_TIME));
    assert_eq!(stored.parameters["EXTERNAL"], "TRUE");

    let got = ms.get_table("S", "EVENTS").unwrap().unwrap();
    assert_eq!(got, stored);
    assert_eq!(got.storage.serde_params["field.delim"], ",");
    assert_eq!(got.storage.serde_params["serialization.null.format"], "");
    assert_eq!(got.storage.serde_params["line.delim"], "\n");
    assert_eq!(got.storage.serde, LAZY_SIMPLE_SERDE);
    assert!(got.storage.compressed);
    assert_eq!(got.storage.bucket_count, Some(8));
    assert_eq!(got.table_type, TableType::External);
    assert!(got.is_partitioned());

    // A table of the default database sits in the warehouse folder itself;
    // an explicit location and a given DDL time are kept.
    let d = ms
        .create_table(&simple("default", "t"), false)
        .unwrap()
        .unwrap();
    assert_eq!(d.storage.location, loc(&dir.path().join("t")));
    assert_eq!(d.storage.bucket_count, None);
    let mut p = simple("default", "pq");
    p.storage = StorageDescriptor::parquet();
    p.storage.location = "/data/pq".into();
    p.parameters.insert(DDL_TIME.into(), "12345".into());
    p.create_time = 42;
    let pq = ms.create_table(&p, false).unwrap().unwrap();
    assert_eq!(pq.storage.location, "/data/pq");
    assert_eq!(pq.parameters[DDL_TIME], "12345");
    assert_eq!(pq.create_time, 42);
    assert_eq!(
        ms.get_table("default", "pq")
            .unwrap()
            .unwrap()
            .storage
            .serde,
        PARQUET_SERDE
    );
}

#[test]
fn tables_create_list_drop_with_if_exists() {
    let (_dir, ms) = warehouse();
    ms.create_table(&simple("default", "src"), false).unwrap();
    let err = ms
        .create_table(&simple("default", "SRC"), false)
        .unwrap_err();
    assert_eq!(
        err,
        HiveError::AlreadyExists("Table default.src already exists".into())
    );
    assert_eq!(
        ms.create_table(&simple("default", "src"), true).unwrap(),
        None
    );
    let err = ms.create_table(&simple("nosuch", "t"), false).unwrap_err();
    assert_eq!(
        err,
        HiveError::NotFound("Database does not exist: nosuch".into())
    );
    assert!(matches!(
        ms.create_table(&simple("default", "a b"), false),
        Err(HiveError::Invalid(_))
    ));

    ms.create_table(&simple("default", "src_part"), false)
        .unwrap();
    ms.create_table(&simple("default", "dest1"), false).unwrap();
    assert_eq!(
        ms.list_tables("default", None).unwrap(),
        strs(&["dest1", "src", "src_part"])
    );
    assert_eq!(
        ms.list_tables("DEFAULT", Some("src*")).unwrap(),
        strs(&["src", "src_part"])
    );
    assert_eq!(
        ms.list_tables("default", Some("*1|SRC")).unwrap(),
        strs(&["dest1", "src"])
    );
    assert!(matches!(
        ms.list_tables("nosuch", None),
        Err(HiveError::NotFound(_))
    ));

    assert_eq!(ms.get_table("default", "nosuch").unwrap(), None);
    assert_eq!(ms.get_table("nosuch", "src").unwrap(), None);

    let dropped = ms.drop_table("default", "Src", false).unwrap().unwrap();
    assert_eq!(dropped.name, "src");
    assert_eq!(ms.get_table("default", "src").unwrap(), None);
    let err = ms.drop_table("default", "src", false).unwrap_err();
    assert_eq!(
        err,
        HiveError::NotFound("Table not found: default.src".into())
    );
    assert_eq!(ms.drop_table("default", "src", true).unwrap(), None);
    assert_eq!(
        ms.list_tables("default", None).unwrap(),
        strs(&["dest1", "src_part"])
    );
}

#[test]
fn views_and_column_checks() {
    let (_dir, ms) = warehouse();
    let v = Table {
        table_type: TableType::VirtualView,
        view_text: Some("SELECT key FROM src".into()),
        storage: StorageDescriptor::none(),
        ..Table::new("default", "v", vec![Column::new("key", "int")])
    };
    let stored = ms.create_table(&v, false).unwrap().unwrap();
    assert_eq!(stored.storage.location, "");
    let got = ms.get_table("default", "v").unwrap().unwrap();
    assert!(got.is_view());
    assert_eq!(got.view_text.as_deref(), Some("SELECT key FROM src"));

    let no_text = Table {
        view_text: None,
        ..v.clone()
    };
    assert!(matches!(
        ms.create_table(&no_text, false),
        Err(HiveError::Invalid(_))
    ));

    let dup = Table::new(
        "default",
        "d",
        vec![Column::new("a", "int"), Column::new("A", "int")],
    );
    assert_eq!(
        ms.create_table(&dup, false).unwrap_err(),
        HiveError::Invalid("Duplicate column name: a".into())
    );
    let rep = Table {
        partition_keys: vec![Column::new("a", "string")],
        ..Table::new("default", "r", vec![Column::new("a", "int")])
    };
    assert_eq!(
        ms.create_table(&rep, false).unwrap_err(),
        HiveError::Invalid("Column repeated in partitioning columns: a".into())
    );
    assert_eq!(ms.list_tables("default", None).unwrap(), strs(&["v"]));
}

#[test]
fn alter_table_replaces_the_definition() {
    let (_dir, ms) = warehouse();
    let mut t = partitioned("default", "t");
    t.create_time = 1000;
    t.parameters.insert(DDL_TIME.into(), "1000".into());
    ms.create_table(&t, false).unwrap();
    ms.add_partitions("default", "t", &[Partition::new(&["a", "1"])], false)
        .unwrap();

    let mut new = ms.get_table("default", "t").unwrap().unwrap();
    new.columns.push(Column::new("Extra", "double"));
    new.comment = Some("now with extra".into());
    new.parameters.insert("k".into(), "v".into());
    new.create_time = 0;
    let stored = ms.alter_table("default", "T", &new).unwrap();
    assert_eq!(stored.create_time, 1000);
    assert_ne!(stored.parameters[DDL_TIME], "1000");
    let got = ms.get_table("default", "t").unwrap().unwrap();
    assert_eq!(got, stored);
    assert_eq!(got.columns.len(), 3);
    assert_eq!(got.columns[2].name, "extra");
    assert_eq!(got.comment.as_deref(), Some("now with extra"));
    assert_eq!(ms.list_partitions("default", "t").unwrap().len(), 1);

    let mut bad = got.clone();
    bad.partition_keys[1].name = "hour".into();
    assert!(matches!(
        ms.alter_table("default", "t", &bad),
        Err(HiveError::InvalidOperation(_))
    ));
    // Changing a partition key's type is allowed.
    let mut retyped = got.clone();
    retyped.partition_keys[1].type_name = "bigint".into();
    ms.alter_table("default", "t", &retyped).unwrap();
    assert!(matches!(
        ms.alter_table("default", "nosuch", &got),
        Err(HiveError::NotFound(_))
    ));
    assert_eq!(
        ms.get_table("default", "t")
            .unwrap()
            .unwrap()
            .partition_keys[1]
            .type_name,
        "bigint"
    );
}

#[test]
fn rename_moves_managed_tables_and_their_partitions() {
    let (dir, ms) = warehouse();
    ms.create_database(&Database::new("other"), false).unwrap();
    ms.create_table(&partitioned("default", "t"), false)
        .unwrap();
    let custom = Partition {
        location: "/elsewhere/p".into(),
        ..Partition::new(&["b", "2"])
    };
    ms.add_partitions(
        "default",
        "t",
        &[Partition::new(&["a", "1"]), custom],
        false,
    )
    .unwrap();

    let mut renamed = ms.get_table("default", "t").unwrap().unwrap();
    renamed.db = "Other".into();
    renamed.name = "T2".into();
    let stored = ms.alter_table("default", "t", &renamed).unwrap();
    assert_eq!(stored.qualified_name(), "other.t2");
    assert_eq!(
        stored.storage.location,
        loc(&dir.path().join("other.db/t2"))
    );

    assert_eq!(ms.get_table("default", "t").unwrap(), None);
    assert!(ms.list_tables("default", None).unwrap().is_empty());
    assert_eq!(ms.list_tables("other", None).unwrap(), strs(&["t2"]));
    let parts = ms.list_partitions("other", "t2").unwrap();
    assert_eq!(values(&parts), vec![strs(&["a", "1"]), strs(&["b", "2"])]);
    assert_eq!(
        parts[0].location,
        loc(&dir.path().join("other.db/t2/ds=a/hr=1"))
    );
    assert_eq!(parts[1].location, "/elsewhere/p");
    assert!(matches!(
        ms.list_partitions("default", "t"),
        Err(HiveError::NotFound(_))
    ));

    // Onto an existing name, or into a missing database: refused, unchanged.
    ms.create_table(&simple("other", "taken"), false).unwrap();
    let mut clash = stored.clone();
    clash.name = "taken".into();
    assert_eq!(
        ms.alter_table("other", "t2", &clash).unwrap_err(),
        HiveError::AlreadyExists("Table other.taken already exists".into())
    );
    let mut lost = stored.clone();
    lost.db = "nosuch".into();
    assert!(matches!(
        ms.alter_table("other", "t2", &lost),
        Err(HiveError::NotFound(_))
    ));
    assert_eq!(ms.get_table("other", "t2").unwrap().unwrap(), stored);

    // External tables and managed tables outside their default folder stay put.
    let ext = Table {
        table_type: TableType::External,
        storage: StorageDescriptor {
            location: "/ext/data".into(),
            ..StorageDescriptor::text()
        },
        ..simple("default", "ext")
    };
    ms.create_table(&ext, false).unwrap();
    let mut e2 = ms.get_table("default", "ext").unwrap().unwrap();
    e2.name = "ext2".into();
    assert_eq!(
        ms.alter_table("default", "ext", &e2)
            .unwrap()
            .storage
            .location,
        "/ext/data"
    );
    let placed = Table {
        storage: StorageDescriptor {
            location: "/placed".into(),
            ..StorageDescriptor::text()
        },
        ..simple("default", "placed")
    };
    ms.create_table(&placed, false).unwrap();
    let mut p2 = ms.get_table("default", "placed").unwrap().unwrap();
    p2.name = "placed2".into();
    assert_eq!(
        ms.alter_table("default", "placed", &p2)
            .unwrap()
            .storage
            .location,
        "/placed"
    );
}

#[test]
fn table_parameters_set_and_unset() {
    let (_dir, ms) = warehouse();
    ms.create_table(&simple("default", "t"), false).unwrap();
    let set = BTreeMap::from([
        ("a".to_string(), "1".to_string()),
        ("b".to_string(), "2".to_string()),
    ]);
    ms.set_table_parameters("default", "T", &set).unwrap();
    ms.set_table_parameters("default", "t", &BTreeMap::from([("a".into(), "3".into())]))
        .unwrap();
    let params = ms.get_table("default", "t").unwrap().unwrap().parameters;
    assert_eq!(params["a"], "3");
    assert_eq!(params["b"], "2");
    assert!(params.contains_key(DDL_TIME));

    let err = ms
        .unset_table_parameters("default", "t", &strs(&["b", "nosuch"]), false)
        .unwrap_err();
    assert!(matches!(err, HiveError::InvalidOperation(_)));
    // All or nothing: b survived the failed call.
    assert_eq!(
        ms.get_table("default", "t").unwrap().unwrap().parameters["b"],
        "2"
    );
    ms.unset_table_parameters("default", "t", &strs(&["b", "nosuch"]), true)
        .unwrap();
    assert!(!ms
        .get_table("default", "t")
        .unwrap()
        .unwrap()
        .parameters
        .contains_key("b"));
    assert!(matches!(
        ms.set_table_parameters("default", "nosuch", &set),
        Err(HiveError::NotFound(_))
    ));
}

#[test]
fn partitions_add_get_list_filter_drop() {
    let (dir, ms) = warehouse();
    ms.create_table(&partitioned("default", "t"), false)
        .unwrap();
    let added = ms
        .add_partitions(
            "default",
            "T",
            &[
                Partition::new(&["2024-01-02", "0"]),
                Partition::new(&["2024-01-01", "1"]),
                Partition::new(&["2024-01-01", "0"]),
                Partition::new(&["a/b=c:50%", "7"]),
                Partition::new(&["", "3"]),
            ],
            false,
        )
        .unwrap();
    assert_eq!(added.len(), 5);
    assert_eq!(
        added[0].location,
        loc(&dir.path().join("t/ds=2024-01-02/hr=0"))
    );
    assert_eq!(
        added[3].location,
        loc(&dir.path().join("t/ds=a%2Fb%3Dc%3A50%25/hr=7"))
    );
    assert_eq!(added[4].values, strs(&[DEFAULT_PARTITION_NAME, "3"]));
    assert!(added[0].create_time > 0);
    assert!(added[0].parameters.contains_key(DDL_TIME));

    let all = ms.list_partitions("default", "t").unwrap();
    assert_eq!(
        values(&all),
        vec![
            strs(&["2024-01-01", "0"]),
            strs(&["2024-01-01", "1"]),
            strs(&["2024-01-02", "0"]),
            strs(&[DEFAULT_PARTITION_NAME, "3"]),
            strs(&["a/b=c:50%", "7"]),
        ]
    );
    let t = ms.get_table("default", "t").unwrap().unwrap();
    assert_eq!(
        t.partition_name(&all[4].values),
        "ds=a%2Fb%3Dc%3A50%25/hr=7"
    );

    let p = ms
        .get_partition("default", "t", &strs(&["a/b=c:50%", "7"]))
        .unwrap()
        .unwrap();
    assert_eq!(p, added[3]);
    assert_eq!(
        ms.get_partition("default", "t", &strs(&["x", "1"]))
            .unwrap(),
        None
    );
    // NULL partition found through its empty or its default-name value.
    assert!(ms
        .get_partition("default", "t", &strs(&["", "3"]))
        .unwrap()
        .is_some());

    let jan1 = ms
        .list_partitions_filtered("default", "t", |v| v[0] == "2024-01-01")
        .unwrap();
    assert_eq!(
        values(&jan1),
        vec![strs(&["2024-01-01", "0"]), strs(&["2024-01-01", "1"])]
    );
    let hr0 = ms
        .list_partitions_by_spec("default", "t", &[("HR".into(), "0".into())])
        .unwrap();
    assert_eq!(
        values(&hr0),
        vec![strs(&["2024-01-01", "0"]), strs(&["2024-01-02", "0"])]
    );
    let one = ms
        .list_partitions_by_spec(
            "default",
            "t",
            &[
                ("hr".into(), "1".into()),
                ("ds".into(), "2024-01-01".into()),
            ],
        )
        .unwrap();
    assert_eq!(values(&one), vec![strs(&["2024-01-01", "1"])]);
    assert!(matches!(
        ms.list_partitions_by_spec("default", "t", &[("key".into(), "1".into())]),
        Err(HiveError::Invalid(_))
    ));

    // Wrong arity, unpartitioned table, missing table.
    assert!(matches!(
        ms.add_partitions("default", "t", &[Partition::new(&["x"])], false),
        Err(HiveError::Invalid(_))
    ));
    ms.create_table(&simple("default", "flat"), false).unwrap();
    assert!(matches!(
        ms.add_partitions("default", "flat", &[Partition::new(&["x"])], false),
        Err(HiveError::Invalid(_))
    ));
    assert!(matches!(
        ms.list_partitions("default", "nosuch"),
        Err(HiveError::NotFound(_))
    ));

    // Drop: all or nothing without IF EXISTS.
    let err = ms
        .drop_partitions(
            "default",
            "t",
            &[strs(&["2024-01-01", "0"]), strs(&["nosuch", "0"])],
            false,
        )
        .unwrap_err();
    assert_eq!(
        err,
        HiveError::NotFound("Partition not found: default.t/ds=nosuch/hr=0".into())
    );
    assert_eq!(ms.list_partitions("default", "t").unwrap().len(), 5);
    let dropped = ms
        .drop_partitions(
            "default",
            "t",
            &[strs(&["2024-01-01", "0"]), strs(&["nosuch", "0"])],
            true,
        )
        .unwrap();
    assert_eq!(values(&dropped), vec![strs(&["2024-01-01", "0"])]);
    assert_eq!(
        dropped[0].location,
        loc(&dir.path().join("t/ds=2024-01-01/hr=0"))
    );
    assert_eq!(ms.list_partitions("default", "t").unwrap().len(), 4);

    // Dropping the table drops its partitions.
    ms.drop_table("default", "t", false).unwrap();
    ms.create_table(&partitioned("default", "t"), false)
        .unwrap();
    assert!(ms.list_partitions("default", "t").unwrap().is_empty());
}

#[test]
fn partitions_alter_and_rename() {
    let (dir, ms) = warehouse();
    ms.create_table(&partitioned("default", "t"), false)
        .unwrap();
    ms.add_partitions(
        "default",
        "t",
        &[Partition::new(&["a", "1"]), Partition::new(&["b", "1"])],
        false,
    )
    .unwrap();

    let mut p = ms
        .get_partition("default", "t", &strs(&["a", "1"]))
        .unwrap()
        .unwrap();
    let created = p.create_time;
    p.location = "/moved/a1".into();
    p.parameters.insert("numFiles".into(), "3".into());
    p.create_time = 0;
    ms.alter_partition("default", "t", &p).unwrap();
    let got = ms
        .get_partition("default", "t", &strs(&["a", "1"]))
        .unwrap()
        .unwrap();
    assert_eq!(got.location, "/moved/a1");
    assert_eq!(got.parameters["numFiles"], "3");
    assert_eq!(got.create_time, created);
    assert!(matches!(
        ms.alter_partition("default", "t", &Partition::new(&["z", "9"])),
        Err(HiveError::NotFound(_))
    ));

    let renamed = ms
        .rename_partition("default", "t", &strs(&["b", "1"]), &strs(&["c", "2"]))
        .unwrap();
    assert_eq!(renamed.location, loc(&dir.path().join("t/ds=c/hr=2")));
    assert_eq!(
        values(&ms.list_partitions("default", "t").unwrap()),
        vec![strs(&["a", "1"]), strs(&["c", "2"])]
    );
    // Custom locations are kept; renaming onto an existing partition fails.
    let r = ms
        .rename_partition("default", "t", &strs(&["a", "1"]), &strs(&["d", "1"]))
        .unwrap();
    assert_eq!(r.location, "/moved/a1");
    assert!(matches!(
        ms.rename_partition("default", "t", &strs(&["d", "1"]), &strs(&["c", "2"])),
        Err(HiveError::AlreadyExists(_))
    ));
    assert!(matches!(
        ms.rename_partition("default", "t", &strs(&["x", "1"]), &strs(&["y", "2"])),
        Err(HiveError::NotFound(_))
    ));
}

#[test]
fn failing_add_partitions_adds_none() {
    let (_dir, ms) = warehouse();
    ms.create_table(&partitioned("default", "t"), false)
        .unwrap();
    ms.add_partitions("default", "t", &[Partition::new(&["b", "1"])], false)
        .unwrap();

    let batch = [
        Partition::new(&["a", "1"]),
        Partition::new(&["b", "1"]),
        Partition::new(&["c", "1"]),
    ];
    let err = ms
        .add_partitions("default", "t", &batch, false)
        .unwrap_err();
    assert_eq!(
        err,
        HiveError::AlreadyExists("Partition already exists: default.t/ds=b/hr=1".into())
    );
    assert_eq!(
        values(&ms.list_partitions("default", "t").unwrap()),
        vec![strs(&["b", "1"])]
    );

    // A duplicate inside one batch fails the same way.
    let dup = [Partition::new(&["x", "1"]), Partition::new(&["x", "1"])];
    assert!(matches!(
        ms.add_partitions("default", "t", &dup, false),
        Err(HiveError::AlreadyExists(_))
    ));
    assert_eq!(ms.list_partitions("default", "t").unwrap().len(), 1);

    // With IF NOT EXISTS the new ones are added and returned, the old kept.
    let added = ms.add_partitions("default", "t", &batch, true).unwrap();
    assert_eq!(values(&added), vec![strs(&["a", "1"]), strs(&["c", "1"])]);
    assert_eq!(ms.list_partitions("default", "t").unwrap().len(), 3);
}

#[test]
fn everything_survives_reopening() {
    let dir = tempfile::tempdir().unwrap();
    let (table, parts) = {
        let ms = Metastore::open(dir.path()).unwrap();
        ms.create_database(&Database::new("d"), false).unwrap();
        let t = ms
            .create_table(&partitioned("d", "t"), false)
            .unwrap()
            .unwrap();
        let p = ms
            .add_partitions("d", "t", &[Partition::new(&["x", "1"])], false)
            .unwrap();
        (t, p)
    };
    let ms = Metastore::open(dir.path()).unwrap();
    assert_eq!(ms.list_databases(None).unwrap(), strs(&["d", "default"]));
    assert_eq!(ms.get_table("d", "t").unwrap().unwrap(), table);
    assert_eq!(ms.list_partitions("d", "t").unwrap(), parts);
    // Opening through another spelling of the same folder finds the same catalog.
    let again = Metastore::open(&dir.path().join("sub/..")).unwrap();
    assert_eq!(again.list_tables("d", None).unwrap(), strs(&["t"]));
}

#[test]
fn two_handles_see_each_others_writes() {
    let dir = tempfile::tempdir().unwrap();
    let a = Metastore::open(dir.path()).unwrap();
    let b = Metastore::open(dir.path()).unwrap();
    a.create_table(&partitioned("default", "t"), false).unwrap();
    assert!(b.get_table("default", "t").unwrap().is_some());
    b.add_partitions("default", "t", &[Partition::new(&["x", "1"])], false)
        .unwrap();
    assert_eq!(a.list_partitions("default", "t").unwrap().len(), 1);
    assert!(matches!(
        b.create_table(&simple("default", "t"), false),
        Err(HiveError::AlreadyExists(_))
    ));
    b.drop_table("default", "t", false).unwrap();
    assert_eq!(a.get_table("default", "t").unwrap(), None);
    a.create_database(&Database::new("late"), false).unwrap();
    assert!(b.get_database("late").unwrap().is_some());
}

#[test]
fn concurrent_creators_with_their_own_handles() {
    let dir = tempfile::tempdir().unwrap();
    let wh = dir.path().to_path_buf();
    let threads = 4;
    let per_thread = 20;
    let start = Arc::new(Barrier::new(threads));
    let handles: Vec<_> = (0..threads)
        .map(|i| {
            let (wh, start) = (wh.clone(), start.clone());
            std::thread::spawn(move || {
                // Open at the same moment: the schema is created exactly once.
                start.wait();
                let ms = Metastore::open(&wh).unwrap();
                ms.create_database(&Database::new(&format!("db{i}")), false)
                    .unwrap();
                for j in 0..per_thread {
                    ms.create_table(&simple("default", &format!("t_{i}_{j}")), false)
                        .unwrap();
                }
                ms.create_table(&partitioned(&format!("db{i}"), "p"), false)
                    .unwrap();
                let parts: Vec<_> = (0..per_thread)
                    .map(|j| Partition::new(&[&format!("d{j}"), "0"]))
                    .collect();
                ms.add_partitions(&format!("db{i}"), "p", &parts, false)
                    .unwrap();
                // Everyone races for one name: exactly one wins.
                ms.create_table(&simple("default", "shared"), false).is_ok()
            })
        })
        .collect();
    let wins = handles
        .into_iter()
        .map(|h| h.join().unwrap())
        .filter(|won| *won)
        .count();
    assert_eq!(wins, 1);

    let ms = Metastore::open(&wh).unwrap();
    assert_eq!(
        ms.list_tables("default", None).unwrap().len(),
        threads * per_thread + 1
    );
    assert_eq!(ms.list_databases(None).unwrap().len(), threads + 1);
    for i in 0..threads {
        assert_eq!(
            ms.list_partitions(&format!("db{i}"), "p").unwrap().len(),
            per_thread
        );
    }
    let conn = rusqlite::Connection::open(wh.join(METASTORE_FILE)).unwrap();
    let check: String = conn
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap();
    assert_eq!(check, "ok");
    let mode: String = conn
        .query_row("PRAGMA journal_mode", [], |r| r.get(0))
        .unwrap();
    assert_eq!(mode, "wal");
}

#[test]
fn one_handle_shared_by_threads() {
    let (_dir, ms) = warehouse();
    let ms = Arc::new(ms);
    let handles: Vec<_> = (0..4)
        .map(|i| {
            let ms = ms.clone();
            std::thread::spawn(move || {
                for j in 0..10 {
                    let name = format!("s_{i}_{j}");
                    ms.create_table(&simple("default", &name), false).unwrap();
                    assert!(ms.get_table("default", &name).unwrap().is_some());
                }
            })
        })
        .collect();
    for h in handles {
        h.join().unwrap();
    }
    assert_eq!(ms.list_tables("default", Some("s_*")).unwrap().len(), 40);
}

#[test]
fn newer_or_foreign_schemas_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    drop(Metastore::open(dir.path()).unwrap());
    let file = dir.path().join(METASTORE_FILE);
    {
        let conn = rusqlite::Connection::open(&file).unwrap();
        let v: i64 = conn
            .query_row("SELECT schema_version FROM VERSION", [], |r| r.get(0))
            .unwrap();
        assert_eq!(v, SCHEMA_VERSION);
        conn.execute("UPDATE VERSION SET schema_version = 999", [])
            .unwrap();
    }
    let err = Metastore::open(dir.path()).unwrap_err();
    let HiveError::Metastore(msg) = &err else {
        panic!("unexpected {err:?}")
    };
    assert!(msg.contains("schema version 999 is newer"), "{msg}");
    assert!(msg.contains(METASTORE_FILE), "{msg}");

    // A SQLite file of someone else's, and a file that is not SQLite at all.
    let other = tempfile::tempdir().unwrap();
    {
        let conn = rusqlite::Connection::open(other.path().join(METASTORE_FILE)).unwrap();
        conn.execute("CREATE TABLE foo (x INTEGER)", []).unwrap();
    }
    let err = Metastore::open(other.path()).unwrap_err();
    assert!(err.to_string().contains("not a Shark metastore"), "{err}");
    let garbage = tempfile::tempdir().unwrap();
    std::fs::write(garbage.path().join(METASTORE_FILE), vec![b'x'; 4096]).unwrap();
    assert!(matches!(
        Metastore::open(garbage.path()),
        Err(HiveError::Metastore(_))
    ));
}

/// The body of [`two_processes_write_concurrently`]'s children: a no-op
/// unless started by it (with `METASTORE_SUITE_CHILD=<warehouse>;<id>`).
#[test]
fn child_process_writer() {
    let Ok(arg) = std::env::var("METASTORE_SUITE_CHILD") else {
        return;
    };
    let (wh, id) = arg.split_once(';').unwrap();
    let ms = Metastore::open(Path::new(wh)).unwrap();
    if id == "crash" {
        // Add batches of 50 partitions until killed.
        for batch in 0.. {
            let parts: Vec<_> = (0..50)
                .map(|j| Partition::new(&[&format!("b{batch}"), &j.to_string()]))
                .collect();
            ms.add_partitions("default", "victim", &parts, false)
                .unwrap();
        }
    }
    for j in 0..25 {
        ms.create_table(&partitioned("default", &format!("proc_{id}_{j}")), false)
            .unwrap();
        ms.add_partitions(
            "default",
            &format!("proc_{id}_{j}"),
            &[Partition::new(&["a", "1"]), Partition::new(&["b", "2"])],
            false,
        )
        .unwrap();
    }
}

#[test]
fn two_processes_write_concurrently() {
    let dir = tempfile::tempdir().unwrap();
    let wh = dir.path().to_str().unwrap().to_string();
    let exe = std::env::current_exe().unwrap();
    let children: Vec<_> = (0..2)
        .map(|id| {
            std::process::Command::new(&exe)
                .args(["--exact", "child_process_writer", "--test-threads=1"])
                .env("METASTORE_SUITE_CHILD", format!("{wh};{id}"))
                .stdout(std::process::Stdio::null())
                .spawn()
                .unwrap()
        })
        .collect();
    // This process reads while the children write.
    let ms = Metastore::open(dir.path()).unwrap();
    for _ in 0..20 {
        for name in ms.list_tables("default", Some("proc_*")).unwrap() {
            let parts = ms.list_partitions("default", &name).unwrap();
            assert!(parts.len() <= 2);
        }
    }
    for mut c in children {
        assert!(c.wait().unwrap().success());
    }
    let tables = ms.list_tables("default", Some("proc_*")).unwrap();
    assert_eq!(tables.len(), 50);
    for name in tables {
        assert_eq!(ms.list_partitions("default", &name).unwrap().len(), 2);
    }
}

#[test]
fn a_killed_writer_leaves_whole_transactions() {
    let dir = tempfile::tempdir().unwrap();
    let ms = Metastore::open(dir.path()).unwrap();
    ms.create_table(&partitioned("default", "victim"), false)
        .unwrap();
    let wh = dir.path().to_str().unwrap().to_string();
    let mut child = std::process::Command::new(std::env::current_exe().unwrap())
        .args(["--exact", "child_process_writer", "--test-threads=1"])
        .env("METASTORE_SUITE_CHILD", format!("{wh};crash"))
        .stdout(std::process::Stdio::null())
        .spawn()
        .unwrap();
    // Kill it once it has committed something, most likely mid-transaction.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    while ms.list_partitions("default", "victim").unwrap().len() < 100
        && std::time::Instant::now() < deadline
    {
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    child.kill().unwrap();
    child.wait().unwrap();
    drop(ms);

    let ms = Metastore::open(dir.path()).unwrap();
    let parts = ms.list_partitions("default", "victim").unwrap();
    assert!(parts.len() >= 100);
    assert_eq!(parts.len() % 50, 0, "a partial batch survived");
    for p in &parts {
        assert_eq!(p.values.len(), 2);
    }
    let conn = rusqlite::Connection::open(dir.path().join(METASTORE_FILE)).unwrap();
    let check: String = conn
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap();
    assert_eq!(check, "ok");
}

/// A version-1 metastore (before partitions had columns of their own) is
/// upgraded when opened, and its partitions then take their own columns,
/// kept in the same transaction as the table's change.
#[test]
fn version_one_metastores_upgrade_and_partitions_get_own_columns() {
    let dir = tempfile::tempdir().unwrap();
    {
        let ms = Metastore::open(dir.path()).unwrap();
        ms.create_table(&partitioned("default", "t"), false)
            .unwrap();
        ms.add_partitions("default", "t", &[Partition::new(&["2024", "1"])], false)
            .unwrap();
    }
    {
        let conn = rusqlite::Connection::open(dir.path().join(METASTORE_FILE)).unwrap();
        conn.execute_batch(
            "DROP TABLE PARTITION_COLUMNS; DROP TABLE LOCATION_FILES; DROP TABLE FILE_COMMITS;
             UPDATE VERSION SET schema_version = 1",
        )
        .unwrap();
    }
    let ms = Metastore::open(dir.path()).unwrap();
    let p = &ms.list_partitions("default", "t").unwrap()[0];
    assert!(p.columns.is_none());
    let t = ms.get_table("default", "t").unwrap().unwrap();
    let mut new = t.clone();
    new.columns.push(Column::new("extra", "INT"));
    let own = vec![Column::new("Old", "STRING")];
    ms.alter_table_columns("default", "t", &new, &[(p.values.clone(), Some(own))])
        .unwrap();
    let p = &ms.list_partitions("default", "t").unwrap()[0];
    let cols = p.columns.as_ref().expect("own columns");
    assert_eq!(
        (cols[0].name.as_str(), cols[0].type_name.as_str()),
        ("old", "string")
    );
    assert_eq!(
        ms.get_table("default", "t").unwrap().unwrap().columns.len(),
        t.columns.len() + 1
    );
    // A partition that does not exist fails the whole change.
    let mut again = new.clone();
    again.columns.push(Column::new("more", "int"));
    assert!(ms
        .alter_table_columns("default", "t", &again, &[(strs(&["1999", "9"]), None)])
        .is_err());
    assert_eq!(
        ms.get_table("default", "t").unwrap().unwrap().columns.len(),
        t.columns.len() + 1
    );
    let v: i64 = rusqlite::Connection::open(dir.path().join(METASTORE_FILE))
        .unwrap()
        .query_row("SELECT schema_version FROM VERSION", [], |r| r.get(0))
        .unwrap();
    assert_eq!(v, SCHEMA_VERSION);
}
