"""How many statements signing and confirming take: pinned, so that none creeps back.

These are the two requests of a spike. On PostgreSQL each is one statement, one round trip
(groundswell.signatures.signing_statements); SQLite, for development, takes the same steps one
statement at a time. Pages are counted in their steady state: the campaign is read once per
process and SIGNING_CAMPAIGN_CACHE_SECONDS (one signature warms it), and the e-mail goes out
after commit, through the outbox drain (not counted: it is not this request's work).
"""

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from groundswell.signatures.models import Signature
from groundswell.signatures.services import confirmation_token_make
from tests.conftest import sign_data

POSTGRESQL = connection.vendor == "postgresql"
# SQLite: SAVEPOINT, INSERT ... ON CONFLICT, the tally's upsert, the outbox row, RELEASE.
SIGNING_STATEMENTS = 1 if POSTGRESQL else 5
# PostgreSQL: one statement confirms and reads what the page shares (the signer's referral code,
# their partner, how many their link brought). SQLite: SAVEPOINT, the pending row locked, its
# UPDATE, the tally's upsert, RELEASE, then that read. Then, on both, what to do next: the
# campaign's open letter and its next event, each read once per process and
# SIGNING_CAMPAIGN_CACHE_SECONDS (here the first confirmation, so counted).
CONFIRMING_STATEMENTS = 3 if POSTGRESQL else 8


@pytest.fixture
def steady(settings):
    settings.SIGNING_CAMPAIGN_CACHE_SECONDS = 60


def sign(client: Client, campaign, email: str):
    return client.post(
        reverse("signatures:sign", kwargs={"slug": campaign.slug}), sign_data(email=email)
    )


def test_signing_takes_one_statement_on_postgresql(campaign, steady, django_assert_num_queries):
    client = Client()
    assert sign(client, campaign, "warm@example.org").status_code == 302

    with django_assert_num_queries(SIGNING_STATEMENTS):
        response = sign(client, campaign, "ana@example.org")

    assert response.status_code == 302
    assert Signature.objects.filter(email="ana@example.org").exists()


def test_confirming_takes_one_statement_on_postgresql(campaign, steady, django_assert_num_queries):
    client = Client()
    sign(client, campaign, "warm@example.org")
    sign(client, campaign, "ana@example.org")
    signature = Signature.objects.get(email="ana@example.org")
    token = confirmation_token_make(public_id=signature.public_id)
    path = reverse("signatures:confirm", kwargs={"slug": campaign.slug, "token": token})

    with django_assert_num_queries(CONFIRMING_STATEMENTS):
        response = client.post(path)

    assert response.status_code == 200
    signature.refresh_from_db()
    assert signature.confirmed_at is not None
