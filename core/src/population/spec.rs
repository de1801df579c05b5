//! The `population` section of a scheme as written, and its validation.
//!
//! Every field is optional so that a scheme without the section keeps its hash.
//! [`validate`] runs inside [`crate::compile`] and reports every problem with its
//! JSON path (`population.distribution.quotas[1].min`).

use std::collections::{BTreeMap, HashMap, HashSet};

use rhai::Engine;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::error::{ErrorCode, KaoheError};
use crate::num::Dec;
use crate::scheme::{Formula, Node, Scheme};
use crate::script::{Compiled, Compiler, NameInfo, Ty};

/// Population rules: how results are ranked, calibrated, paid, prorated and rolled up.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct PopulationSpec {
    /// Attributes that group the population, outermost first (`["department", "team"]`):
    /// every employee gets a rank within each level.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub group_by: Vec<String>,
    /// Indicator ids whose points break ties of score, in order (more points rank first);
    /// the employee id breaks what is left.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tie_breakers: Vec<String>,
    /// Forced distribution (强制分布).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub distribution: Option<DistributionSpec>,
    /// Performance pay, bonus pool and merit matrix.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pay: Option<PaySpec>,
    /// Combining segments of a cycle by days worked.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub proration: Option<ProrationSpec>,
    /// Department and team results from their members.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rollup: Option<RollupSpec>,
}

/// How a quota's share of a group becomes a head count.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum QuotaRounding {
    /// Hamilton's method: the max shares (and, separately, the min shares) are apportioned
    /// together with an implied "everyone else" share, so the head counts add up to the group.
    #[default]
    LargestRemainder,
    /// Each head count rounded to the nearest whole person, halves up.
    HalfUp,
    /// Each head count rounded down.
    Floor,
    /// Each head count rounded up.
    Ceiling,
}

/// One quota: the share of a group that may (max) or must (min) hold one of its grades.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Quota {
    /// Grades counted together (adjacent in the scheme's `grades`).
    pub grades: Vec<String>,
    /// Lowest share of the group, 0 to 1.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min: Option<Dec>,
    /// Highest share of the group, 0 to 1.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max: Option<Dec>,
}

/// Forced distribution: quotas per grade within groups.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct DistributionSpec {
    /// Attributes whose groups the quotas apply within (none: the whole population).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub group_by: Vec<String>,
    /// Groups with fewer graded members than this keep their raw grades (1 by default).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_group_size: Option<u32>,
    /// How shares become head counts.
    #[serde(default)]
    pub rounding: QuotaRounding,
    /// The quotas.
    pub quotas: Vec<Quota>,
}

/// Performance pay (绩效工资) and merit raises.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct PaySpec {
    /// Attribute holding the pay base (绩效基数).
    pub base: String,
    /// Attribute holding the department coefficient (部门系数); a roll-up `coefficient` takes precedence.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub department_coefficient: Option<String>,
    /// A fixed bonus pool split in proportion to base × coefficients, exactly to the cent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pool: Option<Dec>,
    /// Places of the currency (2 by default).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub places: Option<u32>,
    /// Merit matrix: grade × compa-ratio band → raise.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub merit: Option<MeritSpec>,
}

/// Merit matrix (调薪矩阵).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct MeritSpec {
    /// Attribute holding the salary.
    pub salary: String,
    /// Attribute holding the salary range midpoint.
    pub midpoint: String,
    /// Upper bounds (exclusive) of the compa-ratio bands, increasing; the last band is open.
    pub bands: Vec<Dec>,
    /// Raise per grade: one rate per band (`bands.len() + 1` of them).
    pub raises: BTreeMap<String, Vec<Dec>>,
}

/// Proration: segments of one employee combined by calendar days in the cycle.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct ProrationSpec {
    /// First day of the cycle (`YYYY-MM-DD`).
    pub start: String,
    /// Last day of the cycle (`YYYY-MM-DD`, inclusive).
    pub end: String,
    /// Attribute holding a segment's first day (`start_date` by default; absent: the cycle start).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start_attribute: Option<String>,
    /// Attribute holding a segment's last day (`end_date` by default; absent: the cycle end).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end_attribute: Option<String>,
}

/// How members' scores become a group's score.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum RollupMethod {
    /// The plain mean.
    #[default]
    Mean,
    /// The mean weighted by the `weight` attribute.
    WeightedMean,
    /// The `expression`, over `mean`, `weighted_mean`, `min`, `max`, `sum` and `count`.
    Expression,
}

/// Roll-up of members' results to their groups.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct RollupSpec {
    /// Attributes whose groups are rolled up.
    pub group_by: Vec<String>,
    /// How the group score is made.
    #[serde(default)]
    pub method: RollupMethod,
    /// Attribute holding a member's weight (for `weighted_mean`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub weight: Option<String>,
    /// The expression (for `expression`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expression: Option<Formula>,
    /// Fed back as the department coefficient of every member: an expression over `score`
    /// and the aggregates (`"score / 100"`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub coefficient: Option<Formula>,
}

