//! Writing results: the check summary, and scores as a table, JSON, JSON Lines or CSV.

use std::io::{self, IsTerminal, Write};

use comfy_table::{CellAlignment, Table, presets};
use kaohe::result::{outcome_to_json_line, outcomes_to_json};
use kaohe::{CompiledScheme, Employee, EmployeeError, Lang, Outcome};

use crate::OutFormat;

/// Scores in parallel, with a progress bar on stderr for large inputs when stderr is a terminal.
pub(crate) fn score_with_progress(
    scheme: &CompiledScheme,
    entries: &[Result<Employee, EmployeeError>],
) -> Vec<Outcome> {
    progress(entries, |chunk| scheme.score_entries_par(chunk))
}

/// Scores and calibrates a population whose segments may name other schemes
/// ([`CompiledScheme::calibrate_segments`]), with the progress bar of [`score_with_progress`]
/// while the records are scored.
pub(crate) fn calibrate_segments_with_progress(
    scheme: &CompiledScheme,
    others: &[CompiledScheme],
    entries: &[Result<Employee, EmployeeError>],
) -> Result<kaohe::Population, kaohe::KaoheError> {
    let Some(bar) = bar(entries.len()) else { return scheme.calibrate_segments(others, entries) };
    let population = scheme.calibrate_segments_reporting(others, entries, CHUNK, |n| bar.inc(n as u64));
    bar.finish_and_clear();
    population
}

/// Records scored between two updates of the progress bar.
const CHUNK: usize = 4096;

/// A progress bar on stderr for `len` records, when they are many and stderr is a terminal.
fn bar(len: usize) -> Option<indicatif::ProgressBar> {
    if len < 4 * CHUNK || !io::stderr().is_terminal() {
        return None;
    }
    let bar = indicatif::ProgressBar::new(len as u64);
    bar.set_style(
        indicatif::ProgressStyle::with_template("{bar:40} {pos}/{len} employees · {per_sec} · eta {eta}")
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
    );
    Some(bar)
}

fn progress(
    entries: &[Result<Employee, EmployeeError>],
    score: impl Fn(&[Result<Employee, EmployeeError>]) -> Vec<Outcome>,
) -> Vec<Outcome> {
    let Some(bar) = bar(entries.len()) else { return score(entries) };
    let mut out = Vec::with_capacity(entries.len());
    for chunk in entries.chunks(CHUNK) {
        out.extend(score(chunk));
        bar.inc(chunk.len() as u64);
    }
    bar.finish_and_clear();
    out
}

fn zh(lang: Lang) -> bool {
    lang == Lang::Zh
}

/// The one-screen summary of `kaohe check`.
pub(crate) fn summary(w: &mut impl Write, s: &CompiledScheme, lang: Lang) -> io::Result<()> {
    let m = s.scheme();
    let tag = lang.tag();
    let (native, rhai) = s.plan_counts();
    let outline = s.outline();
    let groups = outline.iter().filter(|o| o.kind == "group").count();
    writeln!(w, "ok  {} {} · {}", m.id, m.version, m.name.get(tag))?;
    writeln!(w, "    {}", s.hash())?;
    let (n_inputs, n_derived, n_leaves, n_adj, n_grades) =
        (m.inputs.len(), m.derived.len(), outline.len() - groups, m.adjustments.len(), m.grades.len());
    if zh(lang) {
        writeln!(
            w,
            "    输入 {n_inputs} · 派生值 {n_derived} · 指标 {n_leaves}（分组 {groups}） · 调整项 {n_adj} · 等级 {n_grades}"
        )?;
        writeln!(w, "    表达式：{native} 个原生计算，{rhai} 个 Rhai 脚本")?;
    } else {
        writeln!(
            w,
            "    inputs {n_inputs} · derived {n_derived} · indicators {n_leaves} (groups {groups}) · adjustments {n_adj} · grades {n_grades}"
        )?;
        writeln!(w, "    expressions: {native} native, {rhai} Rhai")?;
    }
    let mut table = Table::new();
    table.load_preset(presets::NOTHING);
    let head = if zh(lang) {
        ["指标", "id", "权重", "有效权重", "计分", "目标"]
    } else {
        ["indicator", "id", "weight", "effective", "scoring", "target"]
    };
    table.set_header(head);
    for o in &outline {
        table.add_row(vec![
            format!("{}{}", "  ".repeat(o.depth), o.name.get(tag)),
            o.id.to_owned(),
            o.weight.normalize().to_string(),
            o.effective_weight.to_string(),
            o.kind.to_owned(),
            o.target.map(|t| t.normalize().to_string()).unwrap_or_default(),
        ]);
    }
    for line in table.to_string().lines() {
        writeln!(w, "  {}", line.trim_end())?;
    }
    if !m.adjustments.is_empty() {
        writeln!(w, "  {}", if zh(lang) { "调整项：" } else { "adjustments:" })?;
        for a in &m.adjustments {
            let effect = if let Some(p) = &a.points {
                format!("points {}", p.as_str())
            } else if let Some(f) = &a.scale {
                format!("scale ×{}", f.as_str())
            } else {
                format!(
                    "veto → {}{}",
                    a.score.map_or("0".to_owned(), |d| d.to_string()),
                    a.grade.as_ref().map(|g| format!(", {g}")).unwrap_or_default()
                )
            };
            let when = a.when.as_ref().map(|c| format!(" when {}", c.as_str())).unwrap_or_default();
            writeln!(w, "    {} ({}){when}: {effect}", a.name.get(tag), a.id)?;
        }
    }
    if !m.grades.is_empty() {
        let grades: Vec<String> = m
            .grades
            .iter()
            .map(|g| {
                let min = g.min.map_or_else(|| "*".to_owned(), |d| format!("≥{d}"));
                let coef = g.coefficient.map(|c| format!(" ×{c}")).unwrap_or_default();
                format!("{} {min}{coef}", g.grade)
            })
            .collect();
        writeln!(w, "  {} {}", if zh(lang) { "等级：" } else { "grades:" }, grades.join(" · "))?;
    }
    Ok(())
}

