//! One employee explained, segments and all: the records sharing an id each scored
//! under the scheme they name, combined by days worked as `calibrate` combines them,
//! and shown in words with the segments and their day-weighted sum. What
//! `kaohe explain` prints and every binding's `explainEmployee` returns.

use serde::Serialize;
use serde_json::{Map, Value};

use super::{Combined, Lang, Proration};
use crate::compile::CompiledScheme;
use crate::employee::Employee;
use crate::error::{ErrorCode, KaoheError};
use crate::population::Segment;
use crate::result::{EmployeeError, SchemeRef, ScoreCard};

/// One employee explained: the card (combined when the scheme prorates), how the
/// segments were combined, and the text. Serialized, it is what `kaohe explain --json`
/// prints: the fields of [`Combined`] and `text`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EmployeeExplanation {
    /// The card and, when the scheme prorates, the proration.
    #[serde(flatten)]
    pub combined: Combined,
    /// The explanation in words ([`CompiledScheme::explain_combined`]).
    pub text: String,
}

impl EmployeeExplanation {
    /// The JSON text `kaohe explain --json` prints (without its final newline).
    pub fn to_json_string(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_default()
    }
}

impl CompiledScheme {
    /// Explains the employee `id` of a batch: picks the entries with that id (an
    /// unreadable entry counts when its id is readable), then
    /// [`CompiledScheme::explain_segments`]. Fails with `unknown_employee` at `id` when
    /// no entry has the id, and otherwise as `explain_segments` fails.
    pub fn explain_employee(
        &self,
        others: &[CompiledScheme],
        entries: &[Result<Employee, EmployeeError>],
        id: &str,
        lang: Lang,
    ) -> Result<EmployeeExplanation, EmployeeError> {
        let records: Vec<_> = entries
            .iter()
            .filter(|e| match e {
                Ok(emp) => emp.id == id,
                Err(err) => err.id.as_deref() == Some(id),
            })
            .cloned()
            .collect();
        if records.is_empty() {
            let n = entries.len();
            return Err(EmployeeError {
                id: Some(id.to_owned()),
                error: KaoheError::new(
                    ErrorCode::UnknownEmployee,
                    format!("no employee '{id}' among the {n} record{}", if n == 1 { "" } else { "s" }),
                )
                .at("id"),
            });
        }
        self.explain_segments(others, &records, lang)
    }

    /// Explains one employee from their records (all sharing an id): each scored with
    /// the scheme it names ([`CompiledScheme::score_segments`]), combined by days worked
    /// ([`CompiledScheme::combine`]), and put in words
    /// ([`CompiledScheme::explain_combined`]). Fails when the segment schemes are not
    /// allowed ([`CompiledScheme::check_segment_schemes`], with no id), with the first
    /// record that does not score, and as `combine` fails.
    pub fn explain_segments(
        &self,
        others: &[CompiledScheme],
        records: &[Result<Employee, EmployeeError>],
        lang: Lang,
    ) -> Result<EmployeeExplanation, EmployeeError> {
        self.check_segment_schemes(others).map_err(|error| EmployeeError { id: None, error })?;
        let cards = self.score_segments(others, records).into_iter().collect::<Result<Vec<ScoreCard>, _>>()?;
        let combined = self.combine(cards)?;
        let text = self.explain_combined(others, &combined, lang);
        Ok(EmployeeExplanation { combined, text })
    }

