"""Report files: Excel reads them right, and text people typed never runs as a formula."""

from bot.csvfile import csv_bytes


def test_text_that_starts_a_formula_stays_text():
    data = csv_bytes(["title", "n"], [['=HYPERLINK("http://x")', 3], ["-2+3", -2], ["fine", 0]])
    assert data.startswith(b"\xef\xbb\xbf")  # the BOM, so Excel reads Chinese right
    assert data.decode("utf-8-sig").splitlines() == [
        "title,n",
        '"\'=HYPERLINK(""http://x"")",3',  # quoted, as CSV does with quotes inside
        "'-2+3,-2",  # numbers stay numbers
        "fine,0",
    ]
