"""Month charts as a reader sees them: every text in the reader's language, every character in a
font that has its glyph (none drawn as the font's missing-glyph box), long names kept out of the
grid."""

import io

import pytest
from PIL import Image, ImageDraw, ImageFont

from skills.clockin import chart
from skills.clockin import skill as clockin
from tests.skills.clockin_fixtures import TEAM, utc

DECEMBER = utc(2026, 12, 1, 2, 0)  # Tue 1 Dec 10:00 in Shanghai
LONG = "w" * 32  # the longest person id the config takes, and a wide letter
CONFIGS = {
    "en": TEAM,
    "zh": TEAM.replace("{id: alice,", "{language: zh, id: alice,").replace(
        "{id: mike,", "{language: zh, id: mike,"
    ),
}
WORDS = {  # some of what each chart must show, in the reader's language
    "en": {
        "person": ["Attendance December 2026 — @alice", "Mon", "Tue", "Sun"],
        "team": ["Attendance December 2026 — team eng", "alice", "mike"],
        "legend": ["present", "late", "left early", "absent", "on leave", "field"],
    },
    "zh": {
        "person": ["2026年12月考勤 — @alice", "周一", "周二", "周日"],
        "team": ["2026年12月考勤 — eng 团队", "alice", "mike"],
        "legend": ["正常", "迟到", "早退", "缺勤", "请假", "外勤"],
    },
}


@pytest.fixture
def drawn(monkeypatch):
    """Every text drawn on a chart, with the font it was drawn in."""
    texts: list[tuple[str, ImageFont.FreeTypeFont | ImageFont.ImageFont]] = []
    draw_text = ImageDraw.ImageDraw.text

    def spy(self, xy, text, *args, **kwargs):
        texts.append((text, kwargs.get("font") or self.getfont()))
        return draw_text(self, xy, text, *args, **kwargs)

    monkeypatch.setattr(ImageDraw.ImageDraw, "text", spy)
    return texts


def missing_glyphs(text: str, font) -> list[str]:
    """The characters of ``text`` that ``font`` has no glyph for: drawn as its .notdef glyph
    (the box a noncharacter gets), or as nothing at all though they are not spaces."""
    notdef = _bitmap(font, "\uffff")
    return sorted(
        ch
        for ch in set(text)
        if not ch.isspace() and (_bitmap(font, ch) == notdef or not any(_bitmap(font, ch)[1]))
    )


def _bitmap(font, ch: str) -> tuple[tuple[int, int], bytes]:
    mask = font.getmask(ch)
    return mask.size, bytes(mask)


def test_the_check_finds_what_a_font_cannot_draw():
    latin_only = ImageFont.load_default(size=12)  # what charts fell back to without a CJK font
    assert missing_glyphs("Attendance 2026-11 — 考勤", latin_only) == ["—", "勤", "考"]
    assert missing_glyphs("Attendance 2026-11 — 考勤", chart.font_for("Noto Sans CJK SC", 12)) == []


@pytest.mark.parametrize("language", ["en", "zh"])
async def test_charts_are_drawn_in_the_readers_language_with_every_glyph(deskmate, drawn, language):
    chat = await deskmate(clockin, config=CONFIGS[language], start=DECEMBER)
    await chat.say("alice", "/in")
    await chat.say("mike", "/in field Client HQ")
    words = WORDS[language]

    person = (await chat.say("alice", "/attendance chart", dm=True)).one()
    assert Image.open(io.BytesIO(person.message.files[0].content)).size == (448, 512)
    texts = [text for text, _font in drawn]
    assert set(words["person"] + words["legend"]) <= set(texts), texts
    assert [str(day) for day in range(1, 32)] == [t for t in texts if t.isdigit()]
    drawn_person = len(drawn)

    team = (await chat.say("mike", "/attendance chart team:eng", dm=True)).one()
    # four people by 31 days
    assert Image.open(io.BytesIO(team.message.files[0].content)).size == (710, 232)
    texts = [text for text, _font in drawn[drawn_person:]]
    assert set(words["team"] + words["legend"]) <= set(texts), texts

    other = "zh" if language == "en" else "en"
    assert not set(WORDS[other]["legend"]) & {text for text, _font in drawn}
    missing = {text: m for text, font in drawn if (m := missing_glyphs(text, font))}
    assert missing == {}


async def test_a_long_name_is_shortened_before_the_grid(deskmate):
    config = TEAM.replace("- {id: dave, team: eng}", f"- {{id: {LONG}, team: eng}}")
    chat = await deskmate(clockin, config=config, start=DECEMBER)
    out = (await chat.say("mike", "/attendance chart team:eng", dm=True)).one()
    image = Image.open(io.BytesIO(out.message.files[0].content)).convert("RGB")
    # the rows, sorted by handle: alice, bob, mike, www…; the gutter before the grid and the
    # first day's cell of each row hold no ink (the cells here are pale: not in yet, no record)
    grid = chart.MARGIN + chart.NAME_W
    top = chart.MARGIN + chart.TITLE_H + chart.HEAD_H
    for row in range(4):
        y0 = top + row * chart.GRID_CELL
        for x in range(grid - 5, grid + chart.GRID_CELL - 2):
            for y in range(y0, y0 + chart.GRID_CELL - 2):
                assert max(image.getpixel((x, y))) > 150, (row, x, y)


async def test_a_team_chart_shows_each_day_in_its_status_colour(deskmate):
    """The team chart is stored in a palette of its colours (a small file, fast to make): each
    cell keeps its status's exact colour, and a field day its mark."""
    chat = await deskmate(clockin, config=TEAM, start=DECEMBER)
    await chat.say("alice", "/in")
    await chat.say("mike", "/in field Client HQ")
    out = (await chat.say("mike", "/attendance chart team:eng", dm=True)).one()
    image = Image.open(io.BytesIO(out.message.files[0].content)).convert("RGB")
    grid = chart.MARGIN + chart.NAME_W
    top = chart.MARGIN + chart.TITLE_H + chart.HEAD_H

    def hex_at(row: int, x: int, y: int) -> str:
        return "#{:02x}{:02x}{:02x}".format(
            *image.getpixel((grid + x, top + row * chart.GRID_CELL + y))
        )

    corner = chart.GRID_CELL - 3  # the bottom right of a cell: a field day's mark
    # rows by handle: alice (in), bob and dave (not in yet), mike (in, in the field)
    assert [hex_at(row, 8, 8) for row in range(4)] == [
        chart.COLOURS["open"],
        chart.COLOURS["not_in"],
        chart.COLOURS["not_in"],
        chart.COLOURS["open"],
    ]
    assert [hex_at(row, corner, corner) for row in (0, 3)] == [chart.COLOURS["open"], chart.MARK]