    /// A combined card in words. An employee with one record gets the scheme's own
    /// explanation ([`CompiledScheme::explain`], under the scheme the record was scored
    /// with), and the days counted when they are fewer than the cycle's; several
    /// segments get the combined score, the segments and their day-weighted sum, then
    /// each segment explained under its own scheme. `others` are the schemes the
    /// segments may have been scored with besides this one.
    pub fn explain_combined(&self, others: &[CompiledScheme], c: &Combined, lang: Lang) -> String {
        let Some(p) = &c.proration else { return self.explain(&c.card, lang) };
        let zh = lang == Lang::Zh;
        if let [only] = p.segments.as_slice() {
            let mut out = scheme_of(self, others, &only.card.scheme).explain(&c.card, lang);
            if p.days < p.cycle_days {
                let s = &only.segment;
                out.push_str(&if zh {
                    format!("  计入天数：{} / {} 天（{} 至 {}）\n", p.days, p.cycle_days, s.from, s.to)
                } else {
                    format!("  Days counted: {} of {} ({} to {})\n", p.days, p.cycle_days, s.from, s.to)
                });
            }
            return out;
        }
        let labels = Labels::new(self, others, p, lang);
        let mut out = header(self, &c.card, lang);
        out.push_str(&format!("  {}\n", labels.segments_line(p)));
        for (i, s) in p.segments.iter().enumerate() {
            let seg = &s.segment;
            let mut head = vec![labels.label(seg)];
            head.retain(|h| !h.is_empty());
            if zh {
                head.push(format!("{} 至 {}", seg.from, seg.to));
                head.push(format!("{} 天", seg.days));
                out.push_str(&format!("第 {} 段：{}\n", i + 1, head.join("，")));
            } else {
                head.push(format!("{} to {}", seg.from, seg.to));
                head.push(format!("{} days", seg.days));
                out.push_str(&format!("Segment {}: {}\n", i + 1, head.join(", ")));
            }
            for line in scheme_of(self, others, &s.card.scheme).explain(&s.card, lang).lines() {
                out.push_str(&format!("  {line}\n"));
            }
        }
        out
    }

    /// The attributes the scheme's population is grouped by (none without a
    /// `population` section).
    pub fn group_by(&self) -> &[String] {
        self.scheme().population.as_ref().map_or(&[], |p| p.group_by.as_slice())
    }
}

/// A segment's group: the values of `group_by` in its attributes, joined by `/`
/// (empty when the population is not grouped; an absent or null value is empty).
pub fn segment_group(attributes: &Map<String, Value>, group_by: &[String]) -> String {
    let group: Vec<String> = group_by
        .iter()
        .map(|a| match attributes.get(a) {
            Some(Value::String(v)) => v.clone(),
            Some(v) if !v.is_null() => v.to_string(),
            _ => String::new(),
        })
        .collect();
    group.join("/")
}

/// Whether an employee's segments were scored under more than one scheme.
fn mixed(p: &Proration) -> bool {
    p.segments.windows(2).any(|w| w[0].segment.scheme.hash != w[1].segment.scheme.hash)
}

/// The scheme a segment was scored with, among those given.
fn scheme_of<'a>(main: &'a CompiledScheme, others: &'a [CompiledScheme], r: &SchemeRef) -> &'a CompiledScheme {
    std::iter::once(main).chain(others).find(|s| s.hash() == r.hash).unwrap_or(main)
}

/// The first line: id, scheme, the combined score, grade and coefficient.
fn header(main: &CompiledScheme, card: &ScoreCard, lang: Lang) -> String {
    let name = main.scheme().name.get(lang.tag());
    let grade = match (&card.grade, card.coefficient, lang) {
        (Some(g), Some(c), Lang::Zh) => format!("，等级 {g}（绩效系数 {c}）"),
        (Some(g), None, Lang::Zh) => format!("，等级 {g}"),
        (None, _, Lang::Zh) => "，无等级".to_owned(),
        (Some(g), Some(c), _) => format!(", grade {g} (coefficient {c})"),
        (Some(g), None, _) => format!(", grade {g}"),
        (None, _, _) => ", no grade".to_owned(),
    };
    match lang {
        Lang::Zh => format!("{} · {name}：总分 {}{grade}\n", card.id, card.score),
        Lang::En => format!("{} · {name}: score {}{grade}\n", card.id, card.score),
    }
}

/// What names the segments of one employee.
struct Labels<'a> {
    main: &'a CompiledScheme,
    others: &'a [CompiledScheme],
    group_by: &'a [String],
    mixed: bool,
    lang: Lang,
}

impl<'a> Labels<'a> {
    fn new(main: &'a CompiledScheme, others: &'a [CompiledScheme], p: &Proration, lang: Lang) -> Self {
        Labels { main, others, group_by: main.group_by(), mixed: mixed(p), lang }
    }

