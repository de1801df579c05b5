//! "Where did my score come from": a score card in words, in Chinese or English; and
//! one employee's segments combined and explained ([`CompiledScheme::explain_employee`]).

mod prorated;

pub use prorated::{EmployeeExplanation, segment_group};

use std::fmt::Write as _;

use rust_decimal::Decimal;
use serde::Serialize;

use crate::compile::{CompiledScheme, Effect};
use crate::num::normalized;
use crate::population::Segment;
use crate::result::{Actual, ScoreCard, Status, dec};
use crate::scheme::Unit;

/// One employee's score as it is explained and calibrated: the card, and how its
/// segments were combined when the scheme prorates (from [`CompiledScheme::combine`]).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Combined {
    /// The card: the employee's own, or the segments combined by days worked (score,
    /// subtotal and indicator points day-weighted, the grade from the scheme's bands).
    pub card: ScoreCard,
    /// How the segments were combined, when the scheme has a `population.proration` section.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub proration: Option<Proration>,
}

/// How a prorated employee's segments combine by calendar days worked in the cycle:
/// `score` = `weighted_sum` / `days`, rounded like scores (a single segment keeps its
/// own card, so its score is the segment's).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Proration {
    /// The cycle's first day.
    pub start: String,
    /// The cycle's last day.
    pub end: String,
    /// Calendar days in the cycle.
    pub cycle_days: u32,
    /// Days counted: the sum of the segments' days.
    pub days: u32,
    /// Σ segment score × segment days, exact.
    #[serde(serialize_with = "dec")]
    pub weighted_sum: Decimal,
    /// The combined score.
    #[serde(serialize_with = "dec")]
    pub score: Decimal,
    /// The segments in date order (input order among equal starts).
    pub segments: Vec<ProratedSegment>,
}

/// One segment of a prorated employee, with the card it was scored to.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ProratedSegment {
    /// Days, score, grade, attributes and scheme, as `calibrate` lists them.
    #[serde(flatten)]
    pub segment: Segment,
    /// The segment's own score card (under the segment's scheme).
    pub card: ScoreCard,
}

/// The language of an explanation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Lang {
    /// 中文.
    #[default]
    Zh,
    /// English.
    En,
}

impl Lang {
    /// Reads a language tag (`zh`, `zh-CN`, `en`, `en-US`…); anything else is `None`.
    pub fn parse(tag: &str) -> Option<Lang> {
        let t = tag.trim().to_ascii_lowercase();
        if t == "zh" || t.starts_with("zh-") || t.starts_with("zh_") {
            Some(Lang::Zh)
        } else if t == "en" || t.starts_with("en-") || t.starts_with("en_") {
            Some(Lang::En)
        } else {
            None
        }
    }

    /// The tag used to pick labels.
    pub const fn tag(self) -> &'static str {
        match self {
            Lang::Zh => "zh",
            Lang::En => "en",
        }
    }
}

fn pct(d: Decimal) -> String {
    format!("{}%", normalized((d * Decimal::ONE_HUNDRED).round_dp(2)))
}

fn value(d: Decimal, unit: Unit) -> String {
    match unit {
        Unit::Percent => format!("{:.2}%", (d * Decimal::ONE_HUNDRED).round_dp(2)),
        Unit::Number => normalized(d.round_dp(4)).to_string(),
    }
}

fn signed(d: Decimal) -> String {
    if d.is_sign_negative() { d.to_string() } else { format!("+{d}") }
}

