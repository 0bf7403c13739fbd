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
