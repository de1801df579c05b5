//! `kaohe trend LABEL=SCHEME,INPUTS…`: a group's figures across appraisal cycles.

use std::io::Write;

use kaohe::analytics::{Trend, TrendPoint};
use kaohe::{Lang, Outcome};

use crate::{Fail, input, load_scheme};

/// One cycle from the command line: `2026Q1=scheme.json,employees.json`.
pub(crate) struct Cycle {
    label: String,
    outcomes: Vec<Outcome>,
}

/// Reads and scores one `LABEL=SCHEME,INPUTS` cycle (each cycle may use its own scheme version).
pub(crate) fn cycle(spec: &str) -> Result<Cycle, Fail> {
    let usage =
        || Fail::usage(format!("a cycle is LABEL=SCHEME,INPUTS (e.g. 2026Q1=scheme.json,q1.json), not '{spec}'"));
    let (label, files) = spec.split_once('=').ok_or_else(usage)?;
    let (scheme, inputs) = files.split_once(',').ok_or_else(usage)?;
    if label.is_empty() || scheme.is_empty() || inputs.is_empty() {
        return Err(usage());
    }
    let scheme = load_scheme(scheme)?;
    let entries = input::read_employees(inputs)?;
    let outcomes = crate::output::score_with_progress(&scheme, &entries);
    for e in outcomes.iter().filter_map(|o| o.as_ref().err()) {
        eprintln!("{label}: {}: {}", e.id.as_deref().unwrap_or("?"), e.error);
    }
    Ok(Cycle { label: label.to_owned(), outcomes })
}

/// The trend of the cycles, with each cycle's failures counted (as the bindings give it).
pub(crate) fn trend(cycles: Vec<Cycle>, by: Option<&str>) -> Trend {
    kaohe::analytics::trend::trend_outcomes(cycles.into_iter().map(|c| (c.label, c.outcomes)).collect(), by)
}

/// The trend as text: one line per group and cycle.
pub(crate) fn write_text(w: &mut impl Write, points: &[TrendPoint], lang: Lang) -> std::io::Result<()> {
    let zh = lang == Lang::Zh;
    let two = |d: Option<kaohe::Decimal>| d.map_or_else(|| "—".to_owned(), |d| d.round_dp(2).to_string());
    let change = |d: Option<kaohe::Decimal>| match d {
        Some(d) if d.is_sign_negative() => d.round_dp(2).to_string(),
        Some(d) => format!("+{}", d.round_dp(2)),
        None => "—".to_owned(),
    };
    let mut group = None;
    for p in points {
        if group != Some(&p.group) {
            writeln!(w, "{}", p.group)?;
            group = Some(&p.group);
        }
        let grades: Vec<String> = p.grades.iter().map(|g| format!("{} {}", g.grade, g.count)).collect();
        let (mean, median) = if zh { ("平均", "中位数") } else { ("mean", "median") };
        let (open, close) = if zh { ("（", "）") } else { (" (", ")") };
        writeln!(
            w,
            "  {}  n={}  {mean} {}{open}{}{close}  {median} {}  [{}]",
            p.cycle,
            p.count,
            two(p.mean_score),
            change(p.mean_change),
            two(p.median_score),
            grades.join(", ")
        )?;
    }
    Ok(())
}
