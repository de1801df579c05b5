//! `kaohe analyze SCHEME INPUTS`: the grade distribution, groups, completion, data
//! quality, anomalies and the strongest correlations, as text or JSON.

use std::io::Write;

use kaohe::analytics::{self, Analysis, AnalyzeOptions, AnomalyOptions, QuotaView};
use kaohe::{CompiledScheme, Decimal, Employee, Lang, ScoreCard};

use crate::{Fail, input};

/// A scored population: the readable employees, the cards of those that scored, and how many failed.
pub(crate) struct Population {
    pub employees: Vec<Employee>,
    pub cards: Vec<ScoreCard>,
    pub failed: usize,
}

/// Reads and scores the employees; unreadable or failing records are counted, not fatal.
pub(crate) fn population(scheme: &CompiledScheme, inputs: &str) -> Result<Population, Fail> {
    let entries = input::read_employees(inputs)?;
    let outcomes = crate::output::score_with_progress(scheme, &entries);
    let failed = outcomes.iter().filter(|o| o.is_err()).count();
    for e in outcomes.iter().filter_map(|o| o.as_ref().err()) {
        eprintln!("{}: {}", e.id.as_deref().unwrap_or("?"), e.error);
    }
    let employees = entries.into_iter().filter_map(Result::ok).collect();
    let cards = outcomes.into_iter().filter_map(Result::ok).collect();
    Ok(Population { employees, cards, failed })
}

/// Reads a quotas file: a JSON array of `{"label", "grades", "min"?, "max"?}`.
pub(crate) fn quotas(path: Option<&str>) -> Result<Vec<QuotaView>, Fail> {
    let Some(path) = path else {
        return Ok(Vec::new());
    };
    let text = input::read_text(path)?;
    serde_json::from_str(&text).map_err(|e| Fail::usage(format!("[invalid_document] {path}: not a quota list: {e}")))
}

/// Options from the command line.
pub(crate) fn options(
    by: Option<String>,
    threshold: Option<Decimal>,
    quotas: Vec<QuotaView>,
    lang: Lang,
) -> AnalyzeOptions {
    let mut anomaly = AnomalyOptions::default();
    if let Some(t) = threshold {
        anomaly.threshold = t;
    }
    AnalyzeOptions { by, calibrated: None, quotas, anomaly, lang }
}

fn pct(d: Decimal) -> String {
    format!("{}%", kaohe::num::normalized((d * Decimal::ONE_HUNDRED).round_dp(2)))
}

fn opt(d: Option<Decimal>) -> String {
    d.map_or_else(|| "—".to_owned(), |d| kaohe::num::normalized(d.round_dp(2)).to_string())
}

