"""Rendered text as spans, so markup written by translators and text typed by users never mix.

A translated template may use ``*bold*``, ``_italic_`` and `` `code` ``; placeholder values are
inserted as plain spans (a task title containing ``*`` or ``<b>`` stays literal). Adapters turn
spans into Slack mrkdwn, Telegram HTML or console text, escaping each span's text their own way.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Any, Protocol

from bot.texts import Locale, Mention, Text, TextLike, _, format_value


class Translator(Protocol):
    """What rendering needs of a translator (:class:`bot.i18n.Translator` is one): a text's
    template in a language."""

    def template(self, text: Text, language: str) -> str: ...


@dataclass(frozen=True)
class Span:
    """A run of text with one style; ``mention`` is set for a person, ``link`` for a URL."""

    text: str
    bold: bool = False
    italic: bool = False
    code: bool = False
    mention: Mention | None = None
    link: str | None = None


@dataclass(frozen=True)
class Link:
    """A link value for a placeholder: shown as ``label`` pointing at ``url``."""

    url: str
    label: str


@dataclass(frozen=True)
class Lines:
    """A placeholder value shown one item per line (a list is joined with commas)."""

    items: Sequence[Any]


Spans = list[Span]

LEFT = _(" (left)")  # after the mention of someone who left the organisation


def render(text: TextLike, translator: Translator, loc: Locale) -> Spans:
    """Render a text for a reader into spans."""
    if isinstance(text, str):
        return [Span(text)] if text else []
    template = translator.template(text, loc.language)
    return _merged(_render_template(template, text.params, translator, loc))


def _merged(spans: Spans) -> Spans:
    """Neighbouring spans of the same style become one (``*Help for /quiet*``, not two)."""
    out: Spans = []
    for s in spans:
        prev = out[-1] if out else None
        if (
            prev is not None
            and not (prev.mention or prev.link or s.mention or s.link)
            and (prev.bold, prev.italic, prev.code) == (s.bold, s.italic, s.code)
        ):
            out[-1] = Span(prev.text + s.text, prev.bold, prev.italic, prev.code)
        else:
            out.append(s)
    return out


Style = tuple[bool, bool, bool]  # bold, italic, code
Piece = tuple[str | None, str, Style]  # (None, text, style) or (placeholder, "{name}", style)
_PLAIN: Style = (False, False, False)
_STYLE_OF = {"*": 0, "_": 1, "`": 2}  # the toggle's place in a Style


@lru_cache(maxsize=4096)
def _pieces(template: str) -> tuple[Piece, ...]:
    """A template read once: its literal runs and placeholders, each with the style it is in.
    The style depends on the template alone (a value never toggles it), so rendering a template
    again only fills in the values."""
    pieces: list[Piece] = []
    style = [False, False, False]
    buf: list[str] = []

    def flush() -> None:
        if buf:
            pieces.append((None, "".join(buf), (style[0], style[1], style[2])))
            buf.clear()

    i, n = 0, len(template)
    while i < n:
        ch = template[i]
        if ch in "{}" and i + 1 < n and template[i + 1] == ch:
            buf.append(ch)
            i += 2
            continue
        if ch == "{":
            end = template.find("}", i)
            if end == -1:
                buf.append(template[i:])
                break
            flush()
            name = template[i + 1 : end]
            pieces.append((name, "{" + name + "}", (style[0], style[1], style[2])))
            i = end + 1
            continue
        if ch in _STYLE_OF and _is_toggle(template, i, style[_STYLE_OF[ch]]):
            flush()
            style[_STYLE_OF[ch]] = not style[_STYLE_OF[ch]]
            i += 1
            continue
        buf.append(ch)
        i += 1
    flush()
    return tuple(pieces)


def _render_template(template: str, params: Any, translator: Translator, loc: Locale) -> Spans:
    spans: Spans = []
    for name, text, style in _pieces(template):
        if name is not None and name in params:
            spans.extend(_value_spans(params[name], translator, loc, style))
        else:  # a literal run, or a placeholder without a value (shown as written)
            spans.append(Span(text, *style))
    return spans


def _is_toggle(template: str, i: int, opening_closed: bool) -> bool:
    """``_`` toggles italics only at a word boundary (so ``snake_case`` stays as written)."""
    if template[i] != "_":
        return True
    before = template[i - 1] if i > 0 else " "
    after = template[i + 1] if i + 1 < len(template) else " "
    if opening_closed:  # closing: must not be followed by a word character
        return not after.isalnum()
    return not before.isalnum() and after not in " \t\n"


def _value_spans(value: Any, translator: Translator, loc: Locale, style: Style) -> Spans:
    if isinstance(value, Text):
        spans = render(value, translator, loc)
        return spans if style == _PLAIN else [_styled(s, style) for s in spans]
    if isinstance(value, Mention):
        spans = [Span(f"@{value.name}", *style, mention=value)]
        if value.left:  # their history stays, marked as left
            spans.append(Span(translator.template(LEFT, loc.language), *style))
        return spans
    if isinstance(value, Link):
        return [Span(value.label, *style, link=value.url)]
    if isinstance(value, Lines):
        return _joined(value.items, "\n", translator, loc, style)
    if isinstance(value, list | tuple):
        return _joined(value, "、" if loc.language == "zh" else ", ", translator, loc, style)
    return [Span(format_value(value, loc), *style)]


def _joined(
    value: Sequence[Any], sep: str, translator: Translator, loc: Locale, style: Style
) -> Spans:
    out: Spans = []
    for k, item in enumerate(value):
        if k:
            out.append(Span(sep, *style))
        out.extend(_value_spans(item, translator, loc, style))
    return out


def _styled(span: Span, style: Style) -> Span:
    return replace(
        span,
        bold=span.bold or style[0],
        italic=span.italic or style[1],
        code=span.code or style[2],
    )


def split_at_lines(spans: Spans, most: int, size: Callable[[Spans], int]) -> list[Spans]:
    """Spans as chunks of whole lines for a platform that takes at most ``most`` (``size`` of
    the chunk, as the platform counts it) in one message or block: a long ``/help``. A styled
    span across a line end becomes a span on each line; a single line over ``most`` is a chunk
    of its own, for the platform to cut."""
    lines: list[Spans] = [[]]
    for span in spans:
        first, *rest = span.text.split("\n")
        if first:
            lines[-1].append(replace(span, text=first))
        for piece in rest:
            lines.append([replace(span, text=piece)] if piece else [])
    chunks: list[Spans] = [[]]
    used = 0
    for line in lines:
        length = size(line)
        if chunks[-1] and used + 1 + length > most:
            chunks.append([])
            used = 0
        if chunks[-1]:
            chunks[-1].append(Span("\n"))
            used += 1
        chunks[-1].extend(line)
        used += length
    return chunks


def plain_text(spans: Spans) -> str:
    """Spans as plain text: no markup, mentions as ``@name``, links as ``label (url)``."""
    out = []
    for s in spans:
        out.append(f"{s.text} ({s.link})" if s.link and s.link != s.text else s.text)
    return "".join(out)
