//! Validating a scheme and compiling it once into an immutable, shareable plan.
//!
//! Validation collects every problem in one pass, each with its code and JSON path.
//! Compilation resolves every name to a slot, orders derived values by their
//! dependencies, compiles every expression (native plan or Rhai AST), and
//! precomputes effective weights. Nothing here runs per employee.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::Arc;

use rhai::Engine;
use rust_decimal::Decimal;

use crate::error::{ErrorCode, KaoheError, SchemeErrors};
use crate::inputs::InputSpec;
use crate::scheme::{Direction, InputType, Label, Missing, Node, RatingMapping, Rounding, Scheme, Scoring, Unit};
use crate::script::{Compiled, Compiler, NameInfo, Ty};
use crate::value::Val;

/// How an indicator's actual becomes an achievement, resolved.
#[derive(Debug, Clone)]
pub(crate) enum Scorer {
    /// `recip` is 1 / target when that is an exact decimal (200 → 0.005), so a
    /// higher-is-better ratio multiplies instead of dividing.
    Ratio {
        target: Decimal,
        recip: Option<Decimal>,
        lower: bool,
        floor: Decimal,
        cap: Decimal,
    },
    Linear {
        points: Vec<(Decimal, Decimal)>,
    },
    Bands {
        bands: Vec<(Option<Decimal>, Option<Decimal>, Decimal)>,
        otherwise: Decimal,
    },
    Rating {
        lo: Decimal,
        hi: Decimal,
        raters: Vec<(String, Decimal)>,
        trim: bool,
        mapping: RatingMapping,
    },
    PassFail,
    Script(Compiled),
}

/// A leaf indicator, compiled.
#[derive(Debug, Clone)]
pub(crate) struct Leaf {
    pub id: crate::result::Id,
    pub name: Label,
    pub path: String,
    pub node: usize,
    pub value: Compiled,
    pub scorer: Scorer,
    pub missing: Missing,
    /// Effective weight when nothing is excluded: 100 × Π(weight / 100) along the path.
    pub weight: Decimal,
    /// The same, normalized for results.
    pub weight_shown: Decimal,
    pub unit: Unit,
    /// The target shown in explanations, where the scoring has one.
    pub target: Option<Decimal>,
}

/// A node of the weight tree (group or indicator), in document pre-order.
#[derive(Debug, Clone)]
pub(crate) struct TreeNode {
    pub id: String,
    pub name: Label,
    pub weight: Decimal,
    pub parent: Option<usize>,
    pub children: Vec<usize>,
    pub leaf: Option<usize>,
}

/// What an adjustment does, resolved.
#[derive(Debug, Clone)]
pub(crate) enum Effect {
    Points { amount: Compiled, min: Option<Decimal>, max: Option<Decimal> },
    Scale(Compiled),
    Veto { score: Decimal, grade: Option<usize> },
}

/// An adjustment, compiled.
#[derive(Debug, Clone)]
pub(crate) struct Adj {
    pub id: crate::result::Id,
    pub name: Label,
    pub when: Option<Compiled>,
    pub effect: Effect,
}

/// A grade band, resolved.
#[derive(Debug, Clone)]
pub(crate) struct Band {
    pub grade: crate::result::Id,
    pub min: Option<Decimal>,
    pub coefficient: Option<Decimal>,
}

/// A derived value, compiled.
#[derive(Debug, Clone)]
pub(crate) struct Derived {
    pub slot: usize,
    pub expr: Compiled,
}

pub(crate) struct Inner {
    pub scheme: Scheme,
    pub hash: String,
    pub scheme_ref: Arc<crate::result::SchemeRef>,
    pub engine: Engine,
    pub inputs: Vec<InputSpec>,
    pub derived: Vec<Derived>,
    pub n_slots: usize,
    pub actual_slot: usize,
    pub leaves: Vec<Leaf>,
    pub tree: Vec<TreeNode>,
    pub roots: Vec<usize>,
    pub adjustments: Vec<Adj>,
    pub grades: Vec<Band>,
    pub rounding: Rounding,
    pub range: (Option<Decimal>, Option<Decimal>),
}

/// A compiled scheme: immutable, `Send + Sync`, and cheap to clone (one `Arc`).
#[derive(Clone)]
pub struct CompiledScheme {
    pub(crate) inner: Arc<Inner>,
}

impl std::fmt::Debug for CompiledScheme {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CompiledScheme")
            .field("id", &self.inner.scheme.id)
            .field("version", &self.inner.scheme.version)
            .field("hash", &self.inner.hash)
            .finish_non_exhaustive()
    }
}

