"""Why the recipient gets the update: each audience says it its own way at the foot of the
e-mail (the petition signed, the letter signed, the event registered for), in the recipient's
language, in both the plain text and the HTML, where the title links to its page."""

import pytest
from django.core import mail

from groundswell.accounts.models import Organization, Role
from groundswell.coalitions.models import Partner
from groundswell.events.models import Rsvp
from groundswell.letters.models import Signatory
from groundswell.signatures.models import Signature
from groundswell.updates.messages import update_message
from groundswell.updates.models import Update
from groundswell.updates.services import update_send_now
from tests.events.conftest import make_event, rsvped  # noqa: F401 (fixtures)

pytestmark = pytest.mark.django_db

SIGNED = "You receive this because you signed"


@pytest.fixture(autouse=True)
def _no_rate_limit(settings):
    settings.UPDATE_SEND_RATE = 0


def only_message_to(address: str):
    [message] = [message for message in mail.outbox if message.to == [address]]
    return message


def html_of(message) -> str:
    return message.alternatives[0][0]


def sent(update: Update, *, by, run_on_commit) -> None:
    mail.outbox.clear()
    with run_on_commit():
        update_send_now(update=update, user=by)


def test_a_signer_reads_that_they_signed_the_petition_and_agreed_to_hear_from_the_host(
    make_update, owner, consenting_signers, campaign, run_on_commit
):
    [signer_id] = consenting_signers(campaign=campaign, organization=campaign.organization, count=1)
    signer = Signature.objects.get(pk=signer_id)

    sent(make_update(), by=owner, run_on_commit=run_on_commit)

    message = only_message_to(signer.email)
    assert (
        "You receive this because you signed “Cancel the contract” and agreed that "
        "Just Tech Coalition may contact you."
    ) in message.body
    url = f"https://sign.example.org{campaign.get_absolute_url()}"
    assert (
        f'signed “<a href="{url}?lang=en">Cancel the contract</a>” and agreed that Just Tech '
        "Coalition may contact you."
    ) in html_of(message)


def test_a_partners_supporter_reads_that_they_agreed_to_hear_from_that_partner(
    make_update, consenting_signers, campaign, make_org, make_user, run_on_commit
):
    partner = make_org("Faith United")
    Partner.objects.create(campaign=campaign, organization=partner, slug="faith-united")
    staff = make_user(partner, role=Role.ORGANIZER)
    [supporter_id] = consenting_signers(campaign=campaign, organization=partner, count=1)
    Signature.objects.filter(pk=supporter_id).update(language="es")
    supporter = Signature.objects.get(pk=supporter_id)

    sent(
        make_update(organization=partner, created_by=staff, audience="partner_supporters"),
        by=staff,
        run_on_commit=run_on_commit,
    )

    message = only_message_to(supporter.email)
    reason = (
        "Recibe este mensaje porque firmó “Cancel the contract” y aceptó que Faith United, "
        "organización aliada de la campaña, se comunique con usted."
    )
    assert reason in message.body
    assert "Faith United, organización aliada de la campaña" in html_of(message)


def test_a_letter_signatory_reads_that_they_signed_the_open_letter(
    letter, sign_letter, owner, run_on_commit, update_to_people_of
):
    sign_letter(letter, category="supporters", work_email="", personal_email="me@example.org")
    spanish = sign_letter(
        letter, category="supporters", work_email="", personal_email="yo@example.org"
    )
    Signatory.objects.filter(pk=spanish.pk).update(language="es")
    update = update_to_people_of(letter)

    sent(update, by=owner, run_on_commit=run_on_commit)

    english, in_spanish = only_message_to("me@example.org"), only_message_to("yo@example.org")
    assert (
        "You receive this because you signed the open letter “Northwind workers against the "
        "contract” and confirmed this address for updates from Just Tech Coalition."
    ) in english.body
    assert "signed the open letter “<a href=" in html_of(english)
    assert (
        "Recibe este mensaje porque firmó la carta abierta “Northwind workers against the "
        "contract” y confirmó esta dirección para recibir novedades de Just Tech Coalition."
    ) in in_spanish.body


def test_an_event_attendee_reads_that_they_registered_for_the_event_not_that_they_signed(
    make_event,  # noqa: F811
    rsvped,  # noqa: F811
    owner,
    run_on_commit,
    update_to_people_of,
):
    event = make_event(title="Rally at the data centre")
    host = {event.organization_id}
    rsvped(event, email="came@example.org", consent_organization_ids=host, language="en")
    spanish = rsvped(event, email="vino@example.org", consent_organization_ids=host)
    Rsvp.objects.filter(pk=spanish.pk).update(language="es")
    update = update_to_people_of(event)

    sent(update, by=owner, run_on_commit=run_on_commit)

    english, in_spanish = only_message_to("came@example.org"), only_message_to("vino@example.org")
    reason = (
        "You receive this because you registered for “Rally at the data centre” and agreed "
        "that Just Tech Coalition may contact you."
    )
    for part in (english.body, html_of(english)):
        assert SIGNED not in part
    assert reason in english.body
    assert "registered for “<a href=" in html_of(english)
    assert (
        "Recibe este mensaje porque confirmó su asistencia a “Rally at the data centre” y "
        "aceptó que Just Tech Coalition se comunique con usted."
    ) in in_spanish.body
    assert "porque firmó" not in in_spanish.body


def test_the_html_reason_escapes_the_title_and_the_organizations_name(
    make_update, owner, consenting_signers, campaign, run_on_commit
):
    Organization.objects.filter(pk=campaign.organization_id).update(name="Tech & <Justice>")
    campaign.title = "Stop <script>alert(1)</script> now"
    campaign.save(update_fields=["title"])
    [signer_id] = consenting_signers(campaign=campaign, organization=campaign.organization, count=1)

    sent(make_update(), by=owner, run_on_commit=run_on_commit)

    message = only_message_to(Signature.objects.get(pk=signer_id).email)
    html = html_of(message)
    assert "<script>" not in html and "<Justice>" not in html
    assert ">Stop &lt;script&gt;alert(1)&lt;/script&gt; now</a>" in html
    assert "agreed that Tech &amp; &lt;Justice&gt; may contact you." in html
    # The plain text is not HTML: nothing in it is escaped.
    assert "signed “Stop <script>alert(1)</script> now” and agreed that Tech & <Justice>" in (
        message.body
    )


def test_an_update_whose_audience_is_gone_still_says_why_without_a_wrong_reason(make_update):
    update = make_update()
    update.audience = "removed_audience"

    message = update_message(
        update=update,
        to="someone@example.org",
        unsubscribe_url="https://sign.example.org/unsubscribe/x/",
        subject_prefix="",
        message_id=None,
        language="en",
    )

    assert (
        "You receive this because you agreed that Just Tech Coalition may contact you."
        in message.body
    )
