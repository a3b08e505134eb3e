//! Shark's own ORC encoder, for the column types orc-rust's writer does
//! not store (DECIMAL, ARRAY, MAP, STRUCT) and whatever sits beside them.
//!
//! It writes ORC's version-1 encodings, which every ORC reader takes:
//! integers as run-length literals (RLE v1) of base-128 varints, bytes and
//! booleans as byte-RLE literals, strings and binary DIRECT (bytes plus
//! lengths), decimals as zigzag varints of the unscaled value with the
//! scale beside, timestamps as seconds from 2015-01-01 plus ORC's packed
//! nanoseconds. Streams and the footer are ZLIB-compressed (raw DEFLATE in
//! chunks with ORC's 3-byte headers). No row index or statistics are
//! written; readers then read every row group.

use crate::{OrcError, Result};
use arrow::array::{
    Array, ArrayRef, AsArray, BooleanArray, GenericBinaryArray, GenericListArray,
    GenericStringArray, PrimitiveArray, UInt32Array,
};
use arrow::datatypes::{
    ArrowPrimitiveType, DataType, Date32Type, Decimal128Type, Float32Type, Float64Type, Int16Type,
    Int32Type, Int64Type, Int8Type, Schema, TimeUnit, TimestampMicrosecondType,
    TimestampMillisecondType, TimestampNanosecondType, TimestampSecondType,
};
use orc_rust::proto;
use prost::Message;
use std::io::Write;

/// Seconds from the Unix epoch to 2015-01-01 00:00:00 UTC, ORC's base for
/// timestamp seconds.
const TIMESTAMP_BASE: i64 = 1_420_070_400;
/// Uncompressed bytes per compression chunk.
const CHUNK: usize = 256 * 1024;
/// Bytes buffered before a stripe is written.
pub(crate) const STRIPE_BYTES: usize = 32 * 1024 * 1024;

/// Whether `t` is one of the flat types both ORC writers here store.
pub(crate) fn primitive(t: &DataType) -> bool {
    matches!(
        t,
        DataType::Boolean
            | DataType::Int8
            | DataType::Int16
            | DataType::Int32
            | DataType::Int64
            | DataType::Float32
            | DataType::Float64
            | DataType::Utf8
            | DataType::LargeUtf8
            | DataType::Binary
            | DataType::LargeBinary
            | DataType::Date32
            | DataType::Timestamp(_, None)
    )
}

/// Whether this encoder stores a column of type `t`.
pub(crate) fn encodable(t: &DataType) -> bool {
    match t {
        DataType::Decimal128(..) => true,
        DataType::List(f) | DataType::LargeList(f) => encodable(f.data_type()),
        DataType::Map(f, _) => match f.data_type() {
            DataType::Struct(kv) if kv.len() == 2 => kv.iter().all(|c| encodable(c.data_type())),
            _ => false,
        },
        DataType::Struct(fields) => fields.iter().all(|c| encodable(c.data_type())),
        other => primitive(other),
    }
}

/// One ORC column (a node of the type tree) and the streams of the stripe
/// being built.
struct Column {
    id: u32,
    data_type: DataType,
    present: Bits,
    any_null: bool,
    /// Values (non-null rows) and whether a NULL was seen, over the file.
    values: u64,
    had_null: bool,
    data: Vec<u8>,
    bools: Bits,
    length: Vec<u8>,
    secondary: Vec<u8>,
    children: Vec<Column>,
}

/// Booleans packed most significant bit first.
#[derive(Default)]
struct Bits {
    bytes: Vec<u8>,
    count: usize,
}

impl Bits {
    fn push(&mut self, v: bool) {
        if self.count.is_multiple_of(8) {
            self.bytes.push(0);
        }
        if v {
            *self.bytes.last_mut().expect("pushed") |= 0x80 >> (self.count % 8);
        }
        self.count += 1;
    }
}

