//! Proration: the segments of one employee (records sharing an id) combined by
//! calendar days worked in the cycle.

use std::collections::HashMap;

use jiff::civil::Date;
use rust_decimal::Decimal;

use super::spec::{PopulationSpec, ProrationSpec, parse_date};
use super::{Population, Segment, Work};
use crate::compile::CompiledScheme;
use crate::error::{ErrorCode, KaoheError, SchemeErrors};
use crate::explain::{Combined, ProratedSegment, Proration};
use crate::inputs::Employee;
use crate::result::{EmployeeError, Id, IndicatorResult, Outcome, ScoreCard};
use crate::score::Scratch;

/// The grade band index a score falls in (first band whose min ≤ score).
pub(crate) fn band_of(scheme: &CompiledScheme, score: Decimal) -> Option<usize> {
    scheme.inner.grades.iter().position(|b| b.min.is_none_or(|m| m <= score))
}

pub(crate) fn grade_index(scheme: &CompiledScheme, grade: Option<&str>) -> Option<usize> {
    let g = grade?;
    scheme.inner.grades.iter().position(|b| b.grade == g)
}

fn days_between(from: Date, to: Date) -> u32 {
    if to < from {
        return 0;
    }
    // `until` between dates counts whole days; both ends are counted.
    let d = from.until(to).map_or(0, |s| s.get_days());
    u32::try_from(d).map_or(0, |d| d + 1)
}

struct Cycle {
    start: Date,
    end: Date,
    start_attr: String,
    end_attr: String,
}

impl Cycle {
    fn new(p: &ProrationSpec) -> Option<Cycle> {
        Some(Cycle {
            start: parse_date(&p.start)?,
            end: parse_date(&p.end)?,
            start_attr: p.start_attribute.clone().unwrap_or_else(|| "start_date".to_owned()),
            end_attr: p.end_attribute.clone().unwrap_or_else(|| "end_date".to_owned()),
        })
    }

    fn days(&self) -> u32 {
        days_between(self.start, self.end)
    }

    /// The segment's clipped bounds and days, or the attribute that is not a date.
    fn clip(&self, card: &ScoreCard) -> Result<(Date, Date, u32), KaoheError> {
        let read = |attr: &str, default: Date| -> Result<Date, KaoheError> {
            match card.attributes.get(attr) {
                None | Some(serde_json::Value::Null) => Ok(default),
                Some(serde_json::Value::String(s)) => parse_date(s).ok_or_else(|| {
                    KaoheError::new(ErrorCode::InvalidInput, format!("'{s}' is not a date (YYYY-MM-DD)"))
                        .at(format!("attributes.{attr}"))
                }),
                Some(other) => {
                    Err(KaoheError::new(ErrorCode::InvalidInput, format!("{other} is not a date (YYYY-MM-DD)"))
                        .at(format!("attributes.{attr}")))
                }
            }
        };
        let from = read(&self.start_attr, self.start)?.max(self.start);
        let to = read(&self.end_attr, self.end)?.min(self.end);
        Ok((from, to, days_between(from, to)))
    }
}

/// A repeated id under a scheme that does not prorate.
fn repeated(id: &str, times: usize) -> EmployeeError {
    EmployeeError {
        id: Some(id.to_owned()),
        error: KaoheError::new(
            ErrorCode::InvalidInput,
            format!(
                "employee '{id}' appears {times} times; give the scheme a population.proration section to combine segments"
            ),
        )
        .at("id"),
    }
}

