//! `kaohe calibrate`: score a population, then rank, calibrate against the forced
//! distribution, roll up and pay; written as a table, JSON or CSV.

use std::io::{self, Write};

use comfy_table::{CellAlignment, Table, presets};
use kaohe::explain::segment_group;
use kaohe::population::{Bound, Member, Move, Population};
use kaohe::{CompiledScheme, Lang};

/// Output formats of `kaohe calibrate`.
#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum CalibrateFormat {
    /// An aligned table for people, with group summaries.
    Table,
    /// The population result as JSON (the format the bindings return).
    Json,
    /// CSV: one row per employee, then one per failed employee.
    Csv,
}

fn opt(d: Option<kaohe::Decimal>) -> String {
    d.map(|d| d.to_string()).unwrap_or_default()
}

/// A move in words.
pub(crate) fn move_text(m: &Move, lang: Lang) -> String {
    let grades = m.grades.join("/");
    match (lang, m.bound) {
        (Lang::Zh, Bound::Max) => format!(
            "{}→{}：配额{}（{grades}）最多 {} 人，组内第 {}/{} 名",
            m.from,
            m.to,
            m.quota + 1,
            m.limit,
            m.group_rank,
            m.group_size
        ),
        (Lang::Zh, Bound::Min) => format!(
            "{}→{}：配额{}（{grades}）至少 {} 人，组内第 {}/{} 名",
            m.from,
            m.to,
            m.quota + 1,
            m.limit,
            m.group_rank,
            m.group_size
        ),
        (_, bound) => format!(
            "{}→{}: quota {} ({grades}) {} {}, ranked {} of {} in group",
            m.from,
            m.to,
            m.quota + 1,
            if bound == Bound::Max { "at most" } else { "at least" },
            m.limit,
            m.group_rank,
            m.group_size
        ),
    }
}

fn moves_text(member: &Member, lang: Lang) -> String {
    member.moves.iter().map(|m| move_text(m, lang)).collect::<Vec<_>>().join("; ")
}

/// The moves in short, for the table: `S→A 配额1≤1 · A→B 配额2≤1（组内第 3/6 名）`.
fn moves_short(member: &Member, lang: Lang) -> String {
    let Some(first) = member.moves.first() else { return String::new() };
    let steps: Vec<String> = member
        .moves
        .iter()
        .map(|m| {
            let sign = if m.bound == Bound::Max { "≤" } else { "≥" };
            match lang {
                Lang::Zh => format!("{}→{} 配额{}{sign}{}", m.from, m.to, m.quota + 1, m.limit),
                _ => format!("{}→{} quota {} {sign}{}", m.from, m.to, m.quota + 1, m.limit),
            }
        })
        .collect();
    match lang {
        Lang::Zh => format!("{}（组内第 {}/{} 名）", steps.join(" · "), first.group_rank, first.group_size),
        _ => format!("{} ({} of {} in group)", steps.join(" · "), first.group_rank, first.group_size),
    }
}

/// Prorated segments in short: `分段 客服部 90 天 88.00 + 销售部 91 天 95.00`; a segment
/// scored under another scheme than `main` names it: `客服部（service-2026h1）90 天 88.00`.
fn segments_text(m: &Member, group_by: &[String], main: &str, lang: Lang) -> String {
    let parts: Vec<String> = m
        .segments
        .iter()
        .map(|s| {
            let group = segment_group(&s.attributes, group_by);
            let other = s.scheme.id != main;
            let group = match (group.is_empty(), other, lang) {
                (true, false, _) => String::new(),
                (false, false, _) => format!("{group} "),
                (_, true, Lang::Zh) => format!("{group}（{}）", s.scheme.id),
                (_, true, _) => format!("{group} ({}) ", s.scheme.id),
            };
            match lang {
                Lang::Zh => format!("{group}{} 天 {}", s.days, s.score),
                _ => format!("{group}{} days {}", s.days, s.score),
            }
        })
        .collect();
    match lang {
        Lang::Zh => format!("分段 {}", parts.join(" + ")),
        _ => format!("segments {}", parts.join(" + ")),
    }
}

fn group_text(group: &[String]) -> String {
    if group.is_empty() { "—".to_owned() } else { group.join("/") }
}

/// The deepest group rank as `rank/of`.
fn group_rank(m: &Member) -> String {
    m.group_ranks.last().map(|g| format!("{}/{}", g.rank, g.of)).unwrap_or_default()
}

