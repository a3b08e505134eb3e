//! Server sessions: a `shark::Session` per client session, so `SET`, `USE`
//! and variables persist between requests. Its statements run one at a
//! time (a FIFO lock: later queries wait, queued); unused sessions expire.

use crate::policy::Vars;
use crate::users::Principal;
use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

/// One client session.
pub struct ServerSession {
    /// Its id, as clients send it (not a secret: it names the session,
    /// the owner's token grants the use of it).
    pub id: String,
    /// The user it belongs to.
    pub owner: Principal,
    /// The bearer a Flight client holds for it: a secret, unlike the id.
    pub secret: String,
    /// When it was created.
    pub created_at: chrono::DateTime<chrono::Utc>,
    /// The engine session; held by the query running in it.
    pub engine: Arc<tokio::sync::Mutex<shark::Session>>,
    /// The session's variables, mirrored for the statement checks.
    pub vars: Mutex<Vars>,
    /// Its current database after the last statement.
    pub database: Mutex<String>,
    last_used: Mutex<Instant>,
    active: AtomicUsize,
    provisional: AtomicBool,
}

/// How long a provisional session lives unused: one a Flight call opened
/// on its own, whose client may never use it again.
pub const PROVISIONAL_IDLE: Duration = Duration::from_secs(60);

/// Marks a session in use while alive (it does not expire meanwhile).
pub struct InUse(Arc<ServerSession>);

impl Drop for InUse {
    fn drop(&mut self) {
        self.0.touch();
        self.0.active.fetch_sub(1, Ordering::SeqCst);
    }
}

impl ServerSession {
    /// A session around an engine session.
    pub fn new(id: String, engine: shark::Session, vars: Vars, owner: Principal) -> ServerSession {
        ServerSession {
            id,
            owner,
            secret: crate::users::new_secret(),
            created_at: chrono::Utc::now(),
            database: Mutex::new(engine.database().to_string()),
            engine: Arc::new(tokio::sync::Mutex::new(engine)),
            vars: Mutex::new(vars),
            last_used: Mutex::new(Instant::now()),
            active: AtomicUsize::new(0),
            provisional: AtomicBool::new(false),
        }
    }

    /// Marks the session provisional: it expires after
    /// [`PROVISIONAL_IDLE`] unless a client comes back to it.
    pub fn provisional(self) -> Self {
        self.provisional.store(true, Ordering::SeqCst);
        self
    }

    /// A client came back to the session: it lives as any other now.
    pub fn adopt(&self) {
        self.provisional.store(false, Ordering::SeqCst);
        self.touch();
    }

    /// The mirrored variables, locked.
    pub fn vars(&self) -> MutexGuard<'_, Vars> {
        self.vars.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The current database.
    pub fn database(&self) -> String {
        self.database
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    /// Records the database the session is in now.
    pub fn set_database(&self, db: &str) {
        *self.database.lock().unwrap_or_else(|e| e.into_inner()) = db.to_string();
    }

    fn touch(&self) {
        *self.last_used.lock().unwrap_or_else(|e| e.into_inner()) = Instant::now();
    }

    /// How long it has been unused.
    pub fn idle(&self) -> Duration {
        if self.active.load(Ordering::SeqCst) > 0 {
            return Duration::ZERO;
        }
        self.last_used
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .elapsed()
    }

    /// True while a query of the session is queued or running.
    pub fn busy(&self) -> bool {
        self.active.load(Ordering::SeqCst) > 0
    }

    /// Keeps the session from expiring until the guard drops.
    pub fn use_it(self: &Arc<Self>) -> InUse {
        self.active.fetch_add(1, Ordering::SeqCst);
        self.touch();
        InUse(self.clone())
    }
}

/// Live sessions by id (and by Flight bearer).
#[derive(Default)]
pub struct Sessions {
    map: Mutex<HashMap<String, Arc<ServerSession>>>,
    by_secret: Mutex<HashMap<String, String>>,
}

impl Sessions {
    fn lock(&self) -> MutexGuard<'_, HashMap<String, Arc<ServerSession>>> {
        self.map.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn secrets(&self) -> MutexGuard<'_, HashMap<String, String>> {
        self.by_secret.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Registers a session.
    pub fn insert(&self, s: Arc<ServerSession>) {
        self.secrets().insert(s.secret.clone(), s.id.clone());
        self.lock().insert(s.id.clone(), s);
    }

    /// A session by id, whoever owns it (for the server's own use).
    pub fn get(&self, id: &str) -> Option<Arc<ServerSession>> {
        self.lock().get(id).cloned()
    }

    /// A session by id if `user` may use it: to anyone else it does not
    /// exist (an id is no credential).
    pub fn get_for(&self, id: &str, user: &Principal) -> Option<Arc<ServerSession>> {
        self.get(id).filter(|s| user.may_access(&s.owner.name))
    }

    /// The session a Flight bearer names.
    pub fn by_secret(&self, secret: &str) -> Option<Arc<ServerSession>> {
        let id = self.secrets().get(secret).cloned()?;
        self.get(&id)
    }

    /// Ends a session; `false` if there was none.
    pub fn remove(&self, id: &str) -> bool {
        match self.lock().remove(id) {
            Some(s) => {
                self.secrets().remove(&s.secret);
                true
            }
            None => false,
        }
    }

    /// Sessions open now.
    pub fn len(&self) -> usize {
        self.lock().len()
    }

    /// True with no session open.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Ends sessions unused for longer than `idle`; how many ended.
    pub fn expire(&self, idle: Duration) -> usize {
        let mut m = self.lock();
        let before = m.len();
        let mut ended = Vec::new();
        m.retain(|_, s| {
            let limit = if s.provisional.load(Ordering::SeqCst) {
                idle.min(PROVISIONAL_IDLE)
            } else {
                idle
            };
            let keep = s.idle() <= limit;
            if !keep {
                ended.push(s.secret.clone());
            }
            keep
        });
        let n = before - m.len();
        drop(m);
        let mut secrets = self.secrets();
        for s in ended {
            secrets.remove(&s);
        }
        n
    }
}
