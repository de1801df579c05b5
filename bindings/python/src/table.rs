//! Scoring a table (a DataFrame) column by column.
//!
//! Python hands over one text per column, the cells joined by [`SEP`] (pandas and
//! polars build it without a Python object per cell), or a list of cells. Rows are
//! read into employee records by the core's own table convention
//! ([`kaohe::table::records_from_rows`]), scored in chunks on every core, and
//! handed back as result columns: text, with decimals in their exact spelling.

use std::fmt::Write as _;
use std::num::NonZeroUsize;
use std::sync::atomic::{AtomicUsize, Ordering};

use kaohe::{Decimal, ErrorCode, KaoheError, Outcome};

/// Separates the cells of a column handed over as one text (ASCII "unit separator").
pub(crate) const SEP: char = '\u{1f}';

/// Rows read and scored as one piece of work.
const ROWS_PER_CHUNK: usize = 4096;

/// One input column.
pub(crate) enum Cells {
    /// The cells joined by [`SEP`].
    Joined(String),
    /// The cells one by one.
    Each(Vec<String>),
}

/// Result cells of one column in one text: each cell a span of `text`, or absent.
#[derive(Default)]
pub(crate) struct CellColumn {
    text: String,
    spans: Vec<Option<(usize, usize)>>,
}

impl CellColumn {
    fn push_str(&mut self, cell: &str) {
        let start = self.text.len();
        self.text.push_str(cell);
        self.spans.push(Some((start, self.text.len())));
    }

    fn push_decimal(&mut self, d: &Decimal) {
        let start = self.text.len();
        let _ = write!(self.text, "{d}");
        self.spans.push(Some((start, self.text.len())));
    }

    fn push_none(&mut self) {
        self.spans.push(None);
    }

    fn append(&mut self, other: CellColumn) {
        let offset = self.text.len();
        self.text.push_str(&other.text);
        self.spans.extend(other.spans.into_iter().map(|s| s.map(|(a, b)| (a + offset, b + offset))));
    }

    /// The cells in order, `None` for an absent one.
    pub fn cells(&self) -> impl Iterator<Item = Option<&str>> {
        self.spans.iter().map(|s| s.map(|(a, b)| self.text.get(a..b).unwrap_or_default()))
    }
}

/// One result column.
pub(crate) struct OutColumn {
    /// Column name: `id`, `score`, `grade`, `coefficient`, `subtotal`,
    /// `points.<indicator>`, `error`, `error_message`.
    pub name: String,
    /// Whether the cells spell decimals.
    pub decimal: bool,
    /// The largest number of decimal places among the cells (decimal columns).
    pub scale: u32,
    /// The cells.
    pub cells: CellColumn,
}

fn split<'a>(name: &str, cells: &'a Cells, n_rows: usize) -> Result<Vec<&'a str>, KaoheError> {
    let out: Vec<&str> = match cells {
        Cells::Joined(_) if n_rows == 0 => Vec::new(),
        Cells::Joined(text) => text.split(SEP).collect(),
        Cells::Each(v) => v.iter().map(String::as_str).collect(),
    };
    if out.len() != n_rows {
        return Err(KaoheError::new(
            ErrorCode::InvalidDocument,
            format!("column '{name}' has {} cells for {n_rows} rows", out.len()),
        )
        .at(name.to_owned()));
    }
    Ok(out)
}

/// The result columns of a scheme, in order, and whether each holds decimals.
fn out_names(scheme: &kaohe::Scheme) -> Vec<(String, bool)> {
    let mut names = vec![
        ("id".to_owned(), false),
        ("score".to_owned(), true),
        ("grade".to_owned(), false),
        ("coefficient".to_owned(), true),
        ("subtotal".to_owned(), true),
    ];
    names.extend(scheme.indicator_ids().into_iter().map(|id| (format!("points.{id}"), true)));
    names.push(("error".to_owned(), false));
    names.push(("error_message".to_owned(), false));
    names
}

/// Result cells of one chunk of rows (one column each), and the largest scale of each.
type Chunk = (Vec<CellColumn>, Vec<u32>);

