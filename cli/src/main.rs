//! `kaohe`: check a scheme, score employees, explain a score.
//!
//! Exit codes: 0 when everything scored (or the scheme is valid), 1 when the scheme
//! is invalid or any employee failed (the others are still written), 2 for a usage
//! error (bad arguments, unreadable files).

mod analyze;
mod appeal;
mod audit_log;
mod calibrate;
mod explain;
mod input;
mod output;
mod report;
mod trend;
mod verify;
mod whatif;

/// Scoring allocates many small values; mimalloc is markedly faster than the system allocator here.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

use std::io::Write;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};
use kaohe::{CompiledScheme, Lang, SchemeErrors};

/// Appraisal scoring from one scheme file: exact decimals, the same answer everywhere.
#[derive(Parser)]
#[command(name = "kaohe", version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Validate a scheme: a one-screen summary (exit 0), or every problem found (exit 1).
    Check {
        /// The scheme file (.json, .yaml or .yml).
        scheme: String,
        /// Language of labels.
        #[arg(long, default_value = "zh")]
        lang: String,
    },
    /// Score employees: one result per employee, in input order.
    Score {
        /// The scheme file (.json, .yaml or .yml).
        scheme: String,
        /// Employees: a JSON array (.json), JSON Lines (.jsonl), CSV (.csv), or - for JSON on stdin.
        inputs: String,
        /// Output format.
        #[arg(long, short, value_enum, default_value_t = OutFormat::Table)]
        format: OutFormat,
        /// Language of labels in the table.
        #[arg(long, default_value = "zh")]
        lang: String,
        /// Worker threads (default: all cores).
        #[arg(long, short)]
        jobs: Option<usize>,
    },
    /// Explain one employee's score in words: indicators, adjustments, grade band, and a
    /// prorated employee's segments combined by days worked.
    Explain {
        /// The scheme file (.json, .yaml or .yml).
        scheme: String,
        /// Employees (as for `score`); records sharing an id are segments when the scheme prorates.
        inputs: String,
        /// The employee's id.
        #[arg(long, short)]
        employee: String,
        /// Another scheme segments may be scored with (as for `calibrate`); repeatable.
        #[arg(long = "segment-scheme", value_name = "SCHEME")]
        segment_schemes: Vec<String>,
        /// Language: zh or en.
        #[arg(long, default_value = "zh")]
        lang: String,
        /// Write the card, the segments and the text as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Rank, calibrate against the forced distribution, roll up and pay: raw and calibrated grades.
    Calibrate {
        /// The scheme file (.json, .yaml or .yml) with a `population` section.
        scheme: String,
        /// Employees (as for `score`); records sharing an id are segments when the scheme prorates.
        inputs: String,
        /// Another scheme segments may be scored with: a record whose `scheme` attribute is
        /// that scheme's id (or id@version) is scored under it; repeatable.
        #[arg(long = "segment-scheme", value_name = "SCHEME")]
        segment_schemes: Vec<String>,
        /// Output format.
        #[arg(long, short, value_enum, default_value_t = calibrate::CalibrateFormat::Table)]
        format: calibrate::CalibrateFormat,
        /// Language of the table.
        #[arg(long, default_value = "zh")]
        lang: String,
        /// Append a `calibration` entry to this hash-chained audit log (.jsonl).
        #[arg(long, requires = "at")]
        audit: Option<String>,
        /// When the calibration happened, as written in the audit entry (e.g. 2026-07-01).
        #[arg(long)]
        at: Option<String>,
    },
    /// List what changed between two versions of a scheme, in words.
    Diff {
        /// The old scheme.
        old: String,
        /// The new scheme.
        new: String,
        /// Language: zh or en.
        #[arg(long, default_value = "zh")]
        lang: String,
        /// Write the changes as JSON instead of text.
        #[arg(long)]
        json: bool,
    },
    /// Appeals (申诉) over a JSON Lines event file: publish, file, review, decide, withdraw, status.
    Appeal {
        #[command(subcommand)]
        command: Box<appeal::AppealCommand>,
    },
    /// Check that results name this scheme (id, version, hash) and, given the inputs, that re-scoring reproduces them.
    Verify {
        /// The scheme file.
        scheme: String,
        /// Results as `kaohe score --format json` writes them (or one result).
        results: String,
        /// The employees the results were scored from.
        #[arg(long)]
        inputs: Option<String>,
    },
    /// Analytics: grade distribution (against quotas), groups, completion, data quality, anomalies, correlations.
    Analyze {
        /// The scheme file (.json, .yaml or .yml).
        scheme: String,
        /// Employees (as for `score`).
        inputs: String,
        /// Group by this employee attribute (e.g. department).
        #[arg(long)]
        by: Option<String>,
        /// Flag anomalies whose robust |z| is above this.
        #[arg(long, default_value = "3.5")]
        threshold: kaohe::Decimal,
        /// Quotas: a JSON array of {"label", "grades", "min"?, "max"?} (shares, 1 = 100 %).
        #[arg(long)]
        quotas: Option<String>,
        /// Write the analysis as JSON.
        #[arg(long)]
        json: bool,
        /// Language: zh or en.
        #[arg(long, default_value = "zh")]
        lang: String,
    },
    /// Score the same employees under two schemes: who moves, and why.
    Whatif {
        /// Scheme A (e.g. the current version).
        scheme_a: String,
        /// Scheme B (e.g. the proposed version).
        scheme_b: String,
        /// Employees (as for `score`).
        inputs: String,
        /// Write the comparison as JSON.
        #[arg(long)]
        json: bool,
        /// Language: zh or en.
        #[arg(long, default_value = "zh")]
        lang: String,
    },
    /// A group's figures across appraisal cycles: count, mean and median score, change, grades.
    Trend {
        /// Cycles in order, each `LABEL=SCHEME,INPUTS` (e.g. `2026Q1=scheme.json,q1.json`).
        #[arg(required = true, num_args = 1..)]
        cycles: Vec<String>,
        /// Group by this employee attribute (e.g. department).
        #[arg(long)]
        by: Option<String>,
        /// Write the trend as JSON.
        #[arg(long)]
        json: bool,
        /// Language: zh or en.
        #[arg(long, default_value = "zh")]
        lang: String,
    },
    /// Write a self-contained HTML report (inline SVG charts, no network).
    Report {
        /// The scheme file (.json, .yaml or .yml).
        scheme: String,
        /// Employees (as for `score`).
        inputs: String,
        /// Add a what-if against this scheme.
        #[arg(long)]
        whatif: Option<String>,
        /// Group by this employee attribute (e.g. department).
        #[arg(long)]
        by: Option<String>,
        /// Flag anomalies whose robust |z| is above this.
        #[arg(long, default_value = "3.5")]
        threshold: kaohe::Decimal,
        /// Quotas (as for `analyze`).
        #[arg(long)]
        quotas: Option<String>,
        /// A date to print as "generated" (the report has no clock of its own).
        #[arg(long)]
        generated: Option<String>,
        /// Language: zh or en.
        #[arg(long, default_value = "zh")]
        lang: String,
        /// The HTML file to write.
        #[arg(long, short)]
        output: String,
    },
    /// The audit trail.
    Audit {
        #[command(subcommand)]
        command: AuditCommand,
    },
}

