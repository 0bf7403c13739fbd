"""A withheld name never comes out: planted names are searched for in every output.

Zebulon signs as a Northwind employee with his name withheld; Philippa signs as a scholar to
be counted only; Ottilie supports without any check, withheld. Everything a letter produces is
collected (public pages, searches, JSON, exports, organizer pages, every e-mail, the outbox,
log records) and none may contain their names.
"""

import logging

import pytest
from django.core import mail
from django.urls import reverse

from groundswell.core.models import OutboundEmail
from groundswell.letters.models import DisplayChoice, Signatory
from tests.letters.conftest import sign_form_data, verification_path_from_outbox

pytestmark = pytest.mark.django_db

PLANTED = {
    "employees": ("Zebulon Quarrington-Vexley", DisplayChoice.WITHHELD, "zq@northwind.example"),
    "scholars": ("Philippa Oxmantown-Drue", DisplayChoice.COUNT_ONLY, "po@cs.lakeside.edu"),
    "supporters": ("Ottilie Brackenwaithe", DisplayChoice.WITHHELD, ""),
}
NAME_PARTS = [
    "Zebulon",
    "Quarrington",
    "Vexley",
    "Philippa",
    "Oxmantown",
    "Ottilie",
    "Brackenwaithe",
]
PLANTED_AFFILIATION = "Secret Storage Team"


def assert_no_planted_name(label: str, text: str) -> None:
    for part in NAME_PARTS:
        assert part.lower() not in text.lower(), f"{part!r} leaked in {label}"


def text_of(response) -> str:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content).decode()
    return response.content.decode()


@pytest.fixture
def everything_signed(client, owner, letter, sign_letter, caplog):
    """The planted signers go through the real pages, with a few named ones around them."""
    caplog.set_level(logging.DEBUG)
    sign_url = reverse("letters:sign", kwargs={"slug": letter.slug})
    outputs: dict[str, str] = {}
    for category, (name, display, work_email) in PLANTED.items():
        response = client.post(
            sign_url,
            sign_form_data(
                letter,
                category=category,
                name=name,
                display=display,
                work_email=work_email,
                affiliation=PLANTED_AFFILIATION,
                personal_email=f"{category}@example.org",
            ),
        )
        assert response.status_code == 302
        outputs[f"thanks {category}"] = text_of(client.get(response["Location"]))
        if work_email:
            link = verification_path_from_outbox()
            outputs[f"verify page {category}"] = text_of(client.get(link))
            outputs[f"verified page {category}"] = text_of(client.post(link))
    sign_letter(letter, name="Named Person", personal_email="named@example.org")
    client.force_login(owner)
    queue = reverse("organizer:letter_signatories", kwargs={"slug": letter.slug})
    outputs["moderation queue"] = text_of(client.get(queue))
    scholar = Signatory.objects.get(letter=letter, category__slug="scholars")
    client.post(
        reverse("organizer:letter_decide", kwargs={"slug": letter.slug}),
        {"decision": "approve", "signatories": [scholar.public_id]},
    )
    client.post(
        reverse("organizer:letter_edit", kwargs={"slug": letter.slug}),
        {
            "title": letter.title,
            "addressee": letter.addressee,
            "text": "A second version.",
            "change_note": "Sharper demands.",
        },
    )
    client.post(reverse("organizer:letter_notify", kwargs={"slug": letter.slug}))
    client.logout()
    assert Signatory.objects.filter(letter=letter, status="approved").count() == 4
    return outputs


def test_withheld_names_appear_in_no_output(client, owner, letter, everything_signed, caplog):
    outputs = dict(everything_signed)
    slug = {"slug": letter.slug}
    outputs["public page"] = text_of(client.get(letter.get_absolute_url()))
    for category in ("employees", "scholars", "supporters"):
        outputs[f"category {category}"] = text_of(
            client.get(letter.get_absolute_url(), {"category": category})
        )
    # Searching one part of a name must not bring up the others (the box echoes the query).
    for query, other in [("Quarrington", "Zebulon"), ("Zebulon", "Vexley"), ("Philippa", "Drue")]:
        body = text_of(client.get(letter.get_absolute_url(), {"q": query}))
        assert other.lower() not in body.lower()
        assert "Nobody found." in body
    for query in ("Secret Storage", "Ottilie", "Brackenwaithe"):
        body = text_of(client.get(letter.get_absolute_url(), {"q": query}))
        assert "Nobody found." in body
    outputs["json"] = text_of(client.get(reverse("letters:letter_json", kwargs=slug)))
    outputs["history"] = text_of(client.get(reverse("letters:history", kwargs=slug)))
    client.force_login(owner)
    for name in ("letter", "letter_delivery_export", "letter_contacts_export"):
        outputs[name] = text_of(client.get(reverse(f"organizer:{name}", kwargs=slug)))
    for status in ("unverified", "moderation", "approved", "rejected"):
        url = reverse("organizer:letter_signatories", kwargs=slug)
        outputs[f"queue {status}"] = text_of(client.get(url, {"status": status}))
    outputs["organizer list"] = text_of(client.get(reverse("organizer:letter_list")))
    for number, message in enumerate(mail.outbox):
        outputs[f"e-mail {number} to {message.to}"] = f"{message.subject}\n{message.body}"
    for email in OutboundEmail.objects.all():
        outputs[f"outbox #{email.pk}"] = f"{email.to}\n{email.subject}\n{email.body}"
    for record in caplog.get_records("setup") + caplog.get_records("call"):
        outputs[f"log {record.name}"] = f"{record.getMessage()} {record.args!r}"

    assert len(mail.outbox) >= 5  # verifications, change notices
    assert any(key.startswith("log ") for key in outputs)
    for label, text in outputs.items():
        assert_no_planted_name(label, text)
    assert "Named Person" in outputs["public page"]
    assert "Named Person" in outputs["letter_delivery_export"]


def test_the_planted_affiliation_stays_off_public_outputs(client, letter, everything_signed):
    public = [
        text_of(client.get(letter.get_absolute_url())),
        text_of(client.get(reverse("letters:letter_json", kwargs={"slug": letter.slug}))),
    ]

    assert all(PLANTED_AFFILIATION not in text for text in public)
    # Organizers decide on the affiliation, so the moderation queue shows it, never the name.
    assert PLANTED_AFFILIATION in everything_signed["moderation queue"]


def test_the_delivery_export_honours_every_display_choice(client, owner, letter, everything_signed):
    client.force_login(owner)

    export = text_of(
        client.get(reverse("organizer:letter_delivery_export", kwargs={"slug": letter.slug}))
    )

    lines = export.strip().splitlines()
    assert lines[0] == "category,name,title_or_role,affiliation,verification"
    assert "Employees of Northwind Cloud,Name withheld,,,Work e-mail verified" in lines
    assert "Scientists and scholars,and 1 more signatory who asked to be counted, not named,,," in [
        line.replace('"', "") for line in lines
    ]
    assert "Supporters,Name withheld,,,Not verified" in lines
