"""CSV files for reports: UTF-8 with a BOM (so Excel reads Chinese right), and text that would
start a spreadsheet formula (``=``, ``+``, ``-``, ``@``) kept as text — a title or a place a
person typed never runs in whoever opens the file."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from typing import Any

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_bytes(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> bytes:
    """The rows under ``header`` as CSV bytes.

    Example:
        >>> csv_bytes(["title"], [["=1+1"]]).decode("utf-8-sig").splitlines()
        ['title', "'=1+1"]
    """
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows([_safe(value) for value in row] for row in rows)
    return out.getvalue().encode("utf-8-sig")


def _safe(value: Any) -> Any:
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value
