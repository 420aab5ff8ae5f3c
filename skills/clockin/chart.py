"""Month charts as PNG images (Pillow): a calendar heatmap for one person, a grid of people by
day for a team; one colour per status, field days marked, a legend under it. Pure and blocking:
call it through :func:`skills.clockin.report.offload`.

Every text is drawn in the reader's language, in Noto Sans CJK (the ``noto-cjk-sans-otc``
package, a dependency): one font with the Latin, Chinese and punctuation glyphs of both
languages, so a chart looks the same on every machine and no character is a missing-glyph box.

Pillow and the font's package are imported when the first chart is drawn, not with the skill:
a running bot that draws no chart does not carry them (a few megabytes resident)."""

from __future__ import annotations

import calendar
import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from functools import cache
from typing import TYPE_CHECKING

from skills.clockin.models import FIELD, Day

if TYPE_CHECKING:
    from PIL import Image, ImageDraw, ImageFont

COLOURS = {
    "present": "#43a047",
    "late": "#fb8c00",
    "early": "#fdd835",
    "missing_out": "#8e24aa",
    "absent": "#e53935",
    "leave": "#1e88e5",
    "holiday": "#90a4ae",
    "off": "#e0e0e0",
    "open": "#a5d6a7",
    "not_in": "#ef9a9a",
}
EMPTY = "#fafafa"  # no record (future days, or not scheduled)
INK, MARK, OUTLINE = "#212121", "#263238", "#bdbdbd"
MARGIN, TITLE_H, HEAD_H, GAP, LEGEND_ROW = 16, 34, 20, 4, 22
CELL, GRID_CELL, NAME_W = 56, 18, 120
LEGEND_COLUMNS = 4
FACES = {"zh": "Noto Sans CJK SC"}  # by language; Latin letters are the same in every face
DEFAULT_FACE = "Noto Sans CJK SC"
ELLIPSIS = "…"
PNG_LEVEL = 1  # zlib's fastest (see _png)


@dataclass(frozen=True)
class Labels:
    """A chart's texts, already in the reader's language."""

    language: str  # picks the font's face (Simplified Chinese shapes for zh)
    title: str
    weekdays: Sequence[str]  # Monday first
    statuses: Mapping[str, str]  # status -> its name
    field: str


def person_size() -> tuple[int, int]:
    width = 2 * MARGIN + 7 * CELL + 6 * GAP
    height = MARGIN + TITLE_H + HEAD_H + 6 * CELL + 5 * GAP + _legend_h() + MARGIN
    return width, height


def team_size(people: int, days: int) -> tuple[int, int]:
    width = max(2 * MARGIN + NAME_W + days * GRID_CELL, person_size()[0])
    height = MARGIN + TITLE_H + HEAD_H + people * GRID_CELL + GAP + _legend_h() + MARGIN
    return width, height