/// The analysis as text for people.
pub(crate) fn write_text(w: &mut impl Write, scheme: &CompiledScheme, a: &Analysis, lang: Lang) -> std::io::Result<()> {
    let zh = lang == Lang::Zh;
    let tag = lang.tag();
    writeln!(w, "{} {} · {}", a.scheme_id, a.scheme_version, scheme.scheme().name.get(tag))?;
    if zh {
        writeln!(w, "员工 {} · 已评分 {} · 失败 {}", a.employees, a.scored, a.failed)?;
    } else {
        writeln!(w, "employees {} · scored {} · failed {}", a.employees, a.scored, a.failed)?;
    }
    let calibrated = a.distribution.grades.iter().any(|g| g.calibrated_count.is_some());
    let heading = match (zh, calibrated) {
        (true, false) => "等级分布",
        (true, true) => "等级分布（原始 → 校准后）",
        (false, false) => "Grade distribution",
        (false, true) => "Grade distribution (raw → calibrated)",
    };
    writeln!(w, "\n{heading}")?;
    for g in &a.distribution.grades {
        write!(w, "  {:<4} {:>6}  {:>7}", g.grade, g.raw_count, pct(g.raw_share))?;
        if let (Some(n), Some(share)) = (g.calibrated_count, g.calibrated_share) {
            write!(w, "  →  {n:>6}  {:>7}", pct(share))?;
        }
        writeln!(w)?;
    }
    if a.distribution.ungraded > 0 {
        writeln!(w, "  {:<4} {:>6}", if zh { "无等级" } else { "none" }, a.distribution.ungraded)?;
    }
    let status = |s: analytics::distribution::QuotaStatus| match (s, zh) {
        (analytics::distribution::QuotaStatus::Within, true) => "符合",
        (analytics::distribution::QuotaStatus::Within, false) => "within",
        (analytics::distribution::QuotaStatus::Below, true) => "低于下限",
        (analytics::distribution::QuotaStatus::Below, false) => "below",
        (analytics::distribution::QuotaStatus::Above, true) => "超出上限",
        (analytics::distribution::QuotaStatus::Above, false) => "above",
    };
    for q in &a.distribution.quotas {
        write!(w, "  {} : {} ({}) {}", q.label, q.raw_count, pct(q.raw_share), status(q.raw_status))?;
        if let (Some(n), Some(share), Some(st)) = (q.calibrated_count, q.calibrated_share, q.calibrated_status) {
            write!(w, "  →  {n} ({}) {}", pct(share), status(st))?;
        }
        writeln!(w)?;
    }
    if let Some(e) = &a.calibration_error {
        writeln!(w, "  {}: {e}", if zh { "未能校准" } else { "not calibrated" })?;
    }
    let by = a.by.as_deref().unwrap_or(if zh { "全员" } else { "all" });
    writeln!(w, "\n{} ({by})", if zh { "分组" } else { "Groups" })?;
    for g in &a.groups {
        let grades: Vec<String> = g.grades.iter().map(|x| format!("{} {}", x.grade, x.count)).collect();
        writeln!(
            w,
            "  {}  n={}  {} {}  {} {}  [{}]",
            g.group,
            g.count,
            if zh { "平均" } else { "mean" },
            opt(g.mean_score),
            if zh { "中位数" } else { "median" },
            opt(g.median_score),
            grades.join(", ")
        )?;
    }
    writeln!(
        w,
        "\n{}",
        if zh {
            "指标达成（达到目标的比例 · 平均达成）"
        } else {
            "Completion (share at target · mean achievement)"
        }
    )?;
    let names: Vec<(&str, &str)> = scheme.indicator_ids().into_iter().zip(scheme.indicator_names(tag)).collect();
    for c in &a.completion {
        let name = names.iter().find(|(id, _)| *id == c.indicator).map_or(c.indicator.as_str(), |(_, n)| n);
        writeln!(
            w,
            "  {}  {}  {}/{} = {}  · {}",
            c.group,
            name,
            c.reached,
            c.count,
            pct(c.rate),
            c.mean_achievement.map_or_else(|| "—".to_owned(), pct)
        )?;
    }
    writeln!(w, "\n{}", if zh { "数据质量" } else { "Data quality" })?;
    for q in &a.quality {
        writeln!(
            w,
            "  {}  {} {} ({})  {} {}  {} {}",
            q.input,
            if zh { "缺失" } else { "missing" },
            q.missing,
            pct(q.missing_rate),
            if zh { "超出声明范围" } else { "outside min/max" },
            q.below_min + q.above_max,
            if zh { "超出 Tukey 界限" } else { "outside Tukey fences" },
            q.outside_fences
        )?;
    }
    writeln!(w, "\n{} ({})", if zh { "异常值" } else { "Anomalies" }, a.anomalies.len())?;
    for x in &a.anomalies {
        writeln!(w, "  {}  {}", x.id, x.message)?;
    }
    let mut strong: Vec<&analytics::Correlation> =
        a.correlations.iter().filter(|c| c.pearson.is_some_and(|r| r.abs() >= 0.5)).collect();
    strong.sort_by(|x, y| y.pearson.unwrap_or(0.0).abs().total_cmp(&x.pearson.unwrap_or(0.0).abs()));
    writeln!(w, "\n{}", if zh { "强相关（|r| ≥ 0.5，前 10 个）" } else { "Strong correlations (|r| ≥ 0.5, top 10)" })?;
    for c in strong.iter().take(10) {
        writeln!(
            w,
            "  {} ~ {}  n={}  pearson {:.4}  spearman {}",
            c.x,
            c.y,
            c.n,
            c.pearson.unwrap_or(0.0),
            c.spearman.map_or_else(|| "—".to_owned(), |s| format!("{s:.4}"))
        )?;
    }
    Ok(())
}
