import pytest
from django.utils.connection import ConnectionDoesNotExist

from groundswell.core.databases import reporting_database
from groundswell.signatures import selectors

pytestmark = pytest.mark.django_db


def test_reports_read_from_the_replica_when_one_is_configured(settings):
    assert reporting_database() == "default"
    settings.DATABASES = {**settings.DATABASES, "replica": settings.DATABASES["default"]}

    assert reporting_database() == "replica"


def test_exports_go_through_the_reporting_database(campaign, monkeypatch):
    monkeypatch.setattr(selectors, "reporting_database", lambda: "no-such-database")

    with pytest.raises(ConnectionDoesNotExist):
        list(selectors.signatures_for_export(campaign=campaign))
    with pytest.raises(ConnectionDoesNotExist):
        list(selectors.consenting_supporters_for_export(campaign=campaign, organization_id=1))


def test_the_hot_statements_are_prepared_once_per_persistent_connection():
    from django.db import connection

    from groundswell.core.databases import fetchone_prepared

    if connection.vendor != "postgresql":
        pytest.skip("prepared statements are PostgreSQL's")
    statement = "SELECT %s::int + 1 AS prepared_check"
    for number in range(3):
        assert fetchone_prepared(statement, [number]) == (number + 1,)

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE %s",
            ["%prepared_check%"],
        )
        assert cursor.fetchone()[0] == 1
