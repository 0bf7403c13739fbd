"""An update in each recipient's language: the organizer's subject and text as written, and
around them (why the person gets it, the links, how to unsubscribe, the page the link opens) the
language they signed or RSVPed in; the site's default when none is stored or it is no longer
offered. Each language is rendered once per send, whatever the number of recipients."""

import re
from collections import Counter

import pytest
from django.core import mail
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape

from groundswell.campaigns.translations import campaign_translation_save
from groundswell.events.models import Rsvp
from groundswell.letters.models import Signatory
from groundswell.signatures.models import Signature
from groundswell.updates import messages
from groundswell.updates.models import Update, UpdateStatus
from groundswell.updates.sending import update_recipients_list, update_send
from groundswell.updates.services import update_send_now, update_test_send
from tests.events.conftest import make_event, rsvped  # noqa: F401 (fixtures)

ENGLISH_FOOTER = "You receive this because you"
SPANISH_FOOTER = "Recibe este mensaje porque"
SPANISH_UNSUBSCRIBE_TEXT = "Para no recibir más novedades de esta organización:"
SPANISH_UNSUBSCRIBE_LINK = "No recibir más novedades de esta organización"


@pytest.fixture(autouse=True)
def _no_rate_limit(settings):
    settings.UPDATE_SEND_RATE = 0


def signers_in(campaign, consenting_signers, languages: list[str]) -> list[Signature]:
    ids = consenting_signers(
        campaign=campaign, organization=campaign.organization, count=len(languages)
    )
    for signature_id, language in zip(ids, languages, strict=True):
        Signature.objects.filter(pk=signature_id).update(language=language)
    return list(Signature.objects.filter(pk__in=ids).order_by("pk"))


def message_to(address: str):
    [message] = [message for message in mail.outbox if message.to == [address]]
    return message


def html_of(message) -> str:
    return message.alternatives[0][0]


def test_a_spanish_and_an_english_signer_each_get_the_footer_in_their_own_language(
    make_update, owner, consenting_signers, campaign, run_on_commit
):
    spanish, english = signers_in(campaign, consenting_signers, ["es", "en"])

    with run_on_commit():
        update_send_now(update=make_update(subject="We delivered them"), user=owner)

    to_spanish, to_english = message_to(spanish.email), message_to(english.email)
    # The organizer's words, as written, for both.
    for message in (to_spanish, to_english):
        assert message.subject == "We delivered them"
        assert "**Thank you.**" in message.body
        assert "<strong>Thank you.</strong>" in html_of(message)
    assert SPANISH_FOOTER in to_spanish.body
    assert SPANISH_UNSUBSCRIBE_TEXT in to_spanish.body
    assert SPANISH_FOOTER in html_of(to_spanish)
    assert SPANISH_UNSUBSCRIBE_LINK in html_of(to_spanish)
    assert '<p lang="es">' in html_of(to_spanish)
    assert ENGLISH_FOOTER not in to_spanish.body
    assert ENGLISH_FOOTER in to_english.body
    assert ENGLISH_FOOTER in html_of(to_english)
    assert "Receive no more updates from this organization" in html_of(to_english)
    assert SPANISH_FOOTER not in to_english.body


def test_the_unsubscribe_link_opens_the_page_in_the_language_of_its_e_mail(
    make_update, owner, consenting_signers, campaign, run_on_commit
):
    spanish, english = signers_in(campaign, consenting_signers, ["es", "en"])
    with run_on_commit():
        update_send_now(update=make_update(), user=owner)
    spanish_link = message_to(spanish.email).extra_headers["List-Unsubscribe"].strip("<>")
    english_link = message_to(english.email).extra_headers["List-Unsubscribe"].strip("<>")
    assert spanish_link.endswith("/?lang=es")
    assert english_link.endswith("/?lang=en")
    assert spanish_link in message_to(spanish.email).body

    # Whatever the browser asks for, the page reads like the e-mail.
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    page = client.get(spanish_link.removeprefix("https://sign.example.org"))
    assert "Darse de baja" in page.content.decode()
    assert page["Content-Language"] == "es"
    done = client.post(spanish_link.removeprefix("https://sign.example.org"))
    assert "Baja confirmada" in done.content.decode()

    page = Client(HTTP_ACCEPT_LANGUAGE="es").get(
        english_link.removeprefix("https://sign.example.org")
    )
    assert "Press the button to receive no more updates" in page.content.decode()