/// Groups cards by id (first appearance order) and combines each employee's segments.
pub(crate) fn combine(
    scheme: &CompiledScheme,
    spec: &PopulationSpec,
    cards: Vec<ScoreCard>,
    errors: &mut Vec<EmployeeError>,
) -> Vec<Work> {
    let cycle = spec.proration.as_ref().and_then(Cycle::new);
    if cycle.is_none() {
        // The common case, one record per employee: no grouping (and no id copies) needed.
        let mut seen: rustc_hash::FxHashSet<&str> =
            rustc_hash::FxHashSet::with_capacity_and_hasher(cards.len(), Default::default());
        if cards.iter().all(|c| seen.insert(c.id.as_str())) {
            drop(seen);
            return cards
                .into_iter()
                .map(|card| {
                    let raw = grade_index(scheme, card.grade.as_deref());
                    Work { card, days: None, segments: Vec::new(), raw, grade: raw }
                })
                .collect();
        }
    }
    let mut index: HashMap<Id, usize> = HashMap::with_capacity(cards.len());
    let mut groups: Vec<Vec<ScoreCard>> = Vec::with_capacity(cards.len());
    for c in cards {
        match index.get(&c.id) {
            Some(&i) => groups[i].push(c),
            None => {
                index.insert(c.id.clone(), groups.len());
                groups.push(vec![c]);
            }
        }
    }
    drop(index);
    // An employee one of whose segments failed to score is left out (its error is
    // listed) rather than combined from the segments that did score.
    let failed: rustc_hash::FxHashSet<String> =
        if cycle.is_some() { errors.iter().filter_map(|e| e.id.clone()).collect() } else { Default::default() };
    let mut out = Vec::with_capacity(groups.len());
    for mut g in groups {
        if failed.contains(g[0].id.as_str()) {
            continue;
        }
        let Some(cycle) = &cycle else {
            if g.len() > 1 {
                errors.push(repeated(&g[0].id, g.len()));
                continue;
            }
            let Some(card) = g.pop() else { continue };
            let raw = grade_index(scheme, card.grade.as_deref());
            out.push(Work { card, days: None, segments: Vec::new(), raw, grade: raw });
            continue;
        };
        match segments(scheme, cycle, g) {
            Ok(w) => out.push(w),
            Err(e) => errors.push(e),
        }
    }
    out
}

/// A segment clipped to the cycle: first and last day counted, days, and its card.
type Clipped = (Date, Date, u32, ScoreCard);

/// Combines one employee's segments: the combined card, the days counted, and the
/// segments clipped to the cycle in date order (input order among equal starts).
fn combined(
    scheme: &CompiledScheme,
    cycle: &Cycle,
    cards: Vec<ScoreCard>,
) -> Result<(ScoreCard, u32, Vec<Clipped>), EmployeeError> {
    let id = cards.first().map(|c| c.id.to_string()).unwrap_or_default();
    let fail = |e: KaoheError| EmployeeError { id: Some(id.clone()), error: e };
    let mut clipped = Vec::with_capacity(cards.len());
    for c in cards {
        let (from, to, days) = cycle.clip(&c).map_err(fail)?;
        clipped.push((from, to, days, c));
    }
    // Stable: segments in date order, input order among equal starts.
    clipped.sort_by_key(|(from, to, _, _)| (*from, *to));
    let total: u32 = clipped.iter().map(|s| s.2).sum();
    if total == 0 {
        return Err(fail(
            KaoheError::new(ErrorCode::InvalidInput, "no segment of this employee lies inside the cycle")
                .at(format!("attributes.{}", cycle.start_attr)),
        ));
    }
    let rounding = scheme.inner.rounding;
    let round = |d: Decimal| crate::num::round(d, rounding.places, rounding.mode);
    let Some((_, _, _, last)) = clipped.iter().rev().find(|s| s.2 > 0) else {
        return Err(fail(KaoheError::new(ErrorCode::InvalidInput, "no segment inside the cycle")));
    };
    let mut card = last.clone();
    if clipped.len() > 1 {
        let total_d = Decimal::from(total);
        let weighted = |f: &dyn Fn(&ScoreCard) -> Decimal| -> Decimal {
            clipped.iter().map(|(_, _, d, c)| f(c) * Decimal::from(*d)).sum::<Decimal>() / total_d
        };
        card.score = round(weighted(&|c| c.score));
        card.subtotal = round(weighted(&|c| c.subtotal));
        // Indicator points are day-weighted where every segment has the indicator.
        let ids: Vec<crate::result::Id> = card.indicators.iter().map(|i| i.id.clone()).collect();
        card.indicators = ids
            .into_iter()
            .filter_map(|iid| {
                let mut sum = Decimal::ZERO;
                for (_, _, d, c) in &clipped {
                    let p = c.indicator(&iid)?.points.unwrap_or(Decimal::ZERO);
                    sum += p * Decimal::from(*d);
                }
                let base = card.indicator(&iid)?.clone();
                Some(IndicatorResult { points: Some(round(sum / total_d)), achievement: None, actual: None, ..base })
            })
            .collect();
        card.adjustments = Vec::new();
        let band = band_of(scheme, card.score);
        card.grade = band.map(|b| scheme.inner.grades[b].grade.clone());
        card.coefficient = band.and_then(|b| scheme.inner.grades[b].coefficient);
        card.scheme = scheme.inner.scheme_ref.clone();
    }
    Ok((card, total, clipped))
}

