"""Wen signs an open letter: the signing page, what it refuses and what it keeps."""

import hashlib
import re
from datetime import timedelta

import pytest
from django.core import mail
from django.core.cache import cache
from django.db.models import F
from django.urls import reverse

from groundswell.core.email_keys import email_key
from groundswell.core.models import OutboundEmail
from groundswell.letters.models import (
    DisplayChoice,
    Letter,
    LetterStatus,
    Signatory,
    SignatoryStatus,
)
from groundswell.letters.services.letters import letter_text_update
from groundswell.letters.work_addresses import work_address_hash
from tests.letters.conftest import sign_form_data

pytestmark = pytest.mark.django_db


def sign_url(letter):
    return reverse("letters:sign", kwargs={"slug": letter.slug})


def test_the_page_warns_about_work_devices_before_the_work_address_is_typed(client, letter):
    body = client.get(sign_url(letter)).content.decode()

    warning = body.index('data-testid="work-device-warning"')
    assert warning < body.index('name="work_email"')
    assert "Do not sign from a work computer, work phone or work network" in body
    assert "Exactly what we keep" in body
    assert "only its domain" in body and "one-way keyed fingerprint" in body


def test_an_employee_gets_a_verification_link_at_work_and_nothing_counts_yet(client, letter):
    response = client.post(sign_url(letter), sign_form_data(letter))

    assert response.status_code == 302
    assert response["Location"].endswith("/thanks/?step=verify")
    signatory = Signatory.objects.get()
    assert signatory.status == SignatoryStatus.UNVERIFIED
    assert signatory.work_email_domain == "northwind.example"
    assert signatory.work_email_hash == work_address_hash("ada@northwind.example")
    assert signatory.version == letter.current_version
    assert not signatory.is_listed
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["ada@northwind.example"]
    assert "/verify/" in mail.outbox[0].body
    letter.refresh_from_db()
    assert letter.signatory_count == 0


def test_the_work_address_is_stored_nowhere_once_the_email_is_sent(client, letter):
    client.post(
        sign_url(letter),
        sign_form_data(letter, name="Wen Okafor", work_email="Ada+x@NorthWind.example"),
    )

    signatory = Signatory.objects.values().get()
    assert not any("ada" in str(value).lower() for value in signatory.values() if value)
    email = OutboundEmail.objects.get()
    assert email.sent_at is not None
    assert email.to == ""
    assert "ada@northwind.example" not in email.body.lower()


def test_the_verification_email_does_not_name_the_signer(client, letter):
    client.post(sign_url(letter), sign_form_data(letter, name="Wen Okafor"))

    message = mail.outbox[0]
    # Whole words: a short name could turn up by chance inside the random token of the link.
    words = set(re.findall(r"[A-Za-z]+", message.subject + " " + message.body))
    assert "Wen" not in words
    assert "Okafor" not in words


@pytest.mark.parametrize(
    "address", ["ada@gmail.com", "ada@evilnorthwind.example", "ada@northwind.example.com"]
)
def test_a_work_address_outside_the_allowed_domains_is_refused_clearly(client, letter, address):
    response = client.post(sign_url(letter), sign_form_data(letter, work_email=address))

    assert response.status_code == 400
    body = response.content.decode()
    assert "This address is not accepted for “Employees of Northwind Cloud”" in body
    assert "northwind.example" in body
    assert Signatory.objects.count() == 0
    assert OutboundEmail.objects.count() == 0


def test_a_subdomain_of_an_allowed_domain_is_accepted(client, letter):
    response = client.post(
        sign_url(letter), sign_form_data(letter, work_email="ada@eng.northwind.example")
    )

    assert response.status_code == 302
    assert Signatory.objects.get().work_email_domain == "eng.northwind.example"


def test_any_edu_address_is_accepted_for_scholars(client, letter):
    response = client.post(
        sign_url(letter),
        sign_form_data(letter, category="scholars", work_email="grace@cs.lakeside.edu"),
    )

    assert response.status_code == 302
    assert Signatory.objects.get().work_email_domain == "cs.lakeside.edu"


def test_a_category_with_domains_needs_a_work_address(client, letter):
    response = client.post(sign_url(letter), sign_form_data(letter, work_email=""))

    assert response.status_code == 400
    assert "needs your work e-mail" in response.content.decode()
    assert Signatory.objects.count() == 0


