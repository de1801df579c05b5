//! Population results: ranking, forced distribution (强制分布), pay, proration and roll-up.
//!
//! Pure functions over scored results (each [`ScoreCard`] carries the employee's
//! attributes) and the scheme's `population` section ([`PopulationSpec`]). The rules
//! are documented in `spec/README.md` ("Population results") and replayed from
//! `spec/vectors/population/`.
//!
//! ```
//! let scheme = kaohe::Scheme::from_json(r#"{
//!   "id": "demo", "version": "1", "name": "Demo",
//!   "inputs": {"kpi": {"type": "number"}},
//!   "indicators": [{"id": "kpi", "name": "KPI", "weight": 100, "value": "kpi",
//!                   "scoring": {"type": "ratio", "target": 100, "cap": 2}}],
//!   "grades": [{"grade": "S", "min": 90}, {"grade": "A", "min": 80}, {"grade": "B"}],
//!   "population": {"distribution": {"quotas": [{"grades": ["S"], "max": 0.4}]}}
//! }"#).unwrap();
//! let employees = kaohe::parse_employees(r#"[{"id": "a", "values": {"kpi": 95}},
//!   {"id": "b", "values": {"kpi": 92}}, {"id": "c", "values": {"kpi": 91}}]"#).unwrap();
//! let population = scheme.calibrate(&scheme.score_entries(&employees)).unwrap();
//! let grades: Vec<_> = population.members.iter().map(|m| m.grade.as_deref().unwrap()).collect();
//! assert_eq!(grades, ["S", "A", "A"]); // 1.2 S seats: 1 by largest remainder, so b moves down
//! ```

mod build;
mod distribution;
mod groups;
mod json;
mod par;
mod pay;
mod prorate;
mod rank;
pub mod record;
mod rollup;
mod spec;

use std::sync::Arc;

use rust_decimal::Decimal;
use serde::Serialize;
use serde_json::{Map, Value};
use smallvec::SmallVec;

pub use groups::GroupPath;
pub(crate) use spec::validate;
pub use spec::{
    DistributionSpec, MeritSpec, PaySpec, PopulationSpec, ProrationSpec, Quota, QuotaRounding, RollupMethod, RollupSpec,
};

use crate::compile::CompiledScheme;
use crate::error::{Error, KaoheError};
use crate::result::{EmployeeError, Outcome, SchemeRef, ScoreCard};

use crate::result::{dec, opt_dec};

/// A group of one level of `population.group_by`, shared by its members' [`GroupRank`]s.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RankGroup {
    /// The attribute of this level.
    pub by: String,
    /// The group's path down to this level (values of the attributes, outermost first).
    pub path: GroupPath,
}

/// A rank within one level of `population.group_by`. Serialized as `{by, group, rank,
/// of, percentile}` (`group` being the group's path).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GroupRank {
    /// The level's attribute and the group's path (one value shared by the group's
    /// members, so that a million members hold a pointer each, not a copy).
    pub group: Arc<RankGroup>,
    /// 1-based position in the group.
    pub rank: u32,
    /// Members of the group.
    pub of: u32,
}

impl GroupRank {
    /// Percent rank: 100 × (of − rank) / (of − 1), 2 places (100 for a group of one).
    pub fn percentile(&self) -> Decimal {
        rank::percentile(self.rank, self.of)
    }
}

/// Which side of a quota moved an employee.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Bound {
    /// Too many held the quota's grades.
    Max,
    /// Too few held the quota's grades.
    Min,
}

/// One move made by the forced distribution, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Move {
    /// Grade before the move.
    pub from: String,
    /// Grade after the move.
    pub to: String,
    /// Index of the quota in `population.distribution.quotas`.
    pub quota: usize,
    /// The quota's grades.
    pub grades: Vec<String>,
    /// Which bound forced the move.
    pub bound: Bound,
    /// The bound as a head count in this group.
    pub limit: u32,
    /// The employee's rank within the distribution group.
    pub group_rank: u32,
    /// Graded members of the distribution group.
    pub group_size: u32,
}

/// One segment of a prorated employee.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Segment {
    /// First day counted (clipped to the cycle).
    pub from: String,
    /// Last day counted (clipped to the cycle).
    pub to: String,
    /// Calendar days counted (0 when the segment lies outside the cycle).
    pub days: u32,
    /// The segment's score.
    #[serde(serialize_with = "dec")]
    pub score: Decimal,
    /// The segment's grade.
    pub grade: Option<String>,
    /// The segment's attributes (its department…).
    #[serde(skip_serializing_if = "crate::result::no_attributes")]
    pub attributes: Arc<Map<String, Value>>,
    /// The scheme the segment was scored with.
    pub scheme: Arc<SchemeRef>,
}