fn is_ident(s: &str) -> bool {
    let mut chars = s.chars();
    matches!(chars.next(), Some('a'..='z' | '_')) && chars.all(|c| matches!(c, 'a'..='z' | '0'..='9' | '_'))
}

fn hundred() -> Decimal {
    Decimal::ONE_HUNDRED
}

struct Ctx {
    errors: Vec<KaoheError>,
}

impl Ctx {
    fn push(&mut self, code: ErrorCode, path: impl Into<String>, message: impl Into<String>) {
        self.errors.push(KaoheError::new(code, message).at(path));
    }

    fn ident(&mut self, kind: &str, id: &str, path: String) {
        if !is_ident(id) {
            self.push(
                ErrorCode::InvalidScheme,
                path,
                format!("{kind} '{id}' is not a valid identifier: use lower-case letters, digits and '_', not starting with a digit"),
            );
        }
    }
}

/// Validates and compiles a scheme. Every problem found is reported.
pub fn compile(scheme: Scheme) -> Result<CompiledScheme, SchemeErrors> {
    let mut cx = Ctx { errors: Vec::new() };
    let engine = crate::script::new_engine();

    if scheme.rounding.places > 10 {
        cx.push(ErrorCode::InvalidScheme, "rounding.places", "rounding places must be between 0 and 10");
    }

    // Names: inputs first, then derived, then `actual`.
    let mut names: HashMap<String, NameInfo> = HashMap::new();
    let mut inputs = Vec::with_capacity(scheme.inputs.len());
    for (i, (name, decl)) in scheme.inputs.iter().enumerate() {
        let path = format!("inputs.{name}");
        cx.ident("input", name, path.clone());
        if let (Some(lo), Some(hi)) = (decl.min, decl.max) {
            if lo > hi {
                cx.push(ErrorCode::InvalidScheme, format!("{path}.min"), format!("min {lo} is above max {hi}"));
            }
        }
        let ty = match decl.kind {
            InputType::Number | InputType::Integer => Ty::Num,
            InputType::Bool => Ty::Bool,
            InputType::Text | InputType::Ratings => Ty::Other,
        };
        names.insert(name.clone(), NameInfo { slot: i, ty });
        inputs.push(InputSpec {
            name: name.clone(),
            kind: decl.kind,
            min: decl.min.map(|d| d.0),
            max: decl.max.map(|d| d.0),
            default: Val::None,
            scales: Vec::new(),
            groups: Vec::new(),
        });
    }
    // Defaults are read like employee values (after the declared bounds are known).
    for (spec, decl) in inputs.iter_mut().zip(scheme.inputs.values()) {
        if let Some(raw) = decl.default.as_ref().filter(|v| !v.is_null()) {
            match spec.convert(&crate::employee::Input::from_json(raw.clone())) {
                Ok(v) => spec.default = v,
                Err(e) => cx.push(
                    ErrorCode::InvalidScheme,
                    format!("inputs.{}.default", spec.name),
                    format!("the default does not fit the input: {}", e.message),
                ),
            }
        }
    }

    let n_inputs = inputs.len();
    let derived_names: Vec<&String> = scheme.derived.keys().collect();
    for (k, name) in derived_names.iter().enumerate() {
        let path = format!("derived.{name}");
        cx.ident("derived value", name, path.clone());
        if names.contains_key(name.as_str()) {
            cx.push(ErrorCode::DuplicateId, path, format!("derived value '{name}' has the name of an input"));
            continue;
        }
        names.insert((*name).clone(), NameInfo { slot: n_inputs + k, ty: Ty::Other });
    }
    let actual_slot = n_inputs + derived_names.len();
    if !names.contains_key("actual") {
        names.insert("actual".into(), NameInfo { slot: actual_slot, ty: Ty::Other });
    }
    let n_slots = actual_slot + 1;
    let not_actual =
        |n: &str| n != "actual" || scheme.inputs.contains_key("actual") || scheme.derived.contains_key("actual");

    // Derived values: compile once for their reads, order them, then compile in order with known types.
    let derived = compile_derived(&scheme, &engine, &mut names, &not_actual, &mut cx);

    // Indicators and groups.
    let mut tree = Vec::new();
    let mut leaves = Vec::new();
    let roots;
    let mut ids = HashSet::new();
    let mut rating_uses: Vec<(String, Decimal, Decimal, String, Vec<String>)> = Vec::new();
    {
        let compiler = Compiler::new(&engine, &names);
        let mut b = TreeBuilder {
            cx: &mut cx,
            compiler: &compiler,
            scheme: &scheme,
            tree: &mut tree,
            leaves: &mut leaves,
            ids: &mut ids,
            rating_uses: &mut rating_uses,
            not_actual: &not_actual,
        };
        if scheme.indicators.is_empty() {
            b.cx.push(ErrorCode::InvalidScheme, "indicators", "a scheme needs at least one indicator");
        }
        roots = b.nodes(&scheme.indicators, "indicators", None, hundred());
    }
    for (input, lo, hi, indicator, groups) in rating_uses {
        if let Some(spec) = inputs.iter_mut().find(|s| s.name == input) {
            spec.scales.push((lo, hi, indicator));
            for g in groups {
                if !spec.groups.iter().any(|x| **x == *g) {
                    spec.groups.push(Arc::from(g.as_str()));
                }
            }
        }
    }

    // Adjustments.
    let mut grade_index = HashMap::new();
    for (i, g) in scheme.grades.iter().enumerate() {
        if grade_index.insert(g.grade.clone(), i).is_some() {
            cx.push(
                ErrorCode::DuplicateId,
                format!("grades[{i}].grade"),
                format!("grade '{}' is listed twice", g.grade),
            );
        }
    }
    let adjustments = compile_adjustments(&scheme, &engine, &names, &grade_index, &not_actual, &mut cx);
    if let Some(rules) = &scheme.appeals {
        let leaf_ids: Vec<&str> = leaves.iter().map(|l| &*l.id).collect();
        let adjustment_ids: Vec<&str> = scheme.adjustments.iter().map(|a| a.id.as_str()).collect();
        cx.errors.extend(crate::appeal::rules::validate(rules, &leaf_ids, &adjustment_ids));
    }

    // Grades and score range.
    let mut grades = Vec::with_capacity(scheme.grades.len());
    let mut catch_all: Option<usize> = None;
    let mut last_min: Option<Decimal> = None;
    for (i, g) in scheme.grades.iter().enumerate() {
        if let Some(j) = catch_all {
            cx.push(
                ErrorCode::InvalidScheme,
                format!("grades[{i}]"),
                format!("grade '{}' can never be given: grades[{j}] has no min and catches every score first", g.grade),
            );
        }
        match g.min {
            None => catch_all = catch_all.or(Some(i)),
            Some(m) => {
                if let Some(prev) = last_min.filter(|p| m.0 >= *p) {
                    cx.push(
                        ErrorCode::InvalidScheme,
                        format!("grades[{i}].min"),
                        format!(
                            "grade '{}' can never be given: its min {} is not below the min {prev} listed before it (list grades from the highest min down)",
                            g.grade, m.0
                        ),
                    );
                }
                last_min = Some(m.0);
            }
        }
        grades.push(Band {
            grade: crate::result::Id::new(&g.grade),
            min: g.min.map(|d| d.0),
            // Normalized, so `1.0` in JSON and in YAML (read as 1) print alike.
            coefficient: g.coefficient.map(|d| crate::num::normalized(d.0)),
        });
    }
    let range = (scheme.score_range.min.map(|d| d.0), scheme.score_range.max.map(|d| d.0));
    if let (Some(lo), Some(hi)) = range {
        if lo > hi {
            cx.push(ErrorCode::InvalidScheme, "score_range", format!("score_range min {lo} is above max {hi}"));
        }
    }

    cx.errors.extend(crate::population::validate(&scheme, &engine));
    if !cx.errors.is_empty() {
        return Err(SchemeErrors { errors: cx.errors });
    }
    let hash = crate::hash::scheme_hash(&scheme);
    let rounding = scheme.rounding;
    let scheme_ref = Arc::new(crate::result::SchemeRef {
        id: scheme.id.clone(),
        version: scheme.version.clone(),
        hash: hash.clone(),
    });
    Ok(CompiledScheme {
        inner: Arc::new(Inner {
            scheme,
            scheme_ref,
            hash,
            engine,
            inputs,
            derived,
            n_slots,
            actual_slot,
            leaves,
            tree,
            roots,
            adjustments,
            grades,
            rounding,
            range,
        }),
    })
}

