//! The web UI's server side: the records its Jobs, Stages and Executors
//! pages show (`store`), and the UI's own files, embedded in the binary
//! (`assets`). Its JSON routes live with the rest of the API.

pub mod assets;
pub mod store;
