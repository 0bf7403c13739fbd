"""The api-key command: a key printed once and stored hashed, listed without it, revoked."""

import io

import pytest
from django.core.management import CommandError, call_command

from groundswell.api.models import ApiKey

pytestmark = pytest.mark.django_db


def run(*args):
    out = io.StringIO()
    call_command("api-key", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue().strip()


def test_it_creates_a_key_prints_it_once_and_lists_it_without_the_secret(api, host, campaign):
    secret = run("create", host.slug, "--scope", "read", "--name", "CRM")

    listing = run("list", host.slug)

    assert api("get", "/api/v1/petitions", key=secret).status_code == 200
    assert secret not in listing
    assert ApiKey.objects.get().prefix in listing and "CRM" in listing


def test_a_revoked_key_stops_working(api, host):
    secret = run("create", host.slug, "--scope", "write")

    assert run("revoke", ApiKey.objects.get().prefix) == "revoked"
    assert api("get", "/api/v1/petitions", key=secret).status_code == 401


def test_it_refuses_an_unknown_organization():
    with pytest.raises(CommandError):
        run("create", "nobody", "--scope", "read")
