"""Zyxwa signs through a partner's link, agrees to hear from both organizations, confirms, gets
her receipt, is told of a text change, is listed in a delivery package, then withdraws (or asks
the organizers to remove her): afterwards nothing of hers is left anywhere we keep data."""

from datetime import UTC, datetime
from pathlib import Path

import pytest
from django.core import mail
from django.urls import reverse

from groundswell.coalitions.models import Partner
from groundswell.delivery import package_pdf
from groundswell.delivery.models import DeliveryPackage
from groundswell.delivery.services.deliveries import delivery_record
from groundswell.delivery.services.packages import delivery_package_build, package_directory
from groundswell.signatures.models import Signature
from groundswell.signatures.services import petition_update
from groundswell.signatures.tallies import tally_totals
from groundswell.signatures.version_notices import version_notices_start
from tests.conftest import confirmation_link_from_outbox, sign_data
from tests.traces import table_names, traces_of

pytestmark = pytest.mark.django_db

NAME = "Zyxwa Quillfeather"
EMAIL = "Zyx.Quill+petition@Example.ORG"
POSTAL_CODE = "ZQ9 7XW"
COMMENT = "Quillfeather says: cancel it."
# Every form in which her data could sit: her address in any case, with or without its tag or
# dots, her name's parts, her postal code and comment.
NEEDLES = ("zyx.quill", "zyxquill", "zyxwa", "quillfeather", POSTAL_CODE, "zq97xw")


@pytest.fixture(autouse=True)
def readable_pdf(monkeypatch):
    """Built-in fonts, so that a name in the PDF can be found in its content streams."""
    monkeypatch.setattr(package_pdf, "fonts_register", lambda: ("Helvetica", "Helvetica-Bold"))


@pytest.fixture
def partner(campaign, make_org):
    organization = make_org("Migrant Justice Network", slug="migrant-justice")
    return Partner.objects.create(campaign=campaign, organization=organization, slug="mj")


def link_in_last_email(marker: str) -> str:
    body = next(message.body for message in reversed(mail.outbox) if marker in message.body)
    url = next(line for line in body.splitlines() if marker in line).strip()
    return url.removeprefix("https://sign.example.org")


@pytest.fixture
def zyxwa_everywhere(
    client, campaign, partner, owner, confirm_many, age_last_notice, run_on_commit
):
    """Her signature and every copy of it that the platform makes; returns her package."""
    confirm_many(2, show_name=True)  # others, who stay
    sign_url = reverse("signatures:sign", args=[campaign.slug])
    data = sign_data(
        name=NAME, email=EMAIL, postal_code=POSTAL_CODE, comment=COMMENT, show_name="on",
        partner=partner.slug, contact_host="on", contact_partner="on",
    )  # fmt: skip
    assert client.post(sign_url, data).status_code == 302
    assert client.post(confirmation_link_from_outbox()).status_code == 200
    assert any(m.subject.startswith("Your receipt") for m in mail.outbox), "receipt sent"
    # She signs again later (a repeat e-mail), and the text changes (a notice).
    age_last_notice(11)
    client.post(sign_url, {**data, "email": EMAIL.upper()})
    with run_on_commit():
        petition_update(campaign=campaign, data={"ask": "Cancel it now."}, change_note="Sharper.")
        version_notices_start(campaign=campaign)
    signature = Signature.objects.get(email_key="zyx.quill@example.org")
    assert len([m for m in mail.outbox if m.to == [EMAIL] or m.to == [EMAIL.upper()]]) >= 4
    package = DeliveryPackage.objects.create(campaign=campaign, directory="zq-package")
    assert delivery_package_build(package_id=package.pk)
    delivery_record(
        campaign=campaign, user=owner, delivered_at=datetime(2026, 3, 1, tzinfo=UTC),
        place="Town hall", received_by="The mayor's office",
    )  # fmt: skip
    assert traces_of(*NEEDLES), "the test plants data where the search can find it"
    assert any("core_outboundemail" in trace for trace in traces_of(*NEEDLES))
    assert any("zq-package" in trace for trace in traces_of(*NEEDLES))
    assert signature.consents.count() == 2 and signature.referrals.count() == 1
    return package


