"""Signatures taken (and confirmed) at the same moment by one process share one statement
(PostgreSQL): each signer gets their own signature, consents, partner visit, referrer and
e-mail, the counts add up, an address sent twice in one statement is signed once, and a link
used twice in one statement confirms once."""

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


def held_group(monkeypatch, name: str, execute, label):
    """Replaces the process's group commit `name` with one whose first statement after
    `hold()` is held until `rows` more rows have queued behind it: those then go in one
    statement. Gives the rows of each statement (by `label`), `hold` and `wait_for`."""
    if connection.vendor != "postgresql":
        pytest.skip("rows share statements on PostgreSQL")
    statements: list[list[str]] = []
    queued_enough, held = threading.Event(), threading.Event()

    def held_execute(rows: Sequence) -> list:
        statements.append([label(row) for row in rows])
        if held.is_set():
            held.clear()
            assert queued_enough.wait(20)
        return execute(rows)

    group = GroupCommit(held_execute)
    monkeypatch.setattr(signing_statements, name, group)

    def wait_for(rows: int) -> None:
        for _ in range(2000):
            if len(group._queue) >= rows:
                queued_enough.set()
                return
            threading.Event().wait(0.005)
        queued_enough.set()
        raise AssertionError("the rows never queued")

    return statements, held.set, wait_for


@pytest.fixture
def one_shared_statement(monkeypatch):
    return held_group(
        monkeypatch, "_signing", signing_statements._insert_signatures,
        lambda row: row.values["email"],
    )  # fmt: skip


@pytest.fixture
def one_shared_confirmation(monkeypatch):
    return held_group(
        monkeypatch, "_confirming", signing_statements._confirm_signatures,
        lambda row: row.public_id,
    )  # fmt: skip


def in_threads(work, arguments: list) -> tuple[list, list, list]:
    outcomes: list = [None] * len(arguments)
    errors: list = []

    def run(index: int, argument) -> None:
        try:
            outcomes[index] = work(argument)
        except Exception as error:  # recorded for the assertions
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, a)) for i, a in enumerate(arguments)]
    for thread in threads:
        thread.start()
    return outcomes, errors, threads


def until_a_statement_runs(statements: list) -> None:
    """Waits (up to 10 s) until the held group commit has started its first statement."""
    for _ in range(2000):
        if statements:
            return
        threading.Event().wait(0.005)


def sign_in_threads(campaign, people: list[dict]) -> tuple[list, list, list]:
    return in_threads(lambda values: signature_create(campaign=campaign, **values), people)


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
    until_a_statement_runs(statements)
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


def test_confirmations_together_each_confirm_their_own_signature_once(
    campaign, make_org, one_shared_confirmation
):
    from groundswell.signatures.services import confirmation_token_make, signature_confirm

    statements, hold, wait_for = one_shared_confirmation
    partner = Partner.objects.create(
        campaign=campaign, organization=make_org("Migrant Justice Network"), slug="mjn"
    )
    consent = ConsentGiven(organization_id=partner.organization_id, wording="P", language="en")
    signers = [
        signature_create(campaign=campaign, **signer_values(email=f"s{n}@example.org"))
        for n in range(4)
    ] + [
        signature_create(
            campaign=campaign,
            **signer_values(email="p@example.org", partner=partner, consents=[consent]),
        )
    ]
    tokens = {
        o.signature_id: confirmation_token_make(
            public_id=Signature.objects.get(pk=o.signature_id).public_id
        )
        for o in signers
    }
    opener, *others = list(tokens.values())

    def confirm(token: str):
        return signature_confirm(campaign=campaign, token=token)

    hold()
    _, first_errors, first_threads = in_threads(confirm, [opener])
    until_a_statement_runs(statements)
    # The last signer's link twice, in the same statement.
    links = [*others, others[-1]]
    outcomes, errors, threads = in_threads(confirm, links)
    wait_for(len(links))
    for thread in first_threads + threads:
        thread.join(30)

    assert errors == first_errors == []
    assert len(statements) == 2
    assert len(statements[1]) == len(links)
    assert all(o.signature_id in tokens for o in outcomes)
    twice = outcomes[-2:]
    assert twice[0].signature_id == twice[1].signature_id
    assert sorted(o.newly_confirmed for o in twice) == [False, True]
    assert all(o.newly_confirmed for o in outcomes[:-2])
    assert not Signature.objects.filter(confirmed_at__isnull=True).exists()
    assert not Consent.objects.filter(confirmed_at__isnull=True).exists()
    assert counts_reconcile(campaign=campaign) == {}


