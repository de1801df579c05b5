//! What-if replay: the same employees under two schemes (or two versions of one).
//!
//! Per employee: both scores and grades, the score change, and whether the grade
//! moved. For the population: the grade distribution under each scheme, the
//! indicators whose contribution (points) moved most, and who crosses a grade
//! boundary. Linear in the population (one pass, plus sorting the crossings).

use std::collections::HashMap;

use rust_decimal::Decimal;
use serde::Serialize;

use crate::analytics::share;
use crate::compile::CompiledScheme;
use crate::inputs::Employee;
use crate::num::normalized;
use crate::result::{Outcome, ScoreCard};

/// Which way a grade moved.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Move {
    /// Same grade.
    Same,
    /// A better grade (earlier in the grade list).
    Up,
    /// A worse grade.
    Down,
    /// A different grade that cannot be ranked against the old one.
    Changed,
}

/// One employee under both schemes.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EmployeeChange {
    /// Employee id.
    pub id: String,
    /// Score under scheme A (absent when A failed for this employee).
    pub score_a: Option<Decimal>,
    /// Score under scheme B.
    pub score_b: Option<Decimal>,
    /// `score_b − score_a` when both scored.
    pub delta: Option<Decimal>,
    /// Grade under A.
    pub grade_a: Option<String>,
    /// Grade under B.
    pub grade_b: Option<String>,
    /// How the grade moved (only when both scored).
    pub grade_move: Option<Move>,
    /// Error code under A, if it failed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error_a: Option<String>,
    /// Error code under B, if it failed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error_b: Option<String>,
}

/// One grade's count under each scheme.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GradeShift {
    /// The grade.
    pub grade: String,
    /// Employees with it under A (of those that scored under both).
    pub count_a: usize,
    /// Under B.
    pub count_b: usize,
    /// `count_b − count_a`.
    pub delta: i64,
    /// Share under A (4 places).
    pub share_a: Decimal,
    /// Share under B.
    pub share_b: Decimal,
}

/// How one indicator's contribution moved.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct IndicatorShift {
    /// Indicator id.
    pub indicator: String,
    /// Mean points under A, over employees scored under both (a missing line counts 0; 4 places).
    pub mean_points_a: Decimal,
    /// Mean points under B.
    pub mean_points_b: Decimal,
    /// `mean_points_b − mean_points_a`.
    pub mean_delta: Decimal,
    /// Mean of `|points_b − points_a|` per employee (4 places): the ranking key.
    pub mean_abs_delta: Decimal,
}

/// Someone whose grade moved.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Crossing {
    /// Employee id.
    pub id: String,
    /// Grade under A.
    pub from: Option<String>,
    /// Grade under B.
    pub to: Option<String>,
    /// Score under A.
    pub score_a: Decimal,
    /// Score under B.
    pub score_b: Decimal,
    /// Up, down or changed.
    pub grade_move: Move,
}

/// The what-if of two schemes over one population.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct WhatIf {
    /// `id@version` of scheme A.
    pub scheme_a: String,
    /// `id@version` of scheme B.
    pub scheme_b: String,
    /// Employees compared.
    pub employees: usize,
    /// Employees scored under both.
    pub compared: usize,
    /// Mean score under A over `compared` (4 places).
    pub mean_score_a: Option<Decimal>,
    /// Mean score under B.
    pub mean_score_b: Option<Decimal>,
    /// How many moved up a grade.
    pub up: usize,
    /// How many moved down.
    pub down: usize,
    /// How many changed grade in a way that cannot be ranked.
    pub changed: usize,
    /// Per employee, in input order.
    pub changes: Vec<EmployeeChange>,
    /// Grade counts under A and B (A's grades in order, then B's new ones).
    pub distribution: Vec<GradeShift>,
    /// Indicators by `mean_abs_delta`, largest first (ties: A's order, then B's new ones).
    pub indicators: Vec<IndicatorShift>,
    /// Who crossed a grade boundary, largest `|delta|` first (ties: input order).
    pub crossings: Vec<Crossing>,
}

