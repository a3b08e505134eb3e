//! The demo warehouse: on first use (a warehouse with no tables) the CLI
//! creates the tables of the repository's `catalog/` folder.

use shark::Session;

const KV1: &str = include_str!("../../../catalog/kv1.txt");
const DEMO_SQL: &str = include_str!("../../../catalog/demo.sql");

/// Creates the demo tables when the current warehouse has none.
pub fn populate_if_empty(session: &mut Session) -> Result<bool, shark::SharkError> {
    let mut empty = true;
    for r in session.query("SHOW TABLES IN default")? {
        if r.num_rows() > 0 {
            empty = false;
        }
    }
    if !empty {
        return Ok(false);
    }
    let dir = std::env::temp_dir().join(format!("shark-demo-{}", std::process::id()));
    std::fs::create_dir_all(&dir).map_err(|e| shark::SharkError::exec(e.to_string()))?;
    let kv1 = dir.join("kv1.txt");
    std::fs::write(&kv1, KV1).map_err(|e| shark::SharkError::exec(e.to_string()))?;
    session.set_var("kv1", &kv1.display().to_string());
    let result = session.execute_script(DEMO_SQL).map(|_| ());
    let _ = std::fs::remove_dir_all(&dir);
    result.map(|_| true)
}
