//! Runs the population bench's calibration once on generated cards, for profilers:
//! `population_profile [N] [full|rank] [digest|warm]`. Callgrind:
//! `valgrind --tool=callgrind --toggle-collect='population_profile::run' target/release/examples/population_profile 200000`.
//! With `digest`, prints the SHA-256 of the result's JSON (to check that a change
//! leaves results bit-identical). With `warm`, calibrates a first batch and drops it
//! before the timed call, so that the timed call reuses the allocator's pages.
//! `REPS=k` first times k calls in a row (each on a fresh copy of the cards, each
//! result dropped after); with `LEAK` set as well, the copies are made up front and
//! the results kept, so that a profiler started after "copies ready" (`perf record
//! -D`) sees calibration only.
#![allow(missing_docs, clippy::unwrap_used, clippy::print_stdout)]

#[path = "../../benches/population_cards.rs"]
mod population_cards;

use kaohe::{CompiledScheme, Outcome, Population};
use sha2::Digest;

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[inline(never)]
fn run(scheme: &CompiledScheme, outcomes: Vec<Outcome>) -> Population {
    scheme.calibrate_owned(outcomes).unwrap()
}

/// Writes into the hasher (the JSON is never held whole).
struct HashWriter(sha2::Sha256);

impl std::io::Write for HashWriter {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.update(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.get(1).map(String::as_str) == Some("sizes") {
        use std::mem::size_of;
        println!(
            "Member {} Pay {} GroupRank {} Move {} ScoreCard {} Outcome {}",
            size_of::<kaohe::population::Member>(),
            size_of::<kaohe::population::Pay>(),
            size_of::<kaohe::population::GroupRank>(),
            size_of::<kaohe::population::Move>(),
            size_of::<kaohe::ScoreCard>(),
            size_of::<Outcome>()
        );
        return;
    }
    let n: usize = args.get(1).and_then(|a| a.parse().ok()).unwrap_or(200_000);
    let scheme = match args.get(2).map(String::as_str) {
        Some("rank") => population_cards::rank_only_scheme(),
        _ => population_cards::scheme(),
    };
    let outcomes = population_cards::cards(&scheme, n);
    if args.get(3).map(String::as_str) == Some("warm") {
        drop(run(&scheme, outcomes.clone()));
    }
    let reps = std::env::var("REPS").ok().and_then(|r| r.parse::<usize>().ok()).unwrap_or(0);
    if std::env::var("LEAK").is_ok() {
        let copies: Vec<Vec<Outcome>> = (0..reps).map(|_| outcomes.clone()).collect();
        eprintln!("copies ready");
        for o in copies {
            let t = std::time::Instant::now();
            let p = run(&scheme, o);
            eprintln!("rep {:?}", t.elapsed());
            std::mem::forget(p);
        }
        return;
    }
    for _ in 0..reps {
        let o = outcomes.clone();
        let t = std::time::Instant::now();
        let p = run(&scheme, o);
        eprintln!("rep {:?}", t.elapsed());
        drop(p);
    }
    let t = std::time::Instant::now();
    let p = run(&scheme, outcomes);
    let dt = t.elapsed();
    eprintln!("{} members in {dt:?}", p.members.len());
    if args.get(3).map(String::as_str) == Some("digest") {
        let mut w = HashWriter(sha2::Sha256::new());
        serde_json::to_writer_pretty(&mut w, &p).unwrap();
        println!("{}", hex::encode(w.0.finalize()));
    }
}
