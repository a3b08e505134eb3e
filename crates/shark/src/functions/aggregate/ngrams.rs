//! `ngrams(sentences, n, k[, pf])`: the `k` most frequent runs of `n`
//! consecutive words, with their counts, over every row's sentences (an
//! ARRAY<ARRAY<STRING>> as `sentences()` makes, or one ARRAY<STRING>). Hive
//! estimates the counts once a group holds more than `k * pf` distinct
//! n-grams; Shark counts exactly (`pf` is accepted and ignored). Ties are
//! broken by the n-gram's words, so the answer is the same on every run.
//!
//! `context_ngrams(sentences, context, k[, pf])` counts the same way, but
//! only where a sentence matches `context` (an ARRAY<STRING> of words and
//! NULLs): each NULL is a word to collect, each word must be there.

use super::{Accumulator, AggFunc, AggregateCall, AggregateFunction};
use crate::error::{Result, SharkError};
use arrow::array::*;
use arrow::datatypes::*;
use std::collections::HashMap;
use std::sync::Arc;

pub(super) static FUNCTIONS: &[AggregateFunction] = &[
    AggregateFunction {
        name: "ngrams",
        func: AggFunc::NGrams,
        return_type: |_| result_type(),
    },
    AggregateFunction {
        name: "context_ngrams",
        func: AggFunc::ContextNGrams,
        return_type: |_| result_type(),
    },
];

/// `n` (or the context) and `k`: evaluated once by the caller (see
/// `AggFunc::constant_args`).
pub(super) const CONSTANT_ARGS: &[usize] = &[1, 2];

/// ARRAY<STRUCT<ngram: ARRAY<STRING>, estfrequency: DOUBLE>>, as Hive's.
pub fn result_type() -> DataType {
    DataType::List(Arc::new(Field::new(
        "item",
        DataType::Struct(entry_fields()),
        true,
    )))
}

fn words_type() -> DataType {
    DataType::List(Arc::new(Field::new("item", DataType::Utf8, true)))
}

fn entry_fields() -> Fields {
    Fields::from(vec![
        Field::new("ngram", words_type(), true),
        Field::new("estfrequency", DataType::Float64, true),
    ])
}

/// The accumulator for an ngrams call, with its `n` and `k`.
pub(super) fn create(call: &AggregateCall) -> Result<Box<dyn Accumulator>> {
    let int = |i: usize, what: &str| -> Result<usize> {
        let a = call.constant(CONSTANT_ARGS[i]).ok_or_else(|| {
            SharkError::exec(format!("ngrams needs {what} evaluated as a constant"))
        })?;
        let v = arrow::compute::cast(a, &DataType::Int64)?;
        let v = v.as_primitive::<Int64Type>();
        match (v.is_null(0), v.value(0)) {
            (false, x) if x >= 1 => Ok(x as usize),
            _ => Err(SharkError::exec(format!(
                "ngrams needs {what} of at least 1"
            ))),
        }
    };
    if call.func == AggFunc::ContextNGrams {
        let context = context_words(call)?;
        return Ok(Box::new(NGrams {
            n: context.len(),
            k: int(1, "k")?,
            context: Some(context),
            counts: vec![],
        }));
    }
    Ok(Box::new(NGrams {
        n: int(0, "n")?,
        k: int(1, "k")?,
        context: None,
        counts: vec![],
    }))
}

/// context_ngrams' context: words to match and NULLs to collect.
fn context_words(call: &AggregateCall) -> Result<Vec<Option<String>>> {
    let usage = || {
        SharkError::exec(
            "context_ngrams needs a constant ARRAY<STRING> context with at least one NULL",
        )
    };
    let a = call.constant(CONSTANT_ARGS[0]).ok_or_else(usage)?;
    let list = a.as_list_opt::<i32>().ok_or_else(usage)?;
    if list.is_empty() || list.is_null(0) {
        return Err(usage());
    }
    let words = list.value(0);
    let words = words.as_string_opt::<i32>().ok_or_else(usage)?;
    let context: Vec<Option<String>> = words.iter().map(|w| w.map(String::from)).collect();
    if context.iter().all(Option::is_some) {
        return Err(usage());
    }
    Ok(context)
}

struct NGrams {
    n: usize,
    k: usize,
    /// context_ngrams' pattern: `Some(w)` must match, `None` is collected.
    context: Option<Vec<Option<String>>>,
    counts: Vec<HashMap<Vec<String>, f64>>,
}

