"""The count's history: /p/<slug>/history.json (per day and per hour) and the chart under the
petition's count."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from groundswell.campaigns.models import CampaignStatus
from groundswell.core.svg_charts import _round_maximum, bar_chart, column_chart
from groundswell.signatures.history import hourly_confirmed
from groundswell.signatures.models import HourlyCount
from groundswell.signatures.tallies import counts_publish

pytestmark = pytest.mark.django_db


def history(client, campaign, query=""):
    return client.get(reverse("campaigns:petition_history_json", args=[campaign.slug]) + query)


def test_it_gives_todays_confirmations_per_day_and_per_hour(client, campaign, signed):
    signed(email="a@example.org")
    signed(email="b@example.org")
    signed(email="c@example.org", confirm=False)

    data = history(client, campaign).json()

    assert len(data["daily"]) == 30 and len(data["hourly"]) == 48
    assert data["daily"][-1] == {"date": timezone.localdate().isoformat(), "confirmed": 2}
    assert data["hourly"][-1]["confirmed"] == 2
    assert sum(hour["confirmed"] for hour in data["hourly"]) == 2


def test_it_takes_the_number_of_days_and_hours(client, campaign):
    data = history(client, campaign, "?days=7&hours=3").json()

    assert len(data["daily"]) == 7 and len(data["hourly"]) == 3


@pytest.mark.parametrize("query", ["?days=0", "?days=366", "?hours=abc", "?hours=²", "?days=-1"])
def test_it_refuses_bad_parameters(client, campaign, query):
    response = history(client, campaign, query)

    assert response.status_code == 400


def test_a_draft_has_no_history(client, make_campaign):
    assert history(client, make_campaign(status=CampaignStatus.DRAFT)).status_code == 404


def test_an_hour_counts_the_change_across_it(campaign):
    now = timezone.now().replace(minute=30)
    hour = now.replace(minute=0, second=0, microsecond=0)
    HourlyCount.objects.create(campaign=campaign, hour=hour - timedelta(hours=5), confirmed=10)
    HourlyCount.objects.create(campaign=campaign, hour=hour - timedelta(hours=2), confirmed=15)
    HourlyCount.objects.create(campaign=campaign, hour=hour, confirmed=14)

    series = hourly_confirmed(campaign=campaign, hours=3, now=now)

    assert [count for _hour, count in series] == [5, 0, 0]


def test_publishing_a_moved_count_writes_its_hour_once(campaign, signed):
    signed(email="a@example.org")
    signed(email="b@example.org")
    counts_publish(campaign_id=campaign.pk)

    assert list(HourlyCount.objects.values_list("confirmed", flat=True)) == [2]


def test_the_petition_page_draws_the_chart_with_axes(client, campaign, signed):
    signed()

    html = client.get(campaign.get_absolute_url()).content.decode()

    assert 'class="share-chart"' in html
    assert 'class="axis"' in html
    assert "1 signatures confirmed in the last 30 days" in html or "Bar chart: 1" in html


def test_axis_maximums_are_round():
    assert [_round_maximum(n) for n in (0, 1, 3, 7, 12, 480, 1001)] == [1, 1, 5, 10, 20, 500, 2000]


def test_a_column_chart_labels_a_few_times_and_the_value_axis():
    chart = column_chart([(f"d{n}", n) for n in range(30)])

    assert 3 <= len(chart.time_ticks) <= 5
    assert [tick.label for tick in chart.value_ticks] == ["0", "25", "50"]
    assert [tick.label for tick in column_chart([("a", 1)]).value_ticks] == ["0", "1"]
    assert chart.total == sum(range(30))


def test_a_bar_chart_has_a_row_per_category():
    chart = bar_chart([("Migrant Justice Network", 40), ("(none)", 0)])

    assert [bar.value for bar in chart.bars] == [40, 0]
    assert chart.bars[1].width == 0


def test_the_history_reads_a_bounded_number_of_rows(
    client, campaign, signed, django_assert_max_num_queries
):
    for number in range(5):
        signed(email=f"s{number}@example.org")

    with django_assert_max_num_queries(4):
        assert history(client, campaign, "?days=365&hours=336").status_code == 200
