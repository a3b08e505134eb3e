//! What `DESCRIBE FUNCTION [EXTENDED] name` prints for each built-in, in
//! Hive's layout: a usage line (`name(args) - what it returns`), and with
//! EXTENDED the details and examples. Written here, in our own words; the
//! test below keeps every function SHOW FUNCTIONS lists described.

mod part1;
mod part2;
mod part3;

/// The description of one function.
#[derive(Debug)]
pub struct FunctionDoc {
    /// Its name, lower case.
    pub name: &'static str,
    /// One line: `name(args) - what it returns`.
    pub usage: &'static str,
    /// Details and examples, for EXTENDED.
    pub extended: &'static str,
}

/// The description of `name` (any case), if written.
pub fn doc(name: &str) -> Option<&'static FunctionDoc> {
    let name = name.to_ascii_lowercase();
    part1::DOCS
        .iter()
        .chain(part2::DOCS)
        .chain(part3::DOCS)
        .find(|d| d.name == name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_listed_function_is_described_once() {
        let mut missing = Vec::new();
        let names: Vec<&str> = crate::functions::names()
            .into_iter()
            .chain(crate::functions::aggregate::names())
            .chain(["if"])
            .collect();
        for n in &names {
            match doc(n) {
                Some(d) => {
                    assert!(
                        d.usage.starts_with(&format!("{n}(")) || d.usage.starts_with(n),
                        "{n}: {}",
                        d.usage
                    );
                    assert!(!d.usage.contains('\n'), "{n}: one usage line");
                }
                None => missing.push(*n),
            }
        }
        assert!(missing.is_empty(), "no description for {missing:?}");
        let all: Vec<&str> = part1::DOCS
            .iter()
            .chain(part2::DOCS)
            .chain(part3::DOCS)
            .map(|d| d.name)
            .collect();
        let mut unique = all.clone();
        unique.sort();
        unique.dedup();
        assert_eq!(unique.len(), all.len(), "a function described twice");
    }
}