impl NGrams {
    fn grow(&mut self, n: usize) {
        if self.counts.len() < n {
            self.counts.resize_with(n, HashMap::new);
        }
    }

    /// Counts the n-grams of one sentence (a list of words) into group `g`.
    fn count_sentence(&mut self, g: usize, words: &StringArray) {
        if words.len() < self.n {
            return;
        }
        for start in 0..=words.len() - self.n {
            // An n-gram with a NULL word is no n-gram.
            if (start..start + self.n).any(|j| words.is_null(j)) {
                continue;
            }
            let gram: Vec<String> = match &self.context {
                None => (start..start + self.n)
                    .map(|j| words.value(j).to_string())
                    .collect(),
                Some(context) => {
                    let fits = context.iter().enumerate().all(|(j, c)| match c {
                        Some(c) => words.value(start + j) == c,
                        None => true,
                    });
                    if !fits {
                        continue;
                    }
                    context
                        .iter()
                        .enumerate()
                        .filter(|(_, c)| c.is_none())
                        .map(|(j, _)| words.value(start + j).to_string())
                        .collect()
                }
            };
            *self.counts[g].entry(gram).or_insert(0.0) += 1.0;
        }
    }
}

impl Accumulator for NGrams {
    fn update(&mut self, groups: &[u32], args: &[ArrayRef], n: usize) -> Result<()> {
        self.grow(n);
        let rows = args[0].as_list::<i32>();
        let nested = matches!(rows.value_type(), DataType::List(_));
        for (i, &g) in groups.iter().enumerate() {
            if rows.is_null(i) {
                continue;
            }
            let v = rows.value(i);
            if nested {
                let sentences = v.as_list::<i32>();
                for s in 0..sentences.len() {
                    if !sentences.is_null(s) {
                        let words = sentences.value(s);
                        self.count_sentence(g as usize, words.as_string::<i32>());
                    }
                }
            } else {
                self.count_sentence(g as usize, v.as_string::<i32>());
            }
        }
        Ok(())
    }

    fn merge(&mut self, groups: &[u32], states: &[ArrayRef], n: usize) -> Result<()> {
        self.grow(n);
        let entries = states[0].as_list::<i32>();
        for (i, &g) in groups.iter().enumerate() {
            if entries.is_null(i) {
                continue;
            }
            let e = entries.value(i);
            let e = e.as_struct();
            let grams = e.column(0).as_list::<i32>();
            let counts = e.column(1).as_primitive::<Float64Type>();
            for j in 0..e.len() {
                let words = grams.value(j);
                let words = words.as_string::<i32>();
                let gram: Vec<String> = (0..words.len())
                    .map(|w| words.value(w).to_string())
                    .collect();
                *self.counts[g as usize].entry(gram).or_insert(0.0) += counts.value(j);
            }
        }
        Ok(())
    }

    fn state(&mut self, n: usize) -> Result<Vec<ArrayRef>> {
        // Every n-gram so far (the top k is only known at the end).
        Ok(vec![self.build(n, usize::MAX)])
    }

    fn evaluate(&mut self, n: usize) -> Result<ArrayRef> {
        Ok(self.build(n, self.k))
    }

    fn state_types(&self) -> Vec<DataType> {
        vec![result_type()]
    }
}

impl NGrams {
    /// Each group's `keep` most frequent n-grams (ties by their words).
    fn build(&mut self, n: usize, keep: usize) -> ArrayRef {
        self.grow(n);
        let mut grams = ListBuilder::new(StringBuilder::new());
        let mut freqs = Float64Builder::new();
        let mut offsets = vec![0i32];
        for group in self.counts.drain(..).take(n) {
            let mut top: Vec<(Vec<String>, f64)> = group.into_iter().collect();
            top.sort_by(|a, b| b.1.total_cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
            top.truncate(keep);
            for (words, count) in &top {
                for w in words {
                    grams.values().append_value(w);
                }
                grams.append(true);
                freqs.append_value(*count);
            }
            offsets.push(offsets.last().copied().unwrap_or(0) + top.len() as i32);
        }
        let entries = StructArray::new(
            entry_fields(),
            vec![Arc::new(grams.finish()), Arc::new(freqs.finish())],
            None,
        );
        Arc::new(ListArray::new(
            Arc::new(Field::new("item", DataType::Struct(entry_fields()), true)),
            arrow::buffer::OffsetBuffer::new(offsets.into()),
            Arc::new(entries),
            None,
        ))
    }
}
