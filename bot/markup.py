"""Rendered text as spans, so markup written by translators and text typed by users never mix.

A translated template may use ``*bold*``, ``_italic_`` and `` `code` ``; placeholder values are
inserted as plain spans (a task title containing ``*`` or ``<b>`` stays literal). Adapters turn
spans into Slack mrkdwn, Telegram HTML or console text, escaping each span's text their own way.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
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
_TOGGLES = {"*": "bold", "`": "code", "_": "italic"}


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
            out[-1] = replace(prev, text=prev.text + s.text)
        else:
            out.append(s)
    return out


def _render_template(template: str, params: Any, translator: Translator, loc: Locale) -> Spans:
    spans: Spans = []
    style = {"bold": False, "italic": False, "code": False}
    buf: list[str] = []

    def flush() -> None:
        if buf:
            spans.append(_span("".join(buf), style))
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
            name = template[i + 1 : end]
            flush()
            if name in params:
                spans.extend(_value_spans(params[name], translator, loc, style))
            else:
                spans.append(_span("{" + name + "}", style))
            i = end + 1
            continue
        if ch in _TOGGLES and _is_toggle(template, i, style[_TOGGLES[ch]]):
            flush()
            style[_TOGGLES[ch]] = not style[_TOGGLES[ch]]
            i += 1
            continue
        buf.append(ch)
        i += 1
    flush()
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


def _value_spans(value: Any, translator: Translator, loc: Locale, style: dict[str, bool]) -> Spans:
    if isinstance(value, Text):
        return [_styled(s, style) for s in render(value, translator, loc)]
    if isinstance(value, Mention):
        spans = [_span(f"@{value.name}", style, mention=value)]
        if value.left:  # their history stays, marked as left
            spans.append(_span(translator.template(LEFT, loc.language), style))
        return spans
    if isinstance(value, Link):
        return [_span(value.label, style, link=value.url)]
    if isinstance(value, Lines):
        return _joined(value.items, "\n", translator, loc, style)
    if isinstance(value, list | tuple):
        return _joined(value, "、" if loc.language == "zh" else ", ", translator, loc, style)
    return [_span(format_value(value, loc), style)]


def _joined(
    value: Sequence[Any], sep: str, translator: Translator, loc: Locale, style: dict[str, bool]
) -> Spans:
    out: Spans = []
    for k, item in enumerate(value):
        if k:
            out.append(_span(sep, style))
        out.extend(_value_spans(item, translator, loc, style))
    return out


def _span(
    text: str, style: dict[str, bool], *, mention: Mention | None = None, link: str | None = None
) -> Span:
    return Span(text, style["bold"], style["italic"], style["code"], mention, link)


def _styled(span: Span, style: dict[str, bool]) -> Span:
    return replace(
        span,
        bold=span.bold or style["bold"],
        italic=span.italic or style["italic"],
        code=span.code or style["code"],
    )


def plain_text(spans: Spans) -> str:
    """Spans as plain text: no markup, mentions as ``@name``, links as ``label (url)``."""
    out = []
    for s in spans:
        out.append(f"{s.text} ({s.link})" if s.link and s.link != s.text else s.text)
    return "".join(out)
