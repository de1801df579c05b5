//! `kaohe appeal publish|file|review|decide|withdraw|status`: appeals over a JSON Lines event file.
//!
//! Every command replays the file at `--now` under the scheme's `appeals` rules and the
//! calendar (`--calendar`, else Saturday and Sunday off). A new event is appended only
//! when the whole log replays with it; otherwise the reason code is printed and the
//! exit code is 1. With `--audit LOG`, filings, decisions and re-scores are appended to
//! a hash-chained audit log.

use std::io::Write;

use clap::{Args, Subcommand, ValueEnum};
use kaohe::appeal::{self, AppealState, AppealStatus, Decision, Event, Item, Ledger, Rescore};
use kaohe::calendar::Calendar;
use kaohe::{CompiledScheme, Employee, EmployeeError, Lang};
use serde_json::{Map, Value};

use crate::{Fail, input, io_fail, lang, load_scheme};

/// What every appeal command needs.
#[derive(Args)]
pub(crate) struct Common {
    /// The scheme file, with an `appeals` section.
    scheme: String,
    /// The event file (JSON Lines; created when absent).
    events: String,
    /// Today: a date (2026-10-09) or an RFC 3339 time (2026-10-09T09:30:00+08:00). New events are dated with it.
    #[arg(long)]
    now: String,
    /// A working-day calendar file (holidays, make-up working days); default: Saturday and Sunday off.
    #[arg(long)]
    calendar: Option<String>,
    /// Append audit entries to this hash-chained JSON Lines log.
    #[arg(long)]
    audit: Option<String>,
    /// Employees (as for `score`): re-score upheld appeals and show the difference.
    #[arg(long)]
    employees: Option<String>,
    /// Language: zh or en.
    #[arg(long, default_value = "zh")]
    lang: String,
}

/// A reviewer's decision on the command line.
#[derive(Clone, Copy, ValueEnum)]
pub(crate) enum DecisionArg {
    /// Upheld: re-score with the corrected (or claimed) values.
    Upheld,
    /// Partly upheld: re-score with the corrected values (--correct).
    PartlyUpheld,
    /// Rejected.
    Rejected,
    /// Withdrawn.
    Withdrawn,
}

/// Appeal commands.
#[derive(Subcommand)]
pub(crate) enum AppealCommand {
    /// Record the publication of the results: the filing window opens.
    Publish {
        #[command(flatten)]
        common: Common,
        /// The appraisal cycle.
        #[arg(long)]
        cycle: Option<String>,
    },
    /// File an appeal (refused with a reason code when late, not appealable or over the limit).
    File {
        #[command(flatten)]
        common: Common,
        /// The appeal's id.
        #[arg(long)]
        appeal: String,
        /// The employee's id.
        #[arg(long)]
        employee: String,
        /// An indicator appealed (repeatable).
        #[arg(long)]
        indicator: Vec<String>,
        /// An adjustment appealed (repeatable).
        #[arg(long)]
        adjustment: Vec<String>,
        /// A value the employee says is right: NAME=VALUE (repeatable).
        #[arg(long)]
        claim: Vec<String>,
        /// The employee's reason.
        #[arg(long)]
        reason: Option<String>,
    },
    /// The level holding an appeal reviewed it and refers it to the next level.
    Review {
        #[command(flatten)]
        common: Common,
        /// The appeal's id.
        #[arg(long)]
        appeal: String,
        /// The reviewing level (checked).
        #[arg(long)]
        level: Option<String>,
        /// A note.
        #[arg(long)]
        note: Option<String>,
    },
    /// Decide an appeal.
    Decide {
        #[command(flatten)]
        common: Common,
        /// The appeal's id.
        #[arg(long)]
        appeal: String,
        /// The decision.
        #[arg(long, value_enum)]
        decision: DecisionArg,
        /// The deciding level (checked).
        #[arg(long)]
        level: Option<String>,
        /// A corrected value: NAME=VALUE (repeatable).
        #[arg(long)]
        correct: Vec<String>,
        /// A note.
        #[arg(long)]
        note: Option<String>,
    },
    /// The employee withdraws an open appeal.
    Withdraw {
        #[command(flatten)]
        common: Common,
        /// The appeal's id.
        #[arg(long)]
        appeal: String,
    },
    /// Every appeal's state at --now: level, deadline, escalations, decisions.
    Status {
        #[command(flatten)]
        common: Common,
        /// Print the state as JSON.
        #[arg(long)]
        json: bool,
    },
}

