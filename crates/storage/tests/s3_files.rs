//! The file operations against a real S3-compatible server (moto).

use std::path::{Path, PathBuf};
use storage::testing::S3Server;

fn bucket(name: &str) -> Option<PathBuf> {
    let server = S3Server::shared()?;
    server.create_bucket(name);
    Some(PathBuf::from(format!("s3://{name}")))
}

#[test]
fn files_are_written_listed_read_and_deleted() {
    let Some(root) = bucket("files") else { return };
    let dir = root.join("wh/t");
    storage::write(&dir.join("a"), "hello\nworld\n".into()).unwrap();
    storage::write(&dir.join("p=1/b"), "x".into()).unwrap();
    storage::write(&dir.join("_SUCCESS"), "".into()).unwrap();
    storage::write(&dir.join(".hidden/c"), "y".into()).unwrap();
    let names = |v: Vec<(PathBuf, u64)>| -> Vec<String> {
        v.into_iter()
            .map(|(p, n)| format!("{}:{n}", p.display()))
            .collect()
    };
    assert_eq!(
        names(storage::list_files(&dir, false).unwrap()),
        ["s3://files/wh/t/a:12"]
    );
    assert_eq!(
        names(storage::list_files(&dir, true).unwrap()),
        ["s3://files/wh/t/a:12", "s3://files/wh/t/p=1/b:1"]
    );
    assert_eq!(
        storage::list_dirs(&dir).unwrap(),
        [dir.join(".hidden"), dir.join("p=1")]
    );
    assert!(storage::is_dir(&dir).unwrap());
    assert!(!storage::is_dir(&dir.join("a")).unwrap());
    assert!(storage::exists(&dir.join("a")).unwrap());
    assert!(!storage::exists(&dir.join("zz")).unwrap());
    assert!(storage::list_files(&root.join("nothing"), true)
        .unwrap_err()
        .is_not_found());
    assert_eq!(storage::file_size(&dir.join("a")).unwrap(), 12);
    assert_eq!(
        &storage::read(&dir.join("a")).unwrap()[..],
        b"hello\nworld\n"
    );
    assert_eq!(
        &storage::read_range(&dir.join("a"), 6..11).unwrap()[..],
        b"world"
    );
    let mut rest = String::new();
    std::io::Read::read_to_string(&mut storage::open(&dir.join("a"), 6).unwrap(), &mut rest)
        .unwrap();
    assert_eq!(rest, "world\n");
    storage::copy_file(&dir.join("a"), &dir.join("a2")).unwrap();
    assert_eq!(storage::file_size(&dir.join("a2")).unwrap(), 12);
    storage::delete_file(&dir.join("a2")).unwrap();
    storage::delete_file(&dir.join("a2")).unwrap();
    storage::delete_dir(&dir).unwrap();
    assert!(!storage::exists(&dir).unwrap());
    assert!(
        storage::delete_dir(&root).is_err(),
        "a bucket is never emptied"
    );
}

#[test]
fn large_files_upload_in_parts_and_download_whole() {
    let Some(root) = bucket("large") else { return };
    let dir = tempfile::tempdir().unwrap();
    let local = dir.path().join("big");
    let data: Vec<u8> = (0..40u32 << 20).map(|i| (i % 251) as u8).collect();
    std::fs::write(&local, &data).unwrap();
    let remote = root.join("big");
    storage::upload(&local, &remote).unwrap();
    assert_eq!(storage::file_size(&remote).unwrap(), data.len() as u64);
    let back = storage::read_range(&remote, (30 << 20)..(30 << 20) + 10).unwrap();
    assert_eq!(&back[..], &data[30 << 20..(30 << 20) + 10]);
    let copy = dir.path().join("back");
    storage::copy_file(&remote, &copy).unwrap();
    assert_eq!(std::fs::read(&copy).unwrap(), data);
}

#[test]
fn a_missing_bucket_or_scheme_is_a_clear_error() {
    if S3Server::shared().is_none() {
        return;
    }
    let e = storage::read(Path::new("s3://no-such-bucket/x")).unwrap_err();
    assert!(e.to_string().contains("s3://no-such-bucket/x"), "{e}");
    let e = storage::read(Path::new("gs://b/x")).unwrap_err();
    assert!(e.to_string().contains("unsupported file system"), "{e}");
}

#[test]
fn an_unreachable_store_is_an_error_not_an_empty_location() {
    if S3Server::shared().is_none() {
        return;
    }
    // A bucket configured to a port nothing listens on.
    storage::config::set(
        "fs.s3a.bucket.shark-down.endpoint",
        Some("http://127.0.0.1:9"),
    );
    storage::config::set("fs.s3a.bucket.shark-down.attempts.maximum", Some("0"));
    let e = storage::exists(Path::new("s3://shark-down/x")).unwrap_err();
    assert!(!e.is_not_found(), "{e}");
    assert!(storage::is_dir(Path::new("s3://shark-down/x")).is_err());
}

#[test]
fn locations_have_one_spelling() {
    let c = storage::canonical_name;
    assert_eq!(c("s3a://b//wh/t/"), "s3://b/wh/t");
    assert_eq!(c("S3N://b"), "s3://b");
    assert_eq!(c("/data/wh/"), "/data/wh");
    assert_eq!(c("/"), "/");
}