def _legend_h() -> int:
    items = len(COLOURS) + 1  # and the field mark
    return -(-items // LEGEND_COLUMNS) * LEGEND_ROW + GAP


def person_month(labels: Labels, first: date, rows: Sequence[Day]) -> bytes:
    """One person's month as a calendar: a week a row, Monday first."""
    from PIL import Image, ImageDraw

    image = Image.new("RGB", person_size(), "white")
    pen = _Pen(ImageDraw.Draw(image), labels.language)
    pen.text((MARGIN, MARGIN + TITLE_H // 2 - 4), labels.title, 18, image.width - 2 * MARGIN)
    by_day = {r.day: r for r in rows}
    top = MARGIN + TITLE_H
    for col, name in enumerate(labels.weekdays):
        pen.text((MARGIN + col * (CELL + GAP) + 4, top + HEAD_H // 2 - 2), name, 12, CELL - 4)
    weeks = calendar.Calendar().monthdatescalendar(first.year, first.month)
    for row_i, week in enumerate(weeks):
        for col, day in enumerate(week):
            if day.month != first.month:
                continue
            x = MARGIN + col * (CELL + GAP)
            y = top + HEAD_H + row_i * (CELL + GAP)
            _cell(pen.draw, (x, y, x + CELL, y + CELL), by_day.get(day))
            pen.text((x + 5, y + 11), str(day.day), 13, CELL - 5)
    _legend(pen, top + HEAD_H + 6 * CELL + 5 * GAP + GAP, labels)
    return _png(image)


def team_month(
    labels: Labels, first: date, last: date, people: Sequence[tuple[str, Sequence[Day]]]
) -> bytes:
    """A team's month: a row per person (their handle), a column per day."""
    from PIL import Image, ImageDraw

    days = (last - first).days + 1
    image = Image.new("RGB", team_size(len(people), days), "white")
    pen = _Pen(ImageDraw.Draw(image), labels.language)
    pen.text((MARGIN, MARGIN + TITLE_H // 2 - 4), labels.title, 18, image.width - 2 * MARGIN)
    top = MARGIN + TITLE_H
    left = MARGIN + NAME_W
    for d in range(days):
        if d % 5 == 0 or d == days - 1:
            pen.text((left + d * GRID_CELL + 2, top + HEAD_H // 2), str(d + 1), 11, 4 * GRID_CELL)
    cells: list[list[Day | None]] = []
    for i, (name, rows) in enumerate(people):
        pen.text((MARGIN, top + HEAD_H + i * GRID_CELL + GRID_CELL // 2 - 1), name, 12, NAME_W - 6)
        by_day = {r.day.day: r for r in rows}
        cells.append([by_day.get(d + 1) for d in range(days)])
    if cells:
        image.paste(_grid(cells, days), (left, top + HEAD_H))
    _legend(pen, top + HEAD_H + len(people) * GRID_CELL + GAP, labels)
    return _png(_flat(image))


def _cell(draw: ImageDraw.ImageDraw, box: tuple[int, int, int, int], row: Day | None) -> None:
    colour = COLOURS.get(row.status, EMPTY) if row is not None else EMPTY
    draw.rectangle(box, fill=colour, outline=OUTLINE)
    if row is not None and row.mode == FIELD:
        x1, _y1, x2, y2 = box
        _mark(draw, x2, y2, max(5, (x2 - x1) // 4))


def _grid(cells: Sequence[Sequence[Day | None]], days: int) -> Image.Image:
    """The cells of a team's grid, drawn as :func:`_cell` draws each but all at once (7,750
    cells for a team's month: a call each was a third of the chart): a pixel per cell holding
    its colour's index, blown up to cells, the outlines and the gaps between cells laid over it
    as the two highest indices (a per-pixel maximum), then the field marks."""
    from PIL import Image, ImageChops, ImageDraw

    colours: dict[str, int] = {}  # fill colour -> its index (below the outline's and white's)
    small = Image.new("L", (days, len(cells)))
    small.putdata(
        [
            colours.setdefault(COLOURS.get(r.status, EMPTY) if r else EMPTY, len(colours))
            for row in cells
            for r in row
        ]
    )
    size = (days * GRID_CELL, len(cells) * GRID_CELL)
    grid = small.resize(size, Image.Resampling.NEAREST)
    grid = ImageChops.lighter(grid, _lines(size, {0, GRID_CELL - 2}, 254))  # each cell's outline
    grid = ImageChops.lighter(grid, _lines(size, {GRID_CELL - 1}, 255))  # the gaps between cells
    palette = [*colours, *[EMPTY] * (253 - len(colours)), MARK, OUTLINE, "white"]
    grid.putpalette([v for colour in palette for v in _rgb(colour)])  # now a "P" image
    draw = ImageDraw.Draw(grid)
    for i, row in enumerate(cells):
        for d, r in enumerate(row):
            if r is not None and r.mode == FIELD:
                right, bottom = (d + 1) * GRID_CELL - 2, (i + 1) * GRID_CELL - 2
                _mark(draw, right, bottom, max(5, (GRID_CELL - 2) // 4), fill=253)
    return grid


def _lines(size: tuple[int, int], where: set[int], value: int) -> Image.Image:
    """``value`` on the grid's columns and rows at offsets ``where`` within each cell, else 0."""
    from PIL import Image, ImageChops

    width, height = size
    across, down = Image.new("L", (width, 1)), Image.new("L", (1, height))
    across.putdata([value if x % GRID_CELL in where else 0 for x in range(width)])
    down.putdata([value if y % GRID_CELL in where else 0 for y in range(height)])
    nearest = Image.Resampling.NEAREST
    return ImageChops.lighter(across.resize(size, nearest), down.resize(size, nearest))


def _rgb(colour: str) -> tuple[int, ...]:
    from PIL import ImageColor

    return ImageColor.getrgb(colour)[:3]


def _mark(
    draw: ImageDraw.ImageDraw, right: int, bottom: int, size: int, fill: str | int = MARK
) -> None:
    """A field day's mark: a triangle in the cell's bottom right corner (``fill``: its colour,
    or its index in a palette image)."""
    draw.polygon([(right - size, bottom), (right, bottom), (right, bottom - size)], fill=fill)


def _legend(pen: _Pen, top: int, labels: Labels) -> None:
    items: list[tuple[str | None, str]] = [(s, labels.statuses[s]) for s in COLOURS]
    items.append((None, labels.field))
    width = (person_size()[0] - 2 * MARGIN) // LEGEND_COLUMNS
    draw = pen.draw
    for i, (status, label) in enumerate(items):
        x = MARGIN + (i % LEGEND_COLUMNS) * width
        y = top + (i // LEGEND_COLUMNS) * LEGEND_ROW
        box = (x, y + 3, x + 14, y + 17)
        if status is None:
            draw.rectangle(box, fill=COLOURS["present"], outline=OUTLINE)
            draw.polygon([(x + 8, y + 17), (x + 14, y + 17), (x + 14, y + 11)], fill=MARK)
        else:
            draw.rectangle(box, fill=COLOURS[status], outline=OUTLINE)
        pen.text((x + 19, y + 10), label, 12, width - 19 - 4)


class _Pen:
    """Draws a line of text in the language's face, vertically centred on ``y``, shortened with
    an ellipsis to fit ``width`` (a long name never runs into the grid)."""

    def __init__(self, draw: ImageDraw.ImageDraw, language: str) -> None:
        self.draw = draw
        self.face = FACES.get(language, DEFAULT_FACE)

    def text(self, xy: tuple[int, int], text: str, size: int, width: int) -> None:
        font = font_for(self.face, size)
        self.draw.text(xy, _fit(text, font, width), fill=INK, font=font, anchor="lm")


def _fit(text: str, font: ImageFont.FreeTypeFont, width: int) -> str:
    if font.getlength(text) <= width:
        return text
    while text and font.getlength(text + ELLIPSIS) > width:
        text = text[:-1]
    return text.rstrip() + ELLIPSIS


@cache
def font_for(face: str, size: int) -> ImageFont.FreeTypeFont:
    """The font collection's face named ``face`` (e.g. ``Noto Sans CJK SC``), at ``size`` px."""
    from PIL import ImageFont

    return ImageFont.truetype(font_file(), size, index=_face_index(face))


@cache
def font_file() -> str:
    """The Noto Sans CJK collection's path: one face per region's glyph shapes."""
    import noto_cjk_sans_otc

    return str(noto_cjk_sans_otc.FONT_PATH)


@cache
def _face_index(face: str) -> int:
    from PIL import ImageFont

    index = 0
    while True:
        try:
            family, _style = ImageFont.truetype(font_file(), 12, index=index).getname()
        except OSError:
            raise LookupError(f"{font_file()} has no face {face!r}") from None
        if family == face:
            return index
        index += 1


@cache
def _palette() -> Image.Image:
    """The colours a team's chart is drawn in: its cells' and marks' colours, and a ramp of 128
    greys from the ink to white for the edges of its texts (all drawn on white)."""
    from PIL import Image, ImageColor

    named = [*COLOURS.values(), EMPTY, INK, MARK, OUTLINE, "white"]
    colours = [_rgb(c) for c in named]
    ink = ImageColor.getrgb(INK)
    colours += [tuple(round(v + (255 - v) * k / 127) for v in ink[:3]) for k in range(128)]
    palette = Image.new("P", (1, 1))
    palette.putpalette([v for colour in colours for v in colour])
    return palette


def _flat(image: Image.Image) -> Image.Image:
    """A team's chart in its :func:`_palette` (a byte a pixel instead of three, no dithering):
    every cell keeps its exact colour, text edges move by at most 4 of 255 in a channel, and
    the PNG is encoded five times faster and is a third of the size."""
    from PIL import Image

    return image.quantize(palette=_palette(), dither=Image.Dither.NONE)


def _png(image: Image.Image) -> bytes:
    """The image as a PNG, compressed fast: charts are flat colours, so zlib's quickest level
    leaves a file about a quarter bigger (a team's month: 300 KB instead of 240 KB) in half the
    time (the encoding was half of drawing a team's month)."""
    out = io.BytesIO()
    image.save(out, format="PNG", compress_level=PNG_LEVEL)
    return out.getvalue()