fn values(pairs: &[String]) -> Result<Option<Map<String, Value>>, Fail> {
    if pairs.is_empty() {
        return Ok(None);
    }
    let mut out = Map::new();
    for p in pairs {
        let Some((k, v)) = p.split_once('=') else {
            return Err(Fail::usage(format!("'{p}' is not NAME=VALUE")));
        };
        let value = serde_json::from_str(v.trim()).unwrap_or_else(|_| Value::String(v.to_owned()));
        out.insert(k.trim().to_owned(), value);
    }
    Ok(Some(out))
}

struct Ctx {
    scheme: CompiledScheme,
    rules: appeal::AppealRules,
    calendar: Calendar,
    now: kaohe::calendar::Date,
    text: String,
    lang: Lang,
    employees: Option<Vec<Result<Employee, EmployeeError>>>,
}

fn fail_event(e: &kaohe::KaoheError) -> Fail {
    Fail { code: 1, message: format!("{e}") }
}

fn context(c: &Common) -> Result<Ctx, Fail> {
    let lang = lang(&c.lang)?;
    let scheme = load_scheme(&c.scheme)?;
    let Some(rules) = scheme.scheme().appeals.clone() else {
        return Err(Fail::usage(format!("[appeal_not_appealable] {} has no 'appeals' section", c.scheme)));
    };
    let calendar = match &c.calendar {
        Some(path) => Calendar::from_json(&input::read_text(path)?)
            .map_err(|errs| Fail { code: 1, message: errs.iter().map(|e| format!("{path}: {e}\n")).collect() })?,
        None => Calendar::weekends_only(),
    };
    let now = appeal::date_of(&c.now).map_err(|e| Fail::usage(format!("--now: {}", e.message)))?;
    let text = match std::fs::read_to_string(&c.events) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
        Err(e) => return Err(Fail::usage(format!("[io_error] cannot read {}: {e}", c.events))),
    };
    let employees = c.employees.as_deref().map(input::read_employees).transpose()?;
    Ok(Ctx { scheme, rules, calendar, now, text, lang, employees })
}

fn rescore_of(cx: &Ctx, a: &AppealState) -> Result<Option<Rescore>, Fail> {
    let Some(entries) = &cx.employees else { return Ok(None) };
    let found = entries.iter().find_map(|e| e.as_ref().ok().filter(|emp| emp.id == a.employee));
    let Some(employee) = found else {
        return Err(Fail::data(format!("[unknown_employee] no employee '{}' in the employees file", a.employee)));
    };
    appeal::rescore(&cx.scheme, employee, a).map_err(|e| fail_event(&e))
}

fn level_name<'a>(cx: &'a Ctx, id: &'a str) -> &'a str {
    let tag = if cx.lang == Lang::Zh { "zh" } else { "en" };
    cx.rules.levels.iter().find(|l| l.id == id).and_then(|l| l.name.as_ref()).map_or(id, |n| n.get(tag))
}

fn status_word(s: AppealStatus, zh: bool) -> &'static str {
    match (s, zh) {
        (AppealStatus::Open, true) => "处理中",
        (AppealStatus::Upheld, true) => "申诉成立",
        (AppealStatus::PartlyUpheld, true) => "部分成立",
        (AppealStatus::Rejected, true) => "驳回",
        (AppealStatus::Withdrawn, true) => "已撤回",
        (s, false) => s.as_str(),
    }
}

fn write_appeal(out: &mut impl Write, cx: &Ctx, a: &AppealState) -> Result<(), Fail> {
    let zh = cx.lang == Lang::Zh;
    let level = level_name(cx, &a.level);
    let word = status_word(a.status, zh);
    let line = match (a.status, a.deadline, a.closed_on) {
        (AppealStatus::Open, Some(d), _) if zh => format!("{word}：{level}，答复期限 {d}（{} 提交）", a.filed_on),
        (AppealStatus::Open, Some(d), _) => format!("{word} with {level}, answer due by {d} (filed {})", a.filed_on),
        (_, _, Some(on)) if zh => {
            format!("{word}（{level}，{on}{}）", if a.by_default { "，逾期默认" } else { "" })
        }
        (_, _, on) => format!(
            "{word}{} at {level} on {}",
            if a.by_default { " by default" } else { "" },
            on.map(|d| d.to_string()).unwrap_or_default()
        ),
    };
    writeln!(out, "{}  {}  {line}", a.appeal, a.employee).map_err(io_fail)?;
    for e in &a.escalations {
        let (from, to) = (level_name(cx, &e.from), level_name(cx, &e.to));
        let why = match (e.missed_deadline, zh) {
            (Some(d), true) => format!("期限 {d} 已过"),
            (Some(d), false) => format!("deadline {d} missed"),
            (None, true) => "转交".to_owned(),
            (None, false) => "referred".to_owned(),
        };
        if zh {
            writeln!(out, "      {} {from} → {to}（{why}）", e.on).map_err(io_fail)?;
        } else {
            writeln!(out, "      {} {from} → {to} ({why})", e.on).map_err(io_fail)?;
        }
    }
    if let Some(r) = rescore_of(cx, a)? {
        write_rescore(out, &r, zh)?;
        if let Some(effect) = effect_of(cx, &r)? {
            write_effect(out, &effect, zh)?;
        }
    }
    Ok(())
}

