"""The confirming statement reaches its row by primary key, however stale the statistics."""

import json

import pytest
from django.db import connection

from groundswell.signatures.signing_statements import _confirm_sql

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("pending", [24_000, 150_000])
def test_confirming_never_walks_the_pending_signatures_of_a_campaign(campaign, pending):
    if connection.vendor != "postgresql":
        pytest.skip("the statement is PostgreSQL's")
    with connection.cursor() as cursor:
        # Many pending signatures the statistics know nothing of, as after a burst on a table
        # autovacuum has not analyzed yet. (At 150,000 a statement joining on the key walked
        # the campaign's pending signatures; at 24,000 one joining a batch's rows on the key
        # hashed the whole table.)
        cursor.execute(
            "INSERT INTO signatures_signature (campaign_id, public_id, name, email, email_key, "
            "country, postal_code, comment, show_name, source, created_at, notified_at) "
            "SELECT %s, 'p' || n, 'P', 'p' || n || '@x.org', 'p' || n || '@x.org', 'US', '', "
            "'', false, '', now(), now() FROM generate_series(1, %s) n",
            [campaign.pk, pending],
        )
        cursor.execute("SET LOCAL plan_cache_mode = force_generic_plan")
        cursor.execute("PREPARE confirm_plan_check AS " + _confirm_sql().replace("%s", "$1"))
        rows = [
            {"public_id": f"p{n}", "campaign": campaign.pk, "at": "2026-11-29T12:00:00+00:00",
             "day": "2026-11-29", "shard": 1}
            for n in (7, 8)
        ]  # fmt: skip
        cursor.execute("EXPLAIN EXECUTE confirm_plan_check(%s)", [json.dumps(rows)])
        plan = "\n".join(row[0] for row in cursor.fetchall())
        cursor.execute("DEALLOCATE confirm_plan_check")

    update = plan.split("CTE consent")[0]
    assert "signatures_signature_pkey" in update
    assert "signature_confirmed_idx" not in update
    assert "Seq Scan on signatures_signature" not in update
