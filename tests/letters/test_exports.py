"""Olivia downloads the letter for delivery, and the update e-mails of those who gave one."""

import csv
import io

import pytest
from django.urls import reverse

from groundswell.letters.models import DisplayChoice
from groundswell.letters.services.moderation import signatory_pin

pytestmark = pytest.mark.django_db


def download(client, letter, name):
    response = client.get(reverse(f"organizer:{name}", kwargs={"slug": letter.slug}))
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    return list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))


def test_the_delivery_export_lists_categories_in_order_pinned_first(
    client, owner, letter, sign_letter
):
    sign_letter(letter, category="supporters", name="Sam Supporter", work_email="")
    sign_letter(letter, category="scholars", name="Grace Hopper", work_email="g@lakeside.edu")
    sign_letter(letter, name="Ada Lovelace", title="Staff Engineer")
    notable = sign_letter(letter, name="Linus Notable", work_email="linus@northwind.example")
    signatory_pin(letter=letter, public_id=notable.public_id, pinned=True)
    client.force_login(owner)

    rows = download(client, letter, "letter_delivery_export")

    assert rows == [
        ["category", "name", "title_or_role", "affiliation", "verification"],
        [
            "Employees of Northwind Cloud",
            "Linus Notable",
            "Staff Engineer",
            "Northwind Cloud",
            "Work e-mail verified",
        ],
        [
            "Employees of Northwind Cloud",
            "Ada Lovelace",
            "Staff Engineer",
            "Northwind Cloud",
            "Work e-mail verified",
        ],
        [
            "Scientists and scholars",
            "Grace Hopper",
            "Staff Engineer",
            "Northwind Cloud",
            "Work e-mail verified, approved by organizers",
        ],
        ["Supporters", "Sam Supporter", "Staff Engineer", "Northwind Cloud", "Not verified"],
    ]


def test_the_delivery_export_leaves_out_who_is_not_approved(client, owner, letter, sign_letter):
    sign_letter(letter, verify=False, name="Unverified Person")
    sign_letter(letter, category="scholars", approve=False, name="Waiting Person")
    client.force_login(owner)

    rows = download(client, letter, "letter_delivery_export")

    assert rows == [["category", "name", "title_or_role", "affiliation", "verification"]]


def test_spreadsheet_formulas_are_neutralised(client, owner, letter, sign_letter):
    sign_letter(letter, category="supporters", name="=HYPERLINK(1)", work_email="")
    client.force_login(owner)

    rows = download(client, letter, "letter_delivery_export")

    assert rows[1][1] == "'=HYPERLINK(1)"


def test_the_contacts_export_has_update_emails_and_names_only_when_public(
    client, owner, letter, sign_letter
):
    sign_letter(letter, name="Ada Lovelace", personal_email="ada@example.org")
    sign_letter(
        letter,
        name="Wen Okafor",
        work_email="wen@northwind.example",
        personal_email="wen@example.org",
        display=DisplayChoice.WITHHELD,
    )
    sign_letter(letter, name="No Email", work_email="x@northwind.example")
    client.force_login(owner)

    rows = download(client, letter, "letter_contacts_export")

    assert rows[0] == [
        "category", "name", "display", "personal_email", "status", "signed_version", "signed_at",
    ]  # fmt: skip
    assert [row[:6] for row in rows[1:]] == [
        ["Employees of Northwind Cloud", "Ada Lovelace", "Name and affiliation", "ada@example.org",
         "approved", "1"],
        ["Employees of Northwind Cloud", "", "Verified category, name withheld", "wen@example.org",
         "approved", "1"],
    ]  # fmt: skip


def test_the_contacts_export_leaves_out_addresses_never_confirmed(
    client, owner, letter, sign_letter
):
    """Anyone can type an address into the form: only its owner's confirmation is consent."""
    sign_letter(
        letter, name="Typed By Someone", personal_email="victim@example.org",
        confirm_personal_email=False,
    )  # fmt: skip
    sign_letter(
        letter, verify=False, name="Never Verified", work_email="nv@northwind.example",
        personal_email="nv@example.org",
    )  # fmt: skip
    sign_letter(
        letter, name="Confirmed", work_email="c@northwind.example", personal_email="c@e.org"
    )
    client.force_login(owner)

    rows = download(client, letter, "letter_contacts_export")

    assert [row[3] for row in rows[1:]] == ["c@e.org"]
