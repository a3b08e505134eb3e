//! Where the analyzer finds tables. The in-memory catalog serves tests and
//! embedded use; the Hive metastore implements the same trait.

use crate::error::Result;
use crate::table::TableSource;
use std::collections::BTreeMap;
use std::sync::{Arc, RwLock};

/// Resolves table names.
pub trait Catalog: Send + Sync {
    /// The table `db.name` (names are lower-case), if it exists.
    fn table(&self, db: &str, name: &str) -> Result<Option<Arc<dyn TableSource>>>;
    /// The SQL text of the view `db.name`, if it is a view.
    fn view(&self, _db: &str, _name: &str) -> Result<Option<String>> {
        Ok(None)
    }
    /// The `CLUSTERED BY` columns of a bucketed table (empty if it is not
    /// bucketed): what `TABLESAMPLE (BUCKET x OUT OF y)` samples on.
    /// Required, so that a catalog wrapping another passes it on.
    fn bucket_columns(&self, db: &str, name: &str) -> Result<Vec<String>>;
    /// `INTO n BUCKETS` of a bucketed table, whose bucket `i` is in the
    /// files named `00000i_0…`; None when not bucketed (or not in files).
    fn bucket_count(&self, _db: &str, _name: &str) -> Result<Option<u32>> {
        Ok(None)
    }
    /// Tables of a database, sorted.
    fn table_names(&self, db: &str) -> Result<Vec<String>>;
    /// Databases, sorted.
    fn databases(&self) -> Result<Vec<String>>;
    /// What tells this catalog's tables apart from another catalog's with
    /// the same names, for the table cache (a warehouse's path).
    fn cache_scope(&self) -> String {
        format!("catalog@{:p}", (self as *const Self).cast::<()>())
    }
}

/// Tables registered in memory, by database and name.
#[derive(Default)]
pub struct MemoryCatalog {
    tables: RwLock<BTreeMap<(String, String), Arc<dyn TableSource>>>,
}

impl MemoryCatalog {
    /// An empty catalog with the `default` database.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds or replaces `db.name`.
    pub fn register(&self, db: &str, name: &str, table: Arc<dyn TableSource>) {
        self.tables
            .write()
            .unwrap()
            .insert((db.to_ascii_lowercase(), name.to_ascii_lowercase()), table);
    }

    /// Removes `db.name`; true if it existed.
    pub fn deregister(&self, db: &str, name: &str) -> bool {
        self.tables
            .write()
            .unwrap()
            .remove(&(db.to_ascii_lowercase(), name.to_ascii_lowercase()))
            .is_some()
    }
}

impl Catalog for MemoryCatalog {
    fn bucket_columns(&self, _db: &str, _name: &str) -> Result<Vec<String>> {
        // In-memory tables are not bucketed.
        Ok(vec![])
    }
    fn table(&self, db: &str, name: &str) -> Result<Option<Arc<dyn TableSource>>> {
        Ok(self
            .tables
            .read()
            .unwrap()
            .get(&(db.to_ascii_lowercase(), name.to_ascii_lowercase()))
            .cloned())
    }
    fn table_names(&self, db: &str) -> Result<Vec<String>> {
        Ok(self
            .tables
            .read()
            .unwrap()
            .keys()
            .filter(|(d, _)| d == &db.to_ascii_lowercase())
            .map(|(_, n)| n.clone())
            .collect())
    }
    fn databases(&self) -> Result<Vec<String>> {
        let mut dbs: Vec<String> = self
            .tables
            .read()
            .unwrap()
            .keys()
            .map(|(d, _)| d.clone())
            .collect();
        dbs.push("default".into());
        dbs.sort();
        dbs.dedup();
        Ok(dbs)
    }
}
