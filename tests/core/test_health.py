import pytest
from django.db import connection

pytestmark = pytest.mark.django_db


def test_healthz_answers_without_the_database(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/healthz")

    assert response.status_code == 200


def test_readyz_reports_each_dependency(client):
    response = client.get("/readyz")

    assert response.status_code == 200
    data = response.json()
    assert data["ready"] is True
    assert data["checks"]["database"] == "ok"
    assert data["checks"]["cache"] == "ok"


def test_readyz_is_503_when_the_database_is_unreachable(client, monkeypatch):
    def broken(*args, **kwargs):
        raise ConnectionError("could not connect to postgres://user:secret@db")

    monkeypatch.setattr(connection, "cursor", broken)

    response = client.get("/readyz")

    assert response.status_code == 503
    assert response.json()["checks"]["database"] == "failed: ConnectionError"
    assert "secret" not in response.content.decode()


def test_readyz_checks_the_broker_when_one_is_configured(client, settings, monkeypatch):
    from groundswell.config.celery import app

    settings.CELERY_TASK_ALWAYS_EAGER = False
    monkeypatch.setattr(app.conf, "broker_url", "redis://127.0.0.1:1/0")
    monkeypatch.setattr(app.conf, "broker_write_url", "redis://127.0.0.1:1/0")

    response = client.get("/readyz")

    assert response.status_code == 503
    assert response.json()["checks"]["broker"].startswith("failed:")


def test_a_database_outage_is_a_503_asking_to_retry_not_a_500(client, campaign, monkeypatch):
    from django.db import OperationalError

    from groundswell.signatures import views
    from tests.conftest import form_opened

    def outage(*args, **kwargs):
        raise OperationalError("terminating connection due to administrator command")

    monkeypatch.setattr(views, "signature_create", outage)

    response = client.post(
        f"/p/{campaign.slug}/sign/",
        {"name": "A", "email": "a@example.org", "country": "GB", **form_opened()},
    )

    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert "Nothing was recorded" in response.content.decode()


def test_media_serves_public_uploads_but_never_delivery_packages(client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    (tmp_path / "logos").mkdir()
    (tmp_path / "logos" / "a.png").write_bytes(b"png")
    package = tmp_path / "deliveries" / "packages" / "random"
    package.mkdir(parents=True)
    (package / "signatures.csv").write_text("name\nAda")

    assert client.get("/media/logos/a.png").status_code == 200
    assert client.get("/media/deliveries/packages/random/signatures.csv").status_code == 404
    assert (
        client.get("/media/logos/../deliveries/packages/random/signatures.csv").status_code == 404
    )