fn segment(from: Date, to: Date, days: u32, c: ScoreCard) -> Segment {
    Segment {
        from: from.to_string(),
        to: to.to_string(),
        days,
        score: c.score,
        grade: c.grade.map(|g| g.to_string()),
        attributes: c.attributes,
        scheme: c.scheme,
    }
}

fn segments(scheme: &CompiledScheme, cycle: &Cycle, cards: Vec<ScoreCard>) -> Result<Work, EmployeeError> {
    let (card, total, clipped) = combined(scheme, cycle, cards)?;
    let segs = clipped.into_iter().map(|(from, to, days, c)| segment(from, to, days, c)).collect();
    let raw = grade_index(scheme, card.grade.as_deref());
    Ok(Work { card, days: Some(total), segments: segs, raw, grade: raw })
}

pub(crate) fn cycle_days(p: &ProrationSpec) -> Option<u32> {
    Cycle::new(p).map(|c| c.days())
}

/// The attribute naming the scheme a record (a segment) is scored with.
const SCHEME_ATTRIBUTE: &str = "scheme";

/// How errors name the schemes given for segments: `segment_schemes[i]`.
const SEGMENT_SCHEMES: &str = "segment_schemes";

/// The scheme an employee record names in its `scheme` attribute: `main` when the
/// attribute is absent, `null` or empty, otherwise the one scheme whose `id` or
/// `id@version` it is.
fn pick<'a>(
    main: &'a CompiledScheme,
    others: &'a [CompiledScheme],
    e: &Employee,
) -> Result<&'a CompiledScheme, KaoheError> {
    let at = || format!("attributes.{SCHEME_ATTRIBUTE}");
    let name = match e.attributes.get(SCHEME_ATTRIBUTE) {
        None | Some(serde_json::Value::Null) => return Ok(main),
        Some(serde_json::Value::String(s)) if s.is_empty() => return Ok(main),
        Some(serde_json::Value::String(s)) => s.as_str(),
        Some(other) => {
            return Err(KaoheError::new(ErrorCode::InvalidInput, format!("{other} is not a scheme id")).at(at()));
        }
    };
    let all = || std::iter::once(main).chain(others.iter());
    let matches: Vec<&CompiledScheme> = match name.split_once('@') {
        Some((id, version)) => all().filter(|s| s.id() == id && s.version() == version).collect(),
        None => all().filter(|s| s.id() == name).collect(),
    };
    let known = || all().map(|s| format!("{}@{}", s.id(), s.version())).collect::<Vec<_>>().join(", ");
    match matches.as_slice() {
        [one] => Ok(one),
        [] => Err(KaoheError::new(
            ErrorCode::InvalidInput,
            format!("scheme '{name}' is not among the schemes given ({})", known()),
        )
        .at(at())),
        _ => Err(KaoheError::new(
            ErrorCode::InvalidInput,
            format!("scheme '{name}' names {} of the schemes given ({}); write id@version", matches.len(), known()),
        )
        .at(at())),
    }
}

