"""Someone submits the form again with an address that has signed: maybe its owner, maybe not.

A stranger's form submission never changes what a confirmed person agreed to. A repeat
submission stores nothing on the signature: the stored address (never the one typed) gets a
neutral e-mail, at most once per RENOTIFY_AFTER, and when the submission asked for something new
(consents, a partner's visit) a link to a page that describes exactly that change; only the
button there applies it. The attribution of a signature never moves.
"""

from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse

from groundswell.signatures.links import confirmation_token_read
from groundswell.signatures.models import CoalitionTally, Consent, PartnerReferral, Signature
from groundswell.signatures.tallies import counts_reconcile
from tests.coalitions.conftest import sign_through
from tests.conftest import confirmation_link_from_outbox

pytestmark = pytest.mark.django_db


def link_from_last_email(kind: str) -> str:
    """The path of the last e-mail's link to `kind` ("confirm" or "change")."""
    body = mail.outbox[-1].body
    url = next(line for line in body.splitlines() if f"/{kind}/" in line).strip()
    return url.removeprefix("https://sign.example.org")


def public_json(client, campaign):
    return client.get(reverse("campaigns:petition_json", args=[campaign.slug])).json()


def coalition_figures(campaign):
    tally = CoalitionTally.objects.filter(campaign=campaign).first()
    return (tally.multi_partner_count, tally.referral_count) if tally else (0, 0)


def consented_to(signature):
    return {
        consent.organization.slug: consent.confirmed_at is not None
        for consent in Consent.objects.filter(signature=signature).select_related("organization")
    }


def visited_by(signature):
    return set(
        PartnerReferral.objects.filter(signature=signature).values_list("partner__slug", flat=True)
    )


@pytest.fixture
def later(age_last_notice):
    """Let the resend limit pass, as if the last e-mail had gone out 11 minutes ago."""
    return lambda: age_last_notice(11)


# Item 4: consents attached through someone else's address.


def test_a_stranger_cannot_add_consents_that_a_pending_signers_link_confirms(
    client, campaign, partner_a, partner_b, later
):
    sign_through(client, campaign, partner="migrant-justice")
    victims_link = confirmation_link_from_outbox()
    later()

    sign_through(
        client, campaign, partner="digital-rights", email="ADA+x@example.org",
        name="Mallory", contact_host="on", contact_partner="on",
    )  # fmt: skip
    client.post(victims_link)

    signature = Signature.objects.get()
    assert signature.confirmed_at is not None
    assert consented_to(signature) == {}
    assert visited_by(signature) == {"migrant-justice"}
    assert signature.partner == partner_a
    assert counts_reconcile(campaign=campaign) == {}


def test_a_confirmed_signers_old_link_confirms_nothing_a_stranger_added(
    client, campaign, partner_a, partner_b, later
):
    sign_through(client, campaign, partner="migrant-justice")
    victims_link = confirmation_link_from_outbox()
    client.post(victims_link)
    later()

    sign_through(
        client, campaign, partner="digital-rights", email="ada+x@example.org", contact_partner="on"
    )
    page = client.get(victims_link).content.decode()
    client.post(victims_link)

    assert "Digital Rights Collective" not in page
    assert consented_to(Signature.objects.get()) == {}


def test_a_repeat_submission_alone_stores_nothing(client, campaign, partner_a, partner_b, later):
    sign_through(client, campaign, partner="migrant-justice", contact_partner="on")
    client.post(confirmation_link_from_outbox())
    before = Signature.objects.values().get()
    later()

    sign_through(
        client, campaign, partner="digital-rights", name="Someone Else", country="FR",
        comment="Not what Ada wrote", show_name="on", contact_host="on", contact_partner="on",
    )  # fmt: skip

    after = Signature.objects.values().get()
    assert {k: v for k, v in after.items() if k != "notified_at"} == {
        k: v for k, v in before.items() if k != "notified_at"
    }
    assert consented_to(Signature.objects.get()) == {"migrant-justice": True}
    assert visited_by(Signature.objects.get()) == {"migrant-justice"}


# Item 5: attribution and public counts.


def test_a_resubmission_through_another_partner_moves_no_attribution_or_count(
    client, campaign, partner_a, partner_b, later
):
    sign_through(client, campaign, partner="migrant-justice")
    client.post(confirmation_link_from_outbox())
    published = public_json(client, campaign)
    figures = coalition_figures(campaign)
    later()

    sign_through(client, campaign, partner="digital-rights")

    assert Signature.objects.get().partner == partner_a
    assert public_json(client, campaign) == published
    assert coalition_figures(campaign) == figures
    assert counts_reconcile(campaign=campaign) == {}


def test_a_signature_no_partner_brought_is_never_attributed_later(
    client, campaign, partner_a, later
):
    sign_through(client, campaign)
    client.post(confirmation_link_from_outbox())
    published = public_json(client, campaign)
    later()

    sign_through(client, campaign, partner="migrant-justice")

    assert Signature.objects.get().partner is None
    assert public_json(client, campaign) == published
    assert published["unattributed_count"] == 1