impl Column {
    fn new(data_type: &DataType, next_id: &mut u32) -> Column {
        let id = *next_id;
        *next_id += 1;
        let children = match data_type {
            DataType::List(f) | DataType::LargeList(f) => vec![Column::new(f.data_type(), next_id)],
            DataType::Map(f, _) => match f.data_type() {
                DataType::Struct(kv) => kv
                    .iter()
                    .map(|c| Column::new(c.data_type(), next_id))
                    .collect(),
                _ => vec![],
            },
            DataType::Struct(fields) => fields
                .iter()
                .map(|c| Column::new(c.data_type(), next_id))
                .collect(),
            _ => vec![],
        };
        Column {
            id,
            data_type: data_type.clone(),
            present: Bits::default(),
            any_null: false,
            values: 0,
            had_null: false,
            data: Vec::new(),
            bools: Bits::default(),
            length: Vec::new(),
            secondary: Vec::new(),
            children,
        }
    }

    /// The ORC types of this column and its children, in column id order.
    fn types(&self, out: &mut Vec<proto::Type>) {
        use proto::r#type::Kind;
        let kind = match &self.data_type {
            DataType::Boolean => Kind::Boolean,
            DataType::Int8 => Kind::Byte,
            DataType::Int16 => Kind::Short,
            DataType::Int32 => Kind::Int,
            DataType::Int64 => Kind::Long,
            DataType::Float32 => Kind::Float,
            DataType::Float64 => Kind::Double,
            DataType::Utf8 | DataType::LargeUtf8 => Kind::String,
            DataType::Binary | DataType::LargeBinary => Kind::Binary,
            DataType::Date32 => Kind::Date,
            DataType::Timestamp(..) => Kind::Timestamp,
            DataType::Decimal128(..) => Kind::Decimal,
            DataType::List(_) | DataType::LargeList(_) => Kind::List,
            DataType::Map(..) => Kind::Map,
            _ => Kind::Struct,
        };
        let mut t = proto::Type {
            kind: Some(kind.into()),
            subtypes: self.children.iter().map(|c| c.id).collect(),
            ..Default::default()
        };
        if let DataType::Decimal128(p, s) = self.data_type {
            t.precision = Some(u32::from(p));
            t.scale = Some(s.max(0) as u32);
        }
        if let DataType::Struct(fields) = &self.data_type {
            t.field_names = fields.iter().map(|f| f.name().clone()).collect();
        }
        out.push(t);
        for c in &self.children {
            c.types(out);
        }
    }

