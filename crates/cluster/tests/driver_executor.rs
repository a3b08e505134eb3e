//! A driver and an executor in one process, over loopback: registration,
//! a task's data and end, a cancelled task killed on its executor (its
//! slot free again), a failed task's error kind kept, and an executor
//! that outlives its driver exiting.

use cluster::{
    run_executor, BlockIter, Driver, DriverOptions, ExecutorOptions, TaskOutput, TaskRunner,
};
use rdd::RddError;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Echoes its task in three pieces; `sleep` runs until killed; `fetch`
/// fails as a reduce task that lost a map output does.
#[derive(Default)]
struct Echo {
    killed: AtomicBool,
}

impl TaskRunner for Echo {
    fn configure(&self, _: &[(String, String)]) {}

    fn run(
        &self,
        _payload_id: u64,
        payload: Arc<Vec<u8>>,
        task: &[u8],
        cancel: Arc<AtomicBool>,
        out: &mut dyn FnMut(Vec<u8>) -> bool,
    ) -> Result<Vec<u8>, RddError> {
        match task {
            b"sleep" => {
                let until = Instant::now() + Duration::from_secs(30);
                while Instant::now() < until {
                    if cancel.load(Ordering::SeqCst) {
                        self.killed.store(true, Ordering::SeqCst);
                        return Err(RddError::Cancelled);
                    }
                    std::thread::sleep(Duration::from_millis(10));
                }
                Ok(Vec::new())
            }
            b"fetch" => Err(RddError::FetchFailed {
                shuffle_id: 4,
                map_id: 2,
            }),
            _ => {
                for _ in 0..3 {
                    out(task.to_vec());
                }
                Ok(payload.as_ref().clone())
            }
        }
    }

    fn get(&self, _: &[u8]) -> Result<BlockIter, RddError> {
        Ok(Box::new(std::iter::empty()))
    }

    fn cleanup(&self, _: &[u8]) {}
}

fn outputs(task: &mut cluster::RunningTask) -> (Vec<Vec<u8>>, Result<Vec<u8>, RddError>) {
    let mut data = Vec::new();
    loop {
        match task.next_output() {
            Some(Ok(TaskOutput::Data(d))) => data.push(d),
            Some(Ok(TaskOutput::Done(summary))) => return (data, Ok(summary)),
            Some(Err(e)) => return (data, Err(e)),
            None => panic!("the task ended twice"),
        }
    }
}

#[test]
fn tasks_run_end_typed_and_are_killed_on_their_executor() {
    let opts = DriverOptions {
        heartbeat: Duration::from_millis(100),
        executor_timeout: Duration::from_secs(5),
        executor_wait: Duration::from_secs(2),
        settings: Vec::new(),
    };
    let driver = Driver::start("127.0.0.1:0", opts).unwrap();
    let runner = Arc::new(Echo::default());
    let executor = {
        let (runner, address) = (runner.clone(), driver.address().to_string());
        std::thread::spawn(move || {
            run_executor(
                ExecutorOptions {
                    driver: address,
                    executor_id: "e1".into(),
                    bind_host: "127.0.0.1".into(),
                    advertise_host: None,
                    port: 0,
                    cores: 1,
                    memory_mb: 64,
                    register_timeout: Duration::from_secs(10),
                },
                runner,
            )
        })
    };
    driver
        .wait_for_executors(1, Duration::from_secs(20))
        .unwrap();
    let never = Arc::new(|| false);
    let payload = Arc::new(b"summary".to_vec());

    let mut task = driver
        .run_task(1, &payload, b"hi".to_vec(), never.clone())
        .unwrap();
    let (data, end) = outputs(&mut task);
    assert_eq!(data, vec![b"hi".to_vec(); 3]);
    assert_eq!(end.unwrap(), b"summary");

    // A failure keeps its kind across the wire.
    let mut task = driver
        .run_task(1, &payload, b"fetch".to_vec(), never.clone())
        .unwrap();
    assert_eq!(
        outputs(&mut task).1,
        Err(RddError::FetchFailed {
            shuffle_id: 4,
            map_id: 2
        })
    );

    // Cancelled on the driver: killed on the executor, its slot free again.
    let cancel = Arc::new(AtomicBool::new(false));
    let flag = cancel.clone();
    let mut task = driver
        .run_task(
            2,
            &payload,
            b"sleep".to_vec(),
            Arc::new(move || flag.load(Ordering::SeqCst)),
        )
        .unwrap();
    std::thread::sleep(Duration::from_millis(200));
    cancel.store(true, Ordering::SeqCst);
    assert_eq!(outputs(&mut task).1, Err(RddError::Cancelled));
    let deadline = Instant::now() + Duration::from_secs(10);
    while !runner.killed.load(Ordering::SeqCst) {
        assert!(
            Instant::now() < deadline,
            "the task was not killed on its executor"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    let mut task = driver
        .run_task(1, &payload, b"again".to_vec(), never)
        .unwrap();
    assert!(outputs(&mut task).1.is_ok(), "the one slot is free again");
    let status = &driver.executors()[0];
    assert_eq!((status.finished, status.failed, status.running), (2, 2, 0));

    // The driver goes away; the executor notices and ends.
    drop(driver);
    let ended = executor.join().unwrap();
    assert!(ended.is_ok(), "{ended:?}");
}
