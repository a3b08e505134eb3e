//! Who is calling: the server's users and the token each proves itself
//! with. Tokens are never kept: the users file (`--users`) holds the
//! SHA-256 of each, one user a line,
//!
//! ```text
//! # name:sha256-of-token[:admin]
//! alice:2bb80d537b1da3e38bd30361aa855686bde0eacd7162fef6a25fe97bf527a25b
//! ops:5e884898da28047151d0e56f8dc6292773603d0d6aabbdd62a11ef721d1542d8:admin
//! ```
//!
//! (`printf %s "$TOKEN" | sha256sum` gives the hash). A request's bearer
//! token is hashed and looked up; what it creates (sessions, queries,
//! prepared statements) is its user's, and a user sees and touches only
//! their own — an admin sees all. `--token` alone is one admin user named
//! `admin`; a server with neither is open, everyone being one admin user
//! named `anonymous` (for a laptop, never a shared host).

use std::collections::HashSet;
use std::path::Path;

/// The user a request runs as.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Principal {
    /// The user's name, as the users file gives it.
    pub name: String,
    /// Admins see and may cancel everyone's sessions and queries.
    pub admin: bool,
}

impl Principal {
    /// The one user of a server without tokens.
    pub fn anonymous() -> Principal {
        Principal {
            name: "anonymous".into(),
            admin: true,
        }
    }

    /// True when this user may see or touch what `owner` created.
    pub fn may_access(&self, owner: &str) -> bool {
        self.admin || self.name == owner
    }
}

/// One line of the users file.
#[derive(Debug, Clone)]
struct User {
    principal: Principal,
    hash: [u8; 32],
}

/// The server's users; empty means an open server.
#[derive(Debug, Clone, Default)]
pub struct Users {
    users: Vec<User>,
}

/// The SHA-256 of a token, as the users file holds it.
pub fn hash_token(token: &str) -> [u8; 32] {
    let d = ring::digest::digest(&ring::digest::SHA256, token.as_bytes());
    let mut out = [0u8; 32];
    out.copy_from_slice(d.as_ref());
    out
}

