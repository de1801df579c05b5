"""One Scheme shared by many threads, and the GIL released while the core works."""

from __future__ import annotations

import json
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Callable, Dict, List

import pytest

import kaohe
from conftest import PHOTO_SCHEME


def _employees(n: int) -> List[Dict[str, Any]]:
    return [
        {
            "id": f"E{i:06d}",
            "values": {
                "consultations": 20 + i % 50,
                "orders": 5 + i % 20,
                "satisfaction": 3 + (i % 20) / 10,
                "repeat_rate": (i % 40) / 100,
                "late_count": i % 6,
            },
        }
        for i in range(n)
    ]


def test_shared_scheme_gives_identical_results(photo_scheme: kaohe.Scheme) -> None:
    people = _employees(2000)
    expected = [c.to_dict() for c in photo_scheme.score_many(people)]

    def work(k: int) -> List[Dict[str, Any]]:
        if k % 3 == 0:
            return [photo_scheme.score(p).to_dict() for p in people]
        if k % 3 == 1:
            return [c.to_dict() for c in photo_scheme.score_many(people)]
        text = kaohe.score_json(PHOTO_SCHEME.read_text(encoding="utf-8"), json.dumps(people))
        parsed: List[Dict[str, Any]] = json.loads(text)
        return parsed

    with ThreadPoolExecutor(max_workers=6) as pool:
        for got in pool.map(work, range(12)):
            assert got == expected


def _longest_pause_while(call: Callable[[], Any]) -> "tuple[float, float]":
    """Runs ``call`` in a thread and measures, from this thread, the longest stretch in
    which this thread could not run Python. Returns (longest pause, duration of call)."""
    done = threading.Event()
    span: List[float] = []

    def runner() -> None:
        start = time.perf_counter()
        call()
        span.append(time.perf_counter() - start)
        done.set()

    t = threading.Thread(target=runner)
    last = time.perf_counter()
    longest = 0.0
    t.start()
    while not done.is_set():
        now = time.perf_counter()
        longest = max(longest, now - last)
        last = now
        time.sleep(0.0005)
    t.join()
    return longest, span[0]


@pytest.mark.parametrize("path", ["score_json", "score_many", "score_frame"])
def test_gil_is_released(photo_scheme: kaohe.Scheme, path: str) -> None:
    people = _employees(20_000)
    if path == "score_json":
        scheme_text = PHOTO_SCHEME.read_text(encoding="utf-8")
        people_text = json.dumps(people)

        def call() -> Any:
            return kaohe.score_json(scheme_text, people_text)

    elif path == "score_many":

        def call() -> Any:
            return photo_scheme.score_many(people)

    else:
        pd = pytest.importorskip("pandas")
        df = pd.DataFrame([dict(id=p["id"], **p["values"]) for p in people])

        def call() -> Any:
            return photo_scheme.score_frame(df)

    call()  # warm up
    longest, duration = _longest_pause_while(call)
    # Holding the GIL through the scoring would stall this thread for most of the call.
    assert longest < 0.6 * duration, f"longest pause {longest:.3f}s of a {duration:.3f}s call"
