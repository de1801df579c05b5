//! Pearson and Spearman correlations between numeric inputs and indicator achievements.
//!
//! Statistics, not money: computed in `f64` and rounded to 4 places. Each pair uses
//! the employees that have both values (pairwise deletion); Spearman ranks tied values
//! by their average rank. A pair is `O(n log n)`; nothing is computed per pair of
//! employees.

use std::collections::HashMap;

use rust_decimal::prelude::ToPrimitive;
use serde::Serialize;

use super::{numeric_input, numeric_inputs};
use crate::compile::CompiledScheme;
use crate::inputs::Employee;
use crate::result::ScoreCard;

/// A correlation method.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Method {
    /// Linear (product-moment) correlation.
    Pearson,
    /// Rank correlation: Pearson on average ranks.
    Spearman,
}

/// The correlation of two variables.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Correlation {
    /// First variable: `input:<name>` or `indicator:<id>` (its achievement).
    pub x: String,
    /// Second variable.
    pub y: String,
    /// Employees with both values.
    pub n: usize,
    /// Pearson's r (4 places); absent when `n < 3` or either variable is constant.
    pub pearson: Option<f64>,
    /// Spearman's ρ (4 places); absent likewise.
    pub spearman: Option<f64>,
}

fn round4(x: f64) -> f64 {
    (x * 10_000.0).round() / 10_000.0
}

/// Pearson's r of paired values; `None` when fewer than 3 pairs or a variance is 0.
pub fn pearson(xs: &[f64], ys: &[f64]) -> Option<f64> {
    let n = xs.len().min(ys.len());
    if n < 3 {
        return None;
    }
    let nf = n as f64;
    let mx = xs[..n].iter().sum::<f64>() / nf;
    let my = ys[..n].iter().sum::<f64>() / nf;
    let (mut sxy, mut sxx, mut syy) = (0.0, 0.0, 0.0);
    for (x, y) in xs[..n].iter().zip(&ys[..n]) {
        let (dx, dy) = (x - mx, y - my);
        sxy += dx * dy;
        sxx += dx * dx;
        syy += dy * dy;
    }
    if sxx <= 0.0 || syy <= 0.0 {
        return None;
    }
    Some((sxy / (sxx.sqrt() * syy.sqrt())).clamp(-1.0, 1.0))
}

/// Ranks from 1, ties sharing the average of the ranks they span (`[10, 20, 20, 30]` → `[1, 2.5, 2.5, 4]`).
pub fn average_ranks(xs: &[f64]) -> Vec<f64> {
    // Sorting (value, index) pairs keeps the comparisons in cache.
    let mut order: Vec<(f64, usize)> = xs.iter().copied().zip(0..).collect();
    order.sort_unstable_by(|a, b| a.0.total_cmp(&b.0));
    let mut ranks = vec![0.0; xs.len()];
    let mut i = 0;
    while i < order.len() {
        let mut j = i;
        while j + 1 < order.len() && order[j + 1].0 == order[i].0 {
            j += 1;
        }
        // Positions i..=j (0-based) hold ranks i+1..=j+1; their mean is (i + j)/2 + 1.
        let r = (i + j) as f64 / 2.0 + 1.0;
        for (_, k) in &order[i..=j] {
            ranks[*k] = r;
        }
        i = j + 1;
    }
    ranks
}

/// Spearman's ρ: Pearson's r of the average ranks.
pub fn spearman(xs: &[f64], ys: &[f64]) -> Option<f64> {
    pearson(&average_ranks(xs), &average_ranks(ys))
}

struct Var {
    name: String,
    values: Vec<Option<f64>>,
    complete: bool,
    ranks: Option<Vec<f64>>,
}

/// Correlations between every pair of variables: the scheme's numeric inputs (as the
/// scored employees gave them), then each indicator's achievement.
pub fn correlations(scheme: &CompiledScheme, employees: &[Employee], cards: &[ScoreCard]) -> Vec<Correlation> {
    let by_id: HashMap<&str, &Employee> = employees.iter().map(|e| (e.id.as_str(), e)).collect();
    let of_card: Vec<Option<&Employee>> = cards.iter().map(|c| by_id.get(c.id.as_str()).copied()).collect();
    drop(by_id);
    let mut vars: Vec<Var> = super::par_map(&numeric_inputs(scheme), |&name| {
        let values = of_card.iter().map(|e| e.and_then(|e| numeric_input(e, name)).and_then(|d| d.to_f64())).collect();
        Var { name: format!("input:{name}"), values, complete: false, ranks: None }
    });
    let ids: Vec<(usize, &str)> = scheme.indicator_ids().into_iter().enumerate().collect();
    vars.extend(super::par_map(&ids, |&(k, id)| {
        let values = cards
            .iter()
            .map(|c| {
                let line = c.indicators.get(k).filter(|l| &*l.id == id).or_else(|| c.indicator(id))?;
                line.achievement.and_then(|a| a.to_f64())
            })
            .collect();
        Var { name: format!("indicator:{id}"), values, complete: false, ranks: None }
    }));
    let ranked = super::par_map(&vars, |v| {
        let complete = v.values.iter().all(Option::is_some);
        let ranks = complete.then(|| average_ranks(&v.values.iter().flatten().copied().collect::<Vec<f64>>()));
        (complete, ranks)
    });
    for (v, (complete, ranks)) in vars.iter_mut().zip(ranked) {
        v.complete = complete;
        v.ranks = ranks;
    }
    let pairs: Vec<(usize, usize)> = (0..vars.len()).flat_map(|i| (i + 1..vars.len()).map(move |j| (i, j))).collect();
    super::par_map(&pairs, |&(i, j)| pair(&vars[i], &vars[j]))
}

fn pair(a: &Var, b: &Var) -> Correlation {
    let (xs, ys): (Vec<f64>, Vec<f64>) =
        a.values.iter().zip(&b.values).filter_map(|(x, y)| Some(((*x)?, (*y)?))).unzip();
    let rho = match (&a.ranks, &b.ranks) {
        // Both complete: the ranks over everyone are the pairwise ranks.
        (Some(ra), Some(rb)) => pearson(ra, rb),
        _ => spearman(&xs, &ys),
    };
    Correlation {
        x: a.name.clone(),
        y: b.name.clone(),
        n: xs.len(),
        pearson: pearson(&xs, &ys).map(round4),
        spearman: rho.map(round4),
    }
}
