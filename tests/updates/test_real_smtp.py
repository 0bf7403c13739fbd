"""Updates through a real SMTP server on loopback: Django's SMTP backend takes the fast path
(one message made per batch, the personal values put in its bytes), and what arrives is what
the usual path would have sent."""

import email.policy
import re

import pytest

from groundswell.signatures.models import Signature
from groundswell.updates.messages import MessageBytes
from groundswell.updates.models import Update, UpdateStatus
from groundswell.updates.services import update_send_now
from tests.signatures.test_real_smtp import smtp_server  # noqa: F401

pytestmark = pytest.mark.smtp


@pytest.fixture(autouse=True)
def _no_rate_limit(settings):
    settings.UPDATE_SEND_RATE = 0


def received(collector):
    return [
        email.message_from_bytes(message.as_bytes(), policy=email.policy.default)
        for message in collector.messages
    ]


def link_in(text: str) -> str:
    return re.search(
        r"https://sign\.example\.org/unsubscribe/\S+?/(?:\?lang=[a-z-]+)?(?=[\s\"<]|$)", text
    ).group(0)


def test_each_recipient_gets_their_own_message_headers_and_link(
    smtp_server,  # noqa: F811
    make_update,
    owner,
    consenting_signers,
    campaign,
    run_on_commit,
):
    consenting_signers(campaign=campaign, organization=campaign.organization, count=3)
    with run_on_commit():
        update_send_now(update=make_update(), user=owner)

    messages = received(smtp_server)
    assert sorted(str(message["To"]) for message in messages) == [
        "signer0@example.org",
        "signer1@example.org",
        "signer2@example.org",
    ]
    links, message_ids = set(), set()
    for message in messages:
        header = str(message["List-Unsubscribe"]).strip()
        assert header.startswith("<https://sign.example.org/unsubscribe/just-tech/")
        assert str(message["List-Unsubscribe-Post"]) == "List-Unsubscribe=One-Click"
        text = message.get_body(("plain",)).get_content()
        html = message.get_body(("html",)).get_content()
        assert link_in(text) == link_in(html) == header.strip("<>")
        assert "<strong>Thank you.</strong>" in html
        assert "hole" not in message.as_string()
        links.add(header)
        message_ids.add(str(message["Message-ID"]))
    assert len(links) == len(message_ids) == 3
    assert Update.objects.get().status == UpdateStatus.SENT


def test_a_text_with_very_long_lines_is_sent_the_usual_way(
    smtp_server,  # noqa: F811
    make_update,
    owner,
    consenting_signers,
    campaign,
    run_on_commit,
):
    consenting_signers(campaign=campaign, organization=campaign.organization, count=2)
    with run_on_commit():
        update_send_now(update=make_update(body_markdown="word " * 400), user=owner)

    messages = received(smtp_server)
    assert len(messages) == 2
    for message in messages:
        text = message.get_body(("plain",)).get_content()
        assert link_in(text) == str(message["List-Unsubscribe"]).strip().strip("<>")


def test_the_bytes_made_once_a_language_carry_each_recipients_own_language(
    smtp_server,  # noqa: F811
    make_update,
    owner,
    consenting_signers,
    campaign,
    run_on_commit,
    monkeypatch,
):
    ids = consenting_signers(campaign=campaign, organization=campaign.organization, count=4)
    for signature_id, language in zip(ids, ["es", "en", "es", "en"], strict=True):
        Signature.objects.filter(pk=signature_id).update(language=language)
    made, templates = MessageBytes.made, []

    def recorded(rendered):
        templates.append((rendered.language, made(rendered)))
        return templates[-1][1]

    monkeypatch.setattr(MessageBytes, "made", recorded)
    with run_on_commit():
        update_send_now(update=make_update(), user=owner)

    # One template a language (the Spanish one's accents keep its holes intact).
    assert sorted(language for language, _template in templates) == ["en", "es"]
    assert all(template is not None for _language, template in templates)

    messages = {str(message["To"]): message for message in received(smtp_server)}
    assert len(messages) == 4
    for number, language in enumerate(["es", "en", "es", "en"]):
        message = messages[f"signer{number}@example.org"]
        text = message.get_body(("plain",)).get_content()
        html = message.get_body(("html",)).get_content()
        assert "hole" not in message.as_string()
        assert link_in(text) == link_in(html) == str(message["List-Unsubscribe"]).strip("<> ")
        assert link_in(text).endswith(f"?lang={language}")
        footer = "Recibe este mensaje porque" if language == "es" else "You receive this because"
        assert footer in text
        assert footer in html
        assert "<strong>Thank you.</strong>" in html