impl CompiledScheme {
    /// Scores each record with the scheme it names in its `scheme` attribute, so that
    /// the segments of an employee who moved between schemes mid-cycle are each scored
    /// under their own scheme before [`CompiledScheme::calibrate`] combines them by days.
    /// A record without the attribute is scored with `self`; otherwise the attribute is
    /// the `id` (or `id@version`, when several schemes given share an id) of `self` or
    /// of one of `others`. A record naming no scheme given, or several, fails with
    /// `invalid_input` at `attributes.scheme`. Unreadable entries stay errors in place.
    /// With the `parallel` feature the batch is scored on all cores (identical results).
    pub fn score_segments(
        &self,
        others: &[CompiledScheme],
        entries: &[Result<Employee, EmployeeError>],
    ) -> Vec<Outcome> {
        let one = |e: &Result<Employee, EmployeeError>, scratch: &mut Scratch| match e {
            Ok(emp) => match pick(self, others, emp) {
                Ok(scheme) => scheme.outcome(emp, scratch),
                Err(error) => Err(EmployeeError { id: Some(emp.id.to_string()), error }),
            },
            Err(err) => Err(err.clone()),
        };
        #[cfg(feature = "parallel")]
        {
            use rayon::prelude::*;
            entries.par_iter().map_init(Scratch::default, |scratch, e| one(e, scratch)).collect()
        }
        #[cfg(not(feature = "parallel"))]
        {
            let mut scratch = Scratch::default();
            entries.iter().map(|e| one(e, &mut scratch)).collect()
        }
    }

    /// Checks the schemes given besides this one for segments to be scored with
    /// ([`CompiledScheme::score_segments`]): none at all is fine; otherwise this scheme
    /// must prorate (`invalid_scheme` at `population.proration`, since only proration
    /// combines segments), and no `id@version` may be given twice, this scheme's
    /// included (`duplicate_id` at `segment_schemes[i]`, `i` counting `others` from 0),
    /// since a record could not tell them apart.
    pub fn check_segment_schemes(&self, others: &[CompiledScheme]) -> Result<(), KaoheError> {
        if others.is_empty() {
            return Ok(());
        }
        if self.inner.scheme.population.as_ref().and_then(|p| p.proration.as_ref()).is_none() {
            return Err(KaoheError::new(
                ErrorCode::InvalidScheme,
                format!(
                    "segment schemes need a scheme that prorates: give {} {} a population.proration section",
                    self.id(),
                    self.version()
                ),
            )
            .at("population.proration"));
        }
        let mut seen = vec![(self.id(), self.version())];
        for (i, s) in others.iter().enumerate() {
            if seen.contains(&(s.id(), s.version())) {
                return Err(KaoheError::new(
                    ErrorCode::DuplicateId,
                    format!(
                        "scheme {}@{} is given twice; a record names its scheme by id or id@version",
                        s.id(),
                        s.version()
                    ),
                )
                .at(format!("{SEGMENT_SCHEMES}[{i}]")));
            }
            seen.push((s.id(), s.version()));
        }
        Ok(())
    }

    /// Loads the schemes given for segments from JSON texts, in order. The problems of
    /// a text that does not load have their paths prefixed with `segment_schemes[i]`
    /// (`segment_schemes[1].indicators[0].weight`), so they are told from the main
    /// scheme's; every text's problems are listed.
    pub fn segment_schemes_from_json<S: AsRef<str>>(texts: &[S]) -> Result<Vec<CompiledScheme>, SchemeErrors> {
        let mut schemes = Vec::with_capacity(texts.len());
        let mut problems = Vec::new();
        for (i, text) in texts.iter().enumerate() {
            match CompiledScheme::from_json(text.as_ref()) {
                Ok(s) => schemes.push(s),
                Err(e) => problems.extend(e.errors.into_iter().map(|mut p| {
                    p.path = Some(match p.path.take() {
                        Some(path) if path.starts_with('[') => format!("{SEGMENT_SCHEMES}[{i}]{path}"),
                        Some(path) if !path.is_empty() => format!("{SEGMENT_SCHEMES}[{i}].{path}"),
                        _ => format!("{SEGMENT_SCHEMES}[{i}]"),
                    });
                    p
                })),
            }
        }
        if problems.is_empty() { Ok(schemes) } else { Err(SchemeErrors { errors: problems }) }
    }

