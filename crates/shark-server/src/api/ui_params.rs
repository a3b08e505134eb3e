//! Paging of the UI's lists: `offset` and `length` as Spark's REST API
//! takes them, with a cap so no request builds a huge page.

use crate::error::{ApiError, ApiResult};

/// The default page: what the UI shows at once.
pub(super) const DEFAULT_LENGTH: usize = 100;

/// The largest page one request gets.
pub(super) const MAX_LENGTH: usize = 1000;

/// One page of a list.
pub(super) struct Page<'a, T> {
    /// Where it starts.
    pub offset: usize,
    /// Its items.
    pub items: &'a [T],
}

/// Items `offset..offset+length` of `all` (an offset past the end gives
/// an empty page); `length` above the cap is an error, so a client learns
/// the limit rather than silently getting less.
pub(super) fn page<T>(
    all: &[T],
    offset: Option<usize>,
    length: Option<usize>,
) -> ApiResult<Page<'_, T>> {
    let length = length.unwrap_or(DEFAULT_LENGTH);
    if length > MAX_LENGTH {
        return Err(ApiError::request(format!(
            "length {length} is above the largest page, {MAX_LENGTH}"
        )));
    }
    let offset = offset.unwrap_or(0);
    let start = offset.min(all.len());
    let end = start.saturating_add(length).min(all.len());
    Ok(Page {
        offset,
        items: &all[start..end],
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_are_clipped_and_capped() {
        let v: Vec<u32> = (0..250).collect();
        assert_eq!(page(&v, None, None).unwrap().items.len(), 100);
        let p = page(&v, Some(200), Some(100)).unwrap();
        assert_eq!((p.offset, p.items.len(), p.items[0]), (200, 50, 200));
        assert!(page(&v, Some(999), None).unwrap().items.is_empty());
        assert!(page(&v, None, Some(5000)).is_err());
    }
}