/// Names a roll-up expression may read, in slot order.
pub(crate) const ROLLUP_NAMES: [&str; 7] = ["mean", "weighted_mean", "min", "max", "sum", "count", "score"];

pub(crate) fn rollup_names(with_score: bool) -> HashMap<String, NameInfo> {
    let n = if with_score { ROLLUP_NAMES.len() } else { ROLLUP_NAMES.len() - 1 };
    ROLLUP_NAMES[..n]
        .iter()
        .enumerate()
        .map(|(slot, name)| ((*name).to_owned(), NameInfo { slot, ty: Ty::Num }))
        .collect()
}

pub(crate) fn compile_rollup_expr(
    engine: &Engine,
    src: &str,
    path: &str,
    with_score: bool,
) -> Result<Compiled, Vec<KaoheError>> {
    let names = rollup_names(with_score);
    Compiler::new(engine, &names).compile(src, path, None)
}

fn leaf_ids(nodes: &[Node], out: &mut HashSet<String>) {
    for n in nodes {
        match &n.indicators {
            Some(children) => leaf_ids(children, out),
            None => {
                out.insert(n.id.clone());
            }
        }
    }
}

pub(crate) fn parse_date(text: &str) -> Option<jiff::civil::Date> {
    text.trim().parse().ok()
}

struct V {
    errors: Vec<KaoheError>,
}

impl V {
    fn push(&mut self, code: ErrorCode, path: impl Into<String>, message: impl Into<String>) {
        self.errors.push(KaoheError::new(code, message).at(path));
    }

    fn attrs(&mut self, names: &[String], path: &str) {
        for (i, a) in names.iter().enumerate() {
            if a.trim().is_empty() {
                self.push(ErrorCode::InvalidScheme, format!("{path}[{i}]"), "an attribute name must not be empty");
            }
        }
    }

    fn share(&mut self, d: Option<Dec>, path: String) {
        if let Some(d) = d {
            if d.0 < Decimal::ZERO || d.0 > Decimal::ONE {
                self.push(ErrorCode::InvalidScheme, path, format!("a share must be between 0 and 1, got {}", d.0));
            }
        }
    }
}

/// Checks the `population` section against the rest of the scheme; every problem, with its path.
pub(crate) fn validate(scheme: &Scheme, engine: &Engine) -> Vec<KaoheError> {
    let mut v = V { errors: Vec::new() };
    let Some(p) = &scheme.population else {
        return v.errors;
    };
    v.attrs(&p.group_by, "population.group_by");
    let mut leaves = HashSet::new();
    leaf_ids(&scheme.indicators, &mut leaves);
    for (i, t) in p.tie_breakers.iter().enumerate() {
        if !leaves.contains(t) {
            v.push(
                ErrorCode::InvalidScheme,
                format!("population.tie_breakers[{i}]"),
                format!("tie-breaker '{t}' is not an indicator of the scheme"),
            );
        }
    }
    let grade_pos: HashMap<&str, usize> =
        scheme.grades.iter().enumerate().map(|(i, g)| (g.grade.as_str(), i)).collect();
    if let Some(d) = &p.distribution {
        validate_distribution(d, &grade_pos, scheme.grades.len(), &mut v);
    }
    if let Some(pay) = &p.pay {
        if pay.base.trim().is_empty() {
            v.push(ErrorCode::InvalidScheme, "population.pay.base", "the base attribute name must not be empty");
        }
        if pay.places.is_some_and(|n| n > 10) {
            v.push(ErrorCode::InvalidScheme, "population.pay.places", "places must be between 0 and 10");
        }
        if pay.pool.is_some_and(|d| d.0 < Decimal::ZERO) {
            v.push(ErrorCode::InvalidScheme, "population.pay.pool", "the pool must not be negative");
        }
        if let Some(m) = &pay.merit {
            let path = "population.pay.merit";
            for (i, w) in m.bands.windows(2).enumerate() {
                if w[1].0 <= w[0].0 {
                    v.push(
                        ErrorCode::InvalidScheme,
                        format!("{path}.bands[{}]", i + 1),
                        "compa-ratio band bounds must increase",
                    );
                }
            }
            for (g, row) in &m.raises {
                if !grade_pos.contains_key(g.as_str()) {
                    v.push(
                        ErrorCode::InvalidScheme,
                        format!("{path}.raises.{g}"),
                        format!("grade '{g}' is not in 'grades'"),
                    );
                }
                if row.len() != m.bands.len() + 1 {
                    v.push(
                        ErrorCode::InvalidScheme,
                        format!("{path}.raises.{g}"),
                        format!(
                            "{} bounds make {} bands, but the row has {} rates",
                            m.bands.len(),
                            m.bands.len() + 1,
                            row.len()
                        ),
                    );
                }
            }
        }
    }
    if let Some(pr) = &p.proration {
        let s = parse_date(&pr.start);
        let e = parse_date(&pr.end);
        if s.is_none() {
            v.push(ErrorCode::InvalidScheme, "population.proration.start", "not a date (YYYY-MM-DD)");
        }
        if e.is_none() {
            v.push(ErrorCode::InvalidScheme, "population.proration.end", "not a date (YYYY-MM-DD)");
        }
        if let (Some(s), Some(e)) = (s, e) {
            if s > e {
                v.push(ErrorCode::InvalidScheme, "population.proration", "the cycle ends before it starts");
            }
        }
    }
    if let Some(r) = &p.rollup {
        v.attrs(&r.group_by, "population.rollup.group_by");
        if r.method == RollupMethod::WeightedMean && r.weight.is_none() {
            v.push(ErrorCode::InvalidScheme, "population.rollup.weight", "weighted_mean needs a weight attribute");
        }
        match (&r.expression, r.method) {
            (None, RollupMethod::Expression) => {
                v.push(
                    ErrorCode::InvalidScheme,
                    "population.rollup.expression",
                    "method expression needs an expression",
                );
            }
            (Some(e), _) => {
                if let Err(errs) = compile_rollup_expr(engine, e.as_str(), "population.rollup.expression", false) {
                    v.errors.extend(errs);
                }
            }
            (None, _) => {}
        }
        if let Some(c) = &r.coefficient {
            if let Err(errs) = compile_rollup_expr(engine, c.as_str(), "population.rollup.coefficient", true) {
                v.errors.extend(errs);
            }
        }
    }
    v.errors
}

