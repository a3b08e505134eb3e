//! Graph input: edge lists from text files and generated power-law graphs.

use rdd::sample::{partition_seed, SplitMix64};
use rdd::{Context, Rdd, RddError, Result};

/// One directed edge: source, destination, weight.
pub type Edge = (u64, u64, f64);

/// Reads an edge list: one edge per line as `src dst` or `src dst weight`
/// (whitespace or comma separated; weight 1 when absent). Blank lines and
/// lines starting with `#` or `%` are skipped. A malformed line fails the
/// job with its text.
pub fn load_edge_list(ctx: &Context, path: &str, min_partitions: Option<usize>) -> Rdd<Edge> {
    ctx.text_file(path, min_partitions).flat_map(|line| {
        let trimmed = line.trim();
        if trimmed.is_empty() || trimmed.starts_with('#') || trimmed.starts_with('%') {
            return None;
        }
        match parse_edge(trimmed) {
            Some(e) => Some(e),
            None => {
                if let Some(tc) = rdd::TaskContext::get() {
                    tc.fail(RddError::InvalidArgument(format!(
                        "bad edge line '{trimmed}': expected 'src dst [weight]'"
                    )));
                }
                None
            }
        }
    })
}

fn parse_edge(line: &str) -> Option<Edge> {
    let mut parts = line
        .split(|c: char| c.is_whitespace() || c == ',')
        .filter(|s| !s.is_empty());
    let src = parts.next()?.parse().ok()?;
    let dst = parts.next()?.parse().ok()?;
    let weight = match parts.next() {
        Some(w) => w.parse().ok()?,
        None => 1.0,
    };
    if parts.next().is_some() {
        return None;
    }
    Some((src, dst, weight))
}

/// A power-law graph from the R-MAT model (a=0.57, b=0.19, c=0.19, d=0.05)
/// over `vertices` ids, with `edges` edges and weights in [1, 10). The same
/// seed gives the same graph. Generated inside the tasks.
pub fn generate_power_law(
    ctx: &Context,
    vertices: u64,
    edges: u64,
    seed: u64,
    partitions: usize,
) -> Result<Rdd<Edge>> {
    if vertices == 0 {
        return Err(RddError::InvalidArgument(
            "a graph needs at least one vertex".into(),
        ));
    }
    let scale = 64 - (vertices.max(2) - 1).leading_zeros();
    let partitions = partitions.max(1);
    Ok(ctx
        .range(0, partitions as i64, 1, Some(partitions))?
        .flat_map(move |p| {
            let p = p as u64;
            let count = edges / partitions as u64 + u64::from(p < edges % partitions as u64);
            let mut rng = SplitMix64::new(partition_seed(seed, p as usize));
            (0..count)
                .map(move |_| {
                    let (mut src, mut dst) = (0u64, 0u64);
                    for _ in 0..scale {
                        let r = rng.next_f64();
                        let (sb, db) = if r < 0.57 {
                            (0, 0)
                        } else if r < 0.76 {
                            (0, 1)
                        } else if r < 0.95 {
                            (1, 0)
                        } else {
                            (1, 1)
                        };
                        src = src << 1 | sb;
                        dst = dst << 1 | db;
                    }
                    let w = 1.0 + (rng.next_f64() * 9.0 * 100.0).floor() / 100.0;
                    (src % vertices, dst % vertices, w)
                })
                .collect::<Vec<_>>()
        }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edge_lines_parse() {
        assert_eq!(parse_edge("1 2"), Some((1, 2, 1.0)));
        assert_eq!(parse_edge("1\t2\t0.5"), Some((1, 2, 0.5)));
        assert_eq!(parse_edge("3,4"), Some((3, 4, 1.0)));
        assert_eq!(parse_edge("x 2"), None);
        assert_eq!(parse_edge("1 2 3 4"), None);
    }
}