/// What the re-score would change in the calibrated population (schemes with a
/// `population` section), computed over every employee of the employees file.
fn effect_of(cx: &Ctx, r: &Rescore) -> Result<Option<appeal::CalibrationEffect>, Fail> {
    let Some(entries) = &cx.employees else { return Ok(None) };
    if cx.scheme.scheme().population.is_none() {
        return Ok(None);
    }
    let outcomes = cx.scheme.score_entries(entries);
    appeal::calibration_effect(&cx.scheme, &outcomes, r).map_err(|e| Fail::data(format!("{}: {e}", r.appeal)))
}

fn write_effect(out: &mut impl Write, e: &appeal::CalibrationEffect, zh: bool) -> Result<(), Fail> {
    let g = |g: &Option<String>| g.clone().unwrap_or_else(|| "-".into());
    let a = &e.appellant;
    let others: Vec<String> =
        e.others.iter().map(|o| format!("{} {} → {}", o.id, g(&o.grade_before), g(&o.grade_after))).collect();
    let (rank, grade) = ((a.rank_before, a.rank_after), (g(&a.grade_before), g(&a.grade_after)));
    if zh {
        let who =
            if others.is_empty() { "其他人不变".to_owned() } else { format!("另有 {}", others.join("，")) };
        writeln!(
            out,
            "      校准影响（未应用）：排名 {} → {}，校准等级 {} → {}；{who}",
            rank.0, rank.1, grade.0, grade.1
        )
    } else {
        let who =
            if others.is_empty() { "nobody else moves".to_owned() } else { format!("also {}", others.join(", ")) };
        writeln!(
            out,
            "      calibration effect (not applied): rank {} → {}, calibrated grade {} → {}; {who}",
            rank.0, rank.1, grade.0, grade.1
        )
    }
    .map_err(io_fail)
}

fn write_rescore(out: &mut impl Write, r: &Rescore, zh: bool) -> Result<(), Fail> {
    let grade = |g: &Option<kaohe::result::Id>| g.as_deref().unwrap_or("-").to_owned();
    let sign = |d: kaohe::Decimal| if d.is_sign_negative() { d.to_string() } else { format!("+{d}") };
    let effect = match (r.in_effect, zh) {
        ("original", true) => "原结果（分数不得下降）",
        ("original", false) => "original (the score may not go down)",
        (_, true) => "新结果",
        (_, false) => "revised",
    };
    let (before, after) = (
        format!("{} {}", r.original.score, grade(&r.original.grade)),
        format!("{} {}", r.revised.score, grade(&r.revised.grade)),
    );
    let delta = sign(r.score_delta);
    if zh {
        writeln!(out, "      重新评分 {before} → {after}（{delta}），生效：{effect}")
    } else {
        writeln!(out, "      re-score {before} → {after} ({delta}), in effect: {effect}")
    }
    .map_err(io_fail)?;
    for c in r.indicators.iter().chain(&r.adjustments) {
        let show = |d: Option<kaohe::Decimal>| d.map_or_else(|| "-".to_owned(), |d| d.to_string());
        writeln!(out, "        {} {} → {} ({})", c.id, show(c.before), show(c.after), sign(c.delta))
            .map_err(io_fail)?;
    }
    Ok(())
}

fn write_header(out: &mut impl Write, cx: &Ctx, l: &Ledger) -> Result<(), Fail> {
    let zh = cx.lang == Lang::Zh;
    match (l.published_on, l.filing_closes) {
        (Some(p), Some(c)) if zh => writeln!(out, "发布 {p}，申诉截止 {c}（当前 {}）", l.now),
        (Some(p), Some(c)) => writeln!(out, "published {p}, filing closes {c} (now {})", l.now),
        _ if zh => writeln!(out, "尚未发布（当前 {}）", l.now),
        _ => writeln!(out, "not published yet (now {})", l.now),
    }
    .map_err(io_fail)
}

