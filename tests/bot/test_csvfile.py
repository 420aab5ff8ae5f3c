"""Report files: Excel reads them right, and text people typed never runs as a formula — whatever
separator the reader's spreadsheet splits the lines at."""

import csv
import io

from hypothesis import given
from hypothesis import strategies as st

from bot.csvfile import csv_bytes
from tests.spreadsheet import FORMULA_STARTS, formulas


def test_text_that_starts_a_formula_stays_text():
    data = csv_bytes(["title", "n"], [['=HYPERLINK("http://x")', 3], ["-2+3", -2], ["fine", 0]])
    assert data.startswith(b"\xef\xbb\xbf")  # the BOM, so Excel reads Chinese right
    assert data.decode("utf-8-sig").splitlines() == [
        "title,n",
        '"\'=HYPERLINK(""http://x"")",3',  # quoted, as CSV does with quotes inside
        "'-2+3,-2",  # numbers stay numbers
        "fine,0",
    ]


def test_a_formula_after_a_semicolon_stays_text_where_excel_splits_at_semicolons():
    data = csv_bytes(["mode", "place"], [["field", "x;=1+1;"], ["field", 'a,b; "@SUM(1)"|-3+4']])
    text = data.decode("utf-8-sig")
    assert text.splitlines() == [
        "mode,place",
        "field,x;'=1+1;",
        'field,"a,b; ""\'@SUM(1)""|\'-3+4"',
    ]
    assert formulas(text) == []
    assert [row[1] for row in csv.reader(io.StringIO(text))][1:] == [
        "x;'=1+1;",  # read with commas, the cell is what was typed and an apostrophe
        "a,b; \"'@SUM(1)\"|'-3+4",
    ]


# what people type into a note, a place or a reason: separators, formula starts, quotes, spaces,
# line breaks, and anything else text can hold (not lone surrogates: no database stores them)
PIECES = st.sampled_from([*FORMULA_STARTS, *",;\t|", "\r\n", "\n", "\r", '"', "'", " ", "　"])
ANY = st.characters(exclude_categories=["Cs"])
CELL = st.lists(PIECES | ANY, max_size=12).map("".join)
ROWS = st.lists(st.lists(CELL | st.integers(-5, 5), min_size=1, max_size=4), max_size=4)


@given(ROWS)
def test_no_spreadsheet_runs_a_cell_whatever_its_separator(rows):
    text = csv_bytes(["a", "b"], rows).decode("utf-8-sig")
    assert formulas(text) == []


@given(ROWS)
def test_read_back_each_cell_is_what_was_typed_with_at_most_apostrophes_added(rows):
    text = csv_bytes(["a", "b"], rows).decode("utf-8-sig")
    read = list(csv.reader(io.StringIO(text, newline="")))
    assert len(read) == 1 + len(rows)
    for typed, cells in zip(rows, read[1:], strict=True):
        assert [c.replace("'", "") for c in cells] == [str(v).replace("'", "") for v in typed]


@given(CELL.filter(lambda s: not set(s) & set(FORMULA_STARTS)))
def test_text_without_a_formula_start_is_written_as_typed(cell):
    text = csv_bytes(["a"], [[cell]]).decode("utf-8-sig")
    assert list(csv.reader(io.StringIO(text, newline="")))[1] == [cell]
