//! Which columns of a file a scan reads for the columns a table wants.

/// For each wanted column, its position in the file (`in_file`, None when
/// the file lacks it): the file columns to read (sorted and distinct, as
/// readers return them) and each wanted column's position among those.
pub fn roots_and_positions(in_file: &[Option<usize>]) -> (Vec<usize>, Vec<Option<usize>>) {
    let mut roots: Vec<usize> = in_file.iter().flatten().copied().collect();
    roots.sort_unstable();
    roots.dedup();
    let positions = in_file
        .iter()
        .map(|f| f.map(|i| roots.binary_search(&i).expect("collected above")))
        .collect();
    (roots, positions)
}

#[cfg(test)]
mod tests {
    #[test]
    fn repeated_and_missing_columns() {
        let (roots, pos) = super::roots_and_positions(&[Some(4), None, Some(1), Some(4)]);
        assert_eq!(roots, vec![1, 4]);
        assert_eq!(pos, vec![Some(1), None, Some(0), Some(1)]);
    }
}
