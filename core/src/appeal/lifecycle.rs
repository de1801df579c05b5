//! Replaying appeal events at a given "now" into the state of every appeal.
//!
//! Rules (spec/README.md, "Appeals"):
//! - `published` opens the filing window: the last filing day is `add(published, window.days, window.count)`.
//! - `filed` is checked in this order: late (`appeal_late`), each item appealable (`appeal_not_appealable`),
//!   the employee's limit (`appeal_limit`, withdrawn appeals count). It goes to the first level, whose
//!   deadline is `add(filed, days, count)`.
//! - A level may answer up to and including its deadline. On the day after, the appeal is escalated to
//!   the next level (whose deadline is `add(missed deadline, days, count)`), or decided by default
//!   (`uphold` / `reject`, as `on_timeout` says) on that day. This is computed lazily from the dates.
//! - `reviewed` refers the appeal from the level holding it to the next one (deadline from the review day).
//! - `decided` and `withdrawn` close an open appeal; an event on a closed appeal is `appeal_transition`.

use jiff::civil::Date;
use serde::Serialize;
use serde_json::{Map, Value};

use super::events::{Decision, Event, Item, date_of, parse_events};
use super::rules::{AppealRules, Timeout};
use crate::calendar::Calendar;
use crate::error::{ErrorCode, KaoheError};

/// Where an appeal stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum AppealStatus {
    /// Waiting for the level holding it.
    Open,
    /// Upheld (re-score with the corrected values).
    Upheld,
    /// Partly upheld (re-score with the corrected values).
    PartlyUpheld,
    /// Rejected.
    Rejected,
    /// Withdrawn.
    Withdrawn,
}

impl AppealStatus {
    /// The name as written.
    pub const fn as_str(self) -> &'static str {
        match self {
            AppealStatus::Open => "open",
            AppealStatus::Upheld => "upheld",
            AppealStatus::PartlyUpheld => "partly_upheld",
            AppealStatus::Rejected => "rejected",
            AppealStatus::Withdrawn => "withdrawn",
        }
    }

    /// Whether the appeal changes the score (upheld or partly upheld).
    pub const fn rescores(self) -> bool {
        matches!(self, AppealStatus::Upheld | AppealStatus::PartlyUpheld)
    }
}

/// A move from one level to the next.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Escalation {
    /// The level that had the appeal.
    pub from: String,
    /// The level that has it now.
    pub to: String,
    /// The day it moved.
    pub on: Date,
    /// `deadline_missed` (computed from the dates) or `referred` (a `reviewed` event).
    pub reason: &'static str,
    /// The deadline that was missed (for `deadline_missed`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub missed_deadline: Option<Date>,
}

/// The state of one appeal.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AppealState {
    /// The appeal's id.
    pub appeal: String,
    /// The employee.
    pub employee: String,
    /// What is appealed.
    pub items: Vec<Item>,
    /// The day it was filed.
    pub filed_on: Date,
    /// Where it stands.
    pub status: AppealStatus,
    /// The level holding it (open) or the level that closed it.
    pub level: String,
    /// The day it reached that level.
    pub level_since: Date,
    /// The level's deadline while open (the last day it may answer).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub deadline: Option<Date>,
    /// Moves between levels, in order.
    pub escalations: Vec<Escalation>,
    /// The day it was closed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub closed_on: Option<Date>,
    /// Whether it was decided by default because the last deadline passed.
    pub by_default: bool,
    /// The values the employee claimed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub claimed: Option<Map<String, Value>>,
    /// The values to re-score with (upheld: the corrected values, else the claimed ones; partly upheld: the corrected ones).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub corrected: Option<Map<String, Value>>,
    #[serde(skip)]
    level_index: usize,
}

/// The state of every appeal at a date.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Ledger {
    /// The date the events were replayed at.
    pub now: Date,
    /// When the results were published.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub published_on: Option<Date>,
    /// The last day an appeal may be filed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub filing_closes: Option<Date>,
    /// Every appeal, in filing order.
    pub appeals: Vec<AppealState>,
}

impl Ledger {
    /// An appeal by id.
    pub fn get(&self, appeal: &str) -> Option<&AppealState> {
        self.appeals.iter().find(|a| a.appeal == appeal)
    }
}

fn err(code: ErrorCode, i: usize, message: String) -> KaoheError {
    KaoheError::new(code, message).at(format!("events[{i}]"))
}

fn next_day(d: Date) -> Date {
    d.tomorrow().unwrap_or(d)
}

