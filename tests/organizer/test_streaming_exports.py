"""Every CSV export streams: rows are read in batches while the response is being sent, so an
export of a million signers holds one batch in memory, never the whole list
(bench/bench_api.py measures the peak)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from groundswell.signatures.selectors import signatures_for_export
from tests.coalitions.conftest import make_partner, partner_a  # noqa: F401
from tests.letters.conftest import letter, make_letter, sign_letter  # noqa: F401

pytestmark = pytest.mark.django_db


@pytest.mark.usefixtures("partner_a")
def test_every_export_view_answers_a_streaming_response(client, owner, campaign, signed, request):
    open_letter = request.getfixturevalue("letter")
    signed(email="one@example.org")
    client.force_login(owner)
    urls = [
        reverse("organizer:campaign_export", args=[campaign.slug]),
        reverse("organizer:campaign_supporters_export", args=[campaign.slug]),
        reverse("organizer:letter_delivery_export", args=[open_letter.slug]),
        reverse("organizer:letter_contacts_export", args=[open_letter.slug]),
    ]

    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        assert response.streaming, url
        assert response["Content-Type"].startswith("text/csv")


def test_the_signatures_are_read_lazily_batch_by_batch(campaign, signed):
    for number in range(5):
        signed(email=f"signer{number}@example.org")

    rows = signatures_for_export(campaign=campaign, batch_size=2)
    with CaptureQueriesContext(connection) as before_reading:
        first = next(rows)
    rest = list(rows)

    assert len(before_reading.captured_queries) == 1
    assert len([first, *rest]) == 5