/// Writes the result cells of a run of outcomes, in the order of [`out_names`].
fn write_cells(scheme: &kaohe::Scheme, outcomes: &[Outcome], width: usize) -> Chunk {
    let ids = scheme.indicator_ids();
    let mut cols: Vec<CellColumn> = (0..width).map(|_| CellColumn::default()).collect();
    let mut scales = vec![0u32; width];
    let mut dec = |cols: &mut [CellColumn], col: usize, d: Option<&Decimal>| match d {
        Some(d) => {
            scales[col] = scales[col].max(d.scale());
            cols[col].push_decimal(d);
        }
        None => cols[col].push_none(),
    };
    let text = |cols: &mut [CellColumn], col: usize, t: Option<&str>| match t {
        Some(t) => cols[col].push_str(t),
        None => cols[col].push_none(),
    };
    for o in outcomes {
        match o {
            Ok(card) => {
                text(&mut cols, 0, Some(&card.id));
                dec(&mut cols, 1, Some(&card.score));
                text(&mut cols, 2, card.grade.as_deref());
                dec(&mut cols, 3, card.coefficient.as_ref());
                dec(&mut cols, 4, Some(&card.subtotal));
                for (i, id) in ids.iter().enumerate() {
                    let line = match card.indicators.get(i) {
                        Some(l) if &*l.id == *id => Some(l),
                        _ => card.indicator(id),
                    };
                    dec(&mut cols, 5 + i, line.and_then(|l| l.points.as_ref()));
                }
                text(&mut cols, width - 2, None);
                text(&mut cols, width - 1, None);
            }
            Err(e) => {
                text(&mut cols, 0, e.id.as_deref());
                for col in 1..width - 2 {
                    text(&mut cols, col, None);
                }
                text(&mut cols, width - 2, Some(e.error.code.as_str()));
                text(&mut cols, width - 1, Some(&e.error.to_string()));
            }
        }
    }
    (cols, scales)
}

/// Reads, scores and writes out rows `start..end`.
fn score_rows(
    scheme: &kaohe::Scheme,
    headers: &[String],
    columns: &[Vec<&str>],
    start: usize,
    end: usize,
    width: usize,
) -> Result<Chunk, KaoheError> {
    let rows = (start..end).map(|r| columns.iter().map(move |c| c[r]));
    let records = kaohe::table::records_from_rows(headers, rows)?;
    let entries: Vec<_> = records.into_iter().enumerate().map(|(i, v)| kaohe::score::record(start + i, v)).collect();
    Ok(write_cells(scheme, &scheme.score_entries(&entries), width))
}

/// Scores a table given column by column. Runs without the GIL.
pub(crate) fn score_table(
    scheme: &kaohe::Scheme,
    headers: &[String],
    columns: &[Cells],
    n_rows: usize,
) -> Result<Vec<OutColumn>, KaoheError> {
    if headers.len() != columns.len() {
        return Err(KaoheError::new(
            ErrorCode::InvalidDocument,
            format!("{} column names for {} columns", headers.len(), columns.len()),
        ));
    }
    // Fails up front when there is no `id` column.
    kaohe::table::records_from_rows(headers, std::iter::empty::<Vec<&str>>())?;
    let split_cols = headers.iter().zip(columns).map(|(h, c)| split(h, c, n_rows)).collect::<Result<Vec<_>, _>>()?;

    let names = out_names(scheme);
    let width = names.len();
    // Workers take chunks of rows in turn, so that a thread slowed down by other
    // work on the machine does not hold the others back.
    let n_chunks = n_rows.div_ceil(ROWS_PER_CHUNK);
    let threads = std::thread::available_parallelism().map_or(1, NonZeroUsize::get).min(n_chunks).max(1);
    let next = AtomicUsize::new(0);
    let work = || {
        let mut done = Vec::new();
        loop {
            let c = next.fetch_add(1, Ordering::Relaxed);
            if c >= n_chunks {
                return done;
            }
            let start = c * ROWS_PER_CHUNK;
            let end = (start + ROWS_PER_CHUNK).min(n_rows);
            done.push((c, score_rows(scheme, headers, &split_cols, start, end, width)));
        }
    };
    let mut parts: Vec<(usize, Result<Chunk, KaoheError>)> = if threads == 1 {
        work()
    } else {
        std::thread::scope(|s| {
            let handles: Vec<_> = (0..threads).map(|_| s.spawn(work)).collect();
            handles.into_iter().flat_map(|h| h.join().unwrap_or_else(|p| std::panic::resume_unwind(p))).collect()
        })
    };
    parts.sort_unstable_by_key(|(c, _)| *c);

    let mut out: Vec<OutColumn> = names
        .into_iter()
        .map(|(name, decimal)| OutColumn { name, decimal, scale: 0, cells: CellColumn::default() })
        .collect();
    for (_, part) in parts {
        let (cells, scales) = part?;
        for ((col, cells), scale) in out.iter_mut().zip(cells).zip(scales) {
            col.cells.append(cells);
            col.scale = col.scale.max(scale);
        }
    }
    Ok(out)
}
