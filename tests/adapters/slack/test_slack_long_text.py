"""Slack shows at most 3,000 characters in a section: a longer text (``/help`` with every skill
installed) is split into sections where lines end, none of it lost; the fields stay under it."""

from adapters.slack import render
from bot.markup import Span
from bot.messages import RenderedButton, RenderedMessage


def test_a_long_text_is_split_into_sections_where_lines_end():
    lines = [Span(f"/command{i} — what it does, at some length\n", bold=i == 0) for i in range(150)]
    long = RenderedMessage(
        text=lines,
        fields=[("Asked", [Span("today")])],
        buttons=[RenderedButton("Done", "tasks.done", "12", "primary")],
        files=[],
        context=[],
    )
    blocks = render.blocks(long)
    sections = [b for b in blocks if b["type"] == "section"]
    texts = [s["text"]["text"] for s in sections]
    assert len(sections) == 3
    assert all(len(t) <= render.SECTION_LIMIT for t in texts)
    assert texts[0].startswith("*/command0 — what it does, at some length*\n/command1")
    assert "\n".join(texts).count("/command") == 150  # none lost, none cut
    assert not any(t.endswith("…") for t in texts)
    assert "fields" in sections[-1]
    assert "fields" not in sections[0]
    assert blocks[-1]["type"] == "actions"


def test_a_text_that_fits_is_one_section():
    short = RenderedMessage(
        text=[Span("/help — all commands\n" * 10)], fields=[], buttons=[], files=[], context=[]
    )
    assert [b["type"] for b in render.blocks(short)] == ["section"]