def test_a_category_without_checks_counts_at_once_and_keeps_no_work_address(client, letter):
    response = client.post(
        sign_url(letter),
        sign_form_data(letter, category="supporters", work_email="someone@northwind.example"),
    )

    assert response["Location"].endswith("?step=done")
    signatory = Signatory.objects.get()
    assert signatory.status == SignatoryStatus.APPROVED
    assert signatory.is_listed
    assert signatory.work_email_hash == "" and signatory.work_email_domain == ""
    assert len(mail.outbox) == 0
    letter.refresh_from_db()
    assert letter.signatory_count == 1


def test_a_personal_address_at_the_work_domain_is_refused(client, letter):
    response = client.post(
        sign_url(letter), sign_form_data(letter, personal_email="ada.home@northwind.example")
    )

    assert response.status_code == 400
    assert "Please give a personal address here" in response.content.decode()
    assert Signatory.objects.count() == 0


def test_a_personal_address_is_kept_for_updates(client, letter):
    client.post(sign_url(letter), sign_form_data(letter, personal_email="ada@example.org"))

    assert Signatory.objects.get().personal_email == "ada@example.org"


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("name", "", "This field is required."),
        ("affiliation", "", "This field is required."),
        ("category", "nobody", "Select a valid choice."),
        ("display", "everything", "Select a valid choice."),
        ("work_email", "not-an-address", "Enter a valid email address."),
        ("personal_email", "nope", "Enter a valid email address."),
        ("name", "x" * 121, "Ensure this value has at most 120 characters"),
        ("name", "<script>alert(1)</script>", "Please remove HTML tags"),
        ("affiliation", "Northwind <img src=x onerror=alert(1)>", "Please remove HTML tags"),
        ("title", "<b>CEO</b>", "Please remove HTML tags"),
        ("name", "\u200b", "invisible control characters"),
        ("name", "\u2800\u2800", "only invisible characters"),
        ("name", "\u202eecalevoL adA", "change the direction of the text"),
        ("affiliation", "Northwind\r\nCloud", "keep this to one line"),
        ("title", "CEO \ufffd", "could not be read"),
    ],
)
def test_bad_input_is_refused_with_a_clear_message_and_changes_nothing(
    client, letter, field, value, message
):
    response = client.post(sign_url(letter), sign_form_data(letter, **{field: value}))

    assert response.status_code == 400
    assert message in response.content.decode()
    assert Signatory.objects.count() == 0
    assert OutboundEmail.objects.count() == 0


def test_names_are_stored_in_nfc(client, letter):
    client.post(sign_url(letter), sign_form_data(letter, name="Jose\u0301 Garci\u0301a"))

    assert Signatory.objects.get().name == "Jos\u00e9 Garc\u00eda"


def test_typed_values_are_escaped_when_the_form_is_shown_again(client, letter):
    response = client.post(
        sign_url(letter),
        sign_form_data(letter, title='"><script>alert(1)</script>', work_email="bad"),
    )

    body = response.content.decode()
    assert "<script>alert(1)</script>" not in body


def test_a_text_changed_while_reading_is_shown_before_anyone_signs_it(client, letter):
    stale = sign_form_data(letter)
    letter_text_update(letter=letter, text="A different text.")

    response = client.post(sign_url(letter), stale)

    assert response.status_code == 409
    body = response.content.decode()
    assert "changed while you were reading" in body
    assert "A different text." in body
    assert Signatory.objects.count() == 0
    fresh = Letter.objects.get(pk=letter.pk).current_version.fingerprint
    assert f'value="{fresh}"' in body


@pytest.mark.parametrize("status", [LetterStatus.CLOSED, LetterStatus.DELIVERED])
def test_a_closed_letter_refuses_signatures(client, make_letter, status):
    closed = make_letter(status=status)

    response = client.post(sign_url(closed), sign_form_data(closed))

    assert response.status_code == 409
    assert "not accepting signatures" in response.content.decode()
    assert Signatory.objects.count() == 0


def test_a_draft_letter_cannot_be_signed_or_seen(client, make_letter):
    draft = make_letter(status=LetterStatus.DRAFT)

    assert client.post(sign_url(draft), sign_form_data(draft)).status_code == 404
    assert client.get(sign_url(draft)).status_code == 404
    assert client.get(draft.get_absolute_url()).status_code == 404