fn compile_derived(
    scheme: &Scheme,
    engine: &Engine,
    names: &mut HashMap<String, NameInfo>,
    not_actual: &dyn Fn(&str) -> bool,
    cx: &mut Ctx,
) -> Vec<Derived> {
    let n_inputs = scheme.inputs.len();
    let mut deps: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    let mut ok = true;
    {
        let compiler = Compiler::new(engine, names);
        for (name, formula) in &scheme.derived {
            if scheme.inputs.contains_key(name) {
                continue;
            }
            match compiler.compile(formula.as_str(), &format!("derived.{name}"), Some(not_actual)) {
                Ok(c) => {
                    let ds = c
                        .reads()
                        .iter()
                        .filter(|r| r.slot >= n_inputs)
                        .filter_map(|r| scheme.derived.get_key_value(r.name.as_str()).map(|(k, _)| k.as_str()))
                        .collect();
                    deps.insert(name.as_str(), ds);
                }
                Err(es) => {
                    cx.errors.extend(es);
                    ok = false;
                }
            }
        }
    }
    if !ok {
        return Vec::new();
    }
    // Depth-first topological order; report every cycle as `a -> b -> a`.
    let mut order: Vec<&str> = Vec::new();
    let mut state: HashMap<&str, u8> = HashMap::new(); // 1 visiting, 2 done
    let mut reported: HashSet<Vec<&str>> = HashSet::new();
    fn visit<'s>(
        n: &'s str,
        deps: &BTreeMap<&'s str, Vec<&'s str>>,
        state: &mut HashMap<&'s str, u8>,
        stack: &mut Vec<&'s str>,
        order: &mut Vec<&'s str>,
        cycles: &mut Vec<Vec<&'s str>>,
    ) {
        match state.get(n) {
            Some(2) => return,
            Some(1) => {
                let start = stack.iter().position(|s| *s == n).unwrap_or(0);
                let mut cycle: Vec<&str> = stack[start..].to_vec();
                cycle.push(n);
                cycles.push(cycle);
                return;
            }
            _ => {}
        }
        state.insert(n, 1);
        stack.push(n);
        for d in deps.get(n).into_iter().flatten() {
            visit(d, deps, state, stack, order, cycles);
        }
        stack.pop();
        state.insert(n, 2);
        order.push(n);
    }
    let mut cycles = Vec::new();
    for n in deps.keys() {
        visit(n, &deps, &mut state, &mut Vec::new(), &mut order, &mut cycles);
    }
    for cycle in cycles {
        let mut key = cycle[..cycle.len() - 1].to_vec();
        key.sort_unstable();
        if reported.insert(key) {
            cx.push(
                ErrorCode::DependencyCycle,
                format!("derived.{}", cycle[0]),
                format!("derived values depend on each other in a cycle: {}", cycle.join(" -> ")),
            );
        }
    }
    if !reported.is_empty() {
        return Vec::new();
    }
    let mut out = Vec::with_capacity(order.len());
    for name in order {
        let compiled = {
            let compiler = Compiler::new(engine, names);
            compiler.compile(scheme.derived[name].as_str(), &format!("derived.{name}"), Some(not_actual))
        };
        match compiled {
            Ok(expr) => {
                let slot = names[name].slot;
                if let Some(info) = names.get_mut(name) {
                    info.ty = expr.ty;
                }
                out.push(Derived { slot, expr });
            }
            Err(es) => cx.errors.extend(es),
        }
    }
    out
}