/// Pay of one employee.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct Pay {
    /// The pay base (绩效基数).
    #[serde(serialize_with = "opt_dec")]
    pub base: Option<Decimal>,
    /// The calibrated grade's coefficient (个人系数).
    #[serde(serialize_with = "opt_dec")]
    pub grade_coefficient: Option<Decimal>,
    /// The department coefficient (部门系数), 1 when the scheme has none.
    #[serde(serialize_with = "opt_dec")]
    pub department_coefficient: Option<Decimal>,
    /// Days worked / days in the cycle, when prorated.
    #[serde(serialize_with = "opt_dec")]
    pub proration: Option<Decimal>,
    /// base × grade coefficient × department coefficient × proration, rounded to the currency places.
    #[serde(serialize_with = "opt_dec")]
    pub performance_pay: Option<Decimal>,
    /// Share of the bonus pool, when the scheme has one.
    #[serde(serialize_with = "opt_dec")]
    pub bonus: Option<Decimal>,
    /// salary / midpoint, 4 places (the band is chosen from the exact ratio).
    #[serde(serialize_with = "opt_dec")]
    pub compa_ratio: Option<Decimal>,
    /// The merit raise rate from the matrix.
    #[serde(serialize_with = "opt_dec")]
    pub raise: Option<Decimal>,
    /// salary × raise, rounded to the currency places.
    #[serde(serialize_with = "opt_dec")]
    pub raise_amount: Option<Decimal>,
    /// What kept a pay figure from being computed (a missing attribute…).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub problems: Vec<KaoheError>,
}

/// One employee's population result. Serialized as `{id, group, score, rank, of,
/// percentile, group_ranks, raw_grade, grade, coefficient, moves, days, segments, pay,
/// attributes}` (empty lists, absent days and pay, and no attributes left out), `group`
/// and `percentile` being [`Member::group`] and [`Member::percentile`].
#[derive(Debug, Clone, PartialEq)]
pub struct Member {
    /// Employee id.
    pub id: String,
    /// The score (days-weighted when prorated).
    pub score: Decimal,
    /// 1-based position in the whole population.
    pub rank: u32,
    /// Size of the population.
    pub of: u32,
    /// Ranks within each level of `population.group_by`, outermost first (held inline
    /// for up to two levels, so a million members need no allocation each).
    pub group_ranks: SmallVec<[GroupRank; 2]>,
    /// The grade the score gave.
    pub raw_grade: Option<Arc<str>>,
    /// The grade after the forced distribution.
    pub grade: Option<Arc<str>>,
    /// The calibrated grade's coefficient.
    pub coefficient: Option<Decimal>,
    /// Why the grade moved (empty when it did not).
    pub moves: Vec<Move>,
    /// Calendar days counted in the cycle, when prorated.
    pub days: Option<u32>,
    /// The segments combined, when prorated.
    pub segments: Vec<Segment>,
    /// Pay, when the scheme has a `pay` section (boxed: a member without pay is half the size).
    pub pay: Option<Box<Pay>>,
    /// The employee's attributes (of the last segment when prorated).
    pub attributes: Arc<Map<String, Value>>,
}

impl Member {
    /// Values of `population.group_by`, outermost first: the path of the innermost
    /// group rank (empty without `group_by`).
    pub fn group(&self) -> &[String] {
        self.group_ranks.last().map_or(&[], |g| &g.group.path)
    }

    /// Percent rank in the whole population (see [`GroupRank::percentile`]).
    pub fn percentile(&self) -> Decimal {
        rank::percentile(self.rank, self.of)
    }
}

/// A quota's head counts in one group.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct QuotaCount {
    /// Index in `population.distribution.quotas`.
    pub quota: usize,
    /// The quota's grades.
    pub grades: Vec<String>,
    /// Lowest head count (absent: no min).
    pub min: Option<u32>,
    /// Highest head count (absent: no max).
    pub max: Option<u32>,
    /// Members holding the grades before calibration.
    pub raw: u32,
    /// Members holding the grades after calibration.
    pub calibrated: u32,
}

/// One group of the forced distribution.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DistributionGroup {
    /// Values of `distribution.group_by`.
    pub group: Vec<String>,
    /// Graded members.
    pub size: u32,
    /// Whether the quotas applied (size ≥ `min_group_size`).
    pub applied: bool,
    /// Head counts per quota (empty when not applied).
    pub quotas: Vec<QuotaCount>,
    /// Moves made (an employee moved twice counts twice).
    pub moved: u32,
}

