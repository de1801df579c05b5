//! Working-day calendars: weekends, public holidays and make-up working days (调休).
//!
//! Pure date arithmetic with no clock and no I/O: the caller reads the calendar file
//! and supplies "today". Appeal deadlines ("the manager answers within 3 working
//! days") are computed here and shown as dates.
//!
//! A calendar file:
//!
//! ```json
//! {"id": "cn-2026", "weekends": ["sat", "sun"],
//!  "holidays": [{"from": "2026-10-01", "to": "2026-10-07", "name": "国庆节"}, "2026-09-25"],
//!  "workdays": ["2026-09-27", "2026-10-10"]}
//! ```
//!
//! A day is a working day when it is listed in `workdays` (a Saturday made a working
//! day), else when it is neither a holiday nor a weekend day.

use std::collections::BTreeSet;

use jiff::civil::Weekday;

/// The civil date type of calendars and deadlines (`jiff::civil::Date`, re-exported for callers).
pub use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use crate::error::{ErrorCode, KaoheError};

/// A holiday: one date, or an inclusive range with an optional name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Holiday {
    /// A single date (`"2026-09-25"`).
    Day(Date),
    /// An inclusive range (`{"from": "2026-10-01", "to": "2026-10-07", "name": "国庆节"}`).
    Range {
        /// First day.
        from: Date,
        /// Last day (inclusive).
        to: Date,
        /// What the holiday is.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        name: Option<String>,
    },
}

fn default_weekends() -> Vec<String> {
    vec!["sat".into(), "sun".into()]
}

/// A calendar file, as written.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CalendarSpec {
    /// Identifier of the calendar.
    #[serde(default)]
    pub id: String,
    /// Weekday names that are weekends (`mon` … `sun`); Saturday and Sunday by default.
    #[serde(default = "default_weekends")]
    pub weekends: Vec<String>,
    /// Public holidays.
    #[serde(default)]
    pub holidays: Vec<Holiday>,
    /// Make-up working days (调休): weekend days that are working days.
    #[serde(default)]
    pub workdays: Vec<Date>,
}

/// How days are counted for a deadline.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum DayCount {
    /// Every day counts.
    #[default]
    Calendar,
    /// Only working days count.
    Working,
}

/// A compiled working-day calendar.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Calendar {
    id: String,
    weekend: [bool; 7],
    holidays: BTreeSet<Date>,
    workdays: BTreeSet<Date>,
}

fn weekday(name: &str) -> Option<Weekday> {
    Some(match name.trim().to_ascii_lowercase().as_str() {
        "mon" | "monday" => Weekday::Monday,
        "tue" | "tuesday" => Weekday::Tuesday,
        "wed" | "wednesday" => Weekday::Wednesday,
        "thu" | "thursday" => Weekday::Thursday,
        "fri" | "friday" => Weekday::Friday,
        "sat" | "saturday" => Weekday::Saturday,
        "sun" | "sunday" => Weekday::Sunday,
        _ => return None,
    })
}

fn index(w: Weekday) -> usize {
    usize::from(w.to_monday_zero_offset().unsigned_abs())
}

/// The longest range a holiday or a deadline may span, in days (guards against typos like year 2206).
const MAX_SPAN_DAYS: i32 = 3660;

impl Calendar {
    /// A calendar with Saturday and Sunday as weekends and no holidays.
    pub fn weekends_only() -> Calendar {
        Calendar {
            id: String::new(),
            weekend: [false, false, false, false, false, true, true],
            holidays: BTreeSet::new(),
            workdays: BTreeSet::new(),
        }
    }

    /// Compiles a calendar, reporting every problem (`invalid_document` with its path).
    pub fn new(spec: &CalendarSpec) -> Result<Calendar, Vec<KaoheError>> {
        let mut errors = Vec::new();
        let mut weekend = [false; 7];
        for (i, name) in spec.weekends.iter().enumerate() {
            match weekday(name) {
                Some(w) => weekend[index(w)] = true,
                None => errors.push(
                    KaoheError::new(ErrorCode::InvalidDocument, format!("'{name}' is not a weekday (mon … sun)"))
                        .at(format!("weekends[{i}]")),
                ),
            }
        }
        let mut holidays = BTreeSet::new();
        for (i, h) in spec.holidays.iter().enumerate() {
            match h {
                Holiday::Day(d) => {
                    holidays.insert(*d);
                }
                Holiday::Range { from, to, .. } => {
                    let span = (*to - *from).get_days();
                    if !(0..=MAX_SPAN_DAYS).contains(&span) {
                        errors.push(
                            KaoheError::new(
                                ErrorCode::InvalidDocument,
                                format!("holiday range {from} to {to} is backwards or longer than ten years"),
                            )
                            .at(format!("holidays[{i}]")),
                        );
                        continue;
                    }
                    let mut d = *from;
                    while d <= *to {
                        holidays.insert(d);
                        match d.tomorrow() {
                            Ok(next) => d = next,
                            Err(_) => break,
                        }
                    }
                }
            }
        }
        let workdays: BTreeSet<Date> = spec.workdays.iter().copied().collect();
        for (i, d) in spec.workdays.iter().enumerate() {
            if holidays.contains(d) {
                errors.push(
                    KaoheError::new(
                        ErrorCode::InvalidDocument,
                        format!("{d} is listed both as a holiday and as a working day"),
                    )
                    .at(format!("workdays[{i}]")),
                );
            }
        }
        if errors.is_empty() { Ok(Calendar { id: spec.id.clone(), weekend, holidays, workdays }) } else { Err(errors) }
    }

