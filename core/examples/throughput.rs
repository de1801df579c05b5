#![allow(missing_docs, clippy::unwrap_used)]
#[path = "../../benches/gen.rs"]
mod generator;
#[cfg(feature = "parallel")]
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    let n: usize = std::env::args().nth(1).and_then(|a| a.parse().ok()).unwrap_or(20_000);
    // SCHEME names another scheme file for the same generated employees (e.g. a variant of the reference).
    let path = std::env::var("SCHEME")
        .unwrap_or_else(|_| concat!(env!("CARGO_MANIFEST_DIR"), "/../benches/reference/scheme.json").to_owned());
    let text = std::fs::read_to_string(path).unwrap();
    let scheme = kaohe::CompiledScheme::from_json(&text).unwrap();
    let people: Vec<kaohe::Employee> =
        generator::employees(n, 42).into_iter().map(|v| kaohe::Employee::from_value(v).unwrap()).collect();
    if std::env::var_os("SAME").is_some() {
        // The same 64 employees over and over (inputs stay in cache): isolates memory effects.
        let mut scratch = kaohe::score::Scratch::default();
        let t = std::time::Instant::now();
        let mut ok = 0;
        for i in 0..n {
            ok += usize::from(scheme.score_with(&people[i % 64], &mut scratch).is_ok());
        }
        let dt = t.elapsed();
        eprintln!("{ok} cached employees in {dt:?}: {:.0}/s", n as f64 / dt.as_secs_f64());
    }
    if std::env::var_os("DROP").is_some() {
        // Every employee of the population, each card dropped at once: isolates the cost of keeping the cards.
        let mut scratch = kaohe::score::Scratch::default();
        let t = std::time::Instant::now();
        let mut ok = 0;
        for p in &people {
            ok += usize::from(scheme.score_with(p, &mut scratch).is_ok());
        }
        let dt = t.elapsed();
        eprintln!("{ok} employees, cards dropped, in {dt:?}: {:.0}/s", n as f64 / dt.as_secs_f64());
    }
    let rounds: usize = std::env::var("ROUNDS").ok().and_then(|r| r.parse().ok()).unwrap_or(3);
    for _ in 0..rounds {
        let t = std::time::Instant::now();
        let out = scheme.score_many(&people);
        let dt = t.elapsed();
        eprintln!(
            "{} employees in {:?}: {:.0}/s ({} errors)",
            n,
            dt,
            n as f64 / dt.as_secs_f64(),
            out.iter().filter(|o| o.is_err()).count()
        );
    }
}
