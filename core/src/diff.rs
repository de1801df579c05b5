//! What changed between two versions of a scheme, in words.
//!
//! Items are matched by id: indicators and groups anywhere in the tree, adjustments,
//! grades, inputs and derived values. Weights are compared as written and as
//! effective weights (a group's re-weighting moves every indicator under it).

use std::collections::BTreeMap;

use serde::Serialize;

use crate::compile::CompiledScheme;
use crate::explain::Lang;
use crate::num::normalized;
use crate::scheme::{Label, Node};

/// One difference between two scheme versions.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Change {
    /// `added`, `removed`, `reweighted`, `scoring`, `value`, `missing`, `moved` or `changed`.
    pub kind: &'static str,
    /// What the change is about: `indicator`, `group`, `adjustment`, `grade`, `input`,
    /// `derived`, `rounding`, `score_range`, `appeals` or `scheme`.
    pub item: &'static str,
    /// The item's id (empty for scheme-wide settings).
    pub id: String,
    /// The change in Chinese.
    pub zh: String,
    /// The change in English.
    pub en: String,
}

impl Change {
    /// The change in a language.
    pub fn text(&self, lang: Lang) -> &str {
        match lang {
            Lang::Zh => &self.zh,
            Lang::En => &self.en,
        }
    }
}

struct Flat<'a> {
    node: &'a Node,
    parent: Option<&'a str>,
    effective: rust_decimal::Decimal,
}

fn flatten<'a>(
    nodes: &'a [Node],
    parent: Option<&'a str>,
    w: rust_decimal::Decimal,
    out: &mut BTreeMap<&'a str, Flat<'a>>,
) {
    for n in nodes {
        let eff = w * n.weight.0 / rust_decimal::Decimal::ONE_HUNDRED;
        out.insert(&n.id, Flat { node: n, parent, effective: eff });
        if let Some(kids) = &n.indicators {
            flatten(kids, Some(&n.id), eff, out);
        }
    }
}

fn json<T: Serialize>(v: &T) -> String {
    serde_json::to_string(v).unwrap_or_default()
}

fn label(l: &Label) -> String {
    match l {
        Label::Text(t) => t.clone(),
        Label::Translations(_) => l.get("zh").to_owned(),
    }
}