impl CompiledScheme {
    /// Explains a score card in words: each indicator's actual, target, achievement and
    /// points, each adjustment and why, and the grade band.
    pub fn explain(&self, card: &ScoreCard, lang: Lang) -> String {
        let s = &*self.inner;
        let zh = lang == Lang::Zh;
        let tag = lang.tag();
        let mut out = String::new();
        let grade = match (&card.grade, card.coefficient) {
            (Some(g), Some(c)) if zh => format!("，等级 {g}（绩效系数 {c}）"),
            (Some(g), None) if zh => format!("，等级 {g}"),
            (Some(g), Some(c)) => format!(", grade {g} (coefficient {c})"),
            (Some(g), None) => format!(", grade {g}"),
            (None, _) if zh => "，无等级".to_owned(),
            (None, _) => ", no grade".to_owned(),
        };
        if zh {
            let _ = writeln!(out, "{} · {}：总分 {}{grade}", card.id, s.scheme.name.get(tag), card.score);
        } else {
            let _ = writeln!(out, "{} · {}: score {}{grade}", card.id, s.scheme.name.get(tag), card.score);
        }

        // Indicators, indented under their groups.
        let mut stack: Vec<(usize, usize)> = s.roots.iter().rev().map(|r| (*r, 0)).collect();
        while let Some((idx, depth)) = stack.pop() {
            let node = &s.tree[idx];
            let indent = "  ".repeat(depth + 1);
            let name = node.name.get(tag);
            match node.leaf {
                None => {
                    let _ = if zh {
                        writeln!(out, "{indent}{name}（权重 {}）", normalized(node.weight))
                    } else {
                        writeln!(out, "{indent}{name} (weight {})", normalized(node.weight))
                    };
                    for c in node.children.iter().rev() {
                        stack.push((*c, depth + 1));
                    }
                }
                Some(l) => {
                    let leaf = &s.leaves[l];
                    let Some(line) = card.indicator(&leaf.id) else {
                        continue;
                    };
                    let weight = normalized(line.weight.round_dp(2));
                    let text = match line.status {
                        Status::Excluded if zh => {
                            format!("{name}：无数据，按规则不计入，权重由同组其他指标按比例分摊")
                        }
                        Status::Excluded => {
                            format!("{name}: no value, excluded; its weight is shared out over its siblings")
                        }
                        Status::MissingZero if zh => {
                            format!("{name}：无数据，按 0 计，得 0 分（权重 {weight}）")
                        }
                        Status::MissingZero => {
                            format!("{name}: no value, counted as 0, 0 points (weight {weight})")
                        }
                        Status::Scored => {
                            let actual = match &line.actual {
                                Some(Actual::Number(d)) => value(*d, leaf.unit),
                                Some(Actual::Bool(b)) => match (b, zh) {
                                    (true, true) => "是".into(),
                                    (false, true) => "否".into(),
                                    (true, false) => "yes".into(),
                                    (false, false) => "no".into(),
                                },
                                Some(Actual::Text(t)) => t.clone(),
                                None => "—".into(),
                            };
                            let a = line.achievement.map_or_else(|| "—".to_owned(), pct);
                            let p = line.points.map_or_else(|| "—".to_owned(), |p| p.to_string());
                            match (leaf.target, zh) {
                                (Some(t), true) => format!(
                                    "{name} {actual}，目标 {}，达成 {a}，得 {p} 分（权重 {weight}）",
                                    value(t, leaf.unit)
                                ),
                                (None, true) => {
                                    format!("{name} {actual}，达成 {a}，得 {p} 分（权重 {weight}）")
                                }
                                (Some(t), false) => format!(
                                    "{name} {actual}, target {}, achievement {a}, {p} points (weight {weight})",
                                    value(t, leaf.unit)
                                ),
                                (None, false) => {
                                    format!("{name} {actual}, achievement {a}, {p} points (weight {weight})")
                                }
                            }
                        }
                    };
                    let _ = writeln!(out, "{indent}{text}");
                }
            }
        }
        let _ = if zh {
            writeln!(out, "  指标小计 {} 分", card.subtotal)
        } else {
            writeln!(out, "  Subtotal {} points", card.subtotal)
        };

        // Adjustments.
        let mut total = card.subtotal;
        for line in &card.adjustments {
            let Some(adj) = s.adjustments.iter().find(|a| a.id == line.id) else {
                continue;
            };
            let name = adj.name.get(tag);
            let cond = s
                .scheme
                .adjustments
                .iter()
                .find(|a| *a.id == *adj.id)
                .and_then(|a| a.when.as_ref())
                .map(|w| w.as_str().to_owned());
            let why = match (&cond, line.applied, zh) {
                (Some(c), true, true) => format!("条件 {c} 成立"),
                (Some(c), false, true) => format!("条件 {c} 不成立"),
                (Some(c), true, false) => format!("{c} holds"),
                (Some(c), false, false) => format!("{c} does not hold"),
                (None, _, true) => "无条件".to_owned(),
                (None, _, false) => "always".to_owned(),
            };
            let text = if !line.applied {
                if zh { format!("{name}：{why}，未调整") } else { format!("{name}: {why}, not applied") }
            } else {
                total += line.delta;
                match (&adj.effect, zh) {
                    (Effect::Points { .. }, true) => {
                        format!("{name}：{why}，{} 分", signed(line.delta))
                    }
                    (Effect::Points { .. }, false) => {
                        format!("{name}: {why}, {} points", signed(line.delta))
                    }
                    (Effect::Scale(_), true) => {
                        format!("{name}：{why}，总分按比例调整 {} 分，调整后 {}", signed(line.delta), normalized(total))
                    }
                    (Effect::Scale(_), false) => {
                        format!("{name}: {why}, scaled by {} points to {}", signed(line.delta), normalized(total))
                    }
                    (Effect::Veto { score, grade }, true) => format!(
                        "{name}：{why}，一票否决，总分改为 {}{}，其后调整项不再适用",
                        normalized(*score),
                        grade.map(|g| format!("，等级定为 {}", s.grades[g].grade)).unwrap_or_default()
                    ),
                    (Effect::Veto { score, grade }, false) => format!(
                        "{name}: {why}, veto: the total becomes {}{}, later adjustments do not apply",
                        normalized(*score),
                        grade.map(|g| format!(" and the grade {}", s.grades[g].grade)).unwrap_or_default()
                    ),
                }
            };
            let _ = writeln!(out, "  {text}");
        }

        // Score range and rounding.
        let clamped = {
            let mut t = total;
            if let Some(lo) = s.range.0 {
                t = t.max(lo);
            }
            if let Some(hi) = s.range.1 {
                t = t.min(hi);
            }
            t
        };
        if clamped != total {
            let bounds = match s.range {
                (Some(lo), Some(hi)) => format!("{}–{}", normalized(lo), normalized(hi)),
                (Some(lo), None) => format!("≥ {}", normalized(lo)),
                (None, Some(hi)) => format!("≤ {}", normalized(hi)),
                (None, None) => String::new(),
            };
            let _ = if zh {
                writeln!(out, "  总分范围 {bounds}：{} → {}", normalized(total), normalized(clamped))
            } else {
                writeln!(out, "  Score range {bounds}: {} → {}", normalized(total), normalized(clamped))
            };
        }

        // Grade band.
        if card.vetoed_by().is_none() {
            if let Some(g) = &card.grade {
                if let Some(pos) = s.grades.iter().position(|b| &b.grade == g) {
                    let lo = s.grades[pos].min;
                    let hi = s.grades[..pos].iter().rev().find_map(|b| b.min);
                    let band = match (lo, hi) {
                        (Some(lo), Some(hi)) => {
                            format!("{} ≤ {} < {}", normalized(lo), if zh { "总分" } else { "score" }, normalized(hi))
                        }
                        (Some(lo), None) => {
                            format!("{} ≥ {}", if zh { "总分" } else { "score" }, normalized(lo))
                        }
                        (None, Some(hi)) => {
                            format!("{} < {}", if zh { "总分" } else { "score" }, normalized(hi))
                        }
                        (None, None) => (if zh { "任意总分" } else { "any score" }).to_owned(),
                    };
                    let coef = card
                        .coefficient
                        .map(|c| if zh { format!("，绩效系数 {c}") } else { format!(", coefficient {c}") })
                        .unwrap_or_default();
                    let _ = if zh {
                        writeln!(out, "  等级 {g}：{band}{coef}")
                    } else {
                        writeln!(out, "  Grade {g}: {band}{coef}")
                    };
                }
            }
        }
        out
    }
}
