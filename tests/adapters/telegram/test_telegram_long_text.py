"""Telegram takes at most 4,096 characters of visible text a message, however long its markup:
a long message keeps its markup while what it shows fits, and is cut only past the limit."""

from adapters.telegram import render
from bot.markup import Span
from bot.messages import RenderedMessage


def message(*spans: Span) -> RenderedMessage:
    return RenderedMessage(text=list(spans), fields=[], buttons=[], files=[], context=[])


def test_markup_does_not_count_against_the_limit():
    lines = [Span(f"/command{i} — what it does\n", bold=i % 2 == 0) for i in range(140)]
    shown = "".join(s.text for s in lines)
    assert 3_500 < len(shown) < 4_096 < len(render.text(message(*lines)))
    body = render.text(message(*lines))
    assert body.startswith("<b>/command0 — what it does")
    assert "/command139" in body


def test_past_the_limit_the_visible_text_is_cut_there_and_never_inside_an_entity():
    body = render.text(message(Span("a < b & " * 600)))  # 4,800 visible characters
    assert body.endswith("…")
    assert "<" not in body.replace("&lt;", "")
    assert len(body.replace("&lt;", "<").replace("&amp;", "&")) == 4_096