/// Audit-log commands.
#[derive(Subcommand)]
enum AuditCommand {
    /// Verify a hash-chained JSON Lines audit log; names the first tampered or missing entry (exit 1).
    Verify {
        /// The log file (.jsonl).
        log: String,
    },
}

/// Output formats of `kaohe score`.
#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum OutFormat {
    /// An aligned table for people.
    Table,
    /// A JSON array (the conformance format).
    Json,
    /// One JSON object per line.
    Jsonl,
    /// CSV: one row per employee.
    Csv,
}

/// A failure that ends the command with an exit code.
pub(crate) struct Fail {
    code: u8,
    message: String,
}

impl Fail {
    pub(crate) fn usage(message: impl Into<String>) -> Self {
        Fail { code: 2, message: message.into() }
    }

    pub(crate) fn data(message: impl Into<String>) -> Self {
        Fail { code: 1, message: message.into() }
    }
}

pub(crate) fn lang(tag: &str) -> Result<Lang, Fail> {
    Lang::parse(tag).ok_or_else(|| Fail::usage(format!("unknown language '{tag}': use zh or en")))
}

fn scheme_errors(errs: &SchemeErrors) -> String {
    let mut out = format!("{} problem(s) in the scheme:\n", errs.errors.len());
    for e in &errs.errors {
        out.push_str(&format!("  {e}\n"));
    }
    out
}

