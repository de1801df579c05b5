//! `kaohe report SCHEME INPUTS -o report.html`: the self-contained HTML report.

use kaohe::analytics;
use kaohe::report::{ReportInput, render};
use kaohe::{CompiledScheme, Lang};

use crate::Fail;
use crate::analyze::Population;

/// Builds the page (the analysis, and a what-if when a scheme B is given).
pub(crate) fn page(
    scheme: &CompiledScheme,
    pop: &Population,
    options: &analytics::AnalyzeOptions,
    whatif_b: Option<&CompiledScheme>,
    lang: Lang,
    generated: Option<&str>,
) -> String {
    let analysis = analytics::analyze(scheme, &pop.employees, &pop.cards, pop.failed, options);
    let w = whatif_b.map(|b| (b, kaohe::whatif::whatif(scheme, b, &pop.employees)));
    render(&ReportInput {
        scheme,
        analysis: &analysis,
        cards: &pop.cards,
        whatif: w.as_ref().map(|(b, w)| (*b, w)),
        lang,
        generated,
    })
}

/// Writes the page to `out`.
pub(crate) fn write(out: &str, html: &str) -> Result<(), Fail> {
    if let Some(dir) = std::path::Path::new(out).parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)
            .map_err(|e| Fail::usage(format!("[io_error] cannot create {}: {e}", dir.display())))?;
    }
    std::fs::write(out, html).map_err(|e| Fail::usage(format!("[io_error] cannot write {out}: {e}")))
}