/// Writes the population in a format.
pub(crate) fn write(
    w: &mut impl Write,
    scheme: &CompiledScheme,
    p: &Population,
    format: CalibrateFormat,
    lang: Lang,
) -> io::Result<()> {
    match format {
        CalibrateFormat::Json => writeln!(w, "{}", p.to_json_string()),
        CalibrateFormat::Csv => csv_out(w, scheme, p, lang),
        CalibrateFormat::Table => table_out(w, scheme, p, lang),
    }
}

struct Cols {
    groups: bool,
    days: bool,
    pay: bool,
    bonus: bool,
    merit: bool,
}

fn cols(scheme: &CompiledScheme) -> Cols {
    let spec = scheme.scheme().population.clone().unwrap_or_default();
    let pay = spec.pay.as_ref();
    Cols {
        groups: !spec.group_by.is_empty(),
        days: spec.proration.is_some(),
        pay: pay.is_some(),
        bonus: pay.is_some_and(|p| p.pool.is_some()),
        merit: pay.is_some_and(|p| p.merit.is_some()),
    }
}

fn csv_out(w: &mut impl Write, scheme: &CompiledScheme, p: &Population, lang: Lang) -> io::Result<()> {
    let c = cols(scheme);
    let mut out = csv::Writer::from_writer(w);
    let mut header: Vec<&str> = vec!["rank", "id", "group", "score", "percentile"];
    if c.groups {
        header.extend(["group_rank", "group_percentile"]);
    }
    header.extend(["raw_grade", "grade", "coefficient", "moves"]);
    if c.days {
        header.push("days");
    }
    if c.pay {
        header.extend(["base", "department_coefficient", "performance_pay"]);
    }
    if c.bonus {
        header.push("bonus");
    }
    if c.merit {
        header.extend(["compa_ratio", "raise", "raise_amount"]);
    }
    header.extend(["error_code", "error_message"]);
    out.write_record(&header)?;
    for m in &p.members {
        let mut row = vec![
            m.rank.to_string(),
            m.id.clone(),
            m.group().join("/"),
            m.score.to_string(),
            m.percentile().to_string(),
        ];
        if c.groups {
            let last = m.group_ranks.last();
            row.push(last.map(|g| g.rank.to_string()).unwrap_or_default());
            row.push(last.map(|g| g.percentile().to_string()).unwrap_or_default());
        }
        row.extend([
            m.raw_grade.as_deref().unwrap_or_default().to_owned(),
            m.grade.as_deref().unwrap_or_default().to_owned(),
            opt(m.coefficient),
            moves_text(m, lang),
        ]);
        if c.days {
            row.push(m.days.map(|d| d.to_string()).unwrap_or_default());
        }
        let pay = m.pay.clone().unwrap_or_default();
        if c.pay {
            row.extend([opt(pay.base), opt(pay.department_coefficient), opt(pay.performance_pay)]);
        }
        if c.bonus {
            row.push(opt(pay.bonus));
        }
        if c.merit {
            row.extend([opt(pay.compa_ratio), opt(pay.raise), opt(pay.raise_amount)]);
        }
        let problem = pay.problems.first();
        row.push(problem.map(|e| e.code.as_str().to_owned()).unwrap_or_default());
        row.push(problem.map(|e| e.to_string()).unwrap_or_default());
        out.write_record(&row)?;
    }
    for e in &p.errors {
        let mut row = vec![String::new(); header.len()];
        row[1] = e.id.clone().unwrap_or_default();
        let n = row.len();
        row[n - 2] = e.error.code.as_str().to_owned();
        row[n - 1] = e.error.message.clone();
        out.write_record(&row)?;
    }
    out.flush()
}