struct TreeBuilder<'a, 'b> {
    cx: &'a mut Ctx,
    compiler: &'a Compiler<'b>,
    scheme: &'a Scheme,
    tree: &'a mut Vec<TreeNode>,
    leaves: &'a mut Vec<Leaf>,
    ids: &'a mut HashSet<String>,
    rating_uses: &'a mut Vec<(String, Decimal, Decimal, String, Vec<String>)>,
    not_actual: &'a dyn Fn(&str) -> bool,
}

impl TreeBuilder<'_, '_> {
    fn nodes(&mut self, items: &[Node], path: &str, parent: Option<usize>, parent_weight: Decimal) -> Vec<usize> {
        let mut out = Vec::with_capacity(items.len());
        let mut sum = Decimal::ZERO;
        for (i, node) in items.iter().enumerate() {
            let p = format!("{path}[{i}]");
            sum += node.weight.0;
            out.push(self.node(node, &p, parent, parent_weight));
        }
        if !items.is_empty() && sum != hundred() {
            let whose = match parent {
                Some(g) => format!("the weights in group '{}'", self.tree[g].id),
                None => "the top-level weights".to_owned(),
            };
            self.cx.push(
                ErrorCode::WeightsMismatch,
                path,
                format!("{whose} sum to {}, not 100", crate::num::normalized(sum)),
            );
        }
        out
    }

