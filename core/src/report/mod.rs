//! The HTML report: one self-contained page (no network, no external fonts or
//! scripts, inline SVG charts) with the grade distribution against quotas, groups
//! side by side, indicator completion, the what-if shift, anomalies and data quality,
//! in Chinese or English, laid out for a laptop screen and for print.
//!
//! Producing the text is not I/O: the caller writes the file (and passes any date).

mod svg;

use std::collections::HashMap;
use std::fmt::Write as _;

use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;

use crate::analytics::Analysis;
use crate::analytics::distribution::QuotaStatus;
use crate::compile::CompiledScheme;
use crate::explain::Lang;
use crate::num::normalized;
use crate::result::ScoreCard;
use crate::whatif::{Move, WhatIf};
use svg::{Marker, Series, bars};

/// At most this many rows are listed in a table (the rest are counted).
pub const MAX_ROWS: usize = 200;

const PALETTE: [&str; 8] = ["#2f6fb0", "#e07b39", "#3a9a5b", "#8c5bb5", "#c9a227", "#d04f6f", "#4aa3a8", "#7a7a7a"];

/// Escapes text for HTML content and attribute values.
pub fn esc(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// What goes into a report.
pub struct ReportInput<'a> {
    /// The scheme analysed (scheme A of a what-if).
    pub scheme: &'a CompiledScheme,
    /// The analysis of its population.
    pub analysis: &'a Analysis,
    /// The scored cards (for employee names: the `name` attribute), if at hand.
    pub cards: &'a [ScoreCard],
    /// A what-if against scheme B, if any.
    pub whatif: Option<(&'a CompiledScheme, &'a WhatIf)>,
    /// The language.
    pub lang: Lang,
    /// A date or time text to print as "generated" (the core has no clock).
    pub generated: Option<&'a str>,
}

struct T {
    zh: bool,
}

impl T {
    fn s(&self, zh: &'static str, en: &'static str) -> &'static str {
        if self.zh { zh } else { en }
    }
}

fn dec(d: Decimal) -> String {
    normalized(d.round_dp(2)).to_string()
}

fn odec(d: Option<Decimal>) -> String {
    d.map_or_else(|| "—".to_owned(), dec)
}

fn pct(d: Decimal) -> String {
    format!("{}%", normalized((d * Decimal::ONE_HUNDRED).round_dp(1)))
}

fn f(d: Decimal) -> f64 {
    d.to_f64().unwrap_or(0.0)
}

