"""Splitting what was typed into words: quoted texts (``"..."``, ``“...”``, ``「...」``) stay one,
``key:"quoted value"`` options too, and each word keeps where it was (for the rest of the text)."""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Token:
    text: str
    start: int
    end: int
    quoted: bool = False
    index: int = 0  # position among all tokens, before options are taken out


_QUOTES = {'"': '"', "“": "”", "「": "」", "'": "'"}


def tokenize(text: str) -> list[Token]:
    """Split on white space; ``"quoted text"`` (also “…” and 「…」) and ``key:"quoted value"``
    are one token each. A quote that is never closed is just a character."""
    tokens: list[Token] = []
    i, n = 0, len(text)
    while i < n:
        if text[i].isspace():
            i += 1
            continue
        token = _quoted(text, i) or _word(text, i)
        tokens.append(Token(token.text, token.start, token.end, token.quoted, len(tokens)))
        i = token.end
    return tokens


_OPTION_QUOTE = re.compile(r"\w+:(?=[\"“「'])")


def _quoted(text: str, i: int) -> Token | None:
    prefix = ""
    m = _OPTION_QUOTE.match(text, i)
    if m:
        prefix = m.group()
    q = i + len(prefix)
    if q >= len(text) or text[q] not in _QUOTES:
        return None
    close = text.find(_QUOTES[text[q]], q + 1)
    if close == -1:
        return None
    return Token(prefix + text[q + 1 : close], i, close + 1, quoted=not prefix)


def _word(text: str, i: int) -> Token:
    j = i
    while j < len(text) and not text[j].isspace():
        j += 1
    return Token(text[i:j], i, j)


def rest_text(text: str, tokens: list[Token]) -> str:
    """The remaining tokens as typed: original spacing between neighbours, one space where an
    option was taken out; a single quoted token gives its inner text."""
    if len(tokens) == 1 and tokens[0].quoted:
        return tokens[0].text
    out = [text[tokens[0].start : tokens[0].end]]
    for prev, tok in itertools.pairwise(tokens):
        gap = text[prev.end : tok.start] if tok.index == prev.index + 1 else " "
        out.append(gap + text[tok.start : tok.end])
    return "".join(out).strip()