    fn node(&mut self, node: &Node, path: &str, parent: Option<usize>, parent_weight: Decimal) -> usize {
        let kind = if node.is_group() { "group" } else { "indicator" };
        self.cx.ident(kind, &node.id, format!("{path}.id"));
        if !self.ids.insert(node.id.clone()) {
            self.cx.push(
                ErrorCode::DuplicateId,
                format!("{path}.id"),
                format!("'{}' is used by more than one indicator or group", node.id),
            );
        }
        if node.weight.0 <= Decimal::ZERO {
            self.cx.push(ErrorCode::InvalidScheme, format!("{path}.weight"), "a weight must be above 0");
        }
        let weight = parent_weight * node.weight.0 / hundred();
        let idx = self.tree.len();
        self.tree.push(TreeNode {
            id: node.id.clone(),
            name: node.name.clone(),
            weight: node.weight.0,
            parent,
            children: Vec::new(),
            leaf: None,
        });
        if let Some(children) = &node.indicators {
            for (field, present) in [
                ("value", node.value.is_some()),
                ("scoring", node.scoring.is_some()),
                ("missing", node.missing.is_some()),
                ("unit", node.unit.is_some()),
            ] {
                if present {
                    self.cx.push(
                        ErrorCode::InvalidScheme,
                        format!("{path}.{field}"),
                        format!("group '{}' has indicators of its own, so it cannot have '{field}'", node.id),
                    );
                }
            }
            if children.is_empty() {
                self.cx.push(
                    ErrorCode::InvalidScheme,
                    format!("{path}.indicators"),
                    "a group needs at least one indicator",
                );
            }
            let kids = self.nodes(children, &format!("{path}.indicators"), Some(idx), weight);
            self.tree[idx].children = kids;
        } else if let Some(leaf) = self.leaf(node, path, idx, weight) {
            self.tree[idx].leaf = Some(self.leaves.len());
            self.leaves.push(leaf);
        }
        idx
    }

    /// Compiles a scoring script, where `actual` has the type of the indicator's value.
    fn compile_script(&self, src: &str, path: &str, actual_ty: Ty) -> Result<Compiled, Vec<KaoheError>> {
        let mut names = self.compiler.names.clone();
        if let Some(info) = names.get_mut("actual") {
            info.ty = actual_ty;
        }
        Compiler::new(self.compiler.engine, &names).compile(src, path, None)
    }

    fn leaf(&mut self, node: &Node, path: &str, idx: usize, weight: Decimal) -> Option<Leaf> {
        let (Some(value), Some(scoring)) = (&node.value, &node.scoring) else {
            for (field, present) in [("value", node.value.is_some()), ("scoring", node.scoring.is_some())] {
                if !present {
                    self.cx.push(
                        ErrorCode::InvalidScheme,
                        format!("{path}.{field}"),
                        format!("indicator '{}' needs '{field}' (or 'indicators' to be a group)", node.id),
                    );
                }
            }
            return None;
        };
        let value_path = format!("{path}.value");
        let compiled_value = match self.compiler.compile(value.as_str(), &value_path, Some(self.not_actual)) {
            Ok(c) => Some(c),
            Err(es) => {
                self.cx.errors.extend(es);
                None
            }
        };
        let actual_ty = compiled_value.as_ref().map_or(Ty::Other, |c| c.ty);
        let scorer = self.scorer(node, scoring, value.as_str(), &format!("{path}.scoring"), actual_ty);
        let (value, scorer) = (compiled_value?, scorer?);
        let target = match scoring {
            Scoring::Ratio { target, .. } => Some(target.0),
            Scoring::Linear { target: Some(t), .. } => Some(t.0),
            Scoring::Linear { points: Some(ps), .. } => ps.iter().find(|p| p[1].0 == Decimal::ONE).map(|p| p[0].0),
            _ => None,
        };
        let unit = node.unit.unwrap_or_else(|| guess_unit(scoring));
        Some(Leaf {
            id: crate::result::Id::from(node.id.as_str()),
            name: node.name.clone(),
            path: path.to_owned(),
            node: idx,
            value,
            scorer,
            missing: node.missing.unwrap_or_default(),
            weight,
            weight_shown: crate::num::normalized(weight),
            unit,
            target,
        })
    }

