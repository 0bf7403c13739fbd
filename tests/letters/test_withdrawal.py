"""Zyxwa signs the open letter with her work address and a personal one, then takes her signature
back with the link from her e-mail (or asks the organizers to): nothing of hers is left. The
e-mail to her work address says nothing her employer's filters could read the letter from."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.db.models import F
from django.urls import reverse

from groundswell.core.models import OutboundEmail
from groundswell.letters.models import Letter, Signatory, SignatoryStatus
from groundswell.letters.services.letters import letter_text_update
from tests.letters.conftest import link_from_outbox, sign_form_data, verification_path_from_outbox
from tests.traces import traces_of

pytestmark = pytest.mark.django_db

NAME = "Zyxwa Quillfeather"
WORK_EMAIL = "Zyx.Quill@northwind.example"
PERSONAL_EMAIL = "zyxwa.home@example.org"
NEEDLES = ("zyx.quill", "zyxwa", "quillfeather", "Quillworks Labs", "Chief Quill Officer")


def sign(client, letter, **overrides):
    data = sign_form_data(
        letter, name=NAME, title="Chief Quill Officer", affiliation="Quillworks Labs",
        work_email=WORK_EMAIL, personal_email=PERSONAL_EMAIL,
    )  # fmt: skip
    data.update(overrides)
    response = client.post(reverse("letters:sign", kwargs={"slug": letter.slug}), data)
    assert response.status_code == 302
    return response


def counts(letter) -> int:
    return Letter.objects.get(pk=letter.pk).signatory_count


def emails_to(address: str) -> list:
    return [message for message in mail.outbox if message.to == [address]]


@pytest.fixture
def zyxwa_everywhere(client, owner, letter, sign_letter):
    """Her signature, verified, her personal address confirmed, every e-mail the letter sends."""
    sign_letter(letter, name="Other Person", work_email="other@northwind.example")  # stays
    sign(client, letter)
    assert client.post(verification_path_from_outbox()).status_code == 200
    assert client.post(link_from_outbox("/updates/confirm/")).status_code == 200
    # Someone types her work address again: the address is told it is already confirmed.
    Signatory.objects.update(notified_at=F("notified_at") - timedelta(minutes=11))
    sign(client, letter, work_email="ZYX.QUILL+again@northwind.example", personal_email="")
    # The text changes and she is told, at her personal address.
    letter_text_update(letter=letter, text="A sharper text.", change_note="Sharper.")
    client.force_login(owner)
    client.post(reverse("organizer:letter_notify", kwargs={"slug": letter.slug}))
    client.logout()
    assert len(emails_to(WORK_EMAIL)) == 1
    assert len(emails_to("ZYX.QUILL+again@northwind.example")) == 1
    assert len(emails_to(PERSONAL_EMAIL)) == 2  # confirm this address; the text changed
    signatory = Signatory.objects.get(name=NAME)
    assert signatory.status == SignatoryStatus.APPROVED
    assert signatory.personal_email_confirmed_at is not None
    assert counts(letter) == 2
    assert traces_of(*NEEDLES), "the test plants data where the search can find it"
    return signatory


def test_the_link_in_the_work_email_withdraws_and_erases_everything(
    client, letter, zyxwa_everywhere
):
    link = link_from_outbox("/cancel/")
    assert client.get(link).status_code == 200
    assert Signatory.objects.filter(pk=zyxwa_everywhere.pk).exists()  # a scanner's GET

    response = client.post(link)

    assert "Your signature is withdrawn" in response.content.decode()
    assert traces_of(*NEEDLES) == []
    assert not OutboundEmail.objects.filter(signatory_id=zyxwa_everywhere.pk).exists()
    assert counts(letter) == 1
    assert client.post(link).status_code == 200  # already gone: said so, nothing else


def test_the_link_in_the_personal_email_works_too(client, letter, sign_letter):
    sign(client, letter, category="supporters", work_email="")
    link = next(
        line.strip().removeprefix("https://sign.example.org")
        for line in emails_to(PERSONAL_EMAIL)[0].body.splitlines()
        if "/cancel/" in line
    )

    client.post(link)

    assert not Signatory.objects.exists()
    assert traces_of(*NEEDLES) == []


def test_erasure_by_an_organizer_leaves_nothing_either(client, owner, letter, zyxwa_everywhere):
    client.force_login(owner)

    response = client.post(
        reverse("organizer:letter_decide", kwargs={"slug": letter.slug}),
        {"decision": "erase", "signatories": [zyxwa_everywhere.public_id], "status": "approved"},
    )

    assert response.status_code == 302
    assert traces_of(*NEEDLES) == []
    assert counts(letter) == 1


def test_the_withdrawal_page_names_nothing_before_the_button(client, letter):
    sign(client, letter)

    body = client.get(link_from_outbox("/cancel/")).content.decode().lower()

    for revealing in ("northwind", "contract", "employees", "quill", letter.slug):
        assert revealing not in body


def test_a_forged_withdrawal_link_is_refused(client, letter):
    sign(client, letter)
    link = link_from_outbox("/cancel/")

    response = client.post(link.rstrip("/") + "x/")

    assert response.status_code == 400
    assert Signatory.objects.exists()


def test_the_work_email_reveals_nothing_of_the_letter_or_the_employer(client, letter):
    sign(client, letter)

    (message,) = emails_to(WORK_EMAIL)
    # The site's own address (here sign.example.org) is the one thing the links must show.
    text = f"{message.subject}\n{message.body}".replace("https://sign.example.org/", "/").lower()
    title_words = {word for word in re.findall(r"[a-z]+", letter.title.lower()) if len(word) > 3}
    assert title_words  # northwind, workers, against, contract
    for word in [*title_words, "letter", "petition", "sign", "employ", "just tech", "quill"]:
        assert not re.search(rf"\b{word}", text), word
    assert letter.slug not in text
    assert message.subject == "Confirm your address"
    links = re.findall(r"https://\S+", message.body)
    assert len(links) == 2 and all("/letters/" not in link for link in links)


def test_the_form_shows_the_work_email_exactly_as_sent(client, letter):
    form = client.get(reverse("letters:sign", kwargs={"slug": letter.slug})).content.decode()
    sign(client, letter)

    (message,) = emails_to(WORK_EMAIL)
    preview = form[form.index('data-testid="work-email-preview"') :]
    assert form.index('name="work_email"') < form.index('data-testid="work-email-preview"')
    assert f"Subject: {message.subject}" in preview
    # The body as sent, but for the tokens of the links.
    body = re.sub(r"(/address/(verify|cancel)/)[^/\s]+/", r"\1…/", message.body.strip())
    assert body in preview


def test_a_personal_address_is_confirmed_by_the_button_only(client, letter):
    sign(client, letter, category="supporters", work_email="")
    link = link_from_outbox("/updates/confirm/")

    page = client.get(link).content.decode()
    assert "Confirm my address" in page
    assert Signatory.objects.get().personal_email_confirmed_at is None

    client.post(link)

    assert Signatory.objects.get().personal_email_confirmed_at is not None


def test_unconfirmed_signatories_and_addresses_are_purged_after_the_window(
    settings, letter, sign_letter
):
    from groundswell.letters.services.erasure import signatories_unconfirmed_purge
    from groundswell.letters.tasks import signatories_unconfirmed_purge_task

    unverified = sign_letter(letter, verify=False, personal_email="u@example.org")
    unconfirmed = sign_letter(
        letter, category="supporters", work_email="", personal_email="typed@example.org",
        confirm_personal_email=False,
    )  # fmt: skip
    fresh = sign_letter(letter, verify=False, work_email="fresh@northwind.example")
    kept = sign_letter(letter, work_email="kept@northwind.example", personal_email="k@example.org")
    past = timedelta(seconds=settings.SIGNATURE_CONFIRMATION_MAX_AGE, hours=2)
    Signatory.objects.exclude(pk=fresh.pk).update(
        created_at=F("created_at") - past, notified_at=F("notified_at") - past
    )

    assert signatories_unconfirmed_purge() == (1, 1)

    assert not Signatory.objects.filter(pk=unverified.pk).exists()
    assert not OutboundEmail.objects.filter(signatory_id=unverified.pk).exists()
    unconfirmed.refresh_from_db()
    assert unconfirmed.personal_email == ""
    assert not OutboundEmail.objects.filter(to="typed@example.org").exists()
    assert Signatory.objects.get(pk=kept.pk).personal_email == "k@example.org"
    assert Signatory.objects.filter(pk=fresh.pk).exists()
    assert signatories_unconfirmed_purge_task() == [0, 0]