fn rank(order: &[&str], g: &str) -> Option<usize> {
    order.iter().position(|x| *x == g)
}

fn grade_move(a: Option<&str>, b: Option<&str>, order_a: &[&str], order_b: &[&str]) -> Move {
    if a == b {
        return Move::Same;
    }
    let (Some(a), Some(b)) = (a, b) else {
        return Move::Changed;
    };
    let ranks = match (rank(order_a, a), rank(order_a, b)) {
        (Some(x), Some(y)) => Some((x, y)),
        _ => rank(order_b, a).zip(rank(order_b, b)),
    };
    match ranks {
        Some((x, y)) if y < x => Move::Up,
        Some((x, y)) if y > x => Move::Down,
        _ => Move::Changed,
    }
}

fn mean4(total: Decimal, n: usize) -> Decimal {
    if n == 0 { Decimal::ZERO } else { normalized((total / Decimal::from(n)).round_dp(4)) }
}

/// Scores `employees` under both schemes and compares.
pub fn whatif(a: &CompiledScheme, b: &CompiledScheme, employees: &[Employee]) -> WhatIf {
    #[cfg(feature = "parallel")]
    let (oa, ob) = (a.score_many_par(employees), b.score_many_par(employees));
    #[cfg(not(feature = "parallel"))]
    let (oa, ob) = (a.score_many(employees), b.score_many(employees));
    compare(a, b, &oa, &ob)
}