/// One group's roll-up.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RollupGroup {
    /// Values of `rollup.group_by`.
    pub group: Vec<String>,
    /// Members.
    pub size: u32,
    /// Plain mean of the members' scores, shown to 4 places (the score uses the exact mean).
    #[serde(serialize_with = "dec")]
    pub mean: Decimal,
    /// Weighted mean, 4 places (when a weight attribute is set and the weights are not all zero).
    #[serde(serialize_with = "opt_dec")]
    pub weighted_mean: Option<Decimal>,
    /// The group's score, rounded like scores.
    #[serde(serialize_with = "opt_dec")]
    pub score: Option<Decimal>,
    /// The coefficient fed back to members, 4 places.
    #[serde(serialize_with = "opt_dec")]
    pub coefficient: Option<Decimal>,
    /// What kept the score or coefficient from being computed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<KaoheError>,
}

/// The bonus pool, split.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PoolSummary {
    /// The pool.
    #[serde(serialize_with = "dec")]
    pub amount: Decimal,
    /// What was handed out (equal to the pool unless nobody had a share).
    #[serde(serialize_with = "dec")]
    pub allocated: Decimal,
    /// Smallest currency units handed out by largest remainder after rounding every share down.
    pub remainder_units: u64,
}

/// The population result: every member in rank order, and the group results.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Population {
    /// The scheme whose population rules were applied.
    pub scheme: Arc<SchemeRef>,
    /// Members, best rank first.
    pub members: Vec<Member>,
    /// Forced-distribution groups (empty without a distribution).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub distribution: Vec<DistributionGroup>,
    /// Roll-up groups (empty without a roll-up).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub rollup: Vec<RollupGroup>,
    /// The bonus pool, when the scheme has one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pool: Option<PoolSummary>,
    /// Employees left out (scoring failed, or their segments could not be combined).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<EmployeeError>,
}

impl Population {
    /// The member with this id.
    pub fn member(&self, id: &str) -> Option<&Member> {
        self.members.iter().find(|m| m.id == id)
    }

    /// The result as pretty JSON text (two-space indent, no final newline).
    pub fn to_json_string(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_default()
    }
}

/// An attribute read as an exact decimal (a JSON number or a string spelling one).
pub(crate) fn attr_decimal(attrs: &Map<String, Value>, name: &str) -> Option<Decimal> {
    attrs.get(name).and_then(crate::num::decimal_from_json)
}

/// A member while segments are combined ([`prorate::combine`]).
pub(crate) struct Work {
    pub card: ScoreCard,
    pub days: Option<u32>,
    pub segments: Vec<Segment>,
    /// Grade index in the scheme's `grades`, raw then calibrated.
    pub raw: Option<usize>,
    pub grade: Option<usize>,
}

impl CompiledScheme {
    /// Applies the scheme's `population` rules to a scored batch: combines segments,
    /// ranks, calibrates grades against the quotas, rolls up and computes pay.
    /// Employees whose scoring failed are listed in [`Population::errors`]. Fails only
    /// when a group's head counts make the quotas infeasible (`quota_infeasible`).
    /// Copies the cards; [`CompiledScheme::calibrate_owned`] takes them over instead.
    pub fn calibrate(&self, outcomes: &[Outcome]) -> Result<Population, KaoheError> {
        self.calibrate_owned(outcomes.to_vec())
    }

    /// [`CompiledScheme::calibrate`], taking the outcomes over (no copy of the cards).
    pub fn calibrate_owned(&self, outcomes: Vec<Outcome>) -> Result<Population, KaoheError> {
        let spec = self.inner.scheme.population.clone().unwrap_or_default();
        let mut errors = Vec::new();
        // In place: the cards stay in the outcomes' allocation.
        let cards: Vec<ScoreCard> = outcomes
            .into_iter()
            .filter_map(|o| match o {
                Ok(c) => Some(c),
                Err(e) => {
                    errors.push(e);
                    None
                }
            })
            .collect();
        let Table { cards, days, segments, raw, mut grades } = self.table(&spec, cards, &mut errors);
        let mut cache = groups::GroupCache::default();
        let order = rank::order(&cards, &spec.tie_breakers);
        let mut moves: Vec<(usize, Vec<Move>)> = Vec::new();
        let distribution = match &spec.distribution {
            Some(d) => {
                let g = cache.get(&cards, &d.group_by);
                distribution::calibrate(self, d, &mut grades, &mut moves, &order, &g)?
            }
            None => Vec::new(),
        };
        let (rollup, dept_coefficients, rollup_groups) = match &spec.rollup {
            Some(r) => {
                let g = cache.get(&cards, &r.group_by);
                let (groups, coefficients) = rollup::roll_up(self, r, &cards, &g);
                (groups, coefficients, Some(g))
            }
            None => (Vec::new(), Vec::new(), None),
        };
        let pay_rules = spec.pay.as_ref().map(|p| pay::PayRules::new(self, p, spec.proration.as_ref()));
        let pay_attributes = pay_rules.as_ref().map(pay::PayRules::attributes).unwrap_or_default();
        let levels: Vec<build::Level> = (0..spec.group_by.len())
            .map(|l| build::Level::new(&spec.group_by[l], &cache.get(&cards, &spec.group_by[..=l]), &order))
            .collect();
        drop(cache);
        let coefficients: Vec<Option<Decimal>> = self.inner.grades.iter().map(|g| g.coefficient).collect();
        let columns = build::Columns {
            days: &days,
            raw: &raw,
            grades: &grades,
            rollup_keys: rollup_groups.as_ref().map_or(&[], |g| &g.keys),
            rollup: &dept_coefficients,
            pay: pay_rules.as_ref(),
            pay_attributes: &pay_attributes,
            coefficients: &coefficients,
        };
        let mut rank_of = vec![0u32; order.len()];
        for (pos, &i) in order.iter().enumerate() {
            rank_of[i] = u32::try_from(pos).unwrap_or(u32::MAX);
        }
        let (parts, pool) = columns.parts(cards, build::Extras { moves, segments }, &rank_of);
        drop((raw, grades, dept_coefficients, rollup_groups, days));
        let grade_names: Vec<Arc<str>> = self.inner.grades.iter().map(|g| Arc::from(g.grade.as_str())).collect();
        let sources = build::Sources { parts: &parts, order: &order, levels: &levels, grade_names: &grade_names };
        let members = sources.members();
        build::drop_all(parts);
        drop(levels);
        Ok(Population { scheme: self.inner.scheme_ref.clone(), members, distribution, rollup, pool, errors })
    }

