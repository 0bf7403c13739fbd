"""Writing and scheduling updates: the services and their refusals."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from groundswell.accounts.models import Role
from groundswell.coalitions.models import Partner
from groundswell.coalitions.services import partner_remove
from groundswell.signatures.services.erasure import signature_withdraw
from groundswell.updates.models import Update, UpdateRecipient, UpdateStatus
from groundswell.updates.sending import update_recipients_list
from groundswell.updates.services import (
    UpdateError,
    update_cancel,
    update_draft_create,
    update_edit,
    update_recipient_count,
    update_schedule,
    update_send_now,
    update_test_send,
    updates_due_start,
)


def test_a_draft_keeps_its_markdown_and_a_sanitised_rendering(make_update):
    update = make_update()

    assert update.status == UpdateStatus.DRAFT
    assert "<strong>Thank you.</strong>" in update.body_html
    assert "<script" not in update.body_html


def test_it_refuses_an_unknown_audience(make_update):
    with pytest.raises(UpdateError):
        make_update(audience="everyone")
    assert not Update.objects.exists()


def test_it_refuses_an_update_about_nothing(campaign, owner):
    with pytest.raises(UpdateError):
        update_draft_create(
            organization=campaign.organization,
            subject="Hi",
            body_markdown="Text",
            audience="host_signers",
            created_by=owner,
        )


def test_it_refuses_a_subject_on_two_lines(make_update):
    with pytest.raises(UpdateError):
        make_update(subject="Hello\nBcc: everyone@example.org")


def test_it_refuses_a_member_who_cannot_edit(make_update, viewer):
    with pytest.raises(UpdateError):
        make_update(created_by=viewer)


def test_a_partner_may_write_only_to_its_own_supporters(
    make_update, campaign, make_org, make_user, consenting_signers
):
    partner_org = make_org("Partner group")
    Partner.objects.create(campaign=campaign, organization=partner_org, slug="partner")
    staff = make_user(partner_org, role=Role.ORGANIZER)
    consenting_signers(campaign=campaign, organization=partner_org, count=3, prefix="p")
    consenting_signers(campaign=campaign, organization=campaign.organization, count=5, prefix="h")

    with pytest.raises(UpdateError):
        make_update(organization=partner_org, created_by=staff, audience="host_signers")
    update = make_update(organization=partner_org, created_by=staff, audience="partner_supporters")

    assert update_recipient_count(update=update) == 3


def test_the_host_audience_counts_confirmed_consenting_signers_only(
    make_update, campaign, consenting_signers
):
    consenting_signers(campaign=campaign, organization=campaign.organization, count=4)
    consenting_signers(
        campaign=campaign, organization=campaign.organization, count=2, prefix="u", confirmed=False
    )
    consenting_signers(
        campaign=campaign,
        organization=campaign.organization,
        count=3,
        prefix="c",
        consent_confirmed=False,
    )

    assert update_recipient_count(update=make_update()) == 4


def test_a_draft_can_be_changed_and_a_sent_update_cannot(
    make_update, owner, consenting_signers, campaign
):
    consenting_signers(campaign=campaign, organization=campaign.organization, count=1)
    update = make_update()
    update_edit(
        update=update, user=owner, subject="New", body_markdown="*New*", audience="host_signers"
    )
    assert Update.objects.get().body_html == "<p><em>New</em></p>"

    update_send_now(update=update, user=owner)
    with pytest.raises(UpdateError):
        update_edit(
            update=update, user=owner, subject="x", body_markdown="y", audience="host_signers"
        )


def test_it_refuses_to_schedule_in_the_past(make_update, owner, consenting_signers, campaign):
    consenting_signers(campaign=campaign, organization=campaign.organization, count=1)
    update = make_update()

    with pytest.raises(UpdateError, match="future"):
        update_schedule(update=update, at=timezone.now() - timedelta(minutes=1), user=owner)

    assert Update.objects.get().status == UpdateStatus.DRAFT


def test_it_refuses_an_empty_audience(make_update, owner):
    update = make_update()

    with pytest.raises(UpdateError, match="Nobody"):
        update_schedule(update=update, at=timezone.now() + timedelta(hours=1), user=owner)
    with pytest.raises(UpdateError, match="Nobody"):
        update_send_now(update=update, user=owner)

    assert Update.objects.get().status == UpdateStatus.DRAFT


def test_a_scheduled_update_can_be_cancelled_and_is_never_sent(
    make_update, owner, consenting_signers, campaign
):
    consenting_signers(campaign=campaign, organization=campaign.organization, count=2)
    update = make_update()
    update_schedule(update=update, at=timezone.now() + timedelta(hours=1), user=owner)
    update_cancel(update=update)

    with pytest.raises(UpdateError):
        update_send_now(update=update, user=owner)
    assert Update.objects.get().status == UpdateStatus.CANCELLED
    assert not mail.outbox


def test_a_partners_scheduled_update_is_not_sent_once_the_host_removed_it(
    make_update, campaign, make_org, make_user, consenting_signers, run_on_commit
):
    partner_org = make_org("Partner group")
    partner = Partner.objects.create(campaign=campaign, organization=partner_org, slug="partner")
    staff = make_user(partner_org, role=Role.ORGANIZER)
    consenting_signers(campaign=campaign, organization=partner_org, count=2)
    update = make_update(organization=partner_org, created_by=staff, audience="partner_supporters")
    update_schedule(update=update, at=timezone.now() + timedelta(hours=1), user=staff)

    partner_remove(partner=partner)
    with run_on_commit():
        started = updates_due_start(now=timezone.now() + timedelta(hours=2))

    assert started == 0
    assert Update.objects.get().status == UpdateStatus.CANCELLED
    assert not mail.outbox


def test_a_test_goes_to_the_organizer_only(make_update):
    update_test_send(update=make_update(), to="organizer@example.org")

    [message] = mail.outbox
    assert message.to == ["organizer@example.org"]
    assert message.subject.startswith("[Test] ")
    assert "List-Unsubscribe" not in message.extra_headers


def test_listing_recipients_twice_lists_each_person_once(make_update, consenting_signers, campaign):
    consenting_signers(campaign=campaign, organization=campaign.organization, count=7)
    update = make_update()

    assert update_recipients_list(update=update) == 7
    assert update_recipients_list(update=update) == 7


def test_erasing_a_signature_deletes_its_update_rows(make_update, signed):
    kept, erased = signed(email="kept@example.org"), signed(email="erased@example.org")
    update = make_update()
    for signature in (kept, erased):
        UpdateRecipient.objects.create(update=update, signature=signature)

    signature_withdraw(signature=erased, reason="erased")

    assert list(UpdateRecipient.objects.values_list("signature_id", flat=True)) == [kept.pk]


def test_a_letter_update_goes_to_signatories_who_confirmed_a_personal_address(
    letter, sign_letter, owner, run_on_commit
):
    reached = sign_letter(
        letter, category="supporters", work_email="", personal_email="me@example.org"
    )
    sign_letter(
        letter,
        category="supporters",
        work_email="",
        personal_email="later@example.org",
        confirm_personal_email=False,
    )
    sign_letter(letter, category="supporters", work_email="")
    update = update_draft_create(
        organization=letter.organization,
        letter=letter,
        subject="The letter was delivered",
        body_markdown="Thank you.",
        audience="letter_signatories",
        created_by=owner,
    )
    mail.outbox.clear()

    with run_on_commit():
        update_send_now(update=update, user=owner)

    assert [message.to for message in mail.outbox] == [[reached.personal_email]]
    assert UpdateRecipient.objects.get().signatory == reached


def test_a_letter_update_cannot_use_a_campaign_audience(letter, owner):
    with pytest.raises(UpdateError):
        update_draft_create(
            organization=letter.organization,
            letter=letter,
            subject="News",
            body_markdown="News.",
            audience="host_signers",
            created_by=owner,
        )
