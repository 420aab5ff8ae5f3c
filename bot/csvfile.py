"""CSV files for reports: UTF-8 with a BOM (so Excel reads Chinese right), and text a person typed
never runs as a spreadsheet formula in whoever opens the file, whatever separator their
spreadsheet splits the lines at.

Excel opens a ``.csv`` with the list separator of the reader's locale: ``,`` in English and
Chinese, but ``;`` in much of Europe, where ``x;=1+1`` becomes two cells, the second a formula.
Import dialogs also offer tab and ``|``, and a reader that ignores quotes splits inside them. So a
formula start (``=``, ``+``, ``-``, ``@``, also full-width) at the start of a cell, or after any of
those separators or a line break inside it (spaces and quotes may come between), gets an
apostrophe before it: the piece a spreadsheet cuts there stays text. Numbers stay numbers.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

FORMULA_STARTS = "=+-@＝＋－＠"
# where a spreadsheet may start a cell: the separators it offers, and every line break
SEPARATORS = ",;\t|\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"
_FORMULA = re.compile(f"[{re.escape(FORMULA_STARTS)}]")
_PIECES = re.compile(f"([{re.escape(SEPARATORS)}])")  # split, keeping the separators
_LEAD = re.compile(r'[\s"]*')  # spaces and quotes before a piece's first word


def csv_bytes(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> bytes:
    """The rows under ``header`` as CSV bytes.

    Example:
        >>> csv_bytes(["title"], [["=1+1"], ["x;=1+1"]]).decode("utf-8-sig").splitlines()
        ['title', "'=1+1", "x;'=1+1"]
    """
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows([_safe(value) for value in row] for row in rows)
    return out.getvalue().encode("utf-8-sig")


def _safe(value: Any) -> Any:
    """``value`` as a cell that no spreadsheet runs: numbers as they are, text with an apostrophe
    before each formula start a spreadsheet could cut a cell at."""
    if not isinstance(value, str):
        if value is None or isinstance(value, (int, float, Decimal)):
            return value
        value = str(value)
    if _FORMULA.search(value) is None:  # most cells: nothing to look at
        return value
    if _PIECES.search(value) is None:  # one piece whatever the separator (a date, a name)
        return _piece(value)
    pieces = _PIECES.split(value)  # a piece, a separator, a piece, ...
    pieces[::2] = [_piece(piece) for piece in pieces[::2]]
    return "".join(pieces)


def _piece(piece: str) -> str:
    match = _LEAD.match(piece)
    lead = match.end() if match else 0
    if lead < len(piece) and piece[lead] in FORMULA_STARTS:
        return f"{piece[:lead]}'{piece[lead:]}"
    return piece
