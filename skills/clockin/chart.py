"""Month charts as PNG images (Pillow): a calendar heatmap for one person, a grid of people by
day for a team; one colour per status, field days marked, a legend under it. Pure and blocking:
call it through :func:`skills.clockin.report.offload`."""

from __future__ import annotations

import calendar
import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from skills.clockin.models import FIELD, Day

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
INK, MARK = "#212121", "#263238"
MARGIN, TITLE_H, HEAD_H, GAP, LEGEND_ROW = 16, 34, 20, 4, 22
CELL, GRID_CELL, NAME_W = 56, 18, 120
LEGEND_COLUMNS = 4
CJK_FONTS = (
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/System/Library/Fonts/PingFang.ttc",
    "C:/Windows/Fonts/msyh.ttc",
)


@dataclass(frozen=True)
class Label:
    """A text in the reader's language, and in English where no font can draw it."""

    text: str
    english: str


@dataclass(frozen=True)
class Legend:
    statuses: dict[str, Label]  # status -> its name
    field: Label
    weekdays: Sequence[Label]  # Monday first


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


def person_month(title: Label, first: date, rows: Sequence[Day], legend: Legend) -> bytes:
    """One person's month as a calendar: a week a row, Monday first."""
    image = Image.new("RGB", person_size(), "white")
    draw = ImageDraw.Draw(image)
    _text(draw, (MARGIN, MARGIN), title, 18)
    by_day = {r.day: r for r in rows}
    top = MARGIN + TITLE_H
    for col, name in enumerate(legend.weekdays):
        _text(draw, (MARGIN + col * (CELL + GAP) + 4, top), name, 12)
    weeks = calendar.Calendar().monthdatescalendar(first.year, first.month)
    for row_i, week in enumerate(weeks):
        for col, day in enumerate(week):
            if day.month != first.month:
                continue
            x = MARGIN + col * (CELL + GAP)
            y = top + HEAD_H + row_i * (CELL + GAP)
            _cell(draw, (x, y, x + CELL, y + CELL), by_day.get(day))
            draw.text((x + 4, y + 3), str(day.day), fill=INK, font=_font(13))
    _legend(draw, top + HEAD_H + 6 * CELL + 5 * GAP + GAP, legend)
    return _png(image)


def team_month(
    title: Label, first: date, last: date, people: Sequence[tuple[str, Sequence[Day]]],
    legend: Legend,
) -> bytes:  # fmt: skip
    """A team's month: a row per person (their handle), a column per day."""
    days = (last - first).days + 1
    image = Image.new("RGB", team_size(len(people), days), "white")
    draw = ImageDraw.Draw(image)
    _text(draw, (MARGIN, MARGIN), title, 18)
    top = MARGIN + TITLE_H
    left = MARGIN + NAME_W
    for d in range(days):
        if d % 5 == 0 or d == days - 1:
            draw.text((left + d * GRID_CELL + 2, top + 4), str(d + 1), fill=INK, font=_font(11))
    for i, (name, rows) in enumerate(people):
        y = top + HEAD_H + i * GRID_CELL
        draw.text((MARGIN, y + 3), name[:16], fill=INK, font=_font(12))
        by_day = {r.day.day: r for r in rows}
        for d in range(days):
            x = left + d * GRID_CELL
            _cell(draw, (x, y, x + GRID_CELL - 2, y + GRID_CELL - 2), by_day.get(d + 1))
    _legend(draw, top + HEAD_H + len(people) * GRID_CELL + GAP, legend)
    return _png(image)


def _cell(draw: ImageDraw.ImageDraw, box: tuple[int, int, int, int], row: Day | None) -> None:
    colour = COLOURS.get(row.status, EMPTY) if row is not None else EMPTY
    draw.rectangle(box, fill=colour, outline="#bdbdbd")
    if row is not None and row.mode == FIELD:
        x1, _y1, x2, y2 = box
        size = max(5, (x2 - x1) // 4)
        draw.polygon([(x2 - size, y2), (x2, y2), (x2, y2 - size)], fill=MARK)


def _legend(draw: ImageDraw.ImageDraw, top: int, legend: Legend) -> None:
    items: list[tuple[str | None, Label]] = [(s, legend.statuses[s]) for s in COLOURS]
    items.append((None, legend.field))
    width = (person_size()[0] - 2 * MARGIN) // LEGEND_COLUMNS
    for i, (status, label) in enumerate(items):
        x = MARGIN + (i % LEGEND_COLUMNS) * width
        y = top + (i // LEGEND_COLUMNS) * LEGEND_ROW
        box = (x, y + 3, x + 14, y + 17)
        if status is None:
            draw.rectangle(box, fill=COLOURS["present"], outline="#bdbdbd")
            draw.polygon([(x + 8, y + 17), (x + 14, y + 17), (x + 14, y + 11)], fill=MARK)
        else:
            draw.rectangle(box, fill=COLOURS[status], outline="#bdbdbd")
        _text(draw, (x + 19, y + 3), label, 12)


def _text(draw: ImageDraw.ImageDraw, xy: tuple[int, int], label: Label, size: int) -> None:
    cjk = _cjk_font(size)
    if cjk is not None:
        draw.text(xy, label.text, fill=INK, font=cjk)
    else:
        text = label.text if label.text.isascii() else label.english
        draw.text(xy, text, fill=INK, font=_font(size))


@cache
def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    return ImageFont.load_default(size=size)


@cache
def _cjk_font(size: int) -> ImageFont.FreeTypeFont | None:
    for path in CJK_FONTS:
        if Path(path).exists():
            return ImageFont.truetype(path, size)
    return None


def _png(image: Image.Image) -> bytes:
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()
