"""Scoring DataFrames: pandas, polars, or a pyarrow Table, one row per employee.

Columns follow the table convention of the core (the same as ``kaohe score`` on a CSV):

- ``id``: the employee id (required);
- ``attributes.<name>``: an attribute, kept beside the result;
- ``<input>.<rater_group>``: the ratings of a ``ratings`` input by one rater group,
  several ratings separated by ``;`` (``"5;4;4"``) or given as a list cell;
- any other column: the input of that name (columns the scheme does not declare are
  ignored);
- an empty cell, ``None``, ``NaN``, ``NA`` or ``null``: an absent value (the input's
  ``default`` applies, or its indicator's ``missing`` policy).

Cells are handed to the core as text (a number as its shortest round-trip spelling, a
``Decimal`` exactly, a bool as ``true``/``false``) and read by the scheme's input types.
With pyarrow (pandas) or natively (polars) each column crosses as one text, without
a Python object per cell.

The result has one row per input row, in order (a pandas result keeps the input's
index): ``id``, ``score``, ``grade``, ``coefficient``, ``subtotal``, one
``points.<indicator>`` column per leaf indicator, ``error`` (the error code, empty when
the employee scored) and ``error_message``. Nothing is dropped: an employee that
fails has its error in those two columns and no score. Decimal columns are exact:
``decimal128`` (pyarrow-backed in pandas, ``pl.Decimal`` in polars), or
``decimal.Decimal`` objects in pandas without pyarrow.
"""

from __future__ import annotations

import decimal
import math
from typing import TYPE_CHECKING, Any, Callable, List, Optional, Sequence, Tuple, Union

if TYPE_CHECKING:
    from ._kaohe import Scheme

__all__ = ["score_frame"]

SEP = "\x1f"
"""Joins the cells of one column into one text (ASCII unit separator)."""

_Column = Union[str, List[str]]
_Result = List[Tuple[str, bool, int, List[Optional[str]]]]

#: Decimal columns wider than this scale fall back to decimal.Decimal objects
#: (decimal128 has 38 digits; the core's decimals have at most 29 before the point).
_MAX_ARROW_SCALE = 9


def score_frame(scheme: "Scheme", df: Any) -> Any:
    """Scores every row of ``df`` (pandas or polars DataFrame, or pyarrow Table) and
    returns a frame of the same kind. See the module documentation for the columns."""
    root = type(df).__module__.split(".")[0]
    if root == "polars":
        return _score_polars(scheme, df)
    if root == "pandas":
        return _score_pandas(scheme, df)
    if root == "pyarrow":
        return _score_arrow(scheme, df)
    raise TypeError(
        f"score_frame takes a pandas or polars DataFrame or a pyarrow Table, not {type(df).__name__}"
    )


# ---------------------------------------------------------------- cells as text


def _cell(v: Any) -> str:
    """One cell as the text the core reads ("" for no value)."""
    if v is None:
        return ""
    if isinstance(v, str):
        return v
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, float):
        return "" if math.isnan(v) else repr(v)
    if isinstance(v, int):
        return str(v)
    if isinstance(v, decimal.Decimal):
        return "" if v.is_nan() else str(v)
    if isinstance(v, (list, tuple)):
        return ";".join(_cell(x) for x in v)
    if type(v).__module__ == "numpy":
        if getattr(v, "ndim", 0) > 0:
            return ";".join(_cell(x) for x in v.tolist())
        return _cell(v.item())
    if type(v).__name__ in ("NAType", "NaTType"):
        return ""
    return str(v)


def _cells(values: Sequence[Any]) -> _Column:
    """A column of Python values as one joined text (or a list when a cell holds SEP)."""
    texts = [_cell(v) for v in values]
    joined = SEP.join(texts)
    if joined.count(SEP) == max(len(texts) - 1, 0):
        return joined
    return texts


def _checked(joined: str, n: int, fallback: Callable[[], _Column]) -> _Column:
    """``joined`` when it splits back into ``n`` cells, else the column cell by cell."""
    if joined.count(SEP) == max(n - 1, 0):
        return joined
    return fallback()


