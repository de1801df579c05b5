//! `kaohe whatif SCHEME_A SCHEME_B INPUTS`: who moves when the scheme changes.

use std::io::Write;

use kaohe::whatif::{Move, WhatIf};
use kaohe::{CompiledScheme, Lang};

fn moved(m: Move, zh: bool) -> &'static str {
    match (m, zh) {
        (Move::Same, true) => "不变",
        (Move::Same, false) => "same",
        (Move::Up, true) => "上升",
        (Move::Up, false) => "up",
        (Move::Down, true) => "下降",
        (Move::Down, false) => "down",
        (Move::Changed, true) => "变化",
        (Move::Changed, false) => "changed",
    }
}

fn g(x: Option<&str>) -> &str {
    x.unwrap_or("—")
}

/// The what-if as text for people.
pub(crate) fn write_text(
    w: &mut impl Write,
    a: &CompiledScheme,
    b: &CompiledScheme,
    r: &WhatIf,
    lang: Lang,
) -> std::io::Result<()> {
    let zh = lang == Lang::Zh;
    let tag = lang.tag();
    writeln!(w, "A  {}  {}", r.scheme_a, a.scheme().name.get(tag))?;
    writeln!(w, "B  {}  {}", r.scheme_b, b.scheme().name.get(tag))?;
    let mean = |d: Option<kaohe::Decimal>| d.map_or_else(|| "—".to_owned(), |d| d.round_dp(2).to_string());
    if zh {
        writeln!(
            w,
            "比较 {} 人 · 平均分 {} → {} · 等级上升 {} · 下降 {} · 其他变化 {}",
            r.compared,
            mean(r.mean_score_a),
            mean(r.mean_score_b),
            r.up,
            r.down,
            r.changed
        )?;
    } else {
        writeln!(
            w,
            "compared {} · mean score {} → {} · grade up {} · down {} · other changes {}",
            r.compared,
            mean(r.mean_score_a),
            mean(r.mean_score_b),
            r.up,
            r.down,
            r.changed
        )?;
    }
    writeln!(w, "\n{}", if zh { "等级分布 A → B" } else { "Grade distribution A → B" })?;
    for d in &r.distribution {
        writeln!(w, "  {:<4} {:>6} → {:<6} ({:+})", d.grade, d.count_a, d.count_b, d.delta)?;
    }
    writeln!(
        w,
        "\n{}",
        if zh {
            "指标贡献变化（平均得分，按平均绝对变化排序）"
        } else {
            "Indicator contributions (mean points, by mean absolute change)"
        }
    )?;
    for i in &r.indicators {
        writeln!(
            w,
            "  {:<16} {:>8} → {:<8} Δ {:<8} |Δ| {}",
            i.indicator, i.mean_points_a, i.mean_points_b, i.mean_delta, i.mean_abs_delta
        )?;
    }
    writeln!(w, "\n{} ({})", if zh { "跨越等级边界" } else { "Crossing a grade boundary" }, r.crossings.len())?;
    for c in &r.crossings {
        writeln!(
            w,
            "  {:<10} {} → {}  {} → {}  {}",
            c.id,
            g(c.from.as_deref()),
            g(c.to.as_deref()),
            c.score_a,
            c.score_b,
            moved(c.grade_move, zh)
        )?;
    }
    let failed: Vec<&kaohe::whatif::EmployeeChange> =
        r.changes.iter().filter(|c| c.error_a.is_some() || c.error_b.is_some()).collect();
    if !failed.is_empty() {
        writeln!(w, "\n{} ({})", if zh { "无法评分" } else { "Not scored" }, failed.len())?;
        for c in failed {
            writeln!(w, "  {}  A: {}  B: {}", c.id, g(c.error_a.as_deref()), g(c.error_b.as_deref()))?;
        }
    }
    Ok(())
}