    /// Appends the rows of `array` (this column's values for the rows its
    /// parent holds).
    fn write(&mut self, array: &ArrayRef) -> Result<()> {
        for i in 0..array.len() {
            let valid = array.is_valid(i);
            self.present.push(valid);
            self.any_null |= !valid;
        }
        let nulls = array.null_count();
        self.values += (array.len() - nulls) as u64;
        self.had_null |= nulls > 0;
        let valid = |i: usize| array.is_valid(i);
        let n = array.len();
        match &self.data_type {
            DataType::Boolean => {
                let a: &BooleanArray = array.as_boolean();
                for i in (0..n).filter(|&i| valid(i)) {
                    self.bools.push(a.value(i));
                }
            }
            DataType::Int8 => {
                let a = array.as_primitive::<Int8Type>();
                let bytes: Vec<u8> = (0..n)
                    .filter(|&i| valid(i))
                    .map(|i| a.value(i) as u8)
                    .collect();
                byte_rle(&bytes, &mut self.data);
            }
            DataType::Int16 => self.signed(array.as_primitive::<Int16Type>(), i64::from),
            DataType::Int32 => self.signed(array.as_primitive::<Int32Type>(), i64::from),
            DataType::Int64 => self.signed(array.as_primitive::<Int64Type>(), |v| v),
            DataType::Date32 => self.signed(array.as_primitive::<Date32Type>(), i64::from),
            DataType::Float32 => {
                let a = array.as_primitive::<Float32Type>();
                for i in (0..n).filter(|&i| valid(i)) {
                    self.data.extend_from_slice(&a.value(i).to_le_bytes());
                }
            }
            DataType::Float64 => {
                let a = array.as_primitive::<Float64Type>();
                for i in (0..n).filter(|&i| valid(i)) {
                    self.data.extend_from_slice(&a.value(i).to_le_bytes());
                }
            }
            DataType::Utf8 => self.bytes_of(array.as_string::<i32>()),
            DataType::LargeUtf8 => self.bytes_of(array.as_string::<i64>()),
            DataType::Binary => self.binary_of(array.as_binary::<i32>()),
            DataType::LargeBinary => self.binary_of(array.as_binary::<i64>()),
            DataType::Decimal128(_, s) => {
                let a = array.as_primitive::<Decimal128Type>();
                let scale = zigzag(i64::from(*s));
                for i in (0..n).filter(|&i| valid(i)) {
                    varint(zigzag128(a.value(i)), &mut self.data);
                }
                int_rle(
                    (0..n).filter(|&i| valid(i)).map(|_| scale),
                    &mut self.secondary,
                );
            }
            DataType::Timestamp(unit, None) => {
                // Seconds and nanoseconds from the stored unit itself: a cast
                // to nanoseconds would lose years outside 1677-2262.
                let (a, per) = match unit {
                    TimeUnit::Second => (array.as_primitive::<TimestampSecondType>().values(), 1),
                    TimeUnit::Millisecond => (
                        array.as_primitive::<TimestampMillisecondType>().values(),
                        1_000,
                    ),
                    TimeUnit::Microsecond => (
                        array.as_primitive::<TimestampMicrosecondType>().values(),
                        1_000_000,
                    ),
                    TimeUnit::Nanosecond => (
                        array.as_primitive::<TimestampNanosecondType>().values(),
                        1_000_000_000,
                    ),
                };
                let (mut secs, mut nanos) = (Vec::new(), Vec::new());
                for i in (0..n).filter(|&i| valid(i)) {
                    let t: i64 = a[i];
                    let s = t.div_euclid(per);
                    let ns = t.rem_euclid(per) * (1_000_000_000 / per);
                    // Readers take a second off negative times with at
                    // least a millisecond of fraction; store it one up.
                    let stored = if s < 0 && ns > 999_999 { s + 1 } else { s };
                    secs.push(zigzag(stored - TIMESTAMP_BASE));
                    nanos.push(packed_nanos(ns as u64));
                }
                int_rle(secs.into_iter(), &mut self.data);
                int_rle(nanos.into_iter(), &mut self.secondary);
            }
            DataType::List(_) => self.list(array.as_list::<i32>())?,
            DataType::LargeList(_) => self.list(array.as_list::<i64>())?,
            DataType::Map(..) => {
                let a = array.as_map();
                let offsets: Vec<(usize, usize)> = (0..n)
                    .filter(|&i| valid(i))
                    .map(|i| {
                        (
                            a.value_offsets()[i] as usize,
                            a.value_offsets()[i + 1] as usize,
                        )
                    })
                    .collect();
                int_rle(
                    offsets.iter().map(|(s, e)| (e - s) as u64),
                    &mut self.length,
                );
                let take = ranges(&offsets);
                let keys = arrow::compute::take(a.keys().as_ref(), &take, None)?;
                let values = arrow::compute::take(a.values().as_ref(), &take, None)?;
                self.children[0].write(&keys)?;
                self.children[1].write(&values)?;
            }
            DataType::Struct(_) => {
                let a = array.as_struct();
                let keep: Vec<u32> = (0..n as u32).filter(|&i| valid(i as usize)).collect();
                let all = keep.len() == n;
                let take = UInt32Array::from(keep);
                for (child, col) in self.children.iter_mut().zip(a.columns()) {
                    if all {
                        child.write(col)?;
                    } else {
                        child.write(&arrow::compute::take(col.as_ref(), &take, None)?)?;
                    }
                }
            }
            other => {
                return Err(OrcError::Unsupported(format!(
                    "writing ORC: type {other} is not supported"
                )))
            }
        }
        Ok(())
    }

