//! The cache-aware path of `Rdd::iterator`: read a persisted partition from
//! the block store, or compute it, store it and hand it out.

use crate::error::{RddError, Result};
use crate::rdd::{BoxIter, Data, Rdd};
use crate::scheduler::task::TaskContext;
use crate::storage::block_store::{BlockData, EncodeFn};
use crate::storage::{BlockCodec, Persistence};
use std::any::Any;
use std::sync::Arc;

pub(crate) fn get_or_compute<T: Data>(
    rdd: &Rdd<T>,
    persistence: &Persistence,
    split: usize,
    tc: &Arc<TaskContext>,
) -> Result<BoxIter<T>> {
    let store = tc.ctx.block_store();
    let id = (rdd.id(), split);
    let codec = persistence
        .codec
        .clone()
        .downcast::<BlockCodec<T>>()
        .map_err(|_| RddError::missing_codec())?;
    match store.get(id)? {
        Some(BlockData::Memory(value)) => {
            if let Ok(values) = value.clone().downcast::<Vec<T>>() {
                return Ok(Box::new(SharedIter { values, pos: 0 }));
            }
            if let Ok(bytes) = value.downcast::<Encoded>() {
                return Ok(Box::new((codec.decode)(&bytes.0)?.into_iter()));
            }
            return Err(RddError::missing_codec());
        }
        Some(BlockData::Disk(bytes)) => {
            return Ok(Box::new((codec.decode)(&bytes)?.into_iter()));
        }
        None => {}
    }
    let values: Vec<T> = rdd.inner.compute(split, tc)?.collect();
    if let Some(e) = tc.take_error() {
        return Err(e);
    }
    let level = persistence.level;
    let (stored, bytes): (Arc<dyn Any + Send + Sync>, u64) = if level.serialized && level.use_memory
    {
        let encoded = (codec.encode)(&values)?;
        let n = encoded.len() as u64;
        (Arc::new(Encoded(encoded)), n)
    } else {
        let n = (codec.estimate)(&values) as u64;
        (Arc::new(values.clone()), n)
    };
    let enc = codec.clone();
    let encode: EncodeFn = Arc::new(move |value: &(dyn Any + Send + Sync)| {
        if let Some(v) = value.downcast_ref::<Vec<T>>() {
            (enc.encode)(v)
        } else if let Some(b) = value.downcast_ref::<Encoded>() {
            Ok(b.0.clone())
        } else {
            Err(RddError::missing_codec())
        }
    });
    store.put(id, stored, bytes, level, encode)?;
    Ok(Box::new(values.into_iter()))
}

/// A partition held encoded in memory (serialized storage levels).
struct Encoded(Vec<u8>);

/// Iterates a cached partition without copying the vector.
struct SharedIter<T> {
    values: Arc<Vec<T>>,
    pos: usize,
}

impl<T: Clone> Iterator for SharedIter<T> {
    type Item = T;
    fn next(&mut self) -> Option<T> {
        let v = self.values.get(self.pos)?.clone();
        self.pos += 1;
        Some(v)
    }
}
