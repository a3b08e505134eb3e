//! The engine's threads are plain threads; object stores are async. Each
//! request runs on a small runtime of this crate's own and the calling
//! thread waits for it — which works from any thread, also from inside a
//! front end's own tokio runtime (where `block_on` would panic).

use std::future::Future;
use std::sync::OnceLock;

fn runtime() -> &'static tokio::runtime::Runtime {
    static RT: OnceLock<tokio::runtime::Runtime> = OnceLock::new();
    RT.get_or_init(|| {
        tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .thread_name("shark-storage")
            .enable_all()
            .build()
            .expect("the storage runtime's threads start")
    })
}

/// Runs `f` to completion on the storage runtime and returns its output
/// (an error if the request was aborted by a panic inside the client).
pub(crate) fn wait<F>(f: F) -> crate::Result<F::Output>
where
    F: Future + Send + 'static,
    F::Output: Send + 'static,
{
    let (tx, rx) = std::sync::mpsc::sync_channel(1);
    runtime().spawn(async move {
        let _ = tx.send(f.await);
    });
    rx.recv().map_err(|_| crate::StorageError::Aborted)
}