    fn bytes_of<O: arrow::array::OffsetSizeTrait>(&mut self, a: &GenericStringArray<O>) {
        let n = a.len();
        for i in (0..n).filter(|&i| a.is_valid(i)) {
            self.data.extend_from_slice(a.value(i).as_bytes());
        }
        int_rle(
            (0..n)
                .filter(|&i| a.is_valid(i))
                .map(|i| a.value(i).len() as u64),
            &mut self.length,
        );
    }

    fn binary_of<O: arrow::array::OffsetSizeTrait>(&mut self, a: &GenericBinaryArray<O>) {
        let n = a.len();
        for i in (0..n).filter(|&i| a.is_valid(i)) {
            self.data.extend_from_slice(a.value(i));
        }
        int_rle(
            (0..n)
                .filter(|&i| a.is_valid(i))
                .map(|i| a.value(i).len() as u64),
            &mut self.length,
        );
    }

    /// Signed integers (nulls left out) as zigzag RLE.
    fn signed<T: ArrowPrimitiveType>(
        &mut self,
        a: &PrimitiveArray<T>,
        widen: impl Fn(T::Native) -> i64,
    ) {
        int_rle(a.iter().flatten().map(|v| zigzag(widen(v))), &mut self.data);
    }

    /// A list's lengths, then the elements of its non-null rows.
    fn list<O: arrow::array::OffsetSizeTrait>(&mut self, a: &GenericListArray<O>) -> Result<()> {
        let offsets: Vec<(usize, usize)> = (0..a.len())
            .filter(|&i| a.is_valid(i))
            .map(|i| {
                (
                    a.value_offsets()[i].as_usize(),
                    a.value_offsets()[i + 1].as_usize(),
                )
            })
            .collect();
        int_rle(
            offsets.iter().map(|(s, e)| (e - s) as u64),
            &mut self.length,
        );
        let elements = arrow::compute::take(a.values().as_ref(), &ranges(&offsets), None)?;
        self.children[0].write(&elements)
    }

    /// Bytes held for the stripe being built.
    fn buffered(&self) -> usize {
        self.present.bytes.len()
            + self.data.len()
            + self.bools.bytes.len()
            + self.length.len()
            + self.secondary.len()
            + self.children.iter().map(Column::buffered).sum::<usize>()
    }

    /// This column's streams (and its children's), compressed, appended to
    /// `out` and described in `streams`; the buffers start over.
    fn flush(&mut self, out: &mut Vec<u8>, streams: &mut Vec<proto::Stream>) -> Result<()> {
        use proto::stream::Kind;
        let mut emit = |kind: Kind, raw: &[u8]| -> Result<()> {
            let before = out.len();
            compress(raw, out)?;
            streams.push(proto::Stream {
                kind: Some(kind.into()),
                column: Some(self.id),
                length: Some((out.len() - before) as u64),
            });
            Ok(())
        };
        if self.any_null {
            let mut rle = Vec::new();
            byte_rle(&self.present.bytes, &mut rle);
            emit(Kind::Present, &rle)?;
        }
        match &self.data_type {
            DataType::Boolean => {
                let mut rle = Vec::new();
                byte_rle(&self.bools.bytes, &mut rle);
                emit(Kind::Data, &rle)?;
            }
            DataType::Utf8 | DataType::LargeUtf8 | DataType::Binary | DataType::LargeBinary => {
                emit(Kind::Data, &self.data)?;
                emit(Kind::Length, &self.length)?;
            }
            DataType::Decimal128(..) | DataType::Timestamp(..) => {
                emit(Kind::Data, &self.data)?;
                emit(Kind::Secondary, &self.secondary)?;
            }
            DataType::List(_) | DataType::LargeList(_) | DataType::Map(..) => {
                emit(Kind::Length, &self.length)?;
            }
            DataType::Struct(_) => {}
            _ => emit(Kind::Data, &self.data)?,
        }
        self.present = Bits::default();
        self.bools = Bits::default();
        self.any_null = false;
        self.data.clear();
        self.length.clear();
        self.secondary.clear();
        for c in &mut self.children {
            c.flush(out, streams)?;
        }
        Ok(())
    }