/// Runs an appeal command; the exit code.
pub(crate) fn run(command: AppealCommand, out: &mut impl Write) -> Result<u8, Fail> {
    let (common, event) = match command {
        AppealCommand::Status { common, json } => {
            let cx = context(&common)?;
            let ledger = appeal::replay_text(&cx.rules, &cx.calendar, &cx.text, cx.now).map_err(|e| fail_event(&e))?;
            if json {
                let mut v = serde_json::to_value(&ledger).unwrap_or_default();
                if cx.employees.is_some() {
                    let (mut rescores, mut effects) = (Vec::new(), Vec::new());
                    for a in &ledger.appeals {
                        if let Some(r) = rescore_of(&cx, a)? {
                            if let Some(e) = effect_of(&cx, &r)? {
                                effects.push(serde_json::to_value(&e).unwrap_or_default());
                            }
                            rescores.push(serde_json::to_value(&r).unwrap_or_default());
                        }
                    }
                    v["rescores"] = Value::Array(rescores);
                    if cx.scheme.scheme().population.is_some() {
                        v["calibration_effects"] = Value::Array(effects);
                    }
                }
                writeln!(out, "{}", serde_json::to_string_pretty(&v).unwrap_or_default()).map_err(io_fail)?;
            } else {
                write_header(out, &cx, &ledger)?;
                for a in &ledger.appeals {
                    write_appeal(out, &cx, a)?;
                }
            }
            return Ok(0);
        }
        AppealCommand::Publish { common, cycle } => {
            let at = common.now.clone();
            (common, Event::Published { at, cycle })
        }
        AppealCommand::File { common, appeal, employee, indicator, adjustment, claim, reason } => {
            let items = indicator
                .into_iter()
                .map(|i| Item { indicator: Some(i), adjustment: None })
                .chain(adjustment.into_iter().map(|a| Item { indicator: None, adjustment: Some(a) }))
                .collect();
            let at = common.now.clone();
            (common, Event::Filed { appeal, employee, at, items, claimed: values(&claim)?, reason })
        }
        AppealCommand::Review { common, appeal, level, note } => {
            let at = common.now.clone();
            (common, Event::Reviewed { appeal, at, level, note })
        }
        AppealCommand::Withdraw { common, appeal } => {
            let at = common.now.clone();
            (common, Event::Withdrawn { appeal, at })
        }
        AppealCommand::Decide { common, appeal, decision, level, correct, note } => {
            let decision = match decision {
                DecisionArg::Upheld => Decision::Upheld,
                DecisionArg::PartlyUpheld => Decision::PartlyUpheld,
                DecisionArg::Rejected => Decision::Rejected,
                DecisionArg::Withdrawn => Decision::Withdrawn,
            };
            let at = common.now.clone();
            (common, Event::Decided { appeal, at, decision, level, corrected: values(&correct)?, note })
        }
    };
    let cx = context(&common)?;
    // The log as it stands must replay before anything is added to it.
    appeal::replay_text(&cx.rules, &cx.calendar, &cx.text, cx.now).map_err(|e| fail_event(&e))?;
    let line = event.to_json_line();
    let sep = if cx.text.is_empty() || cx.text.ends_with('\n') { "" } else { "\n" };
    let combined = format!("{}{sep}{line}\n", cx.text);
    let ledger = match appeal::replay_text(&cx.rules, &cx.calendar, &combined, cx.now) {
        Ok(l) => l,
        Err(e) => {
            writeln!(out, "refused: {e}").map_err(io_fail)?;
            return Ok(1);
        }
    };
    let state = event.appeal().and_then(|id| ledger.get(id));
    let rescore = match state {
        Some(a) if matches!(event, Event::Decided { .. }) => rescore_of(&cx, a)?,
        _ => None,
    };
    if let Some(log) = &common.audit {
        let mut first = appeal::record::event_entry(&event, cx.scheme.hash());
        if let (Event::Published { .. }, Some(entries)) = (&event, &cx.employees) {
            // The publication names the inputs the published results were scored from.
            let records: Vec<Value> =
                entries.iter().filter_map(|e| e.as_ref().ok()).filter_map(|e| serde_json::to_value(e).ok()).collect();
            first.inputs_hash = Some(kaohe::audit::inputs_hash(&Value::Array(records)));
        }
        let mut entries = vec![first];
        if let Some(r) = &rescore {
            entries.push(appeal::record::rescore_entry(r, event.at()));
        }
        crate::audit_log::append(log, entries)?;
    }
    crate::audit_log::append_text(&common.events, &cx.text, &format!("{line}\n"))?;
    match state {
        Some(a) => write_appeal(out, &cx, a)?,
        None => write_header(out, &cx, &ledger)?,
    }
    Ok(0)
}