    /// Reads and compiles a calendar from JSON text.
    pub fn from_json(text: &str) -> Result<Calendar, Vec<KaoheError>> {
        let spec: CalendarSpec = crate::load::from_json(text).map_err(|mut e| {
            e.code = ErrorCode::InvalidDocument;
            vec![e]
        })?;
        Calendar::new(&spec)
    }

    /// The calendar's id.
    pub fn id(&self) -> &str {
        &self.id
    }

    /// Whether `day` is a working day.
    pub fn is_working_day(&self, day: Date) -> bool {
        if self.workdays.contains(&day) {
            return true;
        }
        !self.holidays.contains(&day) && !self.weekend[index(day.weekday())]
    }

    /// The day `n` days after `start` (`start` itself is day 0), counted as `count` says.
    /// With working days, the deadline is the n-th working day after `start`; 0 working
    /// days is `start` itself, or the next working day when `start` is not one.
    pub fn add(&self, start: Date, n: u32, count: DayCount) -> Result<Date, KaoheError> {
        let too_far =
            || KaoheError::new(ErrorCode::InvalidInput, format!("a deadline {n} days after {start} is out of range"));
        match count {
            DayCount::Calendar => {
                let days = i32::try_from(n).map_err(|_| too_far())?;
                start.checked_add(jiff::Span::new().days(days)).map_err(|_| too_far())
            }
            DayCount::Working => {
                let mut day = start;
                let mut left = n;
                let mut steps = 0;
                if left == 0 {
                    while !self.is_working_day(day) {
                        day = day.tomorrow().map_err(|_| too_far())?;
                        steps += 1;
                        if steps > MAX_SPAN_DAYS {
                            return Err(too_far());
                        }
                    }
                    return Ok(day);
                }
                while left > 0 {
                    day = day.tomorrow().map_err(|_| too_far())?;
                    steps += 1;
                    if steps > MAX_SPAN_DAYS {
                        return Err(too_far());
                    }
                    if self.is_working_day(day) {
                        left -= 1;
                    }
                }
                Ok(day)
            }
        }
    }

    /// How many working days lie after `from` up to and including `to` (0 when `to` ≤ `from`).
    pub fn working_days_between(&self, from: Date, to: Date) -> u32 {
        let mut n = 0;
        let mut day = from;
        while day < to {
            match day.tomorrow() {
                Ok(next) => day = next,
                Err(_) => break,
            }
            if self.is_working_day(day) {
                n += 1;
            }
        }
        n
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Date {
        s.parse().unwrap_or_else(|e| panic!("{s}: {e}"))
    }

    fn cn_2026() -> Calendar {
        // National Day week 2026 (Thu Oct 1 – Wed Oct 7) with make-up working days
        // Sunday Sep 27 and Saturday Oct 10.
        Calendar::from_json(
            r#"{"id": "cn-2026", "holidays": [{"from": "2026-10-01", "to": "2026-10-07", "name": "国庆节"}, "2026-09-25"],
                "workdays": ["2026-09-27", "2026-10-10"]}"#,
        )
        .unwrap_or_else(|e| panic!("{e:?}"))
    }

    #[test]
    fn weekends_holidays_and_make_up_days() {
        let c = cn_2026();
        assert!(!c.is_working_day(d("2026-09-26")), "a Saturday");
        assert!(c.is_working_day(d("2026-09-27")), "a make-up Sunday (调休)");
        assert!(!c.is_working_day(d("2026-09-25")), "a single-day holiday on a Friday");
        assert!(!c.is_working_day(d("2026-10-05")), "inside the holiday week");
        assert!(c.is_working_day(d("2026-10-10")), "a make-up Saturday");
        assert!(c.is_working_day(d("2026-10-08")));
    }

    #[test]
    fn deadlines_skip_holidays_and_count_make_up_days() {
        let c = cn_2026();
        // Filed Wed Sep 30: 3 working days → Thu Oct 8, Fri Oct 9, Sat Oct 10 (调休).
        assert_eq!(c.add(d("2026-09-30"), 3, DayCount::Working).ok(), Some(d("2026-10-10")));
        // Filed Fri Sep 25 (holiday): 1 working day → Sun Sep 27 (调休).
        assert_eq!(c.add(d("2026-09-24"), 1, DayCount::Working).ok(), Some(d("2026-09-27")));
        assert_eq!(c.add(d("2026-09-30"), 7, DayCount::Calendar).ok(), Some(d("2026-10-07")));
        assert_eq!(c.add(d("2026-10-03"), 0, DayCount::Working).ok(), Some(d("2026-10-08")));
        assert_eq!(c.working_days_between(d("2026-09-30"), d("2026-10-10")), 3);
        let plain = Calendar::weekends_only();
        assert_eq!(plain.add(d("2026-11-20"), 1, DayCount::Working).ok(), Some(d("2026-11-23")));
    }

    #[test]
    fn bad_calendars_report_every_problem() {
        let e = Calendar::from_json(
            r#"{"weekends": ["sat", "caturday"], "holidays": [{"from": "2026-10-07", "to": "2026-10-01"}], "workdays": ["2026-09-25"], "holidays2": 1}"#,
        );
        assert!(e.is_err());
        let e = Calendar::from_json(
            r#"{"weekends": ["sat", "caturday"], "holidays": [{"from": "2026-10-07", "to": "2026-10-01"}, "2026-09-25"], "workdays": ["2026-09-25"]}"#,
        )
        .err()
        .unwrap_or_default();
        let paths: Vec<_> = e.iter().filter_map(|x| x.path.clone()).collect();
        assert_eq!(paths, ["weekends[1]", "holidays[0]", "workdays[0]"]);
    }
}