/// Applies every deadline that passed before `day`.
fn advance(a: &mut AppealState, rules: &AppealRules, cal: &Calendar, day: Date) -> Result<(), KaoheError> {
    while a.status == AppealStatus::Open {
        let Some(deadline) = a.deadline.filter(|d| *d < day) else { break };
        let on = next_day(deadline);
        match rules.timeout_of(a.level_index) {
            Timeout::Escalate if a.level_index + 1 < rules.levels.len() => {
                let next = &rules.levels[a.level_index + 1];
                a.escalations.push(Escalation {
                    from: a.level.clone(),
                    to: next.id.clone(),
                    on,
                    reason: "deadline_missed",
                    missed_deadline: Some(deadline),
                });
                a.level_index += 1;
                a.level.clone_from(&next.id);
                a.level_since = on;
                a.deadline = Some(cal.add(deadline, next.days, next.count)?);
            }
            Timeout::Uphold => {
                a.status = AppealStatus::Upheld;
                a.corrected.clone_from(&a.claimed);
                close(a, on, true);
            }
            Timeout::Reject | Timeout::Escalate => {
                a.status = AppealStatus::Rejected;
                close(a, on, true);
            }
        }
    }
    Ok(())
}

fn close(a: &mut AppealState, on: Date, by_default: bool) {
    a.deadline = None;
    a.closed_on = Some(on);
    a.by_default = by_default;
}

/// Replays `events` at `now`. The first event that is not allowed is returned as an error whose path is
/// `events[i]` (the event's index; [`replay_text`] adds its line number).
pub fn replay(rules: &AppealRules, cal: &Calendar, events: &[Event], now: Date) -> Result<Ledger, KaoheError> {
    let mut ledger = Ledger { now, published_on: None, filing_closes: None, appeals: Vec::new() };
    let mut last: Option<Date> = None;
    for (i, event) in events.iter().enumerate() {
        let day = date_of(event.at()).map_err(|e| e.at(format!("events[{i}].at")))?;
        if let Some(prev) = last.filter(|p| day < *p) {
            return Err(err(ErrorCode::AppealEvent, i, format!("dated {day}, before the event before it ({prev})")));
        }
        if day > now {
            return Err(err(ErrorCode::AppealEvent, i, format!("dated {day}, after now ({now})")));
        }
        last = Some(day);
        apply(&mut ledger, rules, cal, i, event, day)?;
    }
    for a in &mut ledger.appeals {
        advance(a, rules, cal, now)?;
    }
    Ok(ledger)
}

/// Reads a JSON Lines event log and replays it; errors carry the event's line number.
pub fn replay_text(rules: &AppealRules, cal: &Calendar, text: &str, now: Date) -> Result<Ledger, KaoheError> {
    let located = parse_events(text)?;
    let events: Vec<Event> = located.iter().map(|(_, e)| e.clone()).collect();
    replay(rules, cal, &events, now).map_err(|mut e| {
        let index = e.path.as_deref().and_then(|p| p.strip_prefix("events[")).and_then(|p| p.split(']').next());
        if let Some(line) = index.and_then(|x| x.parse::<usize>().ok()).and_then(|x| located.get(x)) {
            e.line = Some(line.0);
        }
        e
    })
}