def test_even_the_owners_agreement_moves_no_attribution(client, campaign, partner_a, later):
    """The owner may record that a partner's link brought them back (an overlap figure), but
    the signature stays with whoever brought it first: here, nobody."""
    sign_through(client, campaign)
    client.post(confirmation_link_from_outbox())
    published = public_json(client, campaign)
    later()

    sign_through(client, campaign, partner="migrant-justice")
    client.post(link_from_last_email("change"))

    signature = Signature.objects.get()
    assert signature.partner is None
    assert visited_by(signature) == {"migrant-justice"}
    assert public_json(client, campaign) == published
    assert coalition_figures(campaign) == (0, 1)
    assert counts_reconcile(campaign=campaign) == {}


# Item 6: the e-mail.


def test_the_repeat_email_goes_to_the_stored_address_and_names_nobody(client, campaign, later):
    sign_through(client, campaign, name="Ada Lovelace", email="ada@example.org")
    later()

    sign_through(client, campaign, name="Mallory Stranger", email="ADA+x@example.org")

    email = mail.outbox[-1]
    assert email.to == ["ada@example.org"]
    for personal in ("Ada", "Lovelace", "Mallory", "Stranger", "ADA+x", "ada@"):
        assert personal not in email.body
        assert personal not in email.subject


def test_the_resend_limit_applies_even_when_a_new_consent_is_ticked(
    client, campaign, partner_a, partner_b
):
    sign_through(client, campaign, partner="migrant-justice")
    client.post(confirmation_link_from_outbox())
    sent = len(mail.outbox)

    for number in range(3):
        sign_through(
            client, campaign, partner="digital-rights", email=f"ada+{number}@example.org",
            contact_host="on", contact_partner="on",
        )  # fmt: skip

    assert len(mail.outbox) == sent
    assert consented_to(Signature.objects.get()) == {}


def test_a_confirmed_owner_with_nothing_new_is_told_nothing_changed(client, campaign, later):
    sign_through(client, campaign)
    client.post(confirmation_link_from_outbox())
    later()

    sign_through(client, campaign)

    body = mail.outbox[-1].body
    assert "nothing has changed" in body.lower()
    assert "/confirm/" not in body
    assert "/change/" not in body


def test_a_pending_owner_gets_their_link_again_at_their_own_address(client, campaign, later):
    sign_through(client, campaign)
    first_link = confirmation_link_from_outbox()
    later()

    sign_through(client, campaign, email="Ada+again@example.org")

    assert mail.outbox[-1].to == ["ada@example.org"]
    # The same signature's link (signed again: its time stamp may be a second later).
    assert link_from_last_email("confirm").split(":")[0] == first_link.split(":")[0]
    assert "/change/" not in mail.outbox[-1].body


# The owner's agreement applies exactly the change the e-mail described.


def test_the_owner_agrees_to_exactly_the_change_their_email_described(
    client, campaign, partner_a, partner_b, later
):
    sign_through(client, campaign, partner="migrant-justice")
    client.post(confirmation_link_from_outbox())
    later()

    sign_through(client, campaign, partner="digital-rights", contact_partner="on")
    body = mail.outbox[-1].body
    link = link_from_last_email("change")
    page = client.get(link).content.decode()

    assert "“Digital Rights Collective may contact me by e-mail" in body
    assert "Digital Rights Collective" in page and "Just Tech Coalition" not in page
    signature = Signature.objects.get()
    assert consented_to(signature) == {}
    assert visited_by(signature) == {"migrant-justice"}

    response = client.post(link)

    assert response.status_code == 200
    signature.refresh_from_db()
    assert consented_to(signature) == {"digital-rights": True}
    assert visited_by(signature) == {"migrant-justice", "digital-rights"}
    assert signature.partner == partner_a
    assert coalition_figures(campaign) == (1, 2)
    assert public_json(client, campaign)["signature_count"] == 1
    assert counts_reconcile(campaign=campaign) == {}


def test_the_change_is_applied_once_however_often_the_button_is_pressed(
    client, campaign, partner_a, partner_b, later
):
    sign_through(client, campaign, partner="migrant-justice")
    client.post(confirmation_link_from_outbox())
    later()
    sign_through(client, campaign, partner="digital-rights", contact_partner="on")
    link = link_from_last_email("change")

    first, second = client.post(link), client.post(link)

    assert first.status_code == second.status_code == 200
    assert PartnerReferral.objects.count() == 2
    assert coalition_figures(campaign) == (1, 2)
    assert counts_reconcile(campaign=campaign) == {}


def test_a_newer_request_replaces_the_older_link(client, campaign, partner_a, partner_b, later):
    sign_through(client, campaign)
    client.post(confirmation_link_from_outbox())
    later()
    sign_through(client, campaign, partner="migrant-justice", contact_partner="on")
    older = link_from_last_email("change")
    later()
    sign_through(client, campaign, partner="digital-rights")
    newer = link_from_last_email("change")

    refused = client.post(older)
    client.post(newer)

    assert refused.status_code == 400
    signature = Signature.objects.get()
    assert consented_to(signature) == {}
    assert visited_by(signature) == {"digital-rights"}