/// Writes outcomes in a format.
pub(crate) fn write(
    w: &mut impl Write,
    s: &CompiledScheme,
    outcomes: &[Outcome],
    format: OutFormat,
    lang: Lang,
) -> io::Result<()> {
    match format {
        OutFormat::Json => writeln!(w, "{}", outcomes_to_json(outcomes)),
        OutFormat::Jsonl => {
            for o in outcomes {
                writeln!(w, "{}", outcome_to_json_line(o))?;
            }
            Ok(())
        }
        OutFormat::Csv => csv_out(w, s, outcomes),
        OutFormat::Table => table_out(w, s, outcomes, lang),
    }
}

fn opt(d: Option<kaohe::Decimal>) -> String {
    d.map(|d| d.to_string()).unwrap_or_default()
}

fn csv_out(w: &mut impl Write, s: &CompiledScheme, outcomes: &[Outcome]) -> io::Result<()> {
    let mut out = csv::Writer::from_writer(w);
    let ids = s.indicator_ids();
    let adjs: Vec<&str> = s.scheme().adjustments.iter().map(|a| a.id.as_str()).collect();
    let mut header: Vec<String> = ["id", "score", "grade", "coefficient", "subtotal"].map(String::from).to_vec();
    header.extend(ids.iter().map(|i| format!("points.{i}")));
    header.extend(adjs.iter().map(|a| format!("applied.{a}")));
    header.extend(["error_code", "error_message"].map(String::from));
    out.write_record(&header)?;
    for o in outcomes {
        let mut row: Vec<String> = Vec::with_capacity(header.len());
        match o {
            Ok(c) => {
                row.extend([
                    c.id.to_string(),
                    c.score.to_string(),
                    c.grade.as_deref().unwrap_or_default().to_owned(),
                    opt(c.coefficient),
                    c.subtotal.to_string(),
                ]);
                row.extend(ids.iter().map(|i| opt(c.indicator(i).and_then(|l| l.points))));
                row.extend(adjs.iter().map(|a| {
                    c.adjustments.iter().find(|x| &*x.id == *a).map(|x| x.applied.to_string()).unwrap_or_default()
                }));
                row.extend([String::new(), String::new()]);
            }
            Err(e) => {
                row.push(e.id.clone().unwrap_or_default());
                row.extend(std::iter::repeat_n(String::new(), 4 + ids.len() + adjs.len()));
                row.extend([e.error.code.as_str().to_owned(), e.error.message.clone()]);
            }
        }
        out.write_record(&row)?;
    }
    out.flush()
}

fn table_out(w: &mut impl Write, s: &CompiledScheme, outcomes: &[Outcome], lang: Lang) -> io::Result<()> {
    let zh = zh(lang);
    let ids = s.indicator_ids();
    let mut table = Table::new();
    table.load_preset(presets::UTF8_FULL_CONDENSED);
    let mut header: Vec<String> = if zh {
        ["员工", "总分", "等级", "系数", "小计"].map(String::from).to_vec()
    } else {
        ["id", "score", "grade", "coef.", "subtotal"].map(String::from).to_vec()
    };
    header.extend(s.indicator_names(lang.tag()).into_iter().map(String::from));
    header.push(if zh { "调整 / 错误" } else { "adjustments / error" }.to_owned());
    table.set_header(header);
    for o in outcomes {
        let row: Vec<String> = match o {
            Ok(c) => {
                let mut row = vec![
                    c.id.to_string(),
                    c.score.to_string(),
                    c.grade.as_deref().unwrap_or("—").to_owned(),
                    c.coefficient.map_or_else(|| "—".into(), |d| d.to_string()),
                    c.subtotal.to_string(),
                ];
                row.extend(
                    ids.iter()
                        .map(|i| c.indicator(i).and_then(|l| l.points).map_or_else(|| "—".into(), |p| p.to_string())),
                );
                let applied: Vec<String> = c
                    .adjustments
                    .iter()
                    .filter(|a| a.applied)
                    .map(|a| if a.veto { format!("{} (veto)", a.id) } else { format!("{} {:+}", a.id, a.delta) })
                    .collect();
                row.push(applied.join(", "));
                row
            }
            Err(e) => {
                let mut row = vec![e.id.clone().unwrap_or_else(|| "?".into())];
                row.extend(std::iter::repeat_n(String::new(), 4 + ids.len()));
                row.push(format!("{}: {}", e.error.code, e.error.message));
                row
            }
        };
        table.add_row(row);
    }
    for (i, col) in table.column_iter_mut().enumerate() {
        if (1..5 + ids.len()).contains(&i) {
            col.set_cell_alignment(CellAlignment::Right);
        }
    }
    writeln!(w, "{table}")
}