def test_signing_is_rate_limited_per_client_address(client, letter, settings):
    settings.SIGNING_RATE_LIMIT_PER_MINUTE = 2
    for number in range(2):
        client.post(
            sign_url(letter),
            sign_form_data(letter, category="supporters", name=f"Person {number}"),
        )

    response = client.post(sign_url(letter), sign_form_data(letter, category="supporters"))

    assert response.status_code == 429
    assert Signatory.objects.count() == 2


def test_repeated_submits_with_one_address_send_one_email(client, letter):
    for _attempt in range(3):
        response = client.post(sign_url(letter), sign_form_data(letter))
        assert response["Location"].endswith("?step=verify")

    assert Signatory.objects.count() == 1
    assert len(mail.outbox) == 1


def test_a_stranger_cannot_flood_a_personal_inbox_by_signing_again_and_again(client, letter):
    """Anyone may type anyone's personal address, in categories that check nothing: the address
    gets one e-mail per RENOTIFY_AFTER, however it is spelled, and the signatories taken
    meanwhile keep no address that nobody will be asked to confirm."""
    for number, address in enumerate(["ada@example.org", "ADA+1@example.org", "ada+2@example.org"]):
        response = client.post(
            sign_url(letter),
            sign_form_data(
                letter, category="supporters", work_email="", personal_email=address,
                name=f"Mallory {number}",
            ),
        )  # fmt: skip
        assert response["Location"].endswith("?step=done")

    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["ada@example.org"]
    assert sorted(Signatory.objects.values_list("personal_email", flat=True)) == [
        "", "", "ada@example.org",
    ]  # fmt: skip


def test_the_marker_that_limits_a_personal_address_cannot_be_matched_to_it(
    client, letter, settings
):
    """The marker's key is keyed with SECRET_KEY: hashing guessed addresses finds nothing."""
    # What the cache holds is read from a local-memory cache (Redis when the suite runs on it).
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    cache.clear()
    client.post(
        sign_url(letter),
        sign_form_data(
            letter, category="supporters", work_email="", personal_email="ada@example.org"
        ),
    )

    stored = " ".join(str(name) for name in cache._cache)
    assert "letter-personal-email:" in stored
    for spelled in ("ada@example.org", email_key("ada@example.org")):
        assert spelled not in stored
        assert hashlib.sha256(spelled.encode()).hexdigest()[:32] not in stored


def test_new_work_addresses_do_not_lift_the_limit_on_the_personal_one(client, letter):
    for number in range(3):
        client.post(
            sign_url(letter),
            sign_form_data(
                letter, work_email=f"someone{number}@northwind.example",
                personal_email="ada@example.org",
            ),
        )  # fmt: skip

    to_personal = [message for message in mail.outbox if message.to == ["ada@example.org"]]
    assert len(to_personal) == 1
    assert len(mail.outbox) == 4


def test_each_personal_address_gets_its_own_confirmation(client, letter, make_letter):
    other = make_letter()
    for signed, address in [(letter, "ada@example.org"), (letter, "wen@example.org"),
                            (other, "ada@example.org")]:  # fmt: skip
        client.post(
            sign_url(signed),
            sign_form_data(signed, category="supporters", work_email="", personal_email=address),
        )

    assert sorted(message.to[0] for message in mail.outbox) == [
        "ada@example.org", "ada@example.org", "wen@example.org",
    ]  # fmt: skip


def test_after_ten_minutes_a_new_attempt_gets_its_own_link(client, letter):
    client.post(sign_url(letter), sign_form_data(letter, display=DisplayChoice.WITHHELD))
    Signatory.objects.update(notified_at=F("notified_at") - timedelta(minutes=11))

    client.post(sign_url(letter), sign_form_data(letter))

    assert Signatory.objects.count() == 2
    assert len(mail.outbox) == 2
    assert mail.outbox[0].body != mail.outbox[1].body


def test_the_thanks_page_explains_the_next_step(client, letter):
    thanks = reverse("letters:thanks", kwargs={"slug": letter.slug})

    assert "check your work inbox" in client.get(f"{thanks}?step=verify").content.decode()
    assert "will check your signature" in client.get(f"{thanks}?step=moderation").content.decode()
    assert "your signature counts" in client.get(f"{thanks}?step=nonsense").content.decode()
