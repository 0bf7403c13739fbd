"""Keys stored in clear before only their hash was kept are hashed by a data migration, so that
a retry in flight across the upgrade still gets its first answer."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from groundswell.api.idempotency import idempotent
from groundswell.api.keys import api_key_create
from groundswell.api.models import IdempotentRequest

BEFORE = [("api", "0003_makers_cascade")]
AFTER = [("api", "0005_idempotentrequest_key_hash")]


@pytest.mark.django_db(transaction=True)
def test_a_key_stored_in_clear_is_hashed_and_still_replays(host):
    api_key = api_key_create(organization=host, name="CRM", scope="write").api_key
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old_apps = executor.loader.project_state(BEFORE).apps
    old_apps.get_model("api", "IdempotentRequest").objects.create(
        organization_id=host.pk,
        key="grace.hopper@example.org",
        request_hash="f" * 64,
        response_status=202,
        response_body={"status": "pending_confirmation"},
        created_at=timezone.now(),
    )

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(AFTER)

    kept = IdempotentRequest.objects.values().get()
    assert not any("hopper" in str(value) for value in kept.values())
    answer, replayed = idempotent(
        api_key=api_key,
        key="grace.hopper@example.org",
        fingerprint="f" * 64,
        work=lambda: pytest.fail("a retry must not act again"),
    )
    assert (answer, replayed) == ((202, {"status": "pending_confirmation"}), True)