def confirms(link: str) -> str:
    """The public id of the signature a confirmation link confirms."""
    return confirmation_token_read(token=link.rstrip("/").rsplit("/", 1)[1])


def test_a_pending_signers_original_link_confirms_only_the_original_request(
    client, campaign, partner_a, partner_b, later
):
    sign_through(client, campaign, partner="migrant-justice", contact_host="on")
    original = confirmation_link_from_outbox()
    later()
    sign_through(client, campaign, partner="digital-rights", contact_partner="on")
    change = link_from_last_email("change")
    # The same signature's link (made anew: its timestamp may be a second later).
    assert confirms(link_from_last_email("confirm")) == confirms(original)

    client.post(original)

    signature = Signature.objects.get()
    assert signature.confirmed_at is not None
    assert consented_to(signature) == {"just-tech": True}
    assert visited_by(signature) == {"migrant-justice"}

    client.post(change)

    assert consented_to(signature) == {"just-tech": True, "digital-rights": True}
    assert visited_by(signature) == {"migrant-justice", "digital-rights"}
    assert counts_reconcile(campaign=campaign) == {}


def test_the_change_link_of_a_pending_signature_confirms_it_too(
    client, campaign, partner_a, partner_b, later
):
    sign_through(client, campaign, partner="migrant-justice")
    later()
    sign_through(client, campaign, partner="digital-rights", contact_partner="on")
    change = link_from_last_email("change")

    page = client.get(change).content.decode()
    client.post(change)

    assert "Confirm your signature" in page
    signature = Signature.objects.get()
    assert signature.confirmed_at is not None
    assert signature.partner == partner_a
    assert consented_to(signature) == {"digital-rights": True}
    assert public_json(client, campaign)["signature_count"] == 1
    assert coalition_figures(campaign) == (1, 2)
    assert counts_reconcile(campaign=campaign) == {}


def test_a_change_link_is_refused_on_another_campaign(
    client, campaign, make_campaign, partner_a, later
):
    sign_through(client, campaign)
    client.post(confirmation_link_from_outbox())
    later()
    sign_through(client, campaign, partner="migrant-justice")
    link = link_from_last_email("change")
    other = make_campaign(slug="another-petition")

    response = client.post(link.replace(campaign.slug, other.slug))

    assert response.status_code == 400
    assert visited_by(Signature.objects.get()) == set()


def test_a_withdrawn_signature_takes_its_waiting_change_with_it(client, campaign, partner_a, later):
    from groundswell.signatures.services import signature_withdraw

    sign_through(client, campaign)
    client.post(confirmation_link_from_outbox())
    later()
    sign_through(client, campaign, partner="migrant-justice", contact_partner="on")
    link = link_from_last_email("change")

    signature_withdraw(signature=Signature.objects.get(), reason="withdrawn")
    response = client.post(link)

    assert response.status_code == 400
    assert Consent.objects.count() == PartnerReferral.objects.count() == 0


def test_an_expired_change_link_is_refused(client, campaign, partner_a, later, settings):
    from django.utils import timezone

    from groundswell.signatures.models import PendingChange

    sign_through(client, campaign)
    client.post(confirmation_link_from_outbox())
    later()
    sign_through(client, campaign, partner="migrant-justice")
    link = link_from_last_email("change")
    PendingChange.objects.update(
        created_at=timezone.now() - timedelta(seconds=settings.SIGNATURE_CONFIRMATION_MAX_AGE + 1)
    )

    response = client.post(link)

    assert response.status_code == 400
    assert visited_by(Signature.objects.get()) == set()


def test_the_migration_drops_consents_a_repeat_attached_that_nobody_confirmed(
    client, campaign, partner_a, partner_b
):
    """Consents added to an existing signature by the old repeat path, still unconfirmed, would
    have been confirmed by the owner's own link: they go. Everything else stays."""
    from importlib import import_module

    from django.db import connection
    from django.db.migrations.loader import MigrationLoader

    # The models as that migration knew them: Consent was the coalitions app's until issue 13.
    apps = (
        MigrationLoader(connection)
        .project_state(("coalitions", "0003_drop_unconfirmed_repeat_consents"))
        .apps
    )
    migration = import_module(
        "groundswell.coalitions.migrations.0003_drop_unconfirmed_repeat_consents"
    )
    sign_through(client, campaign, partner="migrant-justice", contact_partner="on")
    sign_through(client, campaign, email="bo@example.org", contact_host="on")
    client.post(confirmation_link_from_outbox())
    ada, bo = (
        Signature.objects.get(email="ada@example.org"),
        Signature.objects.get(email="bo@example.org"),
    )
    later = ada.created_at + timedelta(minutes=20)
    planted = [
        Consent(signature=ada, organization=partner_b.organization, given_at=later),
        Consent(signature=bo, organization=partner_a.organization, given_at=later),
        Consent(
            signature=bo, organization=partner_b.organization, given_at=later, confirmed_at=later
        ),
    ]
    Consent.objects.bulk_create(planted)

    migration.drop_unconfirmed_repeat_consents(apps, None)

    assert consented_to(ada) == {"migrant-justice": False}
    assert consented_to(bo) == {"just-tech": True, "digital-rights": True}
