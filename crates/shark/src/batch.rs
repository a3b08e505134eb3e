//! `Batch`: an Arrow record batch as an RDD element. It travels through
//! shuffles and spills as an Arrow IPC stream.

use arrow::ipc::reader::StreamReader;
use arrow::ipc::writer::StreamWriter;
use arrow::record_batch::RecordBatch;
use serde::de::Error as _;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A record batch that can be shuffled, spilled and cached.
#[derive(Debug, Clone)]
pub struct Batch(pub RecordBatch);

impl Serialize for Batch {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut bytes = Vec::new();
        {
            let mut w = StreamWriter::try_new(&mut bytes, &self.0.schema())
                .map_err(serde::ser::Error::custom)?;
            w.write(&self.0).map_err(serde::ser::Error::custom)?;
            w.finish().map_err(serde::ser::Error::custom)?;
        }
        s.serialize_bytes(&bytes)
    }
}

impl<'de> Deserialize<'de> for Batch {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let bytes: Vec<u8> = serde_bytes_vec(d)?;
        let mut reader =
            StreamReader::try_new(std::io::Cursor::new(bytes), None).map_err(D::Error::custom)?;
        match reader.next() {
            Some(Ok(b)) => Ok(Batch(b)),
            Some(Err(e)) => Err(D::Error::custom(e)),
            None => Err(D::Error::custom("empty batch stream")),
        }
    }
}

fn serde_bytes_vec<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<u8>, D::Error> {
    struct V;
    impl<'de> serde::de::Visitor<'de> for V {
        type Value = Vec<u8>;
        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("bytes")
        }
        fn visit_bytes<E: serde::de::Error>(self, v: &[u8]) -> Result<Vec<u8>, E> {
            Ok(v.to_vec())
        }
        fn visit_byte_buf<E: serde::de::Error>(self, v: Vec<u8>) -> Result<Vec<u8>, E> {
            Ok(v)
        }
        fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Vec<u8>, A::Error> {
            let mut out = Vec::new();
            while let Some(b) = seq.next_element::<u8>()? {
                out.push(b);
            }
            Ok(out)
        }
    }
    d.deserialize_bytes(V)
}

#[cfg(test)]
mod tests {
    use super::*;
    use arrow::array::{Int32Array, StringArray};
    use arrow::datatypes::{DataType, Field, Schema};
    use std::sync::Arc;

    #[test]
    fn batches_round_trip_through_the_engine_codec() {
        let schema = Arc::new(Schema::new(vec![
            Field::new("a", DataType::Int32, true),
            Field::new("b", DataType::Utf8, true),
        ]));
        let b = RecordBatch::try_new(
            schema,
            vec![
                Arc::new(Int32Array::from(vec![Some(1), None])),
                Arc::new(StringArray::from(vec![Some("x"), Some("y")])),
            ],
        )
        .unwrap();
        let bytes = rdd::codec::encode_all(&[Batch(b.clone())]).unwrap();
        let back: Vec<Batch> = rdd::codec::decode_all(&bytes).unwrap();
        assert_eq!(back[0].0, b);
    }
}