def test_the_unsubscribe_page_ignores_a_language_the_site_does_not_offer(campaign):
    link = messages.unsubscribe_url(
        organization_id=campaign.organization_id,
        organization_slug=campaign.organization.slug,
        address_hash="a" * 64,
        language="fr",
    ).removeprefix("https://sign.example.org")

    page = Client(HTTP_ACCEPT_LANGUAGE="es").get(link)

    assert page.status_code == 200
    assert "Darse de baja" in page.content.decode()  # the browser's language, as without it


def test_the_language_switcher_on_the_unsubscribe_page_leads_back_without_the_links_language(
    campaign,
):
    path = messages.unsubscribe_url(
        organization_id=campaign.organization_id,
        organization_slug=campaign.organization.slug,
        address_hash="a" * 64,
        language="es",
    ).removeprefix("https://sign.example.org")
    browser = Client()

    page = browser.get(path).content.decode()
    back = browser.post(reverse("set_language"), {"language": "en", "next": path})

    assert f'name="next" value="{escape(path)}"' in page
    assert back["Location"] == path.partition("?")[0]
    assert (
        "Press the button to receive no more updates"
        in browser.get(back["Location"]).content.decode()
    )


def test_a_signer_with_no_language_or_one_no_longer_offered_reads_the_default(
    make_update, owner, consenting_signers, campaign, run_on_commit, settings
):
    none_stored, no_longer_offered = signers_in(campaign, consenting_signers, ["", "fr"])

    with run_on_commit():
        update_send_now(update=make_update(), user=owner)

    for signer in (none_stored, no_longer_offered):
        message = message_to(signer.email)
        assert ENGLISH_FOOTER in message.body
        assert message.extra_headers["List-Unsubscribe"].endswith("?lang=en>")


def test_each_language_is_rendered_once_however_many_batches_and_recipients(
    make_update, owner, consenting_signers, campaign, monkeypatch
):
    signers_in(campaign, consenting_signers, ["es", "en", "", "fr"] * 40)  # two batches
    update = make_update()
    Update.objects.filter(pk=update.pk).update(status=UpdateStatus.SENDING)
    update_recipients_list(update=update)
    renders: Counter[tuple[str, str | None]] = Counter()
    render_to_string = messages.render_to_string

    def counting(template_name, *args, **kwargs):
        renders[(template_name, translation.get_language())] += 1
        return render_to_string(template_name, *args, **kwargs)

    monkeypatch.setattr(messages, "render_to_string", counting)

    with CaptureQueriesContext(connection) as queries:
        assert update_send(update_id=update.pk).sent == 160

    assert renders == {
        ("updates/email/update.txt", "es"): 1,
        ("updates/email/update.html", "es"): 1,
        ("updates/email/update.txt", "en"): 1,
        ("updates/email/update.html", "en"): 1,
    }
    # The languages come with the addresses: one query a batch, none a message.
    reading_languages = [
        query for query in queries if '"signatures_signature"."language"' in query["sql"]
    ]
    assert len(reading_languages) == 2


def test_the_petitions_title_is_the_organizers_translation_in_its_language(
    make_update, owner, consenting_signers, campaign, run_on_commit
):
    spanish, english = signers_in(campaign, consenting_signers, ["es", "en"])
    campaign_translation_save(
        campaign=campaign,
        language="es",
        title="Cancelen el contrato",
        ask="Cancelen.",
        background="",
    )

    with run_on_commit():
        update_send_now(update=make_update(), user=owner)

    assert ">Cancelen el contrato</a>" in html_of(message_to(spanish.email))
    assert ">Cancel the contract</a>" in html_of(message_to(english.email))


def test_a_letter_signatory_reads_the_footer_in_their_language(
    letter, sign_letter, owner, run_on_commit, update_to_people_of
):
    signatory = sign_letter(
        letter, category="supporters", work_email="", personal_email="me@example.org"
    )
    Signatory.objects.filter(pk=signatory.pk).update(language="es")
    update = update_to_people_of(letter)
    mail.outbox.clear()

    with run_on_commit():
        update_send_now(update=update, user=owner)

    assert SPANISH_FOOTER in message_to("me@example.org").body


