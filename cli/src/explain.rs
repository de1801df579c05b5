//! `kaohe explain`: one employee's score in words (or as JSON). A prorated employee's
//! segments are each scored under their own scheme and combined by days worked, as
//! `kaohe calibrate` combines them; the explanation shows the segments and the sum.
//! All of it is the core's ([`CompiledScheme::explain_employee`], the same as
//! `kaohe::explain_json` and every binding's `explainEmployee`).

use std::io::Write;

use kaohe::{CompiledScheme, ErrorCode};

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

/// Runs `kaohe explain`: the core explains ([`CompiledScheme::explain_employee`]);
/// this reads the files and writes the text or the JSON.
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
    let entries = input::read_employees(inputs)?;
    let explained = main.explain_employee(&others, &entries, employee, lang).map_err(|e| match e.error.code {
        ErrorCode::UnknownEmployee => Fail::data(format!("{inputs}: {}", e.error)),
        _ => Fail::data(format!("{}: {}", e.id.as_deref().unwrap_or(employee), e.error)),
    })?;
    if json {
        writeln!(w, "{}", explained.to_json_string()).map_err(io_fail)?;
    } else {
        write!(w, "{}", explained.text).map_err(io_fail)?;
    }
    Ok(0)
}