def _arrow_text(arr: Any) -> Any:
    """A pyarrow array as large_string, lists joined by ';', nulls as ""."""
    import pyarrow as pa
    import pyarrow.compute as pc

    t = arr.type
    if pa.types.is_list(t) or pa.types.is_large_list(t) or pa.types.is_fixed_size_list(t):
        arr = pc.binary_join(pc.cast(arr, pa.list_(pa.string())), ";")
    elif pa.types.is_floating(t):
        arr = pc.if_else(pc.is_nan(arr), pa.scalar(None, t), arr)
    if arr.type != pa.large_string():
        arr = pc.cast(arr, pa.large_string())
    return pc.fill_null(arr, "")


def _arrow_column(arr: Any) -> _Column:
    """A pyarrow array (or chunked array) as one joined text, built by Arrow itself."""
    import pyarrow as pa
    import pyarrow.compute as pc

    if isinstance(arr, pa.ChunkedArray):
        arr = arr.combine_chunks() if arr.num_chunks else pa.array([], arr.type)
    n = len(arr)
    text = _arrow_text(arr)
    one = pa.LargeListArray.from_arrays(pa.array([0, n], pa.int64()), text)
    joined = pc.binary_join(one, pa.scalar(SEP, pa.large_string()))[0].as_py()
    return _checked(joined, n, lambda: text.to_pylist())


# ---------------------------------------------------------------- pandas


def _pandas_column(series: Any) -> _Column:
    try:
        import pyarrow as pa
    except ImportError:
        return _cells(series.tolist())
    try:
        arr = pa.array(series, from_pandas=True)
        return _arrow_column(arr)
    except (pa.ArrowException, TypeError, ValueError):
        return _cells(series.tolist())


def _score_pandas(scheme: "Scheme", df: Any) -> Any:
    import pandas as pd

    headers = [str(c) for c in df.columns]
    columns = [_pandas_column(df.iloc[:, i]) for i in range(df.shape[1])]
    result = scheme._score_table(headers, columns, len(df))
    index = df.index
    try:
        import pyarrow as pa
    except ImportError:
        pa = None
    text_dtype: Any = "str" if int(pd.__version__.split(".")[0]) >= 3 else object
    data = {}
    for name, is_decimal, scale, cells in result:
        if not is_decimal:
            data[name] = pd.Series(cells, index=index, dtype=text_dtype)
        elif pa is not None and scale <= _MAX_ARROW_SCALE:
            arr = pa.array(cells, pa.string()).cast(pa.decimal128(38, scale))
            data[name] = pd.Series(
                pd.arrays.ArrowExtensionArray(arr), index=index, copy=False
            )
        else:
            data[name] = pd.Series(
                [None if c is None else decimal.Decimal(c) for c in cells],
                index=index,
                dtype=object,
            )
    return pd.DataFrame(data, index=index)


# ---------------------------------------------------------------- polars


def _polars_column(series: Any) -> _Column:
    import polars as pl

    s = series
    dtype = s.dtype
    try:
        if isinstance(dtype, (pl.List, pl.Array)):
            s = s.cast(pl.List(pl.String)).list.join(";")
        elif dtype.is_float():
            s = s.fill_nan(None)
        text = s.cast(pl.String).fill_null("")
        joined = text.str.join(SEP).item()
    except Exception:  # noqa: BLE001 (object columns and the like: cell by cell)
        return _cells(series.to_list())
    return _checked(joined if joined is not None else "", len(series), lambda: text.to_list())


def _score_polars(scheme: "Scheme", df: Any) -> Any:
    import polars as pl

    headers = list(df.columns)
    columns = [_polars_column(df.get_column(c)) for c in headers]
    result = scheme._score_table(headers, columns, df.height)
    out = []
    for name, is_decimal, scale, cells in result:
        s = pl.Series(name, cells, dtype=pl.String)
        if is_decimal:
            s = s.cast(pl.Decimal(38, scale))
        out.append(s)
    return pl.DataFrame(out)


# ---------------------------------------------------------------- pyarrow


def _score_arrow(scheme: "Scheme", table: Any) -> Any:
    import pyarrow as pa

    if isinstance(table, pa.RecordBatch):
        table = pa.Table.from_batches([table])
    headers = list(table.column_names)
    columns = [_arrow_column(table.column(i)) for i in range(table.num_columns)]
    result = scheme._score_table(headers, columns, table.num_rows)
    arrays = []
    for _name, is_decimal, scale, cells in result:
        arr = pa.array(cells, pa.string())
        if is_decimal:
            arr = arr.cast(pa.decimal128(38, scale))
        arrays.append(arr)
    return pa.table(arrays, names=[r[0] for r in result])