fn apply(
    ledger: &mut Ledger,
    rules: &AppealRules,
    cal: &Calendar,
    i: usize,
    event: &Event,
    day: Date,
) -> Result<(), KaoheError> {
    match event {
        Event::Published { .. } => {
            if ledger.published_on.is_some() {
                return Err(err(ErrorCode::AppealEvent, i, "the results were already published in this log".into()));
            }
            ledger.published_on = Some(day);
            ledger.filing_closes = Some(cal.add(day, rules.window.days, rules.window.count)?);
        }
        Event::Filed { appeal, employee, items, claimed, .. } => {
            let Some(closes) = ledger.filing_closes else {
                return Err(err(ErrorCode::AppealTransition, i, format!("appeal {appeal}: nothing was published yet")));
            };
            if ledger.get(appeal).is_some() {
                return Err(err(ErrorCode::AppealEvent, i, format!("appeal {appeal} was already filed")));
            }
            if day > closes {
                return Err(err(
                    ErrorCode::AppealLate,
                    i,
                    format!("appeal {appeal} filed on {day}: the filing window closed on {closes}"),
                ));
            }
            if items.is_empty() {
                return Err(err(
                    ErrorCode::AppealEvent,
                    i,
                    format!("appeal {appeal} names no indicator or adjustment"),
                ));
            }
            for (j, item) in items.iter().enumerate() {
                let at = format!("events[{i}].items[{j}]");
                let ok = match (&item.indicator, &item.adjustment) {
                    (Some(id), None) => rules.indicator_appealable(id).then_some(()).ok_or(format!("indicator '{id}'")),
                    (None, Some(id)) => {
                        rules.adjustment_appealable(id).then_some(()).ok_or(format!("adjustment '{id}'"))
                    }
                    _ => {
                        return Err(KaoheError::new(
                            ErrorCode::AppealEvent,
                            "an item names exactly one of 'indicator' or 'adjustment'",
                        )
                        .at(at));
                    }
                };
                if let Err(what) = ok {
                    return Err(KaoheError::new(
                        ErrorCode::AppealNotAppealable,
                        format!("appeal {appeal}: the {what} may not be appealed under this scheme"),
                    )
                    .at(at));
                }
            }
            if let Some(max) = rules.max_per_employee {
                let filed = ledger.appeals.iter().filter(|a| a.employee == *employee).count();
                if filed >= max as usize {
                    return Err(err(
                        ErrorCode::AppealLimit,
                        i,
                        format!(
                            "appeal {appeal}: employee {employee} already filed {filed} appeal(s), the limit is {max}"
                        ),
                    ));
                }
            }
            let Some(first) = rules.levels.first() else {
                return Err(err(ErrorCode::AppealTransition, i, "the scheme has no review level".into()));
            };
            ledger.appeals.push(AppealState {
                appeal: appeal.clone(),
                employee: employee.clone(),
                items: items.clone(),
                filed_on: day,
                status: AppealStatus::Open,
                level: first.id.clone(),
                level_since: day,
                deadline: Some(cal.add(day, first.days, first.count)?),
                escalations: Vec::new(),
                closed_on: None,
                by_default: false,
                claimed: claimed.clone(),
                corrected: None,
                level_index: 0,
            });
        }
        Event::Reviewed { appeal, level, .. } => {
            let a = open_appeal(ledger, rules, cal, i, appeal, level.as_deref(), day)?;
            let Some(next) = rules.levels.get(a.level_index + 1) else {
                return Err(err(
                    ErrorCode::AppealTransition,
                    i,
                    format!("appeal {appeal} is at the last level ({}): it must be decided, not referred", a.level),
                ));
            };
            a.escalations.push(Escalation {
                from: a.level.clone(),
                to: next.id.clone(),
                on: day,
                reason: "referred",
                missed_deadline: None,
            });
            a.level_index += 1;
            a.level.clone_from(&next.id);
            a.level_since = day;
            a.deadline = Some(cal.add(day, next.days, next.count)?);
        }
        Event::Decided { appeal, level, decision, corrected, .. } => {
            let a = open_appeal(ledger, rules, cal, i, appeal, level.as_deref(), day)?;
            a.status = match decision {
                Decision::Upheld => {
                    a.corrected = corrected.clone().or_else(|| a.claimed.clone());
                    AppealStatus::Upheld
                }
                Decision::PartlyUpheld => {
                    if corrected.is_none() {
                        return Err(err(
                            ErrorCode::AppealEvent,
                            i,
                            format!("appeal {appeal}: a partly upheld decision needs the corrected values"),
                        ));
                    }
                    a.corrected.clone_from(corrected);
                    AppealStatus::PartlyUpheld
                }
                Decision::Rejected => AppealStatus::Rejected,
                Decision::Withdrawn => AppealStatus::Withdrawn,
            };
            close(a, day, false);
        }
        Event::Withdrawn { appeal, .. } => {
            let a = open_appeal(ledger, rules, cal, i, appeal, None, day)?;
            a.status = AppealStatus::Withdrawn;
            close(a, day, false);
        }
    }
    Ok(())
}

/// The open appeal an event acts on, after applying the deadlines that passed before `day`.
fn open_appeal<'a>(
    ledger: &'a mut Ledger,
    rules: &AppealRules,
    cal: &Calendar,
    i: usize,
    appeal: &str,
    level: Option<&str>,
    day: Date,
) -> Result<&'a mut AppealState, KaoheError> {
    let Some(a) = ledger.appeals.iter_mut().find(|a| a.appeal == appeal) else {
        return Err(err(ErrorCode::AppealTransition, i, format!("no appeal {appeal} was filed")));
    };
    if day < a.filed_on {
        return Err(err(ErrorCode::AppealEvent, i, format!("appeal {appeal}: dated before it was filed")));
    }
    advance(a, rules, cal, day)?;
    if a.status != AppealStatus::Open {
        let how = if a.by_default { " by default" } else { "" };
        let on = a.closed_on.map(|d| d.to_string()).unwrap_or_default();
        return Err(err(
            ErrorCode::AppealTransition,
            i,
            format!("appeal {appeal} is already closed ({}{how} on {on})", a.status.as_str()),
        ));
    }
    if let Some(l) = level.filter(|l| *l != a.level) {
        let why = match a.escalations.last() {
            Some(e) if e.reason == "deadline_missed" => format!(
                " since {} ({}'s deadline {} passed)",
                e.on,
                e.from,
                e.missed_deadline.map(|d| d.to_string()).unwrap_or_default()
            ),
            _ => String::new(),
        };
        return Err(err(
            ErrorCode::AppealTransition,
            i,
            format!("appeal {appeal} is with {}{why}, not with {l}", a.level),
        ));
    }
    Ok(a)
}
