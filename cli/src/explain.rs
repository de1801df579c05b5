//! `kaohe explain`: one employee's score in words (or as JSON). A prorated employee's
//! segments are each scored under their own scheme and combined by days worked, as
//! `kaohe calibrate` combines them; the explanation shows the segments and the sum.

use std::io::Write;

use kaohe::explain::{Combined, Proration};
use kaohe::population::Segment;
use kaohe::{CompiledScheme, Lang, SchemeRef};

use crate::calibrate::{groups_by, segment_group};
use crate::{Fail, input, io_fail, lang, load_scheme};

/// The schemes a population's segments may be scored with, besides the main one
/// (`--segment-scheme`): loaded and checked by the core
/// ([`CompiledScheme::check_segment_schemes`]); a refusal is a usage error naming the file.
pub(crate) fn segment_schemes(main: &CompiledScheme, paths: &[String]) -> Result<Vec<CompiledScheme>, Fail> {
    let others = paths.iter().map(|p| load_scheme(p)).collect::<Result<Vec<_>, _>>()?;
    main.check_segment_schemes(&others).map_err(|e| {
        // `segment_schemes[i]` names the i-th file given.
        let file = e
            .path
            .as_deref()
            .and_then(|p| p.strip_prefix("segment_schemes[")?.strip_suffix(']')?.parse::<usize>().ok())
            .and_then(|i| paths.get(i));
        match file {
            Some(file) => Fail::usage(format!("{file}: {}", e.message)),
            None => Fail::usage(format!("--segment-scheme: {}", e.message)),
        }
    })?;
    Ok(others)
}

/// `kaohe explain --json`: the card (combined when prorated), the proration when the
/// scheme prorates, and the text.
#[derive(serde::Serialize)]
struct Json<'a> {
    #[serde(flatten)]
    combined: &'a Combined,
    text: &'a str,
}

/// Whether an employee's segments were scored under more than one scheme.
fn mixed(p: &Proration) -> bool {
    p.segments.windows(2).any(|w| w[0].segment.scheme.hash != w[1].segment.scheme.hash)
}

/// Runs `kaohe explain`.
pub(crate) fn run(
    scheme: &str,
    inputs: &str,
    employee: &str,
    segment_paths: &[String],
    tag: &str,
    json: bool,
    w: &mut impl Write,
) -> Result<u8, Fail> {
    let lang = lang(tag)?;
    let main = load_scheme(scheme)?;
    let others = segment_schemes(&main, segment_paths)?;
    let entries: Vec<_> = input::read_employees(inputs)?
        .into_iter()
        .filter(|e| match e {
            Ok(emp) => emp.id == employee,
            Err(err) => err.id.as_deref() == Some(employee),
        })
        .collect();
    if entries.is_empty() {
        return Err(Fail::data(format!("[unknown_employee] no employee '{employee}' in {inputs}")));
    }
    let mut cards = Vec::with_capacity(entries.len());
    for o in main.score_segments(&others, &entries) {
        cards.push(o.map_err(|e| Fail::data(format!("{employee}: {}", e.error)))?);
    }
    let combined = main.combine(cards).map_err(|e| Fail::data(format!("{employee}: {}", e.error)))?;
    let text = text(&main, &others, &combined, lang);
    if json {
        let out = Json { combined: &combined, text: &text };
        writeln!(w, "{}", serde_json::to_string_pretty(&out).unwrap_or_default()).map_err(io_fail)?;
    } else {
        write!(w, "{text}").map_err(io_fail)?;
    }
    Ok(0)
}

/// The scheme a segment was scored with, among those given.
fn scheme_of<'a>(main: &'a CompiledScheme, others: &'a [CompiledScheme], r: &SchemeRef) -> &'a CompiledScheme {
    std::iter::once(main).chain(others).find(|s| s.hash() == r.hash).unwrap_or(main)
}

/// The explanation: the scheme's own for an employee with one record, otherwise the
/// combined score, the segments and their sum, then each segment explained.
fn text(main: &CompiledScheme, others: &[CompiledScheme], c: &Combined, lang: Lang) -> String {
    let Some(p) = &c.proration else { return main.explain(&c.card, lang) };
    let zh = lang == Lang::Zh;
    if let [only] = p.segments.as_slice() {
        let mut out = scheme_of(main, others, &only.card.scheme).explain(&c.card, lang);
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
    let mut out = header(main, &c.card, lang);
    out.push_str(&format!("  {}\n", segments_line(main, others, p, lang)));
    let group_by = groups_by(main);
    let mixed = mixed(p);
    for (i, s) in p.segments.iter().enumerate() {
        let seg = &s.segment;
        let mut head = vec![segment_label(main, others, seg, &group_by, mixed, lang)];
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
        for line in scheme_of(main, others, &s.card.scheme).explain(&s.card, lang).lines() {
            out.push_str(&format!("  {line}\n"));
        }
    }
    out
}

/// The first line: id, scheme, the combined score, grade and coefficient.
fn header(main: &CompiledScheme, card: &kaohe::ScoreCard, lang: Lang) -> String {
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
        _ => format!("{} · {name}: score {}{grade}\n", card.id, card.score),
    }
}

/// A segment's name: its group (e.g. the department) and, when the employee's segments
/// were scored under more than one scheme, the scheme's name.
fn segment_label(
    main: &CompiledScheme,
    others: &[CompiledScheme],
    seg: &Segment,
    group_by: &[String],
    mixed: bool,
    lang: Lang,
) -> String {
    let group = segment_group(&seg.attributes, group_by);
    if !mixed {
        return group;
    }
    let name = scheme_of(main, others, &seg.scheme).scheme().name.get(lang.tag()).to_owned();
    match (group.is_empty(), lang) {
        (true, _) => name,
        (false, Lang::Zh) => format!("{group}（{name}）"),
        (false, _) => format!("{group} ({name})"),
    }
}

/// `分段：客服部 90 天 88.00 分 + 销售部 91 天 95.00 分，按天数加权 = 91.52 分（16565 / 181）`.
fn segments_line(main: &CompiledScheme, others: &[CompiledScheme], p: &Proration, lang: Lang) -> String {
    let zh = lang == Lang::Zh;
    let group_by = groups_by(main);
    let mixed = mixed(p);
    let parts: Vec<String> = p
        .segments
        .iter()
        .map(|s| {
            let seg = &s.segment;
            let label = segment_label(main, others, seg, &group_by, mixed, lang);
            let label = if label.is_empty() { format!("{}–{}", seg.from, seg.to) } else { label };
            if zh {
                format!("{label} {} 天 {} 分", seg.days, seg.score)
            } else {
                format!("{label} {} days {}", seg.days, seg.score)
            }
        })
        .collect();
    let sum = p.weighted_sum.normalize();
    let of = if p.days < p.cycle_days {
        if zh {
            format!("，计入 {} / {} 天", p.days, p.cycle_days)
        } else {
            format!(", {} of {} days", p.days, p.cycle_days)
        }
    } else {
        String::new()
    };
    if zh {
        format!("分段：{}，按天数加权 = {} 分（{sum} / {}）{of}", parts.join(" + "), p.score, p.days)
    } else {
        format!("Segments: {}, weighted by days = {} ({sum} / {}){of}", parts.join(" + "), p.score, p.days)
    }
}
