"""How spreadsheets could read a CSV file we export, to check that none of them runs a cell.

Excel opens a ``.csv`` with the list separator of the reader's locale: ``,`` in English and
Chinese, ``;`` in much of Europe (where ``,`` is the decimal mark); import dialogs also offer tab
and ``|``. A reader that honours quotes only at the start of a cell (Excel, LibreOffice, Python's
``csv``) and one that ignores quotes altogether (the worst case) both split our lines at every
such separator, so every piece must stay text.
"""

from __future__ import annotations

import csv
import io
import re

SEPARATORS = (",", ";", "\t", "|")
# what spreadsheets read as the start of a formula (full-width forms too: IMEs type them)
FORMULA_STARTS = "=+-@＝＋－＠"
_LEADING = re.compile(r'^[\s"]+')  # spaces and quotes a reader may skip before the formula
# a number we wrote (-2) is not a formula, even where a reader's cell goes on past our comma
_NUMBER = re.compile(r"[+-]?[0-9]+(\.[0-9]+)?(,|\s|$)")


def quoting(text: str, separator: str) -> list[str]:
    """The cells of a reader that honours quotes where a cell starts with one."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=separator)
    return [cell for row in reader for cell in row]


def naive(text: str, separator: str) -> list[str]:
    """The cells of a reader that ignores quotes: every line break and separator splits."""
    return [cell for line in text.splitlines() for cell in line.split(separator)]


def formulas(text: str) -> list[tuple[str, str]]:
    """Every ``(separator, cell)`` some reader above would run as a formula; ``[]`` if none."""
    found = []
    for separator in SEPARATORS:
        for read in (quoting, naive):
            found += [(separator, cell) for cell in read(text, separator) if _runs(cell)]
    return found


def _runs(cell: str) -> bool:
    start = _LEADING.sub("", cell)
    return bool(start) and start[0] in FORMULA_STARTS and not _NUMBER.match(start)