def test_an_event_attendee_reads_the_footer_in_the_language_they_rsvped_in(
    make_event,  # noqa: F811
    rsvped,  # noqa: F811
    owner,
    run_on_commit,
    update_to_people_of,
):
    event = make_event()
    host = {event.organization_id}
    spanish = rsvped(event, email="vino@example.org", consent_organization_ids=host)
    rsvped(event, email="came@example.org", consent_organization_ids=host, language="en")
    Rsvp.objects.filter(pk=spanish.pk).update(language="es")
    update = update_to_people_of(event)
    mail.outbox.clear()

    with run_on_commit():
        update_send_now(update=update, user=owner)

    assert SPANISH_FOOTER in message_to("vino@example.org").body
    assert ENGLISH_FOOTER in message_to("came@example.org").body


def test_the_test_send_is_in_the_language_the_organizer_is_reading(make_update):
    update = make_update()

    with translation.override("es"):
        update_test_send(update=update, to="organizer@example.org")
    update_test_send(update=update, to="organizer@example.org")

    spanish, english = mail.outbox
    assert spanish.subject.startswith("[Prueba] ")
    assert SPANISH_FOOTER in spanish.body
    assert ENGLISH_FOOTER in english.body


def link_to(page_path: str, text: str) -> str:
    [link] = re.findall(rf"https://sign\.example\.org{re.escape(page_path)}[^\s\"<]*", text)
    return link.removeprefix("https://sign.example.org")


def test_the_link_to_the_petition_opens_it_in_the_language_of_the_e_mail(
    make_update, owner, consenting_signers, campaign, run_on_commit, settings
):
    settings.PUBLIC_PAGE_CACHE_SECONDS = 5
    cache.clear()
    spanish, english = signers_in(campaign, consenting_signers, ["es", "en"])
    with run_on_commit():
        update_send_now(update=make_update(), user=owner)
    to_spanish, to_english = message_to(spanish.email), message_to(english.email)
    petition = campaign.get_absolute_url()
    # An English copy of the petition is in the page cache already.
    Client(HTTP_ACCEPT_LANGUAGE="en").get(petition)

    in_text, in_html = link_to(petition, to_spanish.body), link_to(petition, html_of(to_spanish))
    page = Client(HTTP_ACCEPT_LANGUAGE="en").get(in_text).content.decode()

    assert in_text == in_html == f"{petition}?lang=es"
    assert '<html lang="es">' in page and "Firme la petición" in page
    assert link_to(petition, to_english.body) == f"{petition}?lang=en"
    english_page = Client(HTTP_ACCEPT_LANGUAGE="es").get(f"{petition}?lang=en").content.decode()
    assert "Sign the petition" in english_page


def test_the_links_to_a_letter_and_an_event_open_them_in_the_language_of_the_e_mail(
    letter,
    sign_letter,
    make_event,  # noqa: F811
    rsvped,  # noqa: F811
    owner,
    run_on_commit,
    update_to_people_of,
):
    signatory = sign_letter(
        letter, category="supporters", work_email="", personal_email="me@example.org"
    )
    Signatory.objects.filter(pk=signatory.pk).update(language="es")
    event = make_event()
    rsvp = rsvped(event, email="vino@example.org", consent_organization_ids={event.organization_id})
    Rsvp.objects.filter(pk=rsvp.pk).update(language="es")
    about_letter = update_to_people_of(letter, subject="Delivered")
    about_event = update_to_people_of(event)
    mail.outbox.clear()

    with run_on_commit():
        update_send_now(update=about_letter, user=owner)
        update_send_now(update=about_event, user=owner)

    for address, page in (("me@example.org", letter), ("vino@example.org", event)):
        message = message_to(address)
        link = link_to(page.get_absolute_url(), message.body)
        assert link == f"{page.get_absolute_url()}?lang=es"
        assert f'href="https://sign.example.org{link}"' in html_of(message)
        opened = Client(HTTP_ACCEPT_LANGUAGE="en").get(link)
        assert '<html lang="es">' in opened.content.decode()
