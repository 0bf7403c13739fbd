"""A daily bar chart drawn as SVG on the server: no JavaScript, prints and screenshots well."""

from dataclasses import dataclass
from datetime import date

CHART_WIDTH = 600
CHART_HEIGHT = 160
LABEL_SPACE = 18


@dataclass(frozen=True)
class Bar:
    day: date
    count: int
    x: float
    y: float
    width: float
    height: float


def daily_bars(counts: list[tuple[date, int]]) -> list[Bar]:
    if not counts:
        return []
    tallest = max(count for _day, count in counts) or 1
    slot = CHART_WIDTH / len(counts)
    plot_height = CHART_HEIGHT - LABEL_SPACE
    bars = []
    for position, (day, count) in enumerate(counts):
        height = plot_height * count / tallest
        bars.append(
            Bar(
                day=day,
                count=count,
                x=round(position * slot + 1, 1),
                y=round(plot_height - height, 1),
                width=round(max(slot - 2, 1), 1),
                height=round(height, 1),
            )
        )
    return bars


@dataclass(frozen=True)
class DailyChart:
    bars: list[Bar]
    total: int
    # The day with the most confirmations (the latest, on a tie); None when every day had none.
    busiest: Bar | None


def daily_chart(counts: list[tuple[date, int]]) -> DailyChart:
    """The bars and the two figures written under them, for readers who cannot see the bars."""
    bars = daily_bars(counts)
    busiest = max(bars, key=lambda bar: (bar.count, bar.day), default=None)
    return DailyChart(
        bars=bars,
        total=sum(bar.count for bar in bars),
        busiest=busiest if busiest is not None and busiest.count else None,
    )