/// A new secret from the system's random source, as 64 hex digits (the
/// bearer a Flight handshake hands out for a session).
pub fn new_secret() -> String {
    use ring::rand::SecureRandom;
    let mut bytes = [0u8; 32];
    ring::rand::SystemRandom::new()
        .fill(&mut bytes)
        .expect("the system's random source works");
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Compares without stopping at the first difference, so response times
/// say nothing about how much of a guess was right.
pub fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

fn parse_hex(s: &str) -> Option<[u8; 32]> {
    if s.len() != 64 || !s.is_ascii() {
        return None;
    }
    let mut out = [0u8; 32];
    for (i, b) in out.iter_mut().enumerate() {
        *b = u8::from_str_radix(&s[2 * i..2 * i + 2], 16).ok()?;
    }
    Some(out)
}

impl Users {
    /// The users of a server started with `token` (one admin, `admin`)
    /// and/or a users file's text.
    pub fn new(token: Option<&str>, file: Option<(&Path, &str)>) -> Result<Users, String> {
        let mut users = Vec::new();
        if let Some(t) = token {
            if t.trim().is_empty() {
                return Err("--token must not be empty".into());
            }
            users.push(User {
                principal: Principal {
                    name: "admin".into(),
                    admin: true,
                },
                hash: hash_token(t.trim()),
            });
        }
        if let Some((path, text)) = file {
            let listed = parse_file(path, text)?;
            if let Some(token_user) = users.first() {
                if let Some(u) = listed.iter().find(|u| {
                    u.principal.name == token_user.principal.name || u.hash == token_user.hash
                }) {
                    return Err(format!(
                        "{}: user '{}' clashes with --token's admin user 'admin' (same name or token)",
                        path.display(),
                        u.principal.name
                    ));
                }
            }
            users.extend(listed);
            if users.is_empty() {
                return Err(format!("{}: no users in the file", path.display()));
            }
        }
        Ok(Users { users })
    }

    /// Reads the users file at `path` (if given) for a server with `token`.
    pub fn load(token: Option<&str>, path: Option<&Path>) -> Result<Users, String> {
        match path {
            None => Users::new(token, None),
            Some(p) => {
                let text = std::fs::read_to_string(p)
                    .map_err(|e| format!("cannot read the users file {}: {e}", p.display()))?;
                Users::new(token, Some((p, &text)))
            }
        }
    }

    /// True when no token is needed (no users configured).
    pub fn is_open(&self) -> bool {
        self.users.is_empty()
    }

    /// The user whose token this is. Every entry is compared, whichever
    /// matches, so the time taken does not say which did.
    pub fn identify(&self, token: &str) -> Option<Principal> {
        if self.is_open() {
            return Some(Principal::anonymous());
        }
        let hash = hash_token(token.trim());
        let mut found = None;
        for u in &self.users {
            if constant_time_eq(&hash, &u.hash) && found.is_none() {
                found = Some(u.principal.clone());
            }
        }
        found
    }

    /// How many users there are.
    pub fn len(&self) -> usize {
        self.users.len()
    }

    /// True when there are none (an open server).
    pub fn is_empty(&self) -> bool {
        self.users.is_empty()
    }
}

fn parse_file(path: &Path, text: &str) -> Result<Vec<User>, String> {
    let mut users = Vec::new();
    let mut names = HashSet::new();
    let mut hashes = HashSet::new();
    for (n, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let at = || format!("{}:{}", path.display(), n + 1);
        let fields: Vec<&str> = line.split(':').map(str::trim).collect();
        let (name, hex, role) = match fields.as_slice() {
            [name, hex] => (*name, *hex, None),
            [name, hex, role] => (*name, *hex, Some(*role)),
            _ => return Err(format!("{}: expected name:sha256-hex[:admin]", at())),
        };
        if name.is_empty()
            || !name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "._-@".contains(c))
        {
            return Err(format!(
                "{}: a user name is letters, digits and . _ - @",
                at()
            ));
        }
        let hash = parse_hex(hex).ok_or_else(|| {
            format!(
                "{}: the token's SHA-256 as 64 hex digits (printf %s TOKEN | sha256sum), not a token",
                at()
            )
        })?;
        let admin = match role {
            None => false,
            Some(r) if r.eq_ignore_ascii_case("admin") => true,
            Some(r) => return Err(format!("{}: unknown role '{r}' (only admin)", at())),
        };
        if !names.insert(name.to_string()) {
            return Err(format!("{}: user '{name}' is listed twice", at()));
        }
        if !hashes.insert(hash) {
            return Err(format!("{}: two users have the same token", at()));
        }
        users.push(User {
            principal: Principal {
                name: name.to_string(),
                admin,
            },
            hash,
        });
    }
    Ok(users)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hex(token: &str) -> String {
        hash_token(token)
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect()
    }

    #[test]
    fn sha256_is_the_standard_one() {
        assert_eq!(
            hex("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }

    #[test]
    fn tokens_name_their_users() {
        let text = format!(
            "# users\n\nalice:{}\nops:{}:admin\n",
            hex("a-secret"),
            hex("o-secret")
        );
        let u = Users::new(None, Some((Path::new("users"), &text))).unwrap();
        assert_eq!(u.len(), 2);
        let alice = u.identify("a-secret").unwrap();
        assert_eq!((alice.name.as_str(), alice.admin), ("alice", false));
        assert!(u.identify("o-secret").unwrap().admin);
        assert_eq!(u.identify("nope"), None);
        assert_eq!(u.identify(&hex("a-secret")), None, "the hash is no token");
        assert!(alice.may_access("alice") && !alice.may_access("ops"));
    }

    #[test]
    fn the_shared_token_is_an_admin_and_no_users_is_open() {
        let u = Users::new(Some("t0k"), None).unwrap();
        assert_eq!(u.identify("t0k").unwrap().name, "admin");
        assert!(u.identify("other").is_none());
        // A file user cannot be --token's admin under another role.
        let clash = format!("admin:{}\n", hex("other"));
        let e = Users::new(Some("t0k"), Some((Path::new("u"), &clash))).unwrap_err();
        assert!(e.contains("clashes"), "{e}");
        let same_token = format!("bob:{}\n", hex("t0k"));
        assert!(Users::new(Some("t0k"), Some((Path::new("u"), &same_token))).is_err());
        let open = Users::new(None, None).unwrap();
        assert!(open.is_open());
        assert_eq!(open.identify("anything"), Some(Principal::anonymous()));
        assert!(Users::new(Some(" "), None).is_err());
    }

    #[test]
    fn bad_lines_say_where() {
        let p = Path::new("u.txt");
        let h = hex("x");
        for (text, says) in [
            (
                "alice:plain-token".to_string(),
                "u.txt:1: the token's SHA-256",
            ),
            (format!("alice:{h}\nbob:{h}"), "u.txt:2: two users"),
            (format!("alice:{h}\nalice:{}", hex("y")), "listed twice"),
            (format!("al ice:{h}"), "a user name"),
            (format!("alice:{h}:root"), "unknown role"),
            ("alice".into(), "expected name:sha256-hex"),
            ("# nobody\n".into(), "no users"),
        ] {
            let e = Users::new(None, Some((p, &text))).unwrap_err();
            assert!(e.contains(says), "{text}: {e}");
        }
    }
}