    /// Scores a batch whose records may be segments scored under other schemes, and
    /// calibrates it: [`CompiledScheme::check_segment_schemes`], then
    /// [`CompiledScheme::score_segments`], then [`CompiledScheme::calibrate_owned`].
    /// What `kaohe calibrate --segment-scheme` and every binding's `calibrate` run; with
    /// no `others`, a record naming a scheme in its `scheme` attribute must name this one.
    /// Fails with the check's errors, or `quota_infeasible` as calibration does.
    pub fn calibrate_segments(
        &self,
        others: &[CompiledScheme],
        entries: &[Result<Employee, EmployeeError>],
    ) -> Result<Population, KaoheError> {
        self.check_segment_schemes(others)?;
        self.calibrate_owned(self.score_segments(others, entries))
    }

    /// [`CompiledScheme::calibrate_segments`], scoring `batch` records at a time and
    /// calling `scored` with each batch's size once it is scored (for a progress bar).
    /// The result is the same.
    pub fn calibrate_segments_reporting(
        &self,
        others: &[CompiledScheme],
        entries: &[Result<Employee, EmployeeError>],
        batch: usize,
        mut scored: impl FnMut(usize),
    ) -> Result<Population, KaoheError> {
        self.check_segment_schemes(others)?;
        let mut outcomes = Vec::with_capacity(entries.len());
        for chunk in entries.chunks(batch.max(1)) {
            outcomes.extend(self.score_segments(others, chunk));
            scored(chunk.len());
        }
        self.calibrate_owned(outcomes)
    }