    /// Each column's count of values and whether it had a NULL, in
    /// column id order: the file's column statistics.
    fn statistics(&self, out: &mut Vec<proto::ColumnStatistics>) {
        out.push(proto::ColumnStatistics {
            number_of_values: Some(self.values),
            has_null: Some(self.had_null),
            ..Default::default()
        });
        for c in &self.children {
            c.statistics(out);
        }
    }

    fn count(&self) -> usize {
        1 + self.children.iter().map(Column::count).sum::<usize>()
    }
}

/// `take` indices of the elements in `ranges`.
fn ranges(offsets: &[(usize, usize)]) -> UInt32Array {
    offsets
        .iter()
        .flat_map(|&(s, e)| (s as u32)..(e as u32))
        .collect()
}

/// ORC's signed integers as unsigned: 0, -1, 1, -2, 2, …
fn zigzag(v: i64) -> u64 {
    ((v << 1) ^ (v >> 63)) as u64
}

fn zigzag128(v: i128) -> u128 {
    ((v << 1) ^ (v >> 127)) as u128
}

/// Base-128 varint, low groups first.
fn varint(mut v: u128, out: &mut Vec<u8>) {
    while v >= 0x80 {
        out.push((v as u8 & 0x7f) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

/// Integer RLE v1 as literal runs of up to 128 varints.
fn int_rle(values: impl Iterator<Item = u64>, out: &mut Vec<u8>) {
    let mut chunk: Vec<u64> = Vec::with_capacity(128);
    let flush = |chunk: &mut Vec<u64>, out: &mut Vec<u8>| {
        if chunk.is_empty() {
            return;
        }
        out.push((-(chunk.len() as i32)) as u8);
        for &v in chunk.iter() {
            varint(u128::from(v), out);
        }
        chunk.clear();
    };
    for v in values {
        chunk.push(v);
        if chunk.len() == 128 {
            flush(&mut chunk, out);
        }
    }
    flush(&mut chunk, out);
}

/// Byte RLE as literal runs of up to 128 bytes.
fn byte_rle(bytes: &[u8], out: &mut Vec<u8>) {
    for chunk in bytes.chunks(128) {
        out.push((-(chunk.len() as i32)) as u8);
        out.extend_from_slice(chunk);
    }
}

/// ORC's nanoseconds: trailing decimal zeros (two or more) dropped and
/// counted in the low 3 bits.
fn packed_nanos(nanos: u64) -> u64 {
    if nanos == 0 || !nanos.is_multiple_of(100) {
        return nanos << 3;
    }
    let (mut v, mut zeros) = (nanos / 100, 1);
    while v.is_multiple_of(10) && zeros < 7 {
        v /= 10;
        zeros += 1;
    }
    (v << 3) | zeros
}

/// `raw` ZLIB-compressed into ORC chunks: a 3-byte little-endian header of
/// `length << 1 | original`, then raw DEFLATE (or the bytes as they are
/// when that is not smaller).
fn compress(raw: &[u8], out: &mut Vec<u8>) -> Result<()> {
    for chunk in raw.chunks(CHUNK) {
        let mut enc =
            flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::default());
        enc.write_all(chunk)
            .and_then(|_| enc.finish())
            .map_err(|e| OrcError::Bridge(format!("deflate: {e}")))
            .map(|packed| {
                let (body, original) = if packed.len() < chunk.len() {
                    (packed, 0)
                } else {
                    (chunk.to_vec(), 1)
                };
                let header = ((body.len() as u32) << 1) | original;
                out.extend_from_slice(&header.to_le_bytes()[..3]);
                out.extend_from_slice(&body);
            })?;
    }
    Ok(())
}

/// A file being encoded: stripes go to `sink` as they fill.
pub(crate) struct Encoder {
    root: Column,
    schema: Schema,
    rows: u64,
    stripes: Vec<proto::StripeInformation>,
    written: u64,
}

impl Encoder {
    /// An encoder for batches of `schema` (every type [`encodable`]).
    pub(crate) fn new(schema: &Schema) -> Encoder {
        let mut next = 0;
        let root = Column::new(&DataType::Struct(schema.fields().clone()), &mut next);
        Encoder {
            root,
            schema: schema.clone(),
            rows: 0,
            stripes: Vec::new(),
            written: 0,
        }
    }

    /// The bytes every ORC file starts with.
    pub(crate) fn header(&mut self, sink: &mut impl Write) -> std::io::Result<()> {
        self.written = 3;
        sink.write_all(b"ORC")
    }

    /// Appends a batch; writes a stripe when enough is buffered.
    pub(crate) fn write(
        &mut self,
        batch: &arrow::array::RecordBatch,
        sink: &mut impl Write,
    ) -> Result<()> {
        let columns: Vec<ArrayRef> = batch.columns().to_vec();
        let declared = self.schema.fields();
        if columns.len() != declared.len()
            || columns
                .iter()
                .zip(declared.iter())
                .any(|(c, f)| !same_layout(c.data_type(), f.data_type()))
        {
            return Err(OrcError::Unsupported(format!(
                "writing ORC: a batch of {:?} for a file of {:?}",
                batch
                    .schema()
                    .fields()
                    .iter()
                    .map(|f| f.data_type())
                    .collect::<Vec<_>>(),
                declared.iter().map(|f| f.data_type()).collect::<Vec<_>>()
            )));
        }
        for (child, col) in self.root.children.iter_mut().zip(&columns) {
            child.write(col)?;
        }
        for _ in 0..batch.num_rows() {
            self.root.present.push(true);
        }
        self.root.values += batch.num_rows() as u64;
        self.rows += batch.num_rows() as u64;
        if self.root.buffered() > STRIPE_BYTES {
            self.stripe(sink)?;
        }
        Ok(())
    }

    fn stripe(&mut self, sink: &mut impl Write) -> Result<()> {
        if self.rows == 0 {
            return Ok(());
        }
        let mut data = Vec::new();
        let mut streams = Vec::new();
        self.root.flush(&mut data, &mut streams)?;
        let footer = proto::StripeFooter {
            streams,
            columns: (0..self.root.count())
                .map(|_| proto::ColumnEncoding {
                    kind: Some(proto::column_encoding::Kind::Direct.into()),
                    ..Default::default()
                })
                .collect(),
            writer_timezone: Some("UTC".into()),
            encryption: vec![],
        };
        let mut footer_bytes = Vec::new();
        compress(&footer.encode_to_vec(), &mut footer_bytes)?;
        sink.write_all(&data).map_err(io)?;
        sink.write_all(&footer_bytes).map_err(io)?;
        self.stripes.push(proto::StripeInformation {
            offset: Some(self.written),
            index_length: Some(0),
            data_length: Some(data.len() as u64),
            footer_length: Some(footer_bytes.len() as u64),
            number_of_rows: Some(self.rows),
            ..Default::default()
        });
        self.written += (data.len() + footer_bytes.len()) as u64;
        self.rows = 0;
        Ok(())
    }

    /// Writes the last stripe, the footer and the postscript.
    pub(crate) fn finish(mut self, sink: &mut impl Write) -> Result<()> {
        self.stripe(sink)?;
        let mut types = Vec::new();
        self.root.types(&mut types);
        types[0].field_names = self
            .schema
            .fields()
            .iter()
            .map(|f| f.name().clone())
            .collect();
        let rows = self.stripes.iter().filter_map(|s| s.number_of_rows).sum();
        let mut statistics = Vec::new();
        self.root.statistics(&mut statistics);
        let footer = proto::Footer {
            header_length: Some(3),
            content_length: Some(self.written),
            stripes: std::mem::take(&mut self.stripes),
            types,
            number_of_rows: Some(rows),
            statistics,
            row_index_stride: Some(0),
            ..Default::default()
        };
        let mut metadata = Vec::new();
        compress(&proto::Metadata::default().encode_to_vec(), &mut metadata)?;
        let mut footer_bytes = Vec::new();
        compress(&footer.encode_to_vec(), &mut footer_bytes)?;
        let postscript = proto::PostScript {
            footer_length: Some(footer_bytes.len() as u64),
            compression: Some(proto::CompressionKind::Zlib.into()),
            compression_block_size: Some(CHUNK as u64),
            version: vec![0, 12],
            metadata_length: Some(metadata.len() as u64),
            writer_version: Some(6),
            stripe_statistics_length: None,
            magic: Some("ORC".into()),
        }
        .encode_to_vec();
        sink.write_all(&metadata).map_err(io)?;
        sink.write_all(&footer_bytes).map_err(io)?;
        sink.write_all(&postscript).map_err(io)?;
        sink.write_all(&[postscript.len() as u8]).map_err(io)?;
        Ok(())
    }
}

/// Whether arrays of type `a` can be written as a column declared `b`
/// (nested field names and nullability may differ).
fn same_layout(a: &DataType, b: &DataType) -> bool {
    match (a, b) {
        (DataType::List(x), DataType::List(y))
        | (DataType::LargeList(x), DataType::LargeList(y)) => {
            same_layout(x.data_type(), y.data_type())
        }
        (DataType::Map(x, _), DataType::Map(y, _)) => same_layout(x.data_type(), y.data_type()),
        (DataType::Struct(x), DataType::Struct(y)) => {
            x.len() == y.len()
                && x.iter()
                    .zip(y.iter())
                    .all(|(p, q)| same_layout(p.data_type(), q.data_type()))
        }
        (DataType::Timestamp(u, None), DataType::Timestamp(v, None)) => u == v,
        _ => a == b,
    }
}

fn io(e: std::io::Error) -> OrcError {
    OrcError::Bridge(format!("writing ORC: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn integers_zigzag_and_pack_as_varints() {
        assert_eq!([zigzag(0), zigzag(-1), zigzag(1), zigzag(-2)], [0, 1, 2, 3]);
        let mut out = Vec::new();
        int_rle([1u64, 300].into_iter(), &mut out);
        assert_eq!(out, [0xfe, 0x01, 0xac, 0x02]);
        let mut out = Vec::new();
        varint(zigzag128(-12345678901234567890123456789i128), &mut out);
        assert!(out.len() > 9);
    }

    #[test]
    fn nanoseconds_drop_trailing_zeros() {
        assert_eq!(packed_nanos(0), 0);
        assert_eq!(packed_nanos(1), 8);
        assert_eq!(packed_nanos(1000), (1 << 3) | 2);
        assert_eq!(packed_nanos(500_000_000), (5 << 3) | 7);
        assert_eq!(packed_nanos(120), 120 << 3);
    }

    #[test]
    fn booleans_pack_high_bit_first() {
        let mut b = Bits::default();
        for v in [true, false, true, true, false, false, false, false, true] {
            b.push(v);
        }
        assert_eq!(b.bytes, [0b1011_0000, 0b1000_0000]);
    }
}
