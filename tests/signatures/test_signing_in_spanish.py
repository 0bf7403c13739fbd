"""Sofía reads Spanish first: her browser asks for it, and the whole signing path answers in it."""

from urllib.parse import urlencode

import pytest
from django.core import mail
from django.core.handlers.wsgi import WSGIHandler
from django.urls import reverse

from groundswell.core.lean import LeanWSGIHandler
from groundswell.core.models import OutboundEmail
from groundswell.signatures.models import Signature
from tests.conftest import confirmation_link_from_outbox, sign_data
from tests.core.test_lean import call, environ, sign_path

pytestmark = pytest.mark.django_db

SPANISH = {"HTTP_ACCEPT_LANGUAGE": "es-MX,es;q=0.9,en;q=0.5"}


def sign_url(campaign):
    return reverse("signatures:sign", kwargs={"slug": campaign.slug})


def test_the_petition_page_is_in_spanish(client, campaign):
    body = client.get(campaign.get_absolute_url(), **SPANISH).content.decode()

    assert '<html lang="es">' in body
    assert "Firme la petición" in body
    assert "Una petición organizada por Just Tech Coalition" in body
    assert "firmas de una meta de 100" in body
    assert "Correo electrónico" in body and "Elija su país" in body
    assert "Sign the petition" not in body


def test_the_signing_form_explains_its_errors_in_spanish(client, campaign):
    response = client.post(
        sign_url(campaign), sign_data(name="", email="no es una dirección"), **SPANISH
    )

    body = response.content.decode()
    assert response.status_code == 400
    assert '<html lang="es">' in body
    assert "Corrija los errores que se indican abajo, por favor." in body
    assert "Este campo es obligatorio." in body
    assert "Introduzca una dirección de correo electrónico válida." in body
    assert Signature.objects.count() == 0


@pytest.mark.parametrize("chain", [WSGIHandler, LeanWSGIHandler])
def test_both_middleware_chains_answer_in_the_visitors_language(campaign, chain):
    body = urlencode(sign_data(postal_code="12#45")).encode()

    status, headers, page = call(
        chain(), environ("POST", sign_path(), body, HTTP_ACCEPT_LANGUAGE="es")
    )

    assert status.startswith("400")
    assert headers["Content-Language"] == "es"
    assert '<html lang="es">' in page
    assert "Un código postal solo tiene letras, dígitos, espacios y guiones." in page


def test_the_page_after_signing_and_the_confirmation_email_are_in_spanish(
    client, campaign, settings
):
    thanks = client.post(sign_url(campaign), sign_data(), follow=True, **SPANISH)

    assert "Ya casi termina: revise su correo electrónico" in thanks.content.decode()
    assert '<html lang="es">' in thanks.content.decode()
    [email] = mail.outbox
    assert email.subject == "Confirme su firma, por favor: Cancel the contract"
    assert "Hola, Ada Lovelace:" in email.body
    assert "Gracias por firmar “Cancel the contract”, dirigida a Dana Whitfield" in email.body
    assert "Su firma solo cuenta una vez que usted la confirme." in email.body
    days = settings.SIGNATURE_CONFIRMATION_MAX_AGE // 86400
    assert f"El enlace funciona durante {days} días." in email.body
    assert OutboundEmail.objects.get().language == "es"


def test_the_confirmation_pages_are_in_spanish(client, campaign):
    client.post(sign_url(campaign), sign_data(), **SPANISH)
    link = confirmation_link_from_outbox()

    button = client.get(link, **SPANISH).content.decode()
    confirmed = client.post(link, **SPANISH).content.decode()

    assert '<html lang="es">' in button and "Confirmar mi firma" in button
    assert '<html lang="es">' in confirmed
    assert "¡Gracias! Su firma está confirmada" in confirmed
    assert "Su firma ya cuenta para “Cancel the contract”." in confirmed
    assert "¿Cambió de opinión? Retire su firma" in confirmed
    assert Signature.objects.get().confirmed_at is not None


def test_the_same_path_stays_in_english_for_an_english_browser(client, campaign):
    client.post(sign_url(campaign), sign_data(), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    link = confirmation_link_from_outbox()

    confirmed = client.post(link, HTTP_ACCEPT_LANGUAGE="en-US").content.decode()

    assert mail.outbox[0].subject == "Please confirm your signature: Cancel the contract"
    assert '<html lang="en">' in confirmed
    assert "Thank you — your signature is confirmed" in confirmed
