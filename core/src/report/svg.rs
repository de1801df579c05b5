//! Inline SVG charts: grouped vertical bars with an axis, legend and optional markers.

use std::fmt::Write as _;

use super::esc;

/// One series of bars.
pub struct Series<'a> {
    /// Legend name.
    pub name: &'a str,
    /// Fill colour.
    pub color: &'a str,
    /// One value per category.
    pub values: Vec<f64>,
}

/// A horizontal line drawn over one category (e.g. a quota bound).
pub struct Marker {
    /// The category it belongs to.
    pub category: usize,
    /// Its value on the axis.
    pub value: f64,
    /// A short label.
    pub label: String,
}

/// A grouped vertical bar chart. `max` is the top of the axis; `fmt` writes values.
pub fn bars(
    title: &str,
    categories: &[String],
    series: &[Series<'_>],
    max: f64,
    fmt: &dyn Fn(f64) -> String,
    markers: &[Marker],
) -> String {
    let max = if max > 0.0 && max.is_finite() { max } else { 1.0 };
    let n_series = series.len().max(1) as f64;
    let bar_w = 32.0;
    let group_w = (n_series * bar_w + 24.0).max(84.0);
    let (left, top, plot_h, bottom) = (48.0, 28.0, 200.0, 70.0);
    let width = left + group_w * categories.len().max(1) as f64 + 12.0;
    let height = top + plot_h + bottom;
    let y = |v: f64| top + plot_h - (v.clamp(0.0, max) / max) * plot_h;
    let mut s = String::new();
    let _ = write!(
        s,
        r#"<svg class="chart" viewBox="0 0 {width:.0} {height:.0}" width="{width:.0}" height="{height:.0}" role="img" aria-label="{t}" xmlns="http://www.w3.org/2000/svg"><title>{t}</title>"#,
        t = esc(title)
    );
    for k in 0..=4 {
        let v = max * f64::from(k) / 4.0;
        let yy = y(v);
        let _ = write!(
            s,
            r##"<line x1="{left}" x2="{x2:.1}" y1="{yy:.1}" y2="{yy:.1}" stroke="#d8dde3" stroke-width="1"/><text x="{tx}" y="{ty:.1}" class="axis" text-anchor="end">{label}</text>"##,
            x2 = width - 8.0,
            tx = left - 6.0,
            ty = yy + 4.0,
            label = esc(&fmt(v))
        );
    }
    for (c, cat) in categories.iter().enumerate() {
        let x0 = left + group_w * c as f64 + (group_w - n_series * bar_w) / 2.0;
        for (k, se) in series.iter().enumerate() {
            let v = se.values.get(c).copied().unwrap_or(0.0);
            let (bx, by) = (x0 + k as f64 * bar_w, y(v));
            let h = (top + plot_h - by).max(0.0);
            let _ = write!(
                s,
                r#"<rect x="{bx:.1}" y="{by:.1}" width="{w:.1}" height="{h:.1}" fill="{col}"><title>{cat} · {name}: {val}</title></rect><text x="{tx:.1}" y="{ty:.1}" class="val" text-anchor="middle">{val}</text>"#,
                w = bar_w - 4.0,
                col = esc(se.color),
                cat = esc(cat),
                name = esc(se.name),
                val = esc(&fmt(v)),
                tx = bx + (bar_w - 4.0) / 2.0,
                ty = by - 4.0
            );
        }
        let (first, second) = two_lines(cat, group_w - 8.0);
        let cx = left + group_w * c as f64 + group_w / 2.0;
        let _ = write!(
            s,
            r#"<text x="{cx:.1}" y="{cy:.1}" class="cat" text-anchor="middle">{}{}</text>"#,
            esc(&first),
            second.map_or_else(String::new, |l| format!(r#"<tspan x="{cx:.1}" dy="14">{}</tspan>"#, esc(&l))),
            cy = top + plot_h + 18.0
        );
    }
    for m in markers {
        let x0 = left + group_w * m.category as f64 + 4.0;
        let yy = y(m.value);
        let _ = write!(
            s,
            r##"<line x1="{x0:.1}" x2="{x1:.1}" y1="{yy:.1}" y2="{yy:.1}" stroke="#b42318" stroke-width="2" stroke-dasharray="5 3"/><text x="{x1:.1}" y="{ty:.1}" class="marker" text-anchor="end">{}</text>"##,
            esc(&m.label),
            x1 = x0 + group_w - 8.0,
            ty = yy - 3.0
        );
    }
    let mut lx = left;
    let ly = top + plot_h + 58.0;
    for se in series {
        let _ = write!(
            s,
            r#"<rect x="{lx:.1}" y="{ry:.1}" width="12" height="12" fill="{}"/><text x="{tx:.1}" y="{ly:.1}" class="legend">{}</text>"#,
            esc(se.color),
            esc(se.name),
            ry = ly - 10.0,
            tx = lx + 16.0
        );
        lx += 24.0 + 8.0 * se.name.chars().map(|c| if c.is_ascii() { 1.0 } else { 1.8 }).sum::<f64>();
    }
    s.push_str("</svg>");
    s
}

/// Rough width of text at 12px: ASCII about 7px, other characters (CJK) about 12px.
fn width(c: char) -> f64 {
    if c.is_ascii() { 7.0 } else { 12.0 }
}

/// The longest prefix of `text` that fits `room` pixels, preferring to break after a space.
fn prefix(text: &str, room: f64) -> usize {
    let (mut used, mut end, mut last_space) = (0.0, 0, None);
    for (i, c) in text.char_indices() {
        used += width(c);
        if used > room {
            return last_space.filter(|s| *s > 0).unwrap_or(end);
        }
        if c == ' ' {
            last_space = Some(i + 1);
        }
        end = i + c.len_utf8();
    }
    end
}

/// A category label on one line, or two (the second cut with "…" when still too long).
fn two_lines(text: &str, room: f64) -> (String, Option<String>) {
    let cut = prefix(text, room);
    if cut >= text.len() {
        return (text.to_owned(), None);
    }
    let (first, rest) = text.split_at(cut);
    let rest = rest.trim_start();
    let cut2 = prefix(rest, room - width('…'));
    let second = if cut2 >= rest.len() { rest.to_owned() } else { format!("{}…", &rest[..cut2]) };
    (first.trim_end().to_owned(), Some(second))
}

#[cfg(test)]
mod tests {
    use super::two_lines;

    #[test]
    fn labels_wrap_then_cut() {
        assert_eq!(two_lines("Sales", 100.0), ("Sales".to_owned(), None));
        assert_eq!(
            two_lines("Sales target attainment", 100.0),
            ("Sales target".to_owned(), Some("attainment".to_owned()))
        );
        let (a, b) = two_lines("销售目标达成率销售目标达成率", 60.0);
        assert_eq!(a, "销售目标达");
        assert_eq!(b.as_deref(), Some("成率销售…"));
    }
}
