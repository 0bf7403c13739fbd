"""Every e-mailed link is one SignedLink; tokens are byte for byte those an earlier release
e-mailed (made with django.core.signing directly), so links already in inboxes keep working."""

from unittest import mock

import pytest
from django.test import override_settings

from groundswell.core.signed_links import LinkExpired, LinkInvalid, SignedLink
from groundswell.letters.services.erasure import WITHDRAWAL_LINK as LETTER_WITHDRAWAL_LINK
from groundswell.letters.services.personal_email import PERSONAL_EMAIL_LINK
from groundswell.letters.services.signing import VERIFICATION_LINK
from groundswell.signatures.links import (
    CHANGE_LINK,
    CONFIRMATION_LINK,
    RECEIPT_LINK,
    WITHDRAWAL_LINK,
)

PUBLIC_ID = "AbCdEfGhIjKlMnOpQrStUv"
SECRET = "an-installation-secret-key-of-fifty-characters-000"
MADE_AT = 1_790_000_000
# Made before issue 13 with TimestampSigner(salt=...).sign(PUBLIC_ID) at MADE_AT, and for the
# receipt with Signer(salt="groundswell.receipt"), under SECRET.
TOKENS_ALREADY_EMAILED = [
    (
        CONFIRMATION_LINK,
        "AbCdEfGhIjKlMnOpQrStUv:1x8elk:HuUCxVTMmG3cr844rvgIuIi992vaQAj_-ihwz6hp6no",
    ),
    (WITHDRAWAL_LINK, "AbCdEfGhIjKlMnOpQrStUv:1x8elk:IT3DTP60js2DAB7n4hgO7mgguMYWKX9lIhEC7b1rfDk"),
    (CHANGE_LINK, "AbCdEfGhIjKlMnOpQrStUv:1x8elk:xXq1ty255MS5s1Rru4IdtgldbVgcZXgzR7xFP58REfc"),
    (
        VERIFICATION_LINK,
        "AbCdEfGhIjKlMnOpQrStUv:1x8elk:KWiMVufrRyXdI9UJH8pXBajZNRRadpkfIESUFrzFwD4",
    ),
    (
        LETTER_WITHDRAWAL_LINK,
        "AbCdEfGhIjKlMnOpQrStUv:1x8elk:UwjTHBUFQhyTQUAoRwp_Wp-Hn4FqQxBYI_a7gPyyXM4",
    ),
    (
        PERSONAL_EMAIL_LINK,
        "AbCdEfGhIjKlMnOpQrStUv:1x8elk:h3fUSsJJrXj6DMrJAIaVKMrHEavK3c_A2lu3DVd0IWc",
    ),
    (RECEIPT_LINK, "AbCdEfGhIjKlMnOpQrStUv:xAtPR4T-a3bKQRPUBVbeiIzO19AIsKoiMnVEabvFZFA"),
]


@pytest.mark.parametrize(("link", "token"), TOKENS_ALREADY_EMAILED)
def test_links_make_and_read_the_tokens_already_emailed(link, token):
    with (
        override_settings(SECRET_KEY=SECRET),
        mock.patch("django.core.signing.time.time", return_value=MADE_AT),
    ):
        assert link.make(PUBLIC_ID) == token
        assert link.read(token) == PUBLIC_ID


def test_a_token_of_another_purpose_is_invalid():
    with pytest.raises(LinkInvalid):
        WITHDRAWAL_LINK.read(CONFIRMATION_LINK.make(PUBLIC_ID))


def test_an_old_token_expires_after_its_setting_says(settings):
    settings.SIGNATURE_CONFIRMATION_MAX_AGE = 60
    with mock.patch("django.core.signing.time.time", return_value=MADE_AT):
        token = CONFIRMATION_LINK.make(PUBLIC_ID)
    with mock.patch("django.core.signing.time.time", return_value=MADE_AT + 61):
        with pytest.raises(LinkExpired):
            CONFIRMATION_LINK.read(token)
        assert WITHDRAWAL_LINK.read(WITHDRAWAL_LINK.make(PUBLIC_ID)) == PUBLIC_ID


def test_a_link_without_a_date_has_none_in_its_token():
    assert SignedLink("x", timestamped=False).make("v").count(":") == 1