    fn scorer(&mut self, node: &Node, scoring: &Scoring, value: &str, path: &str, actual_ty: Ty) -> Option<Scorer> {
        let errs_before = self.cx.errors.len();
        let scorer = match scoring {
            Scoring::Ratio { target, direction, floor, cap } => {
                if target.0 <= Decimal::ZERO {
                    self.cx.push(ErrorCode::InvalidScheme, format!("{path}.target"), "a ratio target must be above 0");
                }
                let floor = floor.map_or(Decimal::ZERO, |d| d.0);
                let cap = cap.map_or(Decimal::ONE, |d| d.0);
                if floor > cap {
                    self.cx.push(
                        ErrorCode::InvalidScheme,
                        format!("{path}.floor"),
                        format!("floor {floor} is above cap {cap}"),
                    );
                }
                let recip =
                    Decimal::ONE.checked_div(target.0).filter(|r| r.checked_mul(target.0) == Some(Decimal::ONE));
                Scorer::Ratio { target: target.0, recip, lower: *direction == Direction::LowerBetter, floor, cap }
            }
            Scoring::Linear { points, threshold, target, stretch, stretch_achievement, direction } => {
                let pts: Vec<(Decimal, Decimal)> = match (points, threshold, target) {
                    (Some(ps), None, None) if stretch.is_none() && stretch_achievement.is_none() => {
                        ps.iter().map(|p| (p[0].0, p[1].0)).collect()
                    }
                    (None, Some(th), Some(tg)) => {
                        let lower = *direction == Direction::LowerBetter;
                        let mut pts = vec![(th.0, Decimal::ZERO), (tg.0, Decimal::ONE)];
                        let wrong_way = if lower { th.0 <= tg.0 } else { th.0 >= tg.0 };
                        if wrong_way {
                            self.cx.push(
                                ErrorCode::InvalidScheme,
                                format!("{path}.target"),
                                format!(
                                    "with direction {} the target must be {} the threshold",
                                    if lower { "lower_better" } else { "higher_better" },
                                    if lower { "below" } else { "above" }
                                ),
                            );
                        }
                        match (stretch, stretch_achievement) {
                            (Some(s), Some(sa)) => {
                                let beyond = if lower { s.0 < tg.0 } else { s.0 > tg.0 };
                                if !beyond {
                                    self.cx.push(
                                        ErrorCode::InvalidScheme,
                                        format!("{path}.stretch"),
                                        "the stretch must lie beyond the target",
                                    );
                                }
                                pts.push((s.0, sa.0));
                            }
                            (None, None) => {}
                            _ => self.cx.push(
                                ErrorCode::InvalidScheme,
                                format!("{path}.stretch"),
                                "stretch and stretch_achievement go together",
                            ),
                        }
                        pts.sort_by_key(|p| p.0);
                        pts
                    }
                    _ => {
                        self.cx.push(
                            ErrorCode::InvalidScheme,
                            path,
                            "a linear scoring needs either 'points', or 'threshold' and 'target' (with optional 'stretch' and 'stretch_achievement')",
                        );
                        Vec::new()
                    }
                };
                if points.is_some() && pts.is_empty() {
                    self.cx.push(
                        ErrorCode::InvalidScheme,
                        format!("{path}.points"),
                        "a linear curve needs at least one point",
                    );
                }
                if pts.windows(2).any(|w| w[0].0 >= w[1].0) {
                    self.cx.push(
                        ErrorCode::InvalidScheme,
                        format!("{path}.points"),
                        "the x values of a linear curve must be strictly increasing",
                    );
                }
                Scorer::Linear { points: pts }
            }
            Scoring::Bands { bands, otherwise } => {
                if bands.is_empty() {
                    self.cx.push(ErrorCode::InvalidScheme, format!("{path}.bands"), "bands needs at least one band");
                }
                for (i, b) in bands.iter().enumerate() {
                    if let (Some(lo), Some(hi)) = (b.min, b.max) {
                        if lo.0 >= hi.0 {
                            self.cx.push(
                                ErrorCode::InvalidScheme,
                                format!("{path}.bands[{i}]"),
                                format!("band min {} is not below its max {}", lo.0, hi.0),
                            );
                        }
                    }
                }
                Scorer::Bands {
                    bands: bands.iter().map(|b| (b.min.map(|d| d.0), b.max.map(|d| d.0), b.achievement.0)).collect(),
                    otherwise: otherwise.map_or(Decimal::ZERO, |d| d.0),
                }
            }
            Scoring::Rating { scale, raters, trim, mapping } => {
                let (lo, hi) = (scale[0].0, scale[1].0);
                if lo >= hi {
                    self.cx.push(
                        ErrorCode::InvalidScheme,
                        format!("{path}.scale"),
                        format!("scale low {lo} is not below high {hi}"),
                    );
                }
                if *mapping == RatingMapping::Max && hi <= Decimal::ZERO {
                    self.cx.push(
                        ErrorCode::InvalidScheme,
                        format!("{path}.scale"),
                        "mapping 'max' needs a scale top above 0",
                    );
                }
                if raters.is_empty() {
                    self.cx.push(
                        ErrorCode::InvalidScheme,
                        format!("{path}.raters"),
                        "a rating needs at least one rater group",
                    );
                }
                let sum: Decimal = raters.values().map(|d| d.0).sum();
                if !raters.is_empty() && sum != hundred() {
                    self.cx.push(
                        ErrorCode::WeightsMismatch,
                        format!("{path}.raters"),
                        format!("the rater weights of '{}' sum to {}, not 100", node.id, crate::num::normalized(sum)),
                    );
                }
                for (g, w) in raters {
                    if w.0 <= Decimal::ZERO {
                        self.cx.push(
                            ErrorCode::InvalidScheme,
                            format!("{path}.raters.{g}"),
                            "a rater weight must be above 0",
                        );
                    }
                }
                match self.scheme.inputs.get(value.trim()) {
                    Some(decl) if decl.kind == InputType::Ratings => {
                        self.rating_uses.push((
                            value.trim().to_owned(),
                            lo,
                            hi,
                            node.id.clone(),
                            raters.keys().cloned().collect(),
                        ));
                    }
                    _ => self.cx.push(
                        ErrorCode::InvalidScheme,
                        path.replace(".scoring", ".value"),
                        format!("a rating indicator's value must name an input of type ratings, not '{value}'"),
                    ),
                }
                Scorer::Rating {
                    lo,
                    hi,
                    raters: raters.iter().map(|(g, w)| (g.clone(), w.0)).collect(),
                    trim: *trim,
                    mapping: *mapping,
                }
            }
            Scoring::PassFail {} => Scorer::PassFail,
            Scoring::Script { script } => match self.compile_script(script, &format!("{path}.script"), actual_ty) {
                Ok(c) => Scorer::Script(c),
                Err(es) => {
                    self.cx.errors.extend(es);
                    return None;
                }
            },
        };
        (self.cx.errors.len() == errs_before).then_some(scorer)
    }
}

