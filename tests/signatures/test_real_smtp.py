"""The whole loop through a real SMTP server on loopback: sign, receive, open, press, counted."""

import email
import re
import socket

import pytest
from aiosmtpd.controller import Controller
from django.urls import reverse

from tests.conftest import sign_data

pytestmark = [pytest.mark.django_db, pytest.mark.smtp]


class Collector:
    def __init__(self) -> None:
        self.messages: list[email.message.Message] = []

    async def handle_DATA(self, server, session, envelope) -> str:
        self.messages.append(email.message_from_bytes(envelope.content))
        return "250 Message accepted for delivery"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtp_server(settings):
    collector = Collector()
    controller = Controller(collector, hostname="127.0.0.1", port=free_port())
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = controller.port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    yield collector
    controller.stop()


def test_a_signer_confirms_through_a_real_smtp_server(client, campaign, smtp_server):
    client.post(reverse("signatures:sign", kwargs={"slug": campaign.slug}), sign_data())

    assert len(smtp_server.messages) == 1
    message = smtp_server.messages[0]
    assert message["To"] == "ada@example.org"
    body = message.get_payload(decode=True).decode()
    link = re.search(r"https://sign\.example\.org(/p/\S+/confirm/\S+/)", body).group(1)

    assert client.get(link).status_code == 200
    campaign.refresh_from_db()
    assert campaign.signature_count == 0

    assert client.post(link).status_code == 200
    campaign.refresh_from_db()
    assert campaign.signature_count == 1
