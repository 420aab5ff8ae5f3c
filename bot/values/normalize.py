"""Before parsing: fold full-width characters, case and spacing, and read small Chinese numerals.
(How an input is quoted back in a refusal: :func:`bot.errors.excerpt`.)
"""

from __future__ import annotations

import re
import unicodedata

MAX_INPUT = 64  # characters; longer input is never a value

_ZH_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "兩": 2, "三": 3, "四": 4, "五": 5}
_ZH_DIGITS |= {"六": 6, "七": 7, "八": 8, "九": 9}
_ZH_NUMERAL = re.compile("[零〇一二两兩三四五六七八九十]+")


def _zh_numeral(match: re.Match[str]) -> str:
    """``十二`` -> ``12``, ``二〇二六`` -> ``2026``; left alone if it is not a plain number."""
    run = match.group()
    head, ten, tail = run.partition("十")
    if not ten:
        number = "".join(str(_ZH_DIGITS[c]) for c in run)
    elif len(head) > 1 or len(tail) > 1 or tail == "十":
        return run
    else:
        number = str(_ZH_DIGITS.get(head, 1) * 10 + _ZH_DIGITS.get(tail, 0))
    following = match.string[match.end() : match.end() + 1]
    return number + " " if following and following in "0123456789" else number


def _norm(s: str) -> str:
    """Fold width and case, collapse spaces, read Chinese numerals; ``""`` if far too long."""
    text = unicodedata.normalize("NFKC", s[: MAX_INPUT * 2]).lower()
    text = re.sub(r"\s+", " ", text).strip()
    if len(text) > MAX_INPUT:
        return ""
    return _ZH_NUMERAL.sub(_zh_numeral, text)