/// Compares two batches of outcomes of the same employees (same order).
pub fn compare(a: &CompiledScheme, b: &CompiledScheme, outcomes_a: &[Outcome], outcomes_b: &[Outcome]) -> WhatIf {
    let order_a: Vec<&str> = a.scheme().grades.iter().map(|g| g.grade.as_str()).collect();
    let order_b: Vec<&str> = b.scheme().grades.iter().map(|g| g.grade.as_str()).collect();
    let mut grades: Vec<String> = order_a.iter().map(|g| (*g).to_owned()).collect();
    for g in &order_b {
        if !grades.iter().any(|x| x == g) {
            grades.push((*g).to_owned());
        }
    }
    let mut ids: Vec<String> = a.indicator_ids().into_iter().map(str::to_owned).collect();
    for id in b.indicator_ids() {
        if !ids.iter().any(|x| x == id) {
            ids.push(id.to_owned());
        }
    }
    let id_index: HashMap<String, usize> = ids.iter().enumerate().map(|(i, id)| (id.clone(), i)).collect();
    let mut count_a = vec![0usize; grades.len()];
    let mut count_b = vec![0usize; grades.len()];
    let mut sum_a = vec![Decimal::ZERO; ids.len()];
    let mut sum_b = vec![Decimal::ZERO; ids.len()];
    let mut sum_abs = vec![Decimal::ZERO; ids.len()];
    let (mut total_a, mut total_b) = (Decimal::ZERO, Decimal::ZERO);
    let mut compared = 0usize;
    let (mut up, mut down, mut changed) = (0, 0, 0);
    let mut changes = Vec::with_capacity(outcomes_a.len());
    let mut crossings = Vec::new();
    let mut pa = vec![Decimal::ZERO; ids.len()];
    let mut pb = vec![Decimal::ZERO; ids.len()];
    for (x, y) in outcomes_a.iter().zip(outcomes_b) {
        let id = match (x, y) {
            (Ok(c), _) | (_, Ok(c)) => c.id.to_string(),
            (Err(e), _) => e.id.clone().unwrap_or_default(),
        };
        let (ca, cb) = (x.as_ref().ok(), y.as_ref().ok());
        let mut change = EmployeeChange {
            id,
            score_a: ca.map(|c| c.score),
            score_b: cb.map(|c| c.score),
            delta: None,
            grade_a: ca.and_then(|c| c.grade.as_ref().map(|g| g.to_string())),
            grade_b: cb.and_then(|c| c.grade.as_ref().map(|g| g.to_string())),
            grade_move: None,
            error_a: x.as_ref().err().map(|e| e.error.code.as_str().to_owned()),
            error_b: y.as_ref().err().map(|e| e.error.code.as_str().to_owned()),
        };
        if let (Some(ca), Some(cb)) = (ca, cb) {
            compared += 1;
            total_a += ca.score;
            total_b += cb.score;
            let delta = normalized(cb.score - ca.score);
            change.delta = Some(delta);
            let m = grade_move(ca.grade.as_deref(), cb.grade.as_deref(), &order_a, &order_b);
            change.grade_move = Some(m);
            match m {
                Move::Same => {}
                Move::Up => up += 1,
                Move::Down => down += 1,
                Move::Changed => changed += 1,
            }
            if m != Move::Same {
                crossings.push(Crossing {
                    id: change.id.clone(),
                    from: ca.grade.as_ref().map(|g| g.to_string()),
                    to: cb.grade.as_ref().map(|g| g.to_string()),
                    score_a: ca.score,
                    score_b: cb.score,
                    grade_move: m,
                });
            }
            if let Some(g) = &ca.grade {
                let i = slot(g, &mut grades, &mut count_a, &mut count_b);
                count_a[i] += 1;
            }
            if let Some(g) = &cb.grade {
                let i = slot(g, &mut grades, &mut count_a, &mut count_b);
                count_b[i] += 1;
            }
            points(ca, &id_index, &mut pa);
            points(cb, &id_index, &mut pb);
            for k in 0..ids.len() {
                sum_a[k] += pa[k];
                sum_b[k] += pb[k];
                sum_abs[k] += (pb[k] - pa[k]).abs();
            }
        }
        changes.push(change);
    }
    let distribution = grades
        .iter()
        .enumerate()
        .map(|(i, g)| GradeShift {
            grade: g.clone(),
            count_a: count_a[i],
            count_b: count_b[i],
            delta: i64::try_from(count_b[i]).unwrap_or(i64::MAX) - i64::try_from(count_a[i]).unwrap_or(i64::MAX),
            share_a: share(count_a[i], compared),
            share_b: share(count_b[i], compared),
        })
        .collect();
    let mut indicators: Vec<IndicatorShift> = ids
        .iter()
        .enumerate()
        .map(|(k, id)| {
            let (ma, mb) = (mean4(sum_a[k], compared), mean4(sum_b[k], compared));
            IndicatorShift {
                indicator: id.clone(),
                mean_points_a: ma,
                mean_points_b: mb,
                mean_delta: normalized(mb - ma),
                mean_abs_delta: mean4(sum_abs[k], compared),
            }
        })
        .collect();
    indicators.sort_by_key(|x| std::cmp::Reverse(x.mean_abs_delta));
    crossings.sort_by_key(|x| std::cmp::Reverse((x.score_b - x.score_a).abs()));
    WhatIf {
        scheme_a: format!("{}@{}", a.id(), a.version()),
        scheme_b: format!("{}@{}", b.id(), b.version()),
        employees: outcomes_a.len(),
        compared,
        mean_score_a: (compared > 0).then(|| mean4(total_a, compared)),
        mean_score_b: (compared > 0).then(|| mean4(total_b, compared)),
        up,
        down,
        changed,
        changes,
        distribution,
        indicators,
        crossings,
    }
}

/// The index of grade `g`, added (with zero counts) when the schemes do not list it.
fn slot(g: &str, grades: &mut Vec<String>, count_a: &mut Vec<usize>, count_b: &mut Vec<usize>) -> usize {
    grades.iter().position(|x| x == g).unwrap_or_else(|| {
        grades.push(g.to_owned());
        count_a.push(0);
        count_b.push(0);
        grades.len() - 1
    })
}

/// Fills `out` with the card's points per indicator index (0 when absent or excluded).
fn points(card: &ScoreCard, index: &HashMap<String, usize>, out: &mut [Decimal]) {
    out.fill(Decimal::ZERO);
    for line in &card.indicators {
        if let (Some(k), Some(p)) = (index.get(&*line.id), line.points) {
            out[*k] = p;
        }
    }
}
