//! The worker threads of local mode: `local[K]` runs K of them. Tasks from
//! all jobs share one queue, taken in submission order.

use crossbeam_channel::{unbounded, Sender};
use std::thread::JoinHandle;

type Job = Box<dyn FnOnce() + Send + 'static>;

/// A fixed set of worker threads.
pub(crate) struct WorkerPool {
    sender: Option<Sender<Job>>,
    handles: Vec<JoinHandle<()>>,
}

impl WorkerPool {
    pub fn new(workers: usize) -> std::io::Result<Self> {
        let (sender, receiver) = unbounded::<Job>();
        let mut handles = Vec::with_capacity(workers);
        for i in 0..workers {
            let rx = receiver.clone();
            let handle = std::thread::Builder::new()
                .name(format!("shark-worker-{i}"))
                .spawn(move || {
                    while let Ok(job) = rx.recv() {
                        job();
                    }
                })?;
            handles.push(handle);
        }
        Ok(WorkerPool {
            sender: Some(sender),
            handles,
        })
    }

    pub fn submit(&self, job: Job) -> bool {
        match &self.sender {
            Some(s) => s.send(job).is_ok(),
            None => false,
        }
    }

    /// Lets workers finish queued tasks, then joins them. Called from a
    /// driver thread, never from a worker.
    pub fn shutdown(&mut self) {
        self.sender = None;
        let me = std::thread::current().id();
        for h in self.handles.drain(..) {
            if h.thread().id() != me {
                let _ = h.join();
            }
        }
    }
}

impl Drop for WorkerPool {
    fn drop(&mut self) {
        // Closing the channel ends the workers; they are not joined here
        // because the last reference may be dropped on a worker itself.
        self.sender = None;
    }
}