pub(crate) fn load_scheme(path: &str) -> Result<CompiledScheme, Fail> {
    let text = input::read_text(path)?;
    CompiledScheme::from_str_format(&text, kaohe::Format::from_path(path)).map_err(|e| Fail::data(scheme_errors(&e)))
}

fn run(cli: Cli) -> Result<u8, Fail> {
    let mut stdout = std::io::stdout().lock();
    match cli.command {
        Command::Check { scheme, lang: tag } => {
            let lang = lang(&tag)?;
            let text = input::read_text(&scheme)?;
            match CompiledScheme::from_str_format(&text, kaohe::Format::from_path(&scheme)) {
                Ok(s) => {
                    output::summary(&mut stdout, &s, lang).map_err(io_fail)?;
                    Ok(0)
                }
                Err(errs) => {
                    write!(stdout, "{}", scheme_errors(&errs)).map_err(io_fail)?;
                    Ok(1)
                }
            }
        }
        Command::Score { scheme, inputs, format, lang: tag, jobs } => {
            let lang = lang(&tag)?;
            let scheme = load_scheme(&scheme)?;
            let entries = input::read_employees(&inputs)?;
            if let Some(n) = jobs {
                rayon::ThreadPoolBuilder::new().num_threads(n.max(1)).build_global().ok();
            }
            let outcomes = output::score_with_progress(&scheme, &entries);
            output::write(&mut stdout, &scheme, &outcomes, format, lang).map_err(io_fail)?;
            let failed = outcomes.iter().filter(|o| o.is_err()).count();
            if failed > 0 {
                eprintln!("{} scored, {failed} failed", outcomes.len() - failed);
            }
            Ok(u8::from(failed > 0))
        }
        Command::Calibrate { scheme, inputs, segment_schemes, format, lang: tag, audit, at } => {
            let lang = lang(&tag)?;
            let scheme = load_scheme(&scheme)?;
            let others = explain::segment_schemes(&scheme, &segment_schemes)?;
            let entries = input::read_employees(&inputs)?;
            let population = output::calibrate_segments_with_progress(&scheme, &others, &entries)
                .map_err(|e| Fail::data(e.to_string()))?;
            calibrate::write(&mut stdout, &scheme, &population, format, lang).map_err(io_fail)?;
            if let (Some(log), Some(at)) = (audit, at) {
                let records: Vec<&kaohe::Employee> = entries.iter().filter_map(|e| e.as_ref().ok()).collect();
                let records = serde_json::to_value(records).unwrap_or_default();
                let entry = kaohe::population::record::calibration_entry(&population, &records, &at);
                audit_log::append(&log, vec![entry])?;
            }
            if !population.errors.is_empty() {
                eprintln!("{} calibrated, {} failed", population.members.len(), population.errors.len());
            }
            Ok(u8::from(!population.errors.is_empty()))
        }
        Command::Diff { old, new, lang: tag, json } => {
            let lang = lang(&tag)?;
            let (a, b) = (load_scheme(&old)?, load_scheme(&new)?);
            let changes = kaohe::diff::diff(&a, &b);
            if json {
                writeln!(stdout, "{}", serde_json::to_string_pretty(&changes).unwrap_or_default()).map_err(io_fail)?;
            } else if changes.is_empty() {
                writeln!(stdout, "{}", if lang == Lang::Zh { "两个版本没有差别" } else { "no changes" })
                    .map_err(io_fail)?;
            } else {
                writeln!(stdout, "{} {} → {} {}", a.id(), a.version(), b.id(), b.version()).map_err(io_fail)?;
                for c in &changes {
                    writeln!(stdout, "  - {}", c.text(lang)).map_err(io_fail)?;
                }
            }
            Ok(0)
        }
        Command::Appeal { command } => appeal::run(*command, &mut stdout),
        Command::Verify { scheme, results, inputs } => verify::run(&scheme, &results, inputs.as_deref(), &mut stdout),
        Command::Audit { command: AuditCommand::Verify { log } } => {
            let text = input::read_text(&log)?;
            match kaohe::audit::verify_lines(&text) {
                Ok(n) => {
                    writeln!(stdout, "ok: {n} entries, the chain is intact").map_err(io_fail)?;
                    Ok(0)
                }
                Err(b) => {
                    writeln!(stdout, "broken at line {}: {}", b.index + 1, b.reason).map_err(io_fail)?;
                    Ok(1)
                }
            }
        }
        Command::Analyze { scheme, inputs, by, threshold, quotas, json, lang: tag } => {
            let lang = lang(&tag)?;
            let scheme = load_scheme(&scheme)?;
            let pop = analyze::population(&scheme, &inputs)?;
            let options = analyze::options(by, Some(threshold), analyze::quotas(quotas.as_deref())?, lang);
            let a = kaohe::analytics::analyze(&scheme, &pop.employees, &pop.cards, pop.failed, &options);
            if json {
                writeln!(stdout, "{}", serde_json::to_string_pretty(&a).unwrap_or_default()).map_err(io_fail)?;
            } else {
                analyze::write_text(&mut stdout, &scheme, &a, lang).map_err(io_fail)?;
            }
            Ok(u8::from(pop.failed > 0))
        }
        Command::Trend { cycles, by, json, lang: tag } => {
            let lang = lang(&tag)?;
            let cycles = cycles.iter().map(|c| trend::cycle(c)).collect::<Result<Vec<_>, _>>()?;
            let t = trend::trend(cycles, by.as_deref());
            if json {
                writeln!(stdout, "{}", serde_json::to_string_pretty(&t.points).unwrap_or_default()).map_err(io_fail)?;
            } else {
                trend::write_text(&mut stdout, &t.points, lang).map_err(io_fail)?;
            }
            Ok(u8::from(t.failed() > 0))
        }
        Command::Whatif { scheme_a, scheme_b, inputs, json, lang: tag } => {
            let lang = lang(&tag)?;
            let (a, b) = (load_scheme(&scheme_a)?, load_scheme(&scheme_b)?);
            let entries = input::read_employees(&inputs)?;
            let (oa, ob) = (output::score_with_progress(&a, &entries), output::score_with_progress(&b, &entries));
            let w = kaohe::whatif::compare(&a, &b, &oa, &ob);
            if json {
                writeln!(stdout, "{}", serde_json::to_string_pretty(&w).unwrap_or_default()).map_err(io_fail)?;
            } else {
                whatif::write_text(&mut stdout, &a, &b, &w, lang).map_err(io_fail)?;
            }
            Ok(u8::from(w.compared < w.employees))
        }
        Command::Report { scheme, inputs, whatif, by, threshold, quotas, generated, lang: tag, output } => {
            let lang = lang(&tag)?;
            let scheme = load_scheme(&scheme)?;
            let b = whatif.as_deref().map(load_scheme).transpose()?;
            let pop = analyze::population(&scheme, &inputs)?;
            let options = analyze::options(by, Some(threshold), analyze::quotas(quotas.as_deref())?, lang);
            let html = report::page(&scheme, &pop, &options, b.as_ref(), lang, generated.as_deref());
            report::write(&output, &html)?;
            eprintln!("{output}: {} bytes, {} employees", html.len(), pop.cards.len() + pop.failed);
            Ok(u8::from(pop.failed > 0))
        }
        Command::Explain { scheme, inputs, employee, segment_schemes, lang: tag, json } => {
            explain::run(&scheme, &inputs, &employee, &segment_schemes, &tag, json, &mut stdout)
        }
    }
}

pub(crate) fn io_fail(e: std::io::Error) -> Fail {
    if e.kind() == std::io::ErrorKind::BrokenPipe {
        // The reader went away (`kaohe score … | head`): not an error of ours.
        return Fail { code: 0, message: String::new() };
    }
    Fail::usage(format!("cannot write the output: {e}"))
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let code = if e.use_stderr() { 2 } else { 0 };
            let _ = e.print();
            return ExitCode::from(code);
        }
    };
    match run(cli) {
        Ok(code) => ExitCode::from(code),
        Err(f) => {
            if !f.message.is_empty() {
                eprint!("{}", f.message);
                if !f.message.ends_with('\n') {
                    eprintln!();
                }
            }
            ExitCode::from(f.code)
        }
    }
}