def test_the_confirming_statement_reads_what_the_page_shares_as_the_selector_does(
    campaign, make_org
):
    from groundswell.signatures.selectors import signer_sharing
    from groundswell.signatures.services import confirmation_token_make, signature_confirm

    if connection.vendor != "postgresql":
        pytest.skip("the confirming statement is PostgreSQL's")
    partner = Partner.objects.create(
        campaign=campaign, organization=make_org("Migrant Justice Network"), slug="mjn"
    )
    sharer = Signature.objects.get(
        pk=signature_create(
            campaign=campaign, **signer_values(email="sharer@example.org", partner=partner)
        ).signature_id
    )
    for n in range(2):
        brought = signature_create(
            campaign=campaign,
            **signer_values(email=f"b{n}@example.org", referrer_code=sharer.referral_code),
        )
        if n == 0:
            public_id = Signature.objects.get(pk=brought.signature_id).public_id
            signature_confirm(campaign=campaign, token=confirmation_token_make(public_id=public_id))

    outcome = signature_confirm(
        campaign=campaign, token=confirmation_token_make(public_id=sharer.public_id)
    )

    assert outcome.sharing == signer_sharing(campaign=campaign, public_id=sharer.public_id)
    assert outcome.sharing.brought == 1
    assert outcome.sharing.partner_slug == "mjn"
    assert outcome.sharing.referral_code == sharer.referral_code


def test_a_strangers_submission_in_a_shared_statement_changes_nothing_she_agreed_to(
    campaign, make_org, one_shared_statement
):
    """Lesson three: her address typed by someone else, in the same statement as other
    signatures, reaches neither her name nor her consents nor her partner."""
    from groundswell.signatures.services import confirmation_token_make, signature_confirm

    statements, hold, wait_for = one_shared_statement
    partner = Partner.objects.create(
        campaign=campaign, organization=make_org("Migrant Justice Network"), slug="mjn"
    )
    ada = signature_create(campaign=campaign, **signer_values(email="ada@example.org"))
    public_id = Signature.objects.get(pk=ada.signature_id).public_id
    signature_confirm(campaign=campaign, token=confirmation_token_make(public_id=public_id))
    statements.clear()

    hold()
    _, first_errors, first_threads = sign_in_threads(
        campaign, [signer_values(email="opens@example.org")]
    )
    until_a_statement_runs(statements)
    consent = ConsentGiven(organization_id=partner.organization_id, wording="P", language="en")
    people = [
        signer_values(email="other@example.org"),
        signer_values(email="ADA@example.org", name="Mallory", partner=partner, consents=[consent]),
    ]
    outcomes, errors, threads = sign_in_threads(campaign, people)
    wait_for(len(people))
    for thread in first_threads + threads:
        thread.join(30)

    assert errors == first_errors == []
    assert sorted(statements[1]) == sorted(p["email"] for p in people)
    assert outcomes[1].signature_id == ada.signature_id and not outcomes[1].created
    signature = Signature.objects.get(pk=ada.signature_id)
    assert (signature.name, signature.partner_id, signature.gave_consent) == (
        "Ada Lovelace",
        None,
        False,
    )
    assert not Consent.objects.filter(signature=signature).exists()
    assert not PartnerReferral.objects.filter(signature=signature).exists()