def assert_erased(package: DeliveryPackage, campaign) -> None:
    assert traces_of(*NEEDLES) == []
    assert not Signature.objects.filter(email_key="zyx.quill@example.org").exists()
    package.refresh_from_db()
    assert package.status == "discarded"
    assert not package_directory(package).exists()
    totals = tally_totals(campaign=campaign)
    assert (totals.signed, totals.confirmed) == (2, 2)
    campaign.refresh_from_db()
    assert campaign.signature_count == 2


def test_withdrawing_erases_every_copy_of_her_data(client, campaign, zyxwa_everywhere):
    # The link in her receipt e-mail.
    link = link_in_last_email("/withdraw/")
    assert "Withdraw my signature" in client.get(link).content.decode()

    response = client.post(link)

    assert_erased(zyxwa_everywhere, campaign)
    assert "core_outboundemail" in table_names()
    body = response.content.decode()
    assert "Your signature is withdrawn" in body
    assert 'data-testid="copies-out-of-reach"' in body  # the delivered list is out of our hands


def test_removal_by_an_organizer_erases_every_copy_of_her_data(
    client, owner, campaign, zyxwa_everywhere
):
    client.force_login(owner)

    response = client.post(
        reverse("organizer:delivery_withdraw", args=[campaign.slug]),
        {"email": "ZYX.QUILL@example.org", "reason": "erased", "confirm": "on"},
    )

    assert response.status_code == 302
    assert_erased(zyxwa_everywhere, campaign)
    messages = [str(m) for m in client.get(response["Location"]).context["messages"]]
    assert any("delivery package listed it and was deleted" in m for m in messages)


def test_a_package_built_while_she_withdraws_keeps_no_file(campaign, confirm_many, settings):
    """The builder wrote her row, then she withdrew: the finished package must not stay."""
    from groundswell.delivery.services import package_documents
    from groundswell.signatures.services import signature_withdraw

    signatures = confirm_many(2, show_name=True, name=NAME)
    package = DeliveryPackage.objects.create(campaign=campaign, directory="racing")
    real_write_zip = package_documents.write_zip

    def withdraw_then_zip(directory: Path, **kwargs) -> None:
        real_write_zip(directory, **kwargs)
        signature_withdraw(signature=signatures[0], reason="withdrawn")

    package_documents.write_zip = withdraw_then_zip
    try:
        delivery_package_build(package_id=package.pk)
    finally:
        package_documents.write_zip = real_write_zip

    package.refresh_from_db()
    assert package.status == "discarded"
    assert not package_directory(package).exists()


def test_a_failed_build_and_the_sweep_leave_no_files(campaign, confirm_many, monkeypatch):
    from groundswell.delivery.services import package_documents, packages
    from groundswell.delivery.tasks import delivery_sweep

    confirm_many(2, show_name=True, name=NAME)
    failed = DeliveryPackage.objects.create(campaign=campaign, directory="half-written")

    def break_after_the_csv(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(package_documents, "write_pdf", break_after_the_csv)
    delivery_package_build(package_id=failed.pk)
    failed.refresh_from_db()
    assert failed.status == "failed"
    assert not package_directory(failed).exists()
    # Files a crash left behind (the builder died, or the process between commit and delete).
    DeliveryPackage.objects.filter(pk=failed.pk).update(directory="left-behind")
    left = package_directory(DeliveryPackage.objects.get(pk=failed.pk))
    left.mkdir(parents=True)
    (left / "list.csv").write_text(NAME)

    delivery_sweep()

    assert not left.exists()
    assert not [path for path in packages.packages_root().rglob("*") if path.is_file()]
    assert package_directory(DeliveryPackage.objects.get(pk=failed.pk)) != left