    /// One employee's scored records combined exactly as [`CompiledScheme::calibrate`]
    /// combines them: with a `population.proration` section, the segments clipped to
    /// the cycle and weighted by days worked (see [`Proration`]); without one, the
    /// single record's card as it is. The cards may come from other schemes
    /// ([`CompiledScheme::score_segments`]); the combined grade comes from this
    /// scheme's bands. Fails with `invalid_input` when there is no card, when the cards
    /// have different ids, when a scheme without proration gets several, and as
    /// calibration fails for dates that do not parse or no day inside the cycle.
    pub fn combine(&self, cards: Vec<ScoreCard>) -> Result<Combined, EmployeeError> {
        let Some(first) = cards.first() else {
            return Err(EmployeeError {
                id: None,
                error: KaoheError::new(ErrorCode::InvalidInput, "no record to combine"),
            });
        };
        let id = first.id.clone();
        if let Some(other) = cards.iter().find(|c| c.id != id) {
            return Err(EmployeeError {
                id: Some(id.to_string()),
                error: KaoheError::new(
                    ErrorCode::InvalidInput,
                    format!("records of two employees ('{id}' and '{}') cannot be combined", other.id),
                )
                .at("id"),
            });
        }
        let cycle = self.inner.scheme.population.as_ref().and_then(|p| p.proration.as_ref()).and_then(Cycle::new);
        let Some(cycle) = cycle else {
            let n = cards.len();
            return match <[ScoreCard; 1]>::try_from(cards) {
                Ok([card]) => Ok(Combined { card, proration: None }),
                Err(_) => Err(repeated(&id, n)),
            };
        };
        let (card, days, clipped) = combined(self, &cycle, cards)?;
        let weighted_sum = clipped.iter().map(|(_, _, d, c)| c.score * Decimal::from(*d)).sum();
        let segments = clipped
            .into_iter()
            .map(|(from, to, d, c)| ProratedSegment { segment: segment(from, to, d, c.clone()), card: c })
            .collect();
        let proration = Proration {
            start: cycle.start.to_string(),
            end: cycle.end.to_string(),
            cycle_days: cycle.days(),
            days,
            weighted_sum,
            score: card.score,
            segments,
        };
        Ok(Combined { card, proration: Some(proration) })
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn days_are_inclusive() {
        let d = |s: &str| parse_date(s).unwrap();
        assert_eq!(days_between(d("2026-01-01"), d("2026-01-01")), 1);
        assert_eq!(days_between(d("2026-01-01"), d("2026-06-30")), 181);
        assert_eq!(days_between(d("2026-01-02"), d("2026-01-01")), 0);
    }

    /// A one-indicator scheme: points = 100 × kpi / target (cap 2), grades S ≥ 90, A ≥ 80, B.
    fn scheme(id: &str, target: u32, prorate: bool) -> CompiledScheme {
        let population = if prorate {
            r#", "population": {"group_by": ["department"], "proration": {"start": "2026-01-01", "end": "2026-06-30"}}"#
        } else {
            ""
        };
        CompiledScheme::from_json(&format!(
            r#"{{"id": "{id}", "version": "1", "name": "{id}",
              "inputs": {{"kpi": {{"type": "number"}}}},
              "indicators": [{{"id": "kpi", "name": "KPI", "weight": 100, "value": "kpi",
                              "scoring": {{"type": "ratio", "target": {target}, "cap": 2}}}}],
              "grades": [{{"grade": "S", "min": 90, "coefficient": 1.5}}, {{"grade": "A", "min": 80, "coefficient": 1.2}},
                         {{"grade": "B", "coefficient": 1}}]{population}}}"#
        ))
        .unwrap()
    }

    fn entries(json: &str) -> Vec<Result<Employee, EmployeeError>> {
        crate::parse_employees(json).unwrap()
    }

    /// 客服部 under the cs scheme (target 80) to 2026-03-31, then 销售部 under the sales
    /// scheme (target 100) from 2026-04-01: 70.4 / 80 → 88.00 for 90 days, 95 / 100 →
    /// 95.00 for 91 days; (88.00 × 90 + 95.00 × 91) / 181 = 16565 / 181 = 91.519… → 91.52, S.
    const TRANSFER: &str = r#"[
      {"id": "t1", "attributes": {"department": "客服部", "scheme": "cs", "end_date": "2026-03-31"}, "values": {"kpi": 70.4}},
      {"id": "t1", "attributes": {"department": "销售部", "start_date": "2026-04-01"}, "values": {"kpi": 95}}
    ]"#;

    #[test]
    fn segments_scored_under_their_own_schemes_combine_by_days() {
        let (sales, cs) = (scheme("sales", 100, true), scheme("cs", 80, false));
        let outcomes = sales.score_segments(std::slice::from_ref(&cs), &entries(TRANSFER));
        let cards: Vec<ScoreCard> = outcomes.into_iter().map(Result::unwrap).collect();
        assert_eq!(cards[0].score.to_string(), "88.00");
        assert_eq!(cards[0].scheme.id, "cs");
        assert_eq!(cards[1].score.to_string(), "95.00");
        assert_eq!(cards[1].scheme.id, "sales");

        let combined = sales.combine(cards.clone()).unwrap();
        assert_eq!(combined.card.score.to_string(), "91.52");
        assert_eq!(combined.card.grade.as_deref(), Some("S"));
        assert_eq!(combined.card.scheme.id, "sales");
        let p = combined.proration.unwrap();
        assert_eq!((p.cycle_days, p.days), (181, 181));
        assert_eq!(p.weighted_sum.to_string(), "16565.00");
        assert_eq!(p.score.to_string(), "91.52");
        let segs: Vec<(&str, &str, u32, String, &str)> = p
            .segments
            .iter()
            .map(|s| {
                let dept = s.segment.attributes["department"].as_str().unwrap();
                (s.segment.from.as_str(), dept, s.segment.days, s.segment.score.to_string(), s.card.scheme.id.as_str())
            })
            .collect();
        assert_eq!(
            segs,
            [("2026-01-01", "客服部", 90, "88.00".into(), "cs"), ("2026-04-01", "销售部", 91, "95.00".into(), "sales")]
        );

        // The same figures as calibration gives the member.
        let population = sales.calibrate(&cards.into_iter().map(Ok).collect::<Vec<_>>()).unwrap();
        let m = population.member("t1").unwrap();
        assert_eq!((m.score, m.days), (combined.card.score, Some(181)));
        assert_eq!(m.segments.len(), 2);
        assert_eq!(m.segments[0].scheme.id, "cs");
    }

    #[test]
    fn an_employee_with_a_failed_segment_is_left_out_not_combined_from_the_rest() {
        let sales = scheme("sales", 100, true);
        // Without the cs scheme, t1's first segment fails: t1 is not ranked on 91 days alone.
        let outcomes = sales.score_segments(&[], &entries(TRANSFER));
        let population = sales.calibrate(&outcomes).unwrap();
        assert!(population.members.is_empty(), "{:?}", population.members);
        assert_eq!(population.errors.len(), 1);
        assert_eq!(population.errors[0].error.path.as_deref(), Some("attributes.scheme"));
    }

    #[test]
    fn a_record_naming_no_scheme_given_fails_in_place() {
        let (sales, cs) = (scheme("sales", 100, true), scheme("cs", 80, false));
        let e = entries(
            r#"[{"id": "x", "attributes": {"scheme": "hr"}, "values": {"kpi": 1}},
                            {"id": "y", "attributes": {"scheme": "cs@2"}, "values": {"kpi": 1}},
                            {"id": "z", "attributes": {"scheme": "cs@1"}, "values": {"kpi": 80}},
                            {"id": "w", "attributes": {"scheme": 7}, "values": {"kpi": 1}}]"#,
        );
        let out = sales.score_segments(&[cs], &e);
        for o in [&out[0], &out[1], &out[3]] {
            let err = o.as_ref().unwrap_err();
            assert_eq!(err.error.code, ErrorCode::InvalidInput);
            assert_eq!(err.error.path.as_deref(), Some("attributes.scheme"));
        }
        assert!(out[0].as_ref().unwrap_err().error.message.contains("sales@1, cs@1"));
        assert_eq!(out[2].as_ref().unwrap().score.to_string(), "100.00");
        // Two versions of one id: the bare id is ambiguous, id@version is not.
        let (v1, v2) = (scheme("cs", 80, false), scheme("cs", 80, false));
        let out = sales.score_segments(&[v1, v2], &e[2..3]);
        assert!(out[0].as_ref().unwrap_err().error.message.contains("names 2"), "{out:?}");
    }

    #[test]
    fn combine_without_proration_keeps_a_single_card_and_refuses_several() {
        let plain = scheme("plain", 100, false);
        let cards: Vec<ScoreCard> = plain
            .score_segments(&[], &entries(&TRANSFER.replace(r#""scheme": "cs", "#, "")))
            .into_iter()
            .map(Result::unwrap)
            .collect();
        let one = plain.combine(cards[..1].to_vec()).unwrap();
        assert_eq!((one.card.score.to_string(), one.proration), ("70.40".to_owned(), None));
        let err = plain.combine(cards).unwrap_err();
        assert_eq!(err.error.path.as_deref(), Some("id"));
        assert!(err.error.message.contains("appears 2 times"));
        assert!(plain.combine(Vec::new()).is_err());
    }

    #[test]
    fn a_single_segment_keeps_its_card_and_counts_its_days() {
        let sales = scheme("sales", 100, true);
        let e = entries(r#"[{"id": "n1", "attributes": {"start_date": "2026-03-01"}, "values": {"kpi": 85}}]"#);
        let card = sales.score_segments(&[], &e).remove(0).unwrap();
        let c = sales.combine(vec![card.clone()]).unwrap();
        assert_eq!(c.card, card);
        let p = c.proration.unwrap();
        assert_eq!((p.days, p.cycle_days, p.segments.len()), (122, 181, 1));
        assert_eq!(p.weighted_sum.to_string(), "10370.00");
    }
}