/// Lists what changed from `old` to `new`, in document order of the new version
/// (removed items last).
pub fn diff(old: &CompiledScheme, new: &CompiledScheme) -> Vec<Change> {
    let (o, n) = (old.scheme(), new.scheme());
    let mut out = Vec::new();
    let mut push = |kind, item, id: &str, zh: String, en: String| {
        out.push(Change { kind, item, id: id.to_owned(), zh, en });
    };

    let (mut of, mut nf) = (BTreeMap::new(), BTreeMap::new());
    flatten(&o.indicators, None, rust_decimal::Decimal::ONE_HUNDRED, &mut of);
    flatten(&n.indicators, None, rust_decimal::Decimal::ONE_HUNDRED, &mut nf);
    let mut order: Vec<&str> = Vec::new();
    fn walk<'a>(nodes: &'a [Node], order: &mut Vec<&'a str>) {
        for n in nodes {
            order.push(&n.id);
            if let Some(k) = &n.indicators {
                walk(k, order);
            }
        }
    }
    walk(&n.indicators, &mut order);
    for id in &order {
        let new_item = &nf[id];
        let what = if new_item.node.is_group() { "group" } else { "indicator" };
        let (what_zh, name) = (if what == "group" { "分组" } else { "指标" }, label(&new_item.node.name));
        let Some(old_item) = of.get(id) else {
            push(
                "added",
                what,
                id,
                format!(
                    "新增{what_zh}「{name}」（{id}），权重 {}，有效权重 {}",
                    normalized(new_item.node.weight.0),
                    normalized(new_item.effective)
                ),
                format!(
                    "added {what} '{name}' ({id}) with weight {}, effective {}",
                    normalized(new_item.node.weight.0),
                    normalized(new_item.effective)
                ),
            );
            continue;
        };
        if old_item.parent != new_item.parent {
            let (a, b) = (old_item.parent.unwrap_or("—"), new_item.parent.unwrap_or("—"));
            push(
                "moved",
                what,
                id,
                format!("{what_zh}「{name}」从分组 {a} 移到 {b}"),
                format!("{what} '{name}' moved from group {a} to {b}"),
            );
        }
        if old_item.node.weight != new_item.node.weight || old_item.effective != new_item.effective {
            let (ow, nw) = (normalized(old_item.node.weight.0), normalized(new_item.node.weight.0));
            let (oe, ne) = (normalized(old_item.effective), normalized(new_item.effective));
            push(
                "reweighted",
                what,
                id,
                format!("{what_zh}「{name}」权重 {ow} → {nw}（有效权重 {oe} → {ne}）"),
                format!("{what} '{name}' re-weighted {ow} → {nw} (effective {oe} → {ne})"),
            );
        }
        if old_item.node.value != new_item.node.value {
            let (a, b) = (
                old_item.node.value.as_ref().map_or("", |f| f.as_str()),
                new_item.node.value.as_ref().map_or("", |f| f.as_str()),
            );
            push(
                "value",
                what,
                id,
                format!("指标「{name}」取值 {a} → {b}"),
                format!("indicator '{name}' value {a} → {b}"),
            );
        }
        if old_item.node.scoring != new_item.node.scoring {
            let (a, b) = (json(&old_item.node.scoring), json(&new_item.node.scoring));
            push(
                "scoring",
                what,
                id,
                format!("指标「{name}」计分方式 {a} → {b}"),
                format!("indicator '{name}' scoring {a} → {b}"),
            );
        }
        if old_item.node.missing != new_item.node.missing {
            let (a, b) =
                (json(&old_item.node.missing.unwrap_or_default()), json(&new_item.node.missing.unwrap_or_default()));
            push(
                "missing",
                what,
                id,
                format!("指标「{name}」缺失值处理 {a} → {b}"),
                format!("indicator '{name}' missing-value policy {a} → {b}"),
            );
        }
    }
    for (id, item) in &of {
        if !nf.contains_key(id) {
            let what = if item.node.is_group() { "group" } else { "indicator" };
            let name = label(&item.node.name);
            let what_zh = if what == "group" { "分组" } else { "指标" };
            push(
                "removed",
                what,
                id,
                format!("删除{what_zh}「{name}」（{id}）"),
                format!("removed {what} '{name}' ({id})"),
            );
        }
    }

    // Adjustments, grades, inputs, derived values: added, removed or changed as a whole.
    let adj = |s: &crate::scheme::Scheme| -> BTreeMap<String, String> {
        s.adjustments.iter().map(|a| (a.id.clone(), json(a))).collect()
    };
    let grades = |s: &crate::scheme::Scheme| -> BTreeMap<String, String> {
        s.grades.iter().map(|g| (g.grade.clone(), json(g))).collect()
    };
    let inputs = |s: &crate::scheme::Scheme| -> BTreeMap<String, String> {
        s.inputs.iter().map(|(k, v)| (k.clone(), json(v))).collect()
    };
    let derived = |s: &crate::scheme::Scheme| -> BTreeMap<String, String> {
        s.derived.iter().map(|(k, v)| (k.clone(), v.as_str().to_owned())).collect()
    };
    for (item, zh_item, a, b) in [
        ("adjustment", "调整项", adj(o), adj(n)),
        ("grade", "等级", grades(o), grades(n)),
        ("input", "输入", inputs(o), inputs(n)),
        ("derived", "派生值", derived(o), derived(n)),
    ] {
        for (id, nv) in &b {
            match a.get(id) {
                None => {
                    push("added", item, id, format!("新增{zh_item} {id}：{nv}"), format!("added {item} {id}: {nv}"))
                }
                Some(ov) if ov != nv => push(
                    "changed",
                    item,
                    id,
                    format!("{zh_item} {id}：{ov} → {nv}"),
                    format!("{item} {id}: {ov} → {nv}"),
                ),
                Some(_) => {}
            }
        }
        for id in a.keys().filter(|k| !b.contains_key(*k)) {
            push("removed", item, id, format!("删除{zh_item} {id}"), format!("removed {item} {id}"));
        }
    }
    if o.adjustments.iter().map(|a| &a.id).collect::<Vec<_>>()
        != n.adjustments.iter().map(|a| &a.id).collect::<Vec<_>>()
        && o.adjustments.len() == n.adjustments.len()
    {
        push("changed", "adjustment", "", "调整项的先后顺序改变".into(), "the order of the adjustments changed".into());
    }
    if o.rounding != n.rounding {
        let (a, b) = (json(&o.rounding), json(&n.rounding));
        push("changed", "rounding", "", format!("取整规则 {a} → {b}"), format!("rounding {a} → {b}"));
    }
    if o.score_range != n.score_range {
        let (a, b) = (json(&o.score_range), json(&n.score_range));
        push("changed", "score_range", "", format!("总分范围 {a} → {b}"), format!("score range {a} → {b}"));
    }
    if o.appeals != n.appeals {
        let show = |a: &Option<crate::appeal::AppealRules>| a.as_ref().map_or_else(|| "none".to_owned(), json);
        let (a, b) = (show(&o.appeals), show(&n.appeals));
        push("changed", "appeals", "", format!("申诉规则 {a} → {b}"), format!("appeal rules {a} → {b}"));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load(path: &str) -> CompiledScheme {
        let text = std::fs::read_to_string(format!("{}/../{path}", env!("CARGO_MANIFEST_DIR"))).unwrap_or_default();
        CompiledScheme::from_json(&text).unwrap_or_else(|e| panic!("{path}: {e}"))
    }

    #[test]
    fn appeal_rules_are_a_change() {
        let a = load("examples/appeal/scheme.json");
        let mut m = a.scheme().clone();
        if let Some(r) = m.appeals.as_mut() {
            r.max_per_employee = Some(2);
        }
        let b = CompiledScheme::compile(m).unwrap_or_else(|e| panic!("{e}"));
        let changes = diff(&a, &b);
        assert_eq!(changes.len(), 1, "{changes:#?}");
        assert_eq!(changes[0].item, "appeals");
        assert!(changes[0].en.contains("\"max_per_employee\":2"), "{}", changes[0].en);
    }

    #[test]
    fn the_retention_what_if_pair() {
        let (a, b) =
            (load("examples/retention-whatif/scheme-v1.json"), load("examples/retention-whatif/scheme-v2.json"));
        let changes = diff(&a, &b);
        let reweighted: Vec<&str> = changes.iter().filter(|c| c.kind == "reweighted").map(|c| c.id.as_str()).collect();
        assert!(reweighted.contains(&"retention"), "{changes:#?}");
        let retention = changes.iter().find(|c| c.id == "retention").map(|c| c.en.clone()).unwrap_or_default();
        assert!(retention.contains("10 → 25"), "{retention}");
        assert!(diff(&a, &a).is_empty());
    }

    #[test]
    fn added_removed_and_scoring_changes() {
        let old = CompiledScheme::from_json(
            r#"{"id":"s","version":"1","name":"S","inputs":{"x":{"type":"number"},"y":{"type":"number"}},
            "indicators":[{"id":"a","name":"A","weight":60,"value":"x","scoring":{"type":"ratio","target":10}},
                          {"id":"b","name":"B","weight":40,"value":"y","scoring":{"type":"ratio","target":5}}]}"#,
        );
        let new = CompiledScheme::from_json(
            r#"{"id":"s","version":"2","name":"S","inputs":{"x":{"type":"number"},"y":{"type":"number"}},
            "indicators":[{"id":"a","name":"A","weight":60,"value":"x","scoring":{"type":"ratio","target":12}},
                          {"id":"c","name":"C","weight":40,"value":"y","scoring":{"type":"pass_fail"}}],
            "adjustments":[{"id":"bonus","name":"Bonus","points":2}]}"#,
        );
        let (Ok(old), Ok(new)) = (old, new) else { panic!("schemes load") };
        let kinds: Vec<(String, &str)> = diff(&old, &new).iter().map(|c| (c.id.clone(), c.kind)).collect();
        assert_eq!(
            kinds,
            [
                ("a".to_owned(), "scoring"),
                ("c".to_owned(), "added"),
                ("b".to_owned(), "removed"),
                ("bonus".to_owned(), "added")
            ]
        );
    }
}