    /// The cards ready to rank: one per employee, segments combined when the scheme
    /// prorates or an id repeats (which reports it), else the cards as they are.
    fn table(&self, spec: &PopulationSpec, cards: Vec<ScoreCard>, errors: &mut Vec<EmployeeError>) -> Table {
        let prorated = spec.proration.as_ref().and_then(prorate::cycle_days).is_some();
        if !prorated && unique_ids(&cards) {
            let index = |c: &ScoreCard| prorate::grade_index(self, c.grade.as_deref());
            #[cfg(feature = "parallel")]
            let raw: Vec<Option<usize>> = {
                use rayon::prelude::*;
                cards.par_iter().map(index).collect()
            };
            #[cfg(not(feature = "parallel"))]
            let raw: Vec<Option<usize>> = cards.iter().map(index).collect();
            return Table { cards, days: Vec::new(), segments: Vec::new(), grades: raw.clone(), raw };
        }
        let work = prorate::combine(self, spec, cards, errors);
        let mut t = Table {
            cards: Vec::with_capacity(work.len()),
            days: Vec::with_capacity(work.len()),
            segments: Vec::with_capacity(work.len()),
            raw: Vec::with_capacity(work.len()),
            grades: Vec::with_capacity(work.len()),
        };
        for w in work {
            t.cards.push(w.card);
            t.days.push(w.days);
            t.segments.push(w.segments);
            t.raw.push(w.raw);
            t.grades.push(w.grade);
        }
        t
    }
}

/// Whether no two cards share an id.
///
/// With `parallel`, the ids' 64-bit hashes are computed and sorted on every core: no
/// two equal neighbours means no two equal ids. Equal hashes (a repeated id, or
/// very rarely two ids that hash alike) are settled by the exact check.
fn unique_ids(cards: &[ScoreCard]) -> bool {
    #[cfg(feature = "parallel")]
    {
        use std::hash::BuildHasher;

        use rayon::prelude::*;
        let build = rustc_hash::FxBuildHasher;
        let mut hashes: Vec<u64> = cards.par_iter().map(|c| build.hash_one(c.id.as_str())).collect();
        hashes.par_sort_unstable();
        if !hashes.par_windows(2).any(|w| w[0] == w[1]) {
            return true;
        }
    }
    let mut seen: rustc_hash::FxHashSet<&str> =
        rustc_hash::FxHashSet::with_capacity_and_hasher(cards.len(), Default::default());
    cards.iter().all(|c| seen.insert(c.id.as_str()))
}

/// The members while the population is worked out: the cards, and beside them what
/// calibration adds (one slot per member; `days` and `segments` empty unless prorated).
struct Table {
    cards: Vec<ScoreCard>,
    days: Vec<Option<u32>>,
    segments: Vec<Vec<Segment>>,
    /// Grade index in the scheme's `grades` that the score gave.
    raw: Vec<Option<usize>>,
    /// The same, calibrated.
    grades: Vec<Option<usize>>,
}

/// Scores a JSON employees document with a JSON scheme, applies the population rules,
/// and returns exactly the text `kaohe calibrate --format json` prints (without its
/// final newline). Every binding exposes this.
pub fn calibrate_json(scheme_json: &str, employees_json: &str) -> Result<String, Error> {
    // One scheme: the CLI's and the bindings' path with no segment schemes, so a record
    // naming another scheme fails the same way everywhere.
    crate::calibrate_segments_json::<&str>(scheme_json, employees_json, &[])
}