    /// A segment's name: its group (e.g. the department) and, when the employee's
    /// segments were scored under more than one scheme, the scheme's name.
    fn label(&self, seg: &Segment) -> String {
        let group = segment_group(&seg.attributes, self.group_by);
        if !self.mixed {
            return group;
        }
        let name = scheme_of(self.main, self.others, &seg.scheme).scheme().name.get(self.lang.tag()).to_owned();
        match (group.is_empty(), self.lang) {
            (true, _) => name,
            (false, Lang::Zh) => format!("{group}（{name}）"),
            (false, Lang::En) => format!("{group} ({name})"),
        }
    }

    /// `分段：客服部 90 天 88.00 分 + 销售部 91 天 95.00 分，按天数加权 = 91.52 分（16565 / 181）`.
    fn segments_line(&self, p: &Proration) -> String {
        let zh = self.lang == Lang::Zh;
        let parts: Vec<String> = p
            .segments
            .iter()
            .map(|s| {
                let seg = &s.segment;
                let label = self.label(seg);
                let label = if label.is_empty() { format!("{}–{}", seg.from, seg.to) } else { label };
                if zh {
                    format!("{label} {} 天 {} 分", seg.days, seg.score)
                } else {
                    format!("{label} {} days {}", seg.days, seg.score)
                }
            })
            .collect();
        let sum = p.weighted_sum.normalize();
        let of = match (p.days < p.cycle_days, zh) {
            (false, _) => String::new(),
            (true, true) => format!("，计入 {} / {} 天", p.days, p.cycle_days),
            (true, false) => format!(", {} of {} days", p.days, p.cycle_days),
        };
        if zh {
            format!("分段：{}，按天数加权 = {} 分（{sum} / {}）{of}", parts.join(" + "), p.score, p.days)
        } else {
            format!("Segments: {}, weighted by days = {} ({sum} / {}){of}", parts.join(" + "), p.score, p.days)
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    const SALES: &str = include_str!("../../../examples/transfer/sales.json");
    const SERVICE: &str = include_str!("../../../examples/transfer/service.json");
    const TRANSFER: &str = include_str!("../../../examples/transfer/employees.json");

    fn schemes() -> (CompiledScheme, Vec<CompiledScheme>) {
        (CompiledScheme::from_json(SALES).unwrap(), vec![CompiledScheme::from_json(SERVICE).unwrap()])
    }

    #[test]
    fn a_transfer_is_explained_segment_by_segment() {
        let (sales, others) = schemes();
        let entries = crate::parse_employees(TRANSFER).unwrap();
        let e = sales.explain_employee(&others, &entries, "T01", Lang::Zh).unwrap();
        assert_eq!(e.combined.card.score.to_string(), "91.52");
        assert_eq!(e.combined.card.grade.as_deref(), Some("A"));
        let lines: Vec<&str> = e.text.lines().collect();
        assert_eq!(lines[0], "T01 · 销售部上半年考核：总分 91.52，等级 A（绩效系数 1.2）");
        assert_eq!(
            lines[1],
            "  分段：客服部（客服部上半年考核） 90 天 88.00 分 + 销售部（销售部上半年考核） 91 天 95.00 分，按天数加权 = 91.52 分（16565 / 181）"
        );
        assert_eq!(lines[2], "第 1 段：客服部（客服部上半年考核），2026-01-01 至 2026-03-31，90 天");
        assert!(e.text.contains("    客户满意度 4.4，目标 5，达成 88%，得 52.80 分（权重 60）"), "{}", e.text);
        assert!(e.text.contains("第 2 段：销售部（销售部上半年考核），2026-04-01 至 2026-06-30，91 天"), "{}", e.text);

        let en = sales.explain_employee(&others, &entries, "T01", Lang::En).unwrap().text;
        assert!(en.starts_with("T01 · Sales, H1: score 91.52, grade A (coefficient 1.2)\n"), "{en}");
        assert!(en.contains("Segment 2: 销售部 (Sales, H1), 2026-04-01 to 2026-06-30, 91 days"), "{en}");

        // The records of one employee explain the same without the batch around them.
        let own: Vec<_> = entries.iter().filter(|r| r.as_ref().is_ok_and(|e| e.id == "T01")).cloned().collect();
        assert_eq!(sales.explain_segments(&others, &own, Lang::Zh).unwrap(), e);
    }

    #[test]
    fn explain_json_is_the_combined_card_and_the_text() {
        let text = crate::explain_json(SALES, TRANSFER, "T01", Lang::En, &[SERVICE]).unwrap();
        let json: Value = serde_json::from_str(&text).unwrap();
        assert_eq!((&json["card"]["score"], &json["card"]["grade"]), (&"91.52".into(), &"A".into()));
        let p = &json["proration"];
        assert_eq!((&p["weighted_sum"], &p["cycle_days"]), (&"16565.00".into(), &181.into()));
        assert_eq!(p["segments"][0]["scheme"]["id"], "service-2026h1");
        assert_eq!(p["segments"][0]["card"]["indicators"][0]["points"], "52.80");
        assert!(json["text"].as_str().unwrap().contains(
            "  Segments: 客服部 (Customer service, H1) 90 days 88.00 + 销售部 (Sales, H1) 91 days 95.00, weighted by days = 91.52 (16565 / 181)\n"
        ));
        // Pretty-printed, as `kaohe explain --json` prints it.
        assert!(text.starts_with("{\n  \"card\": {"), "{text}");
    }

    #[test]
    fn failures_name_their_code_and_place() {
        let (sales, others) = schemes();
        let entries = crate::parse_employees(TRANSFER).unwrap();
        let e = sales.explain_employee(&others, &entries, "nobody", Lang::Zh).unwrap_err();
        assert_eq!((e.error.code, e.error.path.as_deref()), (ErrorCode::UnknownEmployee, Some("id")));
        assert_eq!(e.id.as_deref(), Some("nobody"));
        let e = crate::explain_json(SALES, TRANSFER, "nobody", Lang::Zh, &[SERVICE]).unwrap_err();
        assert_eq!(e.code(), ErrorCode::UnknownEmployee);

        // The service scheme not given: T01's first segment cannot be scored.
        let e = sales.explain_employee(&[], &entries, "T01", Lang::Zh).unwrap_err();
        assert_eq!((e.error.code, e.error.path.as_deref()), (ErrorCode::InvalidInput, Some("attributes.scheme")));
        assert_eq!(e.id.as_deref(), Some("T01"));

        // Segment schemes for a scheme that does not prorate.
        let e = others[0].explain_employee(&[sales], &entries, "S01", Lang::Zh).unwrap_err();
        assert_eq!((e.error.code, e.id), (ErrorCode::InvalidScheme, None));
    }

    #[test]
    fn one_record_keeps_the_schemes_own_explanation() {
        let (sales, others) = schemes();
        let entries = crate::parse_employees(TRANSFER).unwrap();
        let e = sales.explain_employee(&others, &entries, "S01", Lang::Zh).unwrap();
        assert_eq!(e.text, sales.explain(&e.combined.card, Lang::Zh));
        assert_eq!(e.combined.proration.as_ref().map(|p| p.segments.len()), Some(1));
        // A joiner: the days counted follow.
        let joiner = r#"[{"id": "J1", "attributes": {"department": "销售部", "start_date": "2026-03-01"},
                          "values": {"sales_rate": 95, "quality": 95}}]"#;
        let e = sales.explain_employee(&[], &crate::parse_employees(joiner).unwrap(), "J1", Lang::En).unwrap();
        assert!(e.text.ends_with("  Days counted: 122 of 181 (2026-03-01 to 2026-06-30)\n"), "{}", e.text);
    }

    #[test]
    fn groups_join_their_values() {
        let attrs: Map<String, Value> =
            serde_json::from_str(r#"{"department": "销售部", "level": 3, "team": null}"#).unwrap();
        let by = |xs: &[&str]| xs.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
        assert_eq!(segment_group(&attrs, &by(&["department", "level", "team"])), "销售部/3/");
        assert_eq!(segment_group(&attrs, &[]), "");
    }
}