fn table_out(w: &mut impl Write, scheme: &CompiledScheme, p: &Population, lang: Lang) -> io::Result<()> {
    let zh = lang == Lang::Zh;
    let c = cols(scheme);
    let mut table = Table::new();
    table.load_preset(presets::UTF8_FULL_CONDENSED);
    let pick = |z: &'static str, e: &'static str| if zh { z } else { e };
    let mut header = vec![pick("排名", "rank"), pick("员工", "id")];
    let mut right = vec![0usize];
    if c.groups {
        header.push(pick("分组", "group"));
    }
    let first_num = header.len();
    header.extend([pick("总分", "score"), pick("百分位", "pct.")]);
    right.extend([first_num, first_num + 1]);
    if c.groups {
        right.push(header.len());
        header.push(pick("组内", "in group"));
    }
    header.extend([pick("原等级", "raw"), pick("校准", "grade"), pick("系数", "coef.")]);
    right.push(header.len() - 1);
    if c.days {
        right.push(header.len());
        header.push(pick("天数", "days"));
    }
    if c.pay {
        right.extend([header.len(), header.len() + 1]);
        header.extend([pick("部门系数", "dept."), pick("绩效工资", "perf. pay")]);
    }
    if c.bonus {
        right.push(header.len());
        header.push(pick("奖金", "bonus"));
    }
    if c.merit {
        right.extend([header.len(), header.len() + 1]);
        header.extend([pick("调薪比例", "raise"), pick("调薪额", "raise amt.")]);
    }
    header.push(pick("校准说明", "why"));
    table.set_header(header);
    for m in &p.members {
        let mut row = vec![m.rank.to_string(), m.id.clone()];
        if c.groups {
            row.push(group_text(m.group()));
        }
        row.extend([m.score.to_string(), m.percentile().to_string()]);
        if c.groups {
            row.push(group_rank(m));
        }
        row.extend([
            m.raw_grade.as_deref().unwrap_or("—").to_owned(),
            m.grade.as_deref().unwrap_or("—").to_owned(),
            m.coefficient.map_or_else(|| "—".into(), |d| d.to_string()),
        ]);
        if c.days {
            row.push(m.days.map(|d| d.to_string()).unwrap_or_default());
        }
        let pay = m.pay.clone().unwrap_or_default();
        let dash = |d: Option<kaohe::Decimal>| d.map_or_else(|| "—".to_owned(), |d| d.to_string());
        if c.pay {
            row.extend([dash(pay.department_coefficient), dash(pay.performance_pay)]);
        }
        if c.bonus {
            row.push(dash(pay.bonus));
        }
        if c.merit {
            row.extend([dash(pay.raise), dash(pay.raise_amount)]);
        }
        let mut why = moves_short(m, lang);
        if m.segments.len() > 1 {
            if !why.is_empty() {
                why.push_str("; ");
            }
            why.push_str(&segments_text(m, scheme.group_by(), &scheme.scheme().id, lang));
        }
        for e in &pay.problems {
            if !why.is_empty() {
                why.push_str("; ");
            }
            why.push_str(&format!("{}: {}", e.code, e.message));
        }
        row.push(why);
        table.add_row(row);
    }
    for (i, col) in table.column_iter_mut().enumerate() {
        if right.contains(&i) {
            col.set_cell_alignment(CellAlignment::Right);
        }
    }
    writeln!(w, "{table}")?;
    for g in &p.distribution {
        let name = group_text(&g.group);
        if !g.applied {
            writeln!(
                w,
                "{}",
                if zh {
                    format!("分布 {name}：{} 人，少于最小人数，不强制分布", g.size)
                } else {
                    format!("distribution {name}: {} graded, under the minimum group size, quotas not applied", g.size)
                }
            )?;
            continue;
        }
        let quotas: Vec<String> = g
            .quotas
            .iter()
            .map(|q| {
                let bound = match (q.min, q.max) {
                    (Some(lo), Some(hi)) => format!("{lo}..{hi}"),
                    (Some(lo), None) => format!("≥{lo}"),
                    (None, Some(hi)) => format!("≤{hi}"),
                    (None, None) => String::new(),
                };
                format!("{} {bound}: {}→{}", q.grades.join("/"), q.raw, q.calibrated)
            })
            .collect();
        if zh {
            writeln!(w, "分布 {name}：{} 人，调整 {} 次；{}", g.size, g.moved, quotas.join(" · "))?;
        } else {
            writeln!(w, "distribution {name}: {} graded, {} moves; {}", g.size, g.moved, quotas.join(" · "))?;
        }
    }
    for r in &p.rollup {
        let name = group_text(&r.group);
        let coef = r.coefficient.map(|c| format!(" · {} {c}", pick("部门系数", "coefficient"))).unwrap_or_default();
        let err = r.error.as_ref().map(|e| format!(" · {e}")).unwrap_or_default();
        writeln!(
            w,
            "{} {name}{}{} {} · {} {}{coef}{err}",
            pick("汇总", "roll-up"),
            pick("：", ": "),
            r.size,
            pick("人", "members"),
            pick("得分", "score"),
            opt(r.score)
        )?;
    }
    if let Some(pool) = &p.pool {
        if zh {
            writeln!(
                w,
                "奖金池 {}：已分配 {}（其中 {} 个最小单位按最大余数分配）",
                pool.amount, pool.allocated, pool.remainder_units
            )?;
        } else {
            writeln!(
                w,
                "bonus pool {}: {} allocated ({} smallest units by largest remainder)",
                pool.amount, pool.allocated, pool.remainder_units
            )?;
        }
    }
    for e in &p.errors {
        writeln!(w, "{}: {}", e.id.as_deref().unwrap_or("?"), e.error)?;
    }
    Ok(())
}
