"""Bar charts drawn as SVG on the server: no JavaScript, readable on a 360 px phone.

The drawing is 360 units wide (a phone's width), so its 12-unit text is about 12 px there and
grows with the screen. Charts come with their figures in words or a table for screen readers.
"""

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from django.utils import formats
from django.utils.translation import pgettext

WIDTH = 360
LEFT = 44  # room for the value axis' labels
RIGHT = 24  # room for half the last time label
TOP = 8
BOTTOM = 30  # room for the time axis' labels
PLOT_HEIGHT = 140
ROW_HEIGHT = 34  # a category: its label above, its bar below


@dataclass(frozen=True)
class Tick:
    position: float
    label: str


@dataclass(frozen=True)
class Column:
    label: str
    value: int
    x: float
    y: float
    width: float
    height: float


@dataclass(frozen=True)
class ColumnChart:
    """Values over time: columns, a value axis with round ticks and a few time labels."""

    width: int
    height: int
    plot_left: int
    plot_right: int
    plot_bottom: int
    columns: list[Column]
    value_ticks: list[Tick]
    time_ticks: list[Tick]
    total: int


def _round_maximum(value: int) -> int:
    """The smallest 1, 2 or 5 times a power of ten at or above `value` (at least 1)."""
    if value <= 1:
        return 1
    power = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 5, 10):
        if step * power >= value:
            return step * power
    return 10 * power


def _short(number: int) -> str:
    if number >= 1_000_000:
        return f"{number / 1_000_000:g}M"
    if number >= 10_000:
        return f"{number / 1000:g}k"
    return f"{number:,}"


def day_label(day: date) -> str:
    """A day as a chart's time axis writes it: short, in the reader's order ("Nov 8", "8 nov")."""
    return formats.date_format(day, pgettext("a short day on a chart's time axis", "M j"))


def column_chart(values: Sequence[tuple[str, int]], *, time_labels: int = 4) -> ColumnChart:
    """`values`: (label, value) in time order; about `time_labels` of the labels are written."""
    plot_width = WIDTH - LEFT - RIGHT
    top = _round_maximum(max((value for _label, value in values), default=0))
    slot = plot_width / max(len(values), 1)
    bottom = TOP + PLOT_HEIGHT
    columns = []
    for index, (label, value) in enumerate(values):
        height = PLOT_HEIGHT * value / top
        columns.append(
            Column(
                label=label,
                value=value,
                x=round(LEFT + index * slot + slot * 0.1, 1),
                y=round(bottom - height, 1),
                width=round(max(slot * 0.8, 1), 1),
                height=round(height, 1),
            )
        )
    # 0, the top, and the middle when it is a whole number: never two ticks with one label.
    value_ticks = [
        Tick(position=round(bottom - PLOT_HEIGHT * share / 2, 1), label=_short(top * share // 2))
        for share in (0, 1, 2)
        if top * share % 2 == 0
    ]
    every = max(math.ceil(len(values) / time_labels), 1)
    time_ticks = [
        Tick(position=round(column.x + column.width / 2, 1), label=column.label)
        for index, column in enumerate(columns)
        if index % every == 0 or (index == len(columns) - 1 and index % every > every / 2)
    ]
    return ColumnChart(
        width=WIDTH,
        height=TOP + PLOT_HEIGHT + BOTTOM,
        plot_left=LEFT,
        plot_right=LEFT + plot_width,
        plot_bottom=bottom,
        columns=columns,
        value_ticks=value_ticks,
        time_ticks=time_ticks,
        total=sum(value for _label, value in values),
    )


@dataclass(frozen=True)
class Bar:
    label: str
    value: int
    # Where the label is written (its baseline) and the bar drawn under it.
    label_y: float
    y: float
    width: float
    value_x: float


@dataclass(frozen=True)
class BarChart:
    """Categories (partners, sources, regions): each label on its own line above its bar, so
    long names need no room beside the bars on a narrow screen."""

    width: int
    height: int
    bars: list[Bar]


def bar_chart(values: Sequence[tuple[str, int]]) -> BarChart:
    """`values`: (label, value), drawn in the order given."""
    top = max((value for _label, value in values), default=0) or 1
    plot_width = WIDTH - 60  # room for the value after the bar
    bars = []
    for index, (label, value) in enumerate(values):
        row = TOP + index * ROW_HEIGHT
        width = round(plot_width * value / top, 1)
        bars.append(
            Bar(
                label=label,
                value=value,
                label_y=row + 12,
                y=row + 16,
                width=max(width, 1 if value else 0),
                value_x=width + 6,
            )
        )
    return BarChart(width=WIDTH, height=TOP + len(values) * ROW_HEIGHT + 4, bars=bars)