fn guess_unit(scoring: &Scoring) -> Unit {
    let unit_share = |d: Decimal| d > Decimal::ZERO && d <= Decimal::ONE;
    let percent = match scoring {
        Scoring::Ratio { target, .. } => unit_share(target.0) && target.0 < Decimal::ONE,
        Scoring::Linear { target: Some(t), threshold, .. } => {
            unit_share(t.0)
                && threshold.is_none_or(|th| th.0 >= Decimal::ZERO && th.0 <= Decimal::ONE)
                && t.0 < Decimal::ONE
        }
        _ => false,
    };
    if percent { Unit::Percent } else { Unit::Number }
}

fn compile_adjustments(
    scheme: &Scheme,
    engine: &Engine,
    names: &HashMap<String, NameInfo>,
    grade_index: &HashMap<String, usize>,
    not_actual: &dyn Fn(&str) -> bool,
    cx: &mut Ctx,
) -> Vec<Adj> {
    let compiler = Compiler::new(engine, names);
    let mut ids = HashSet::new();
    let mut out = Vec::with_capacity(scheme.adjustments.len());
    for (i, a) in scheme.adjustments.iter().enumerate() {
        let path = format!("adjustments[{i}]");
        cx.ident("adjustment", &a.id, format!("{path}.id"));
        if !ids.insert(a.id.clone()) {
            cx.push(ErrorCode::DuplicateId, format!("{path}.id"), format!("adjustment '{}' is listed twice", a.id));
        }
        let compile = |src: &str, field: &str, cx: &mut Ctx| match compiler.compile(
            src,
            &format!("{path}.{field}"),
            Some(not_actual),
        ) {
            Ok(c) => Some(c),
            Err(es) => {
                cx.errors.extend(es);
                None
            }
        };
        // Outer None: the condition failed to compile; inner None: no condition (always).
        let when = match &a.when {
            None => Some(None),
            Some(w) => compile(w.as_str(), "when", cx).map(Some),
        };
        let effects = [a.points.is_some(), a.scale.is_some(), a.veto.is_some()].iter().filter(|x| **x).count();
        if effects != 1 {
            cx.push(
                ErrorCode::InvalidScheme,
                path.clone(),
                format!("adjustment '{}' needs exactly one effect: 'points', 'scale' or 'veto'", a.id),
            );
            continue;
        }
        if a.points.is_none() && (a.min.is_some() || a.max.is_some()) {
            cx.push(ErrorCode::InvalidScheme, format!("{path}.min"), "'min' and 'max' clamp 'points' only");
        }
        if a.veto.is_none() && (a.score.is_some() || a.grade.is_some()) {
            cx.push(ErrorCode::InvalidScheme, format!("{path}.score"), "'score' and 'grade' belong to a veto");
        }
        if let (Some(lo), Some(hi)) = (a.min, a.max) {
            if lo.0 > hi.0 {
                cx.push(ErrorCode::InvalidScheme, format!("{path}.min"), format!("min {} is above max {}", lo.0, hi.0));
            }
        }
        let effect = if let Some(p) = &a.points {
            compile(p.as_str(), "points", cx).map(|amount| Effect::Points {
                amount,
                min: a.min.map(|d| d.0),
                max: a.max.map(|d| d.0),
            })
        } else if let Some(s) = &a.scale {
            compile(s.as_str(), "scale", cx).map(Effect::Scale)
        } else {
            if a.veto == Some(false) {
                cx.push(
                    ErrorCode::InvalidScheme,
                    format!("{path}.veto"),
                    "'veto' must be true (remove the item to disable it)",
                );
            }
            let grade = match &a.grade {
                Some(g) => match grade_index.get(g) {
                    Some(i) => Some(*i),
                    None => {
                        cx.push(
                            ErrorCode::InvalidScheme,
                            format!("{path}.grade"),
                            format!("grade '{g}' is not in 'grades'"),
                        );
                        None
                    }
                },
                None => None,
            };
            Some(Effect::Veto { score: a.score.map_or(Decimal::ZERO, |d| d.0), grade })
        };
        if let (Some(effect), Some(when)) = (effect, when) {
            out.push(Adj { id: crate::result::Id::from(a.id.as_str()), name: a.name.clone(), when, effect });
        }
    }
    out
}