const CSS: &str = r#"
:root{--ink:#1d2733;--muted:#5b6673;--line:#d8dde3;--bg:#f5f7fa;--card:#fff;--accent:#2f6fb0;--bad:#b42318;--good:#237a45}
*{box-sizing:border-box}
body{margin:0;background:var(--bg);color:var(--ink);font:15px/1.55 system-ui,-apple-system,"Segoe UI","PingFang SC","Hiragino Sans GB","Noto Sans CJK SC","Microsoft YaHei",sans-serif}
main{max-width:1100px;margin:0 auto;padding:24px 20px 48px}
header h1{font-size:26px;margin:0 0 4px}
.sub{color:var(--muted);font-size:13px;word-break:break-all}
.kpis{display:flex;flex-wrap:wrap;gap:12px;margin:18px 0}
.kpi{background:var(--card);border:1px solid var(--line);border-radius:8px;padding:10px 16px;min-width:130px}
.kpi b{display:block;font-size:22px}
.kpi span{color:var(--muted);font-size:12px}
section{background:var(--card);border:1px solid var(--line);border-radius:10px;padding:16px 20px;margin:18px 0}
section h2{font-size:19px;margin:0 0 10px}
.note{color:var(--muted);font-size:13px;margin:4px 0 10px}
.scroll{overflow-x:auto}
svg.chart{max-width:100%;height:auto;display:block;margin:6px 0 10px}
svg .axis{font-size:11px;fill:#5b6673}
svg .val{font-size:10px;fill:#1d2733}
svg .cat{font-size:12px;fill:#1d2733}
svg .legend{font-size:12px;fill:#1d2733}
svg .marker{font-size:10px;fill:#b42318}
table{border-collapse:collapse;width:100%;font-size:13px;margin:6px 0}
th,td{border-bottom:1px solid var(--line);padding:5px 8px;text-align:left;vertical-align:top}
th{background:#eef2f6;font-weight:600}
td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}
.above,.below,.down{color:var(--bad);font-weight:600}
.within,.up{color:var(--good);font-weight:600}
footer{color:var(--muted);font-size:12px;margin-top:24px}
@media print{
 body{background:#fff;font-size:11pt}
 main{max-width:none;padding:0}
 section{border:none;border-top:1px solid #999;border-radius:0;padding:8px 0;break-inside:avoid;page-break-inside:avoid}
 .kpi{border-color:#999}
 .scroll{overflow:visible}
 svg.chart{max-width:100%}
 a{color:inherit;text-decoration:none}
}
@page{size:A4;margin:14mm}
"#;

/// Renders the report as one HTML document.
pub fn render(input: &ReportInput<'_>) -> String {
    let t = T { zh: input.lang == Lang::Zh };
    let a = input.analysis;
    let scheme = input.scheme;
    let tag = input.lang.tag();
    let names: HashMap<&str, &str> =
        input.cards.iter().filter_map(|c| Some((c.id.as_str(), c.attributes.get("name")?.as_str()?))).collect();
    let who = |id: &str| match names.get(id) {
        Some(n) => format!("{} <span class=\"sub\">{}</span>", esc(n), esc(id)),
        None => esc(id),
    };
    let title = format!("{} · {}", scheme.scheme().name.get(tag), t.s("考核分析报告", "Appraisal analysis"));
    let mut h = String::with_capacity(64 * 1024);
    let _ = write!(
        h,
        r#"<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:"><title>{title}</title><style>{CSS}</style></head><body><main>"#,
        lang = if t.zh { "zh-CN" } else { "en" },
        title = esc(&title)
    );
    let _ = write!(
        h,
        r#"<header><h1>{}</h1><div class="sub">{} {} · {}{}</div></header>"#,
        esc(&title),
        esc(scheme.id()),
        esc(scheme.version()),
        esc(scheme.hash()),
        input.generated.map_or_else(String::new, |g| format!(" · {} {}", t.s("生成于", "generated"), esc(g)))
    );
    let mut kpis = vec![
        (a.employees.to_string(), t.s("员工", "employees")),
        (a.scored.to_string(), t.s("已评分", "scored")),
        (a.failed.to_string(), t.s("评分失败", "failed")),
        (a.groups.len().to_string(), t.s("分组", "groups")),
        (a.anomalies.len().to_string(), t.s("异常值", "anomalies")),
    ];
    if let Some((_, w)) = input.whatif {
        kpis.push((w.crossings.len().to_string(), t.s("跨越等级（方案对比）", "grade changes (what-if)")));
    }
    h.push_str(r#"<div class="kpis">"#);
    for (v, l) in kpis {
        let _ = write!(h, r#"<div class="kpi"><b>{}</b><span>{}</span></div>"#, esc(&v), l);
    }
    h.push_str("</div>");

    distribution_section(&mut h, &t, a);
    groups_section(&mut h, &t, a);
    completion_section(&mut h, &t, scheme, a, tag);
    if let Some((b, w)) = input.whatif {
        whatif_section(&mut h, &t, scheme, b, w, tag, &who);
    }
    anomalies_section(&mut h, &t, a, &who);
    quality_section(&mut h, &t, a);
    correlation_section(&mut h, &t, a);
    let _ = writeln!(
        h,
        "<footer>{}</footer></main></body></html>",
        t.s(
            "由 kaohe 生成：单个自包含文件，不访问网络。规则见 spec/README.md「Analytics, anomalies and what-if」。",
            "Generated by kaohe: one self-contained file, no network access. The rules are in spec/README.md, \"Analytics, anomalies and what-if\"."
        )
    );
    h
}

fn table_head(h: &mut String, cols: &[(&str, bool)]) {
    h.push_str(r#"<div class="scroll"><table><thead><tr>"#);
    for (c, num) in cols {
        let _ = write!(h, "<th{}>{}</th>", if *num { r#" class="n""# } else { "" }, esc(c));
    }
    h.push_str("</tr></thead><tbody>");
}

fn more(h: &mut String, t: &T, total: usize) {
    h.push_str("</tbody></table></div>");
    if total > MAX_ROWS {
        let _ = write!(
            h,
            r#"<p class="note">{} {} {}</p>"#,
            t.s("另有", "and"),
            total - MAX_ROWS,
            t.s("行未列出（完整数据见 --json）", "more rows not listed (the full data: --json)")
        );
    }
}

fn status_word(t: &T, s: QuotaStatus) -> (&'static str, &'static str) {
    match s {
        QuotaStatus::Within => ("within", t.s("符合", "within")),
        QuotaStatus::Below => ("below", t.s("低于下限", "below minimum")),
        QuotaStatus::Above => ("above", t.s("超出上限", "above maximum")),
    }
}

fn distribution_section(h: &mut String, t: &T, a: &Analysis) {
    let d = &a.distribution;
    let cats: Vec<String> = d.grades.iter().map(|g| g.grade.clone()).collect();
    let mut series = vec![Series {
        name: t.s("原始等级", "raw grade"),
        color: PALETTE[0],
        values: d.grades.iter().map(|g| f(g.raw_share) * 100.0).collect(),
    }];
    if d.grades.iter().any(|g| g.calibrated_share.is_some()) {
        series.push(Series {
            name: t.s("校准后", "calibrated"),
            color: PALETTE[1],
            values: d.grades.iter().map(|g| f(g.calibrated_share.unwrap_or_default()) * 100.0).collect(),
        });
    }
    let mut markers = Vec::new();
    for q in d.quotas.iter().filter(|q| q.grades.len() == 1) {
        if let Some(c) = cats.iter().position(|g| *g == q.grades[0]) {
            if let Some(m) = q.max {
                markers.push(Marker { category: c, value: f(m) * 100.0, label: format!("≤{}", pct(m)) });
            }
            if let Some(m) = q.min {
                markers.push(Marker { category: c, value: f(m) * 100.0, label: format!("≥{}", pct(m)) });
            }
        }
    }
    let top =
        series.iter().flat_map(|s| s.values.iter().copied()).chain(markers.iter().map(|m| m.value)).fold(0.0, f64::max);
    let top = ((top / 20.0).ceil() * 20.0).clamp(20.0, 100.0);
    let _ = write!(
        h,
        r#"<section id="distribution"><h2>{}</h2><p class="note">{} {}</p><div class="scroll">{}</div>"#,
        t.s("等级分布与配额", "Grade distribution against quotas"),
        d.total,
        t.s("人已评分；虚线为单一等级的配额上下限。", "scored; dashed lines are single-grade quota bounds."),
        bars(t.s("等级分布", "Grade distribution"), &cats, &series, top, &|v| format!("{v:.0}%"), &markers)
    );
    let has_cal = d.grades.iter().any(|g| g.calibrated_count.is_some());
    let mut cols = vec![(t.s("等级", "grade"), false), (t.s("人数", "count"), true), (t.s("占比", "share"), true)];
    if has_cal {
        cols.push((t.s("校准后人数", "calibrated"), true));
        cols.push((t.s("校准后占比", "calibrated share"), true));
    }
    table_head(h, &cols);
    for g in &d.grades {
        let _ = write!(
            h,
            r#"<tr><td>{}</td><td class="n">{}</td><td class="n">{}</td>"#,
            esc(&g.grade),
            g.raw_count,
            pct(g.raw_share)
        );
        if has_cal {
            let _ = write!(
                h,
                r#"<td class="n">{}</td><td class="n">{}</td>"#,
                g.calibrated_count.map_or_else(|| "—".to_owned(), |c| c.to_string()),
                g.calibrated_share.map_or_else(|| "—".to_owned(), pct)
            );
        }
        h.push_str("</tr>");
    }
    h.push_str("</tbody></table></div>");
    if !d.quotas.is_empty() {
        let mut cols = vec![
            (t.s("配额", "quota"), false),
            (t.s("等级", "grades"), false),
            (t.s("范围", "range"), false),
            (t.s("原始", "raw"), true),
            (t.s("状态", "status"), false),
        ];
        if has_cal {
            cols.push((t.s("校准后", "calibrated"), true));
            cols.push((t.s("状态", "status"), false));
        }
        table_head(h, &cols);
        for q in &d.quotas {
            let range = format!(
                "{} – {}",
                q.min.map_or_else(|| "0%".to_owned(), pct),
                q.max.map_or_else(|| "100%".to_owned(), pct)
            );
            let (rc, rw) = status_word(t, q.raw_status);
            let _ = write!(
                h,
                r#"<tr><td>{}</td><td>{}</td><td>{}</td><td class="n">{} ({})</td><td class="{rc}">{rw}</td>"#,
                esc(&q.label),
                esc(&q.grades.join(" + ")),
                esc(&range),
                q.raw_count,
                pct(q.raw_share)
            );
            match (q.calibrated_count, q.calibrated_share, q.calibrated_status) {
                (Some(c), Some(s), Some(st)) => {
                    let (cc, cw) = status_word(t, st);
                    let _ = write!(h, r#"<td class="n">{c} ({})</td><td class="{cc}">{cw}</td></tr>"#, pct(s));
                }
                _ if has_cal => h.push_str("<td class=\"n\">—</td><td>—</td></tr>"),
                _ => h.push_str("</tr>"),
            }
        }
        h.push_str("</tbody></table></div>");
    }
    h.push_str("</section>");
}

fn groups_section(h: &mut String, t: &T, a: &Analysis) {
    let by = a.by.as_deref().unwrap_or(t.s("全员", "everyone"));
    let cats: Vec<String> = a.groups.iter().map(|g| g.group.clone()).collect();
    let series = vec![
        Series {
            name: t.s("平均分", "mean score"),
            color: PALETTE[0],
            values: a.groups.iter().map(|g| f(g.mean_score.unwrap_or_default())).collect(),
        },
        Series {
            name: t.s("中位数", "median score"),
            color: PALETTE[2],
            values: a.groups.iter().map(|g| f(g.median_score.unwrap_or_default())).collect(),
        },
    ];
    let top = series.iter().flat_map(|s| s.values.iter().copied()).fold(0.0, f64::max);
    let top = ((top / 20.0).ceil() * 20.0).max(20.0);
    let _ = write!(
        h,
        r#"<section id="groups"><h2>{} · {}</h2><div class="scroll">{}</div>"#,
        t.s("分组对比", "Groups side by side"),
        esc(by),
        bars(t.s("分组平均分", "Mean score by group"), &cats, &series, top, &|v| format!("{v:.1}"), &[])
    );
    let grade_names: Vec<&str> = a.distribution.grades.iter().map(|g| g.grade.as_str()).collect();
    let mut cols = vec![
        (t.s("分组", "group"), false),
        (t.s("人数", "count"), true),
        (t.s("平均分", "mean"), true),
        (t.s("中位数", "median"), true),
        (t.s("最低", "min"), true),
        (t.s("最高", "max"), true),
    ];
    cols.extend(grade_names.iter().map(|g| (*g, true)));
    table_head(h, &cols);
    for g in &a.groups {
        let _ = write!(
            h,
            r#"<tr><td>{}</td><td class="n">{}</td><td class="n">{}</td><td class="n">{}</td><td class="n">{}</td><td class="n">{}</td>"#,
            esc(&g.group),
            g.count,
            odec(g.mean_score),
            odec(g.median_score),
            odec(g.min_score),
            odec(g.max_score)
        );
        for name in &grade_names {
            let c = g.grades.iter().find(|x| x.grade == *name).map_or(0, |x| x.count);
            let _ = write!(h, r#"<td class="n">{c}</td>"#);
        }
        h.push_str("</tr>");
    }
    h.push_str("</tbody></table></div></section>");
}

fn completion_section(h: &mut String, t: &T, scheme: &CompiledScheme, a: &Analysis, tag: &str) {
    let ids = scheme.indicator_ids();
    let labels = scheme.indicator_names(tag);
    let groups: Vec<&str> = a.groups.iter().map(|g| g.group.as_str()).take(PALETTE.len()).collect();
    let series: Vec<Series<'_>> = groups
        .iter()
        .enumerate()
        .map(|(k, g)| Series {
            name: g,
            color: PALETTE[k % PALETTE.len()],
            values: ids
                .iter()
                .map(|id| {
                    a.completion.iter().find(|c| c.group == *g && c.indicator == *id).map_or(0.0, |c| f(c.rate) * 100.0)
                })
                .collect(),
        })
        .collect();
    let cats: Vec<String> = labels.iter().map(|l| (*l).to_owned()).collect();
    let _ = write!(
        h,
        r#"<section id="completion"><h2>{}</h2><p class="note">{}</p><div class="scroll">{}</div>"#,
        t.s("指标达成", "Indicator completion"),
        t.s(
            "达到目标（达成率 ≥ 100%）的人数占比，按分组；表中另列平均达成率。",
            "Share of employees at or above target (achievement ≥ 100 %), by group; the table adds the mean achievement."
        ),
        bars(t.s("指标达成率", "Completion by indicator"), &cats, &series, 100.0, &|v| format!("{v:.0}%"), &[])
    );
    table_head(
        h,
        &[
            (t.s("分组", "group"), false),
            (t.s("指标", "indicator"), false),
            (t.s("达标/人数", "reached / counted"), true),
            (t.s("达标率", "rate"), true),
            (t.s("平均达成", "mean achievement"), true),
        ],
    );
    for c in a.completion.iter().take(MAX_ROWS) {
        let label = ids.iter().position(|id| *id == c.indicator).map_or(c.indicator.as_str(), |i| labels[i]);
        let _ = write!(
            h,
            r#"<tr><td>{}</td><td>{}</td><td class="n">{} / {}</td><td class="n">{}</td><td class="n">{}</td></tr>"#,
            esc(&c.group),
            esc(label),
            c.reached,
            c.count,
            pct(c.rate),
            c.mean_achievement.map_or_else(|| "—".to_owned(), pct)
        );
    }
    more(h, t, a.completion.len());
    h.push_str("</section>");
}

fn move_word(t: &T, m: Move) -> (&'static str, &'static str) {
    match m {
        Move::Same => ("", t.s("不变", "same")),
        Move::Up => ("up", t.s("上升", "up")),
        Move::Down => ("down", t.s("下降", "down")),
        Move::Changed => ("", t.s("变化", "changed")),
    }
}

fn whatif_section(
    h: &mut String,
    t: &T,
    a_scheme: &CompiledScheme,
    b_scheme: &CompiledScheme,
    w: &WhatIf,
    tag: &str,
    who: &dyn Fn(&str) -> String,
) {
    let cats: Vec<String> = w.distribution.iter().map(|d| d.grade.clone()).collect();
    let series = vec![
        Series { name: "A", color: PALETTE[0], values: w.distribution.iter().map(|d| d.count_a as f64).collect() },
        Series { name: "B", color: PALETTE[1], values: w.distribution.iter().map(|d| d.count_b as f64).collect() },
    ];
    let top = series.iter().flat_map(|s| s.values.iter().copied()).fold(0.0, f64::max);
    let top = (top * 1.15).ceil().max(4.0);
    let mean = |d: Option<Decimal>| odec(d);
    let _ = write!(
        h,
        r#"<section id="whatif"><h2>{}</h2><p class="note">A = {} ({}) · B = {} ({})</p><p>{} {} · {} {} → {} · {} {} · {} {}</p><div class="scroll">{}</div>"#,
        t.s("方案对比（What-if）", "What-if: scheme A against scheme B"),
        esc(&w.scheme_a),
        esc(a_scheme.scheme().name.get(tag)),
        esc(&w.scheme_b),
        esc(b_scheme.scheme().name.get(tag)),
        t.s("比较人数", "compared"),
        w.compared,
        t.s("平均分", "mean score"),
        mean(w.mean_score_a),
        mean(w.mean_score_b),
        t.s("等级上升", "grade up"),
        w.up,
        t.s("等级下降", "grade down"),
        w.down,
        bars(t.s("等级分布 A 与 B", "Grades under A and B"), &cats, &series, top, &|v| format!("{v:.0}"), &[])
    );
    let ids_a = a_scheme.indicator_ids();
    let names_a = a_scheme.indicator_names(tag);
    let ids_b = b_scheme.indicator_ids();
    let names_b = b_scheme.indicator_names(tag);
    let label = |id: &str| -> String {
        ids_a
            .iter()
            .position(|x| *x == id)
            .map(|i| names_a[i])
            .or_else(|| ids_b.iter().position(|x| *x == id).map(|i| names_b[i]))
            .unwrap_or(id)
            .to_owned()
    };
    let _ = write!(h, "<h3>{}</h3>", t.s("指标贡献变化（平均得分）", "Indicator contributions (mean points)"));
    table_head(
        h,
        &[
            (t.s("指标", "indicator"), false),
            ("A", true),
            ("B", true),
            ("Δ", true),
            (t.s("平均绝对变化", "mean |Δ|"), true),
        ],
    );
    for i in &w.indicators {
        let _ = write!(
            h,
            r#"<tr><td>{}</td><td class="n">{}</td><td class="n">{}</td><td class="n">{}</td><td class="n">{}</td></tr>"#,
            esc(&label(&i.indicator)),
            dec(i.mean_points_a),
            dec(i.mean_points_b),
            dec(i.mean_delta),
            dec(i.mean_abs_delta)
        );
    }
    h.push_str("</tbody></table></div>");
    let _ = write!(h, "<h3>{} ({})</h3>", t.s("跨越等级边界的人", "Who crosses a grade boundary"), w.crossings.len());
    table_head(
        h,
        &[
            (t.s("员工", "employee"), false),
            (t.s("等级", "grade"), false),
            (t.s("得分 A → B", "score A → B"), true),
            ("Δ", true),
            (t.s("方向", "move"), false),
        ],
    );
    for c in w.crossings.iter().take(MAX_ROWS) {
        let (cls, word) = move_word(t, c.grade_move);
        let _ = write!(
            h,
            r#"<tr><td>{}</td><td>{} → {}</td><td class="n">{} → {}</td><td class="n">{}</td><td class="{cls}">{word}</td></tr>"#,
            who(&c.id),
            esc(c.from.as_deref().unwrap_or("—")),
            esc(c.to.as_deref().unwrap_or("—")),
            c.score_a,
            c.score_b,
            dec(c.score_b - c.score_a)
        );
    }
    more(h, t, w.crossings.len());
    h.push_str("</section>");
}

fn anomalies_section(h: &mut String, t: &T, a: &Analysis, who: &dyn Fn(&str) -> String) {
    let _ = write!(
        h,
        r#"<section id="anomalies"><h2>{} ({})</h2><p class="note">{}</p>"#,
        t.s("异常值", "Anomalies"),
        a.anomalies.len(),
        t.s(
            "稳健 z 分数 = 0.6745 ×（值 − 组中位数）÷ MAD，|z| 超过阈值即标记。",
            "Robust z = 0.6745 × (value − group median) / MAD; flagged when |z| is above the threshold."
        )
    );
    if a.anomalies.is_empty() {
        let _ = write!(h, "<p>{}</p></section>", t.s("没有发现异常值。", "No anomalies found."));
        return;
    }
    table_head(
        h,
        &[
            (t.s("员工", "employee"), false),
            (t.s("分组", "group"), false),
            (t.s("输入", "input"), false),
            (t.s("值", "value"), true),
            (t.s("中位数", "median"), true),
            ("z", true),
            (t.s("请核实", "what to check"), false),
        ],
    );
    for x in a.anomalies.iter().take(MAX_ROWS) {
        let _ = write!(
            h,
            r#"<tr><td>{}</td><td>{}</td><td>{}</td><td class="n">{}</td><td class="n">{}</td><td class="n">{}</td><td>{}</td></tr>"#,
            who(&x.id),
            esc(&x.group),
            esc(&x.input),
            x.value,
            x.median,
            x.z,
            esc(&x.message)
        );
    }
    more(h, t, a.anomalies.len());
    h.push_str("</section>");
}

fn quality_section(h: &mut String, t: &T, a: &Analysis) {
    let _ = write!(
        h,
        r#"<section id="quality"><h2>{}</h2><p class="note">{}</p>"#,
        t.s("数据质量", "Data quality"),
        t.s(
            "缺失：未填、null 或空字符串；范围：声明的 min/max 与 Tukey 界限（Q1 − 1.5·IQR，Q3 + 1.5·IQR）。",
            "Missing: absent, null or empty; range: the declared min/max and Tukey's fences (Q1 − 1.5·IQR, Q3 + 1.5·IQR)."
        )
    );
    table_head(
        h,
        &[
            (t.s("输入", "input"), false),
            (t.s("缺失", "missing"), true),
            (t.s("缺失率", "missing rate"), true),
            (t.s("非数字", "not a number"), true),
            (t.s("超出声明范围", "outside min/max"), true),
            (t.s("Tukey 界限", "Tukey fences"), true),
            (t.s("超出界限", "outside fences"), true),
        ],
    );
    for q in &a.quality {
        let fences = match (q.lower_fence, q.upper_fence) {
            (Some(l), Some(u)) => format!("{} – {}", dec(l), dec(u)),
            _ => "—".to_owned(),
        };
        let _ = write!(
            h,
            r#"<tr><td>{}</td><td class="n">{}</td><td class="n">{}</td><td class="n">{}</td><td class="n">{}</td><td class="n">{}</td><td class="n">{}</td></tr>"#,
            esc(&q.input),
            q.missing,
            pct(q.missing_rate),
            q.not_number,
            q.below_min + q.above_max,
            esc(&fences),
            q.outside_fences
        );
    }
    h.push_str("</tbody></table></div></section>");
}

fn correlation_section(h: &mut String, t: &T, a: &Analysis) {
    let mut strong: Vec<_> = a.correlations.iter().filter(|c| c.pearson.is_some() || c.spearman.is_some()).collect();
    strong.sort_by(|x, y| {
        let k = |c: &crate::analytics::Correlation| c.pearson.or(c.spearman).unwrap_or(0.0).abs();
        k(y).total_cmp(&k(x))
    });
    let _ = write!(
        h,
        r#"<section id="correlation"><h2>{}</h2><p class="note">{}</p>"#,
        t.s("相关性（前 12 对）", "Correlations (top 12 pairs)"),
        t.s(
            "按 |Pearson r| 排序；Spearman 用平均秩处理并列。",
            "By |Pearson r|; Spearman uses average ranks for ties."
        )
    );
    table_head(h, &[("x", false), ("y", false), ("n", true), ("Pearson r", true), ("Spearman ρ", true)]);
    let show = |v: Option<f64>| v.map_or_else(|| "—".to_owned(), |v| format!("{v:.4}"));
    for c in strong.iter().take(12) {
        let _ = write!(
            h,
            r#"<tr><td>{}</td><td>{}</td><td class="n">{}</td><td class="n">{}</td><td class="n">{}</td></tr>"#,
            esc(&c.x),
            esc(&c.y),
            c.n,
            show(c.pearson),
            show(c.spearman)
        );
    }
    h.push_str("</tbody></table></div></section>");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup() {
        assert_eq!(esc(r#"<b a="1">&'"#), "&lt;b a=&quot;1&quot;&gt;&amp;&#39;");
    }
}
