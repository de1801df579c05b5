#!/usr/bin/env python3
"""Python binding benchmark: 100k generated employees of the photo-studio scheme,
scored from Python (a list of dicts; a pandas and a polars DataFrame; a pyarrow
Table) and by the Rust core alone on the same data.

The core's own time is measured inside Rust by ``kaohe._kaohe._core_timings`` on the
same employees given as a JSON document, with no Python object created while it
runs: reading the records into employees (``parse``), scoring them in parallel
(``score``, as ``score_many`` and ``score_frame`` do) and freeing the employees and
results (``free``). Their sum is the baseline ("× core"). Also shown: scoring on one
thread, writing the results as JSON, and ``kaohe.score_json`` end to end (the text
of ``kaohe score --format json``, JSON in and out, single-threaded).

``score_frame`` covers everything a caller waits for: the frame's columns to text,
reading rows and scoring in Rust, and building the result frame with exact decimal
columns. ``score_many`` builds one ``ScoreCard`` per employee (their fields are
converted to Python when read) and frees nothing while timed.

Run from the repository root with a release build installed:

    pip install "./bindings/python[pandas,polars]"      # pip builds in release
    python benches/python_bench.py [--n 100000] [--repeat 5] [--json]
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import platform
import random
import sys
import time
from pathlib import Path
from typing import Any, Callable, Dict, List, Optional, Tuple

import kaohe
from kaohe import _frame, _kaohe

ROOT = Path(__file__).resolve().parent.parent
SCHEME = ROOT / "examples" / "photo-studio" / "scheme.json"
FALLBACK = ROOT.parent / "shared" / "spec" / "vectors" / "photo-studio.json"


def scheme_text() -> str:
    if SCHEME.is_file():
        return SCHEME.read_text(encoding="utf-8")
    return json.dumps(json.loads(FALLBACK.read_text(encoding="utf-8"))["scheme"], ensure_ascii=False)


def employees(n: int, seed: int = 42) -> List[Dict[str, Any]]:
    """``n`` employees of the photo-studio scheme, the same for a given seed."""
    rng = random.Random(seed)
    teams = ["婚纱摄影门店", "儿童摄影门店", "艺术写真门店", "证件照门店"]
    out = []
    for i in range(n):
        consultations = rng.randint(10, 80)
        values: Dict[str, Any] = {
            "consultations": consultations,
            "orders": rng.randint(0, consultations),
            "satisfaction": round(rng.uniform(2.5, 5.0), 1),
            "repeat_rate": round(rng.uniform(0.0, 0.6), 2),
        }
        if rng.random() < 0.9:
            values["late_count"] = rng.randint(0, 6)
        out.append(
            {
                "id": f"E{i:06d}",
                "attributes": {"team": teams[i % len(teams)], "level": f"P{3 + i % 5}"},
                "values": values,
            }
        )
    return out


def table_rows(records: List[Dict[str, Any]]) -> Dict[str, List[Any]]:
    """The employees as columns under the table convention."""
    cols: Dict[str, List[Any]] = {
        "id": [],
        "attributes.team": [],
        "attributes.level": [],
        "consultations": [],
        "orders": [],
        "satisfaction": [],
        "repeat_rate": [],
        "late_count": [],
    }
    for r in records:
        cols["id"].append(r["id"])
        cols["attributes.team"].append(r["attributes"]["team"])
        cols["attributes.level"].append(r["attributes"]["level"])
        for k in ("consultations", "orders", "satisfaction", "repeat_rate", "late_count"):
            cols[k].append(r["values"].get(k))
    return cols


def best(fn: Callable[[], Any], repeat: int) -> Tuple[float, Any]:
    """The fastest of ``repeat`` runs (GC off while timing), and the last result."""
    times = []
    result = None
    for _ in range(repeat):
        gc.collect()
        gc.disable()
        try:
            start = time.perf_counter()
            result = fn()
            times.append(time.perf_counter() - start)
        finally:
            gc.enable()
        del result
        result = None
    start = time.perf_counter()
    result = fn()
    times.append(time.perf_counter() - start)
    return min(times), result


def main(argv: Optional[List[str]] = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=100_000, help="employees (default 100000)")
    ap.add_argument("--repeat", type=int, default=5, help="runs per measurement, the best counts (default 5)")
    ap.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = ap.parse_args(argv)

    text = scheme_text()
    scheme = kaohe.Scheme.from_json(text)
    records = employees(args.n)
    records_json = json.dumps(records, ensure_ascii=False)
    cols = table_rows(records)
    n = args.n
    figures: Dict[str, float] = {}

    # The core alone, inside Rust.
    core_runs = [_kaohe._core_timings(scheme, records_json) for _ in range(args.repeat)]
    for key in ("parse", "score", "free", "score_sequential", "write"):
        figures[f"core.{key}"] = min(r[key] for r in core_runs)
    figures["core.total"] = min(r["parse"] + r["score"] + r["free"] for r in core_runs)
    figures["score_json"], out_text = best(lambda: kaohe.score_json(text, records_json), args.repeat)
    expected = json.loads(out_text)
    del out_text

    figures["score_many"], cards = best(lambda: scheme.score_many(records), args.repeat)
    assert [c.score for c in cards[:1000]] == [_dec(e["score"]) for e in expected[:1000]]
    del cards

    try:
        import pandas as pd
    except ImportError:
        pd = None
    if pd is not None:
        df = pd.DataFrame(cols)
        figures["score_frame.pandas"], out = best(lambda: scheme.score_frame(df), args.repeat)
        assert len(out) == n and out["score"].iloc[7] == _dec(expected[7]["score"])
        # Where the pandas time goes.
        figures["pandas.columns_to_text"], texts = best(
            lambda: [_frame._pandas_column(df.iloc[:, i]) for i in range(df.shape[1])], args.repeat
        )
        figures["pandas.rust_table"], _ = best(
            lambda: scheme._score_table([str(c) for c in df.columns], texts, n), args.repeat
        )
        del out, texts

    try:
        import polars as pl
    except ImportError:
        pl = None
    if pl is not None:
        pdf = pl.DataFrame(cols)
        figures["score_frame.polars"], out = best(lambda: scheme.score_frame(pdf), args.repeat)
        assert out.height == n
        del out

    try:
        import pyarrow as pa
    except ImportError:
        pa = None
    if pa is not None:
        table = pa.table(cols)
        figures["score_frame.pyarrow"], out = best(lambda: scheme.score_frame(table), args.repeat)
        assert out.num_rows == n
        del out

    if args.json:
        print(json.dumps({"n": n, "seconds": figures}, indent=2))
        return 0

    base = figures["core.total"]
    print(f"kaohe {kaohe.__version__}, {n:,} employees (photo-studio), best of {args.repeat + 1}")
    print(f"Python {platform.python_version()}, {platform.machine()}, {os.cpu_count()} CPUs")
    print()
    print(f"{'path':44} {'seconds':>8} {'µs/employee':>12} {'× core':>7}")
    rows = [
        ("core (Rust): read + score (parallel) + free", "core.total"),
        ("  read records (JSON → employees)", "core.parse"),
        ("  score, parallel", "core.score"),
        ("  free employees and results", "core.free"),
        ("  score, one thread", "core.score_sequential"),
        ("  write results as JSON", "core.write"),
        ("kaohe.score_json (JSON text in and out)", "score_json"),
        ("scheme.score_many(list of dicts)", "score_many"),
        ("scheme.score_frame(pandas DataFrame)", "score_frame.pandas"),
        ("  pandas columns → text (pyarrow)", "pandas.columns_to_text"),
        ("  Rust: read rows + score + result cells", "pandas.rust_table"),
        ("scheme.score_frame(polars DataFrame)", "score_frame.polars"),
        ("scheme.score_frame(pyarrow Table)", "score_frame.pyarrow"),
    ]
    for label, key in rows:
        if key in figures:
            s = figures[key]
            print(f"{label:44} {s:8.3f} {s / n * 1e6:12.2f} {s / base:7.2f}")
    return 0


def _dec(text: str) -> Any:
    from decimal import Decimal

    return Decimal(text)


if __name__ == "__main__":
    sys.exit(main())