fn validate_distribution(d: &DistributionSpec, grade_pos: &HashMap<&str, usize>, n_grades: usize, v: &mut V) {
    let path = "population.distribution";
    v.attrs(&d.group_by, &format!("{path}.group_by"));
    if n_grades == 0 {
        v.push(ErrorCode::InvalidScheme, path, "a forced distribution needs 'grades'");
        return;
    }
    let mut owner: HashMap<usize, usize> = HashMap::new();
    let mut covered = 0usize;
    let (mut sum_min, mut sum_max) = (Decimal::ZERO, Decimal::ZERO);
    let mut all_have_max = true;
    for (qi, q) in d.quotas.iter().enumerate() {
        let qp = format!("{path}.quotas[{qi}]");
        if q.grades.is_empty() {
            v.push(ErrorCode::InvalidScheme, format!("{qp}.grades"), "a quota needs at least one grade");
        }
        let mut positions = Vec::new();
        for (gi, g) in q.grades.iter().enumerate() {
            match grade_pos.get(g.as_str()) {
                None => v.push(
                    ErrorCode::InvalidScheme,
                    format!("{qp}.grades[{gi}]"),
                    format!("grade '{g}' is not in 'grades'"),
                ),
                Some(&p) => {
                    if let Some(other) = owner.insert(p, qi) {
                        v.push(
                            ErrorCode::InvalidScheme,
                            format!("{qp}.grades[{gi}]"),
                            format!("grade '{g}' is already counted by quotas[{other}]: quotas must not share grades"),
                        );
                    } else {
                        covered += 1;
                    }
                    positions.push(p);
                }
            }
        }
        positions.sort_unstable();
        positions.dedup();
        if positions.windows(2).any(|w| w[1] != w[0] + 1) {
            v.push(
                ErrorCode::InvalidScheme,
                format!("{qp}.grades"),
                "a quota's grades must be adjacent in 'grades' (like [\"C\", \"D\"])",
            );
        }
        if q.min.is_none() && q.max.is_none() {
            v.push(ErrorCode::InvalidScheme, qp.clone(), "a quota needs a min, a max or both");
        }
        v.share(q.min, format!("{qp}.min"));
        v.share(q.max, format!("{qp}.max"));
        if let (Some(lo), Some(hi)) = (q.min, q.max) {
            if lo.0 > hi.0 {
                v.push(ErrorCode::QuotaInfeasible, format!("{qp}.min"), format!("min {} is above max {}", lo.0, hi.0));
            }
        }
        sum_min += q.min.map_or(Decimal::ZERO, |d| d.0);
        match q.max {
            Some(m) => sum_max += m.0,
            None => all_have_max = false,
        }
    }
    if sum_min > Decimal::ONE {
        v.push(
            ErrorCode::QuotaInfeasible,
            format!("{path}.quotas"),
            format!("the min shares add up to {sum_min}, more than the whole group"),
        );
    }
    if covered == n_grades && all_have_max && sum_max < Decimal::ONE {
        v.push(
            ErrorCode::QuotaInfeasible,
            format!("{path}.quotas"),
            format!(
                "the quotas cover every grade but their max shares add up to only {sum_max}: someone must get a grade"
            ),
        );
    }
    if d.rounding == QuotaRounding::LargestRemainder && sum_max > Decimal::ONE {
        v.push(
            ErrorCode::InvalidScheme,
            format!("{path}.rounding"),
            format!(
                "largest-remainder rounding apportions the max shares together, so they must add up to at most 1 (they add up to {sum_max}); use half_up, floor or ceiling"
            ),
        );
    }
}
