"""Signatures taken at the same moment by one process share one statement (PostgreSQL): each
signer gets their own signature, consents, partner visit, referrer and e-mail, the counts add
up, and an address sent twice in one statement is signed once."""

import threading
from collections.abc import Sequence

import pytest
from django.db import connection

from groundswell.coalitions.models import Partner
from groundswell.core.group_commit import GroupCommit
from groundswell.core.models import OutboundEmail
from groundswell.signatures import signing_statements
from groundswell.signatures.consent import ConsentGiven
from groundswell.signatures.models import Consent, PartnerReferral, Signature
from groundswell.signatures.services import signature_create
from groundswell.signatures.tallies import counts_reconcile
from tests.conftest import signer_values

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def one_shared_statement(monkeypatch):
    """The process's group commit, with the first statement after `hold()` held until `rows`
    more signatures have queued behind it: those then go in one statement. Gives the rows of
    each statement, `hold` and `wait_for`."""
    if connection.vendor != "postgresql":
        pytest.skip("signatures share statements on PostgreSQL")
    statements: list[list[str]] = []
    queued_enough, held = threading.Event(), threading.Event()

    def execute(rows: Sequence) -> list:
        statements.append([row.values["email"] for row in rows])
        if held.is_set():
            held.clear()
            assert queued_enough.wait(20)
        return signing_statements._insert_signatures(rows)

    group = GroupCommit(execute)
    monkeypatch.setattr(signing_statements, "_signing", group)

    def wait_for(rows: int) -> None:
        for _ in range(2000):
            if len(group._queue) >= rows:
                queued_enough.set()
                return
            threading.Event().wait(0.005)
        queued_enough.set()
        raise AssertionError("the signatures never queued")

    return statements, held.set, wait_for


def sign_in_threads(campaign, people: list[dict]) -> list:
    outcomes: list = [None] * len(people)
    errors: list = []

    def sign(index: int, values: dict) -> None:
        try:
            outcomes[index] = signature_create(campaign=campaign, **values)
        except Exception as error:  # recorded for the assertions below
            errors.append(error)
        finally:
            connection.close()

    threads = [
        threading.Thread(target=sign, args=(index, values)) for index, values in enumerate(people)
    ]
    for thread in threads:
        thread.start()
    return outcomes, errors, threads


def test_signatures_taken_together_are_each_stored_whole(campaign, make_org, one_shared_statement):
    from django.utils import timezone

    statements, hold, wait_for = one_shared_statement
    partner = Partner.objects.create(
        campaign=campaign, organization=make_org("Migrant Justice Network"), slug="mjn"
    )
    referrer = signature_create(campaign=campaign, **signer_values(email="first@example.org"))
    referrer_code = Signature.objects.get(pk=referrer.signature_id).referral_code
    assert statements == [["first@example.org"]]
    statements.clear()

    hold()
    _, first_errors, first_threads = sign_in_threads(
        campaign, [signer_values(email="opens@example.org")]
    )
    for _ in range(2000):
        if statements:
            break
        threading.Event().wait(0.005)
    consents = [
        ConsentGiven(organization_id=campaign.organization_id, wording="Host", language="en"),
        ConsentGiven(organization_id=partner.organization_id, wording="Partner", language="es"),
    ]
    people = [
        signer_values(email="plain@example.org", name="Plain"),
        signer_values(email="partner@example.org", partner=partner, consents=consents),
        signer_values(email="referred@example.org", referrer_code=referrer_code),
        signer_values(email="twice@example.org", name="Twice A"),
        signer_values(email="Twice@example.org", name="Twice B"),
        signer_values(email="unknown-code@example.org", referrer_code="no-such-code"),
    ]
    outcomes, errors, threads = sign_in_threads(campaign, people)
    wait_for(len(people))
    for thread in first_threads + threads:
        thread.join(30)

    assert errors == first_errors == []
    assert statements[0] == ["opens@example.org"]
    assert sorted(statements[1]) == sorted(person["email"] for person in people)
    assert len(statements) == 2
    # Each signer's outcome names their own signature; the address sent twice is signed once.
    by_email = {s.email: s for s in Signature.objects.all()}
    for person, outcome in zip(people, outcomes, strict=True):
        signature = Signature.objects.get(pk=outcome.signature_id)
        assert signature.email_key == person["email"].lower()
    twice = [o for p, o in zip(people, outcomes, strict=True) if "wice@" in p["email"]]
    assert sorted(o.created for o in twice) == [False, True]
    assert twice[0].signature_id == twice[1].signature_id
    assert len(by_email) == 7  # the referrer, the first, five of the six
    assert by_email["partner@example.org"].partner_id == partner.pk
    assert set(PartnerReferral.objects.values_list("signature__email", "partner_id")) == {
        ("partner@example.org", partner.pk)
    }
    assert sorted(
        Consent.objects.values_list("signature__email", "organization_id", "wording", "language")
    ) == sorted(("partner@example.org", c.organization_id, c.wording, c.language) for c in consents)
    assert by_email["partner@example.org"].gave_consent
    assert by_email["referred@example.org"].referred_by_id == referrer.signature_id
    assert by_email["unknown-code@example.org"].referred_by_id is None
    # One confirmation e-mail per signature, to its own address, naming it.
    mails = OutboundEmail.objects.filter(kind="signature-confirm")
    assert sorted((m.to, m.signature_id) for m in mails) == sorted(
        (s.email, s.pk) for s in by_email.values()
    )
    assert all(m.context["name"] == by_email[m.to].name for m in mails)
    assert all(m.created_at <= timezone.now() for m in mails)
    assert counts_reconcile(campaign=campaign) == {}


def test_a_value_too_long_for_its_column_is_refused_not_cut(campaign, one_shared_statement):
    from django.db import DataError

    with pytest.raises(DataError):
        signature_create(campaign=campaign, **signer_values(postal_code="1" * 40))

    assert not Signature.objects.exists()
    assert not OutboundEmail.objects.exists()
