//! Text input and output: byte-range splits aligned to lines, CRLF, gzip,
//! directories and globs, missing paths, and committed text output.

mod common;
use common::{each_master, sorted};
use rdd::{Context, RddError};
use std::io::Write;

fn write(path: &std::path::Path, text: &str) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

#[test]
fn every_line_is_read_exactly_once_whatever_the_split_size() {
    let dir = tempfile::tempdir().unwrap();
    let lines: Vec<String> = (0..2000)
        .map(|i| format!("line number {i} {}", "x".repeat(i % 37)))
        .collect();
    let path = dir.path().join("data.txt");
    write(&path, &(lines.join("\n") + "\n"));
    each_master(|ctx| {
        for min in [1, 2, 3, 7, 64, 1000] {
            let rdd = ctx.text_file(path.to_str().unwrap(), Some(min));
            assert!(rdd.num_partitions() >= min.min(1000), "min {min}");
            assert_eq!(rdd.collect().unwrap(), lines, "min_partitions {min}");
        }
    });
}

#[test]
fn crlf_missing_final_newline_and_empty_lines() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("crlf.txt");
    write(&path, "a\r\nbb\r\n\r\nccc");
    let ctx = Context::new("local[2]", "crlf").unwrap();
    for min in [1, 2, 4, 9] {
        assert_eq!(
            ctx.text_file(path.to_str().unwrap(), Some(min))
                .collect()
                .unwrap(),
            vec!["a", "bb", "", "ccc"]
        );
    }
}

#[test]
fn directories_globs_gzip_and_hidden_files() {
    let dir = tempfile::tempdir().unwrap();
    write(&dir.path().join("in/part-00000"), "a\nb\n");
    write(&dir.path().join("in/part-00001"), "c\n");
    write(&dir.path().join("in/_SUCCESS"), "");
    write(&dir.path().join("in/.part-00000.crc"), "junk\n");
    let gz = dir.path().join("in/part-00002.gz");
    let mut enc = flate2::write::GzEncoder::new(
        std::fs::File::create(&gz).unwrap(),
        flate2::Compression::default(),
    );
    enc.write_all(b"d\ne\n").unwrap();
    enc.finish().unwrap();
    let ctx = Context::new("local[2]", "dirs").unwrap();
    let all = ctx.text_file(dir.path().join("in").to_str().unwrap(), None);
    assert_eq!(
        sorted(all.collect().unwrap()),
        vec!["a", "b", "c", "d", "e"]
    );
    let glob = format!("{}/in/part-0000[01]", dir.path().display());
    assert_eq!(
        sorted(ctx.text_file(&glob, None).collect().unwrap()),
        vec!["a", "b", "c"]
    );
    let list = format!("{}/in/part-00001,{}", dir.path().display(), gz.display());
    assert_eq!(
        sorted(ctx.text_file(&list, Some(4)).collect().unwrap()),
        vec!["c", "d", "e"]
    );
    let whole = ctx
        .whole_text_files(dir.path().join("in").to_str().unwrap(), Some(2))
        .collect()
        .unwrap();
    assert_eq!(whole.len(), 3);
    assert!(whole
        .iter()
        .any(|(p, t)| p.ends_with("part-00002.gz") && t == "d\ne\n"));
}

#[test]
fn a_missing_path_fails_the_action_not_the_process() {
    let ctx = Context::new("local[2]", "missing").unwrap();
    let rdd = ctx.text_file("/definitely/not/here.txt", None);
    let lengths = rdd.map(|l| l.len());
    match lengths.count() {
        Err(RddError::InputNotFound(p)) => assert!(p.contains("/definitely/not/here.txt")),
        other => panic!("expected InputNotFound, got {other:?}"),
    }
    assert!(matches!(
        ctx.text_file("/nowhere/*.txt", None).count(),
        Err(RddError::InputNotFound(_))
    ));
    // The context is still usable.
    assert_eq!(ctx.parallelize(vec![1, 2, 3], None).count().unwrap(), 3);
}

#[test]
fn save_as_text_file_commits_parts_and_success_marker() {
    let dir = tempfile::tempdir().unwrap();
    each_master(|ctx| {
        let out = dir.path().join(format!("out-{}", ctx.master()));
        let data: Vec<i32> = (0..100).collect();
        ctx.parallelize(data.clone(), Some(3))
            .save_as_text_file(out.to_str().unwrap())
            .unwrap();
        let mut names: Vec<String> = std::fs::read_dir(&out)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
            .collect();
        names.sort();
        assert_eq!(
            names,
            vec!["_SUCCESS", "part-00000", "part-00001", "part-00002"]
        );
        let back: Vec<i32> = ctx
            .text_file(out.to_str().unwrap(), None)
            .map(|l| l.parse().unwrap())
            .collect()
            .unwrap();
        assert_eq!(back, data);
        // An existing directory is an error, as in Spark.
        assert!(matches!(
            ctx.parallelize(vec![1], None)
                .save_as_text_file(out.to_str().unwrap()),
            Err(RddError::OutputExists(_))
        ));
    });
}

#[test]
fn a_failed_save_leaves_no_output() {
    let dir = tempfile::tempdir().unwrap();
    let ctx = Context::new("local[2]", "failsave").unwrap();
    let out = dir.path().join("never");
    let result = ctx
        .parallelize((0..10).collect::<Vec<i32>>(), Some(2))
        .map(|x| if x == 7 { panic!("bad record {x}") } else { x })
        .save_as_text_file(out.to_str().unwrap());
    let err = result.unwrap_err().to_string();
    assert!(err.contains("bad record 7"), "{err}");
    assert!(!out.exists());
    let leftovers: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
    assert!(leftovers.is_empty(), "staging folder left behind");
}
