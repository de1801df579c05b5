"""Flattening a population result (``Scheme.calibrate``) into rows for a DataFrame."""

from __future__ import annotations

from decimal import Decimal
from typing import Any, Dict, List, Mapping, Optional


def _dec(v: Any) -> Optional[Decimal]:
    return None if v is None else Decimal(v)


def calibration_rows(result: Mapping[str, Any]) -> List[Dict[str, Any]]:
    """One flat dict per member, in rank order: ``pandas.DataFrame(calibration_rows(r))``.

    Columns: id, group ("/"-joined), score, rank, of, percentile, group_rank, group_of,
    raw_grade, grade, coefficient, moved, moves (the reasons, "; "-joined), days, and
    the pay figures (performance_pay, bonus, compa_ratio, raise, raise_amount).
    Decimals are ``decimal.Decimal``; absent values are ``None``.
    """
    rows: List[Dict[str, Any]] = []
    for m in result.get("members", []):
        last = (m.get("group_ranks") or [None])[-1]
        pay = m.get("pay") or {}
        moves = m.get("moves") or []
        rows.append(
            {
                "id": m["id"],
                "group": "/".join(m.get("group", [])),
                "score": _dec(m["score"]),
                "rank": m["rank"],
                "of": m["of"],
                "percentile": _dec(m["percentile"]),
                "group_rank": None if last is None else last["rank"],
                "group_of": None if last is None else last["of"],
                "raw_grade": m.get("raw_grade"),
                "grade": m.get("grade"),
                "coefficient": _dec(m.get("coefficient")),
                "moved": bool(moves),
                "moves": "; ".join(
                    f"{x['from']}->{x['to']} quota {x['quota'] + 1} {x['bound']} {x['limit']}"
                    f" (rank {x['group_rank']} of {x['group_size']})"
                    for x in moves
                ),
                "days": m.get("days"),
                "performance_pay": _dec(pay.get("performance_pay")),
                "bonus": _dec(pay.get("bonus")),
                "compa_ratio": _dec(pay.get("compa_ratio")),
                "raise": _dec(pay.get("raise")),
                "raise_amount": _dec(pay.get("raise_amount")),
            }
        )
    return rows
