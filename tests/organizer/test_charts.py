"""The dashboard's daily chart, and the figures written under it for readers who cannot see it."""

from datetime import date

from groundswell.organizer.charts import CHART_HEIGHT, LABEL_SPACE, daily_chart


def days(*counts: int) -> list[tuple[date, int]]:
    return [(date(2026, 11, day), count) for day, count in enumerate(counts, start=1)]


def test_the_tallest_bar_fills_the_plot_and_the_others_scale_with_it():
    chart = daily_chart(days(2, 8, 4))

    heights = [bar.height for bar in chart.bars]
    assert heights == [(CHART_HEIGHT - LABEL_SPACE) * share for share in (0.25, 1, 0.5)]


def test_the_summary_gives_the_total_and_the_busiest_day():
    chart = daily_chart(days(2, 8, 4))

    assert chart.total == 14
    assert (chart.busiest.day, chart.busiest.count) == (date(2026, 11, 2), 8)


def test_on_a_tie_the_latest_day_is_the_busiest():
    chart = daily_chart(days(5, 1, 5, 0))

    assert chart.busiest.day == date(2026, 11, 3)


def test_a_month_without_confirmations_has_no_busiest_day():
    chart = daily_chart(days(0, 0, 0))

    assert chart.total == 0
    assert chart.busiest is None
    assert all(bar.height == 0 for bar in chart.bars)


def test_no_days_no_bars():
    chart = daily_chart([])

    assert (chart.bars, chart.total, chart.busiest) == ([], 0, None)
