//! The scheme's own forced distribution, for analytics: when a scheme declares
//! `population.distribution`, the analysis calibrates the scored cards exactly as
//! `kaohe calibrate` does and compares both the raw and the calibrated grades with
//! the scheme's quotas.

use std::collections::HashMap;

use rust_decimal::Decimal;

use super::distribution::QuotaView;
use crate::compile::CompiledScheme;
use crate::error::KaoheError;
use crate::result::ScoreCard;

/// Calibrated grades parallel to the cards, and the quotas they answer to.
pub type Calibration = (Vec<Option<String>>, Vec<QuotaView>);

/// Calibrated grades (parallel to `cards`) and the quotas, from the scheme's
/// `population.distribution`; `Ok(None)` when it declares none.
pub fn scheme_calibration(scheme: &CompiledScheme, cards: &[ScoreCard]) -> Result<Option<Calibration>, KaoheError> {
    let Some(spec) = scheme.scheme().population.as_ref().and_then(|p| p.distribution.as_ref()) else {
        return Ok(None);
    };
    let population = scheme.calibrate_owned(cards.iter().cloned().map(Ok).collect())?;
    let by_id: HashMap<&str, Option<&str>> =
        population.members.iter().map(|m| (m.id.as_str(), m.grade.as_deref())).collect();
    let calibrated = cards.iter().map(|c| by_id.get(c.id.as_str()).copied().flatten().map(str::to_owned)).collect();
    let quotas = spec
        .quotas
        .iter()
        .map(|q| QuotaView {
            label: label(&q.grades, q.min.map(|d| d.get()), q.max.map(|d| d.get())),
            grades: q.grades.clone(),
            min: q.min.map(|d| d.get()),
            max: q.max.map(|d| d.get()),
        })
        .collect();
    Ok(Some((calibrated, quotas)))
}

/// `S ≤ 10%`, `C+D ≥ 10%`, `A 20%–30%`.
fn label(grades: &[String], min: Option<Decimal>, max: Option<Decimal>) -> String {
    let pct = |d: Decimal| format!("{}%", crate::num::normalized(d * Decimal::ONE_HUNDRED));
    let names = grades.join("+");
    match (min, max) {
        (Some(lo), Some(hi)) => format!("{names} {}–{}", pct(lo), pct(hi)),
        (Some(lo), None) => format!("{names} ≥ {}", pct(lo)),
        (None, Some(hi)) => format!("{names} ≤ {}", pct(hi)),
        (None, None) => names,
    }
}