impl CompiledScheme {
    /// The scheme as written.
    pub fn scheme(&self) -> &Scheme {
        &self.inner.scheme
    }

    /// `sha256:` and the hex SHA-256 of the scheme's canonical serialization.
    pub fn hash(&self) -> &str {
        &self.inner.hash
    }

    /// The scheme's id.
    pub fn id(&self) -> &str {
        &self.inner.scheme.id
    }

    /// The scheme's version.
    pub fn version(&self) -> &str {
        &self.inner.scheme.version
    }

    /// Leaf indicator ids in document order (the columns of a result table).
    pub fn indicator_ids(&self) -> Vec<&str> {
        self.inner.leaves.iter().map(|l| &*l.id).collect()
    }

    /// Names of the declared inputs.
    pub fn input_names(&self) -> Vec<&str> {
        self.inner.inputs.iter().map(|i| i.name.as_str()).collect()
    }

    /// How many expressions run natively and how many through Rhai (for `kaohe check`).
    pub fn plan_counts(&self) -> (usize, usize) {
        let mut all: Vec<&Compiled> = self.inner.derived.iter().map(|d| &d.expr).collect();
        for l in &self.inner.leaves {
            all.push(&l.value);
            if let Scorer::Script(s) = &l.scorer {
                all.push(s);
            }
        }
        for a in &self.inner.adjustments {
            all.extend(a.when.iter());
            match &a.effect {
                Effect::Points { amount, .. } => all.push(amount),
                Effect::Scale(s) => all.push(s),
                Effect::Veto { .. } => {}
            }
        }
        let native = all.iter().filter(|c| c.is_native()).count();
        (native, all.len() - native)
    }
}

/// One line of a scheme outline (for summaries): a group or an indicator.
#[derive(Debug, Clone)]
pub struct OutlineItem<'a> {
    /// Nesting depth (0 at the top level).
    pub depth: usize,
    /// Id of the group or indicator.
    pub id: &'a str,
    /// Label.
    pub name: &'a Label,
    /// Weight among its siblings, as written.
    pub weight: Decimal,
    /// Effective weight out of 100 when nothing is excluded.
    pub effective_weight: Decimal,
    /// `group`, or the scoring type of an indicator.
    pub kind: &'static str,
    /// The target, where the scoring has one.
    pub target: Option<Decimal>,
}

impl CompiledScheme {
    /// The indicator tree in document order, with weights, for summaries.
    pub fn outline(&self) -> Vec<OutlineItem<'_>> {
        let s = &*self.inner;
        let mut out = Vec::with_capacity(s.tree.len());
        let mut stack: Vec<(usize, usize, Decimal)> =
            s.roots.iter().rev().map(|r| (*r, 0, Decimal::ONE_HUNDRED)).collect();
        while let Some((idx, depth, parent)) = stack.pop() {
            let node = &s.tree[idx];
            let eff = parent * node.weight / Decimal::ONE_HUNDRED;
            let leaf = node.leaf.map(|l| &s.leaves[l]);
            out.push(OutlineItem {
                depth,
                id: &node.id,
                name: &node.name,
                weight: node.weight,
                effective_weight: crate::num::normalized(eff),
                kind: leaf.map_or("group", |l| match &l.scorer {
                    Scorer::Ratio { .. } => "ratio",
                    Scorer::Linear { .. } => "linear",
                    Scorer::Bands { .. } => "bands",
                    Scorer::Rating { .. } => "rating",
                    Scorer::PassFail => "pass_fail",
                    Scorer::Script(_) => "script",
                }),
                target: leaf.and_then(|l| l.target),
            });
            for c in node.children.iter().rev() {
                stack.push((*c, depth + 1, eff));
            }
        }
        out
    }

    /// Labels of the leaf indicators in document order, in a language.
    pub fn indicator_names(&self, lang: &str) -> Vec<&str> {
        self.inner.leaves.iter().map(|l| l.name.get(lang)).collect()
    }
}
