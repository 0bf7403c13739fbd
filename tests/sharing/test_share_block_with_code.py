"""The confirmed page's share buttons are rendered once and carry each signer's own code: the
same HTML, for every signer, as rendering them for that signer."""

import pytest
from django.utils import translation

from groundswell.core.sharing import share_block, share_block_with_code, share_url
from groundswell.signatures.models import new_referral_code

PAGE = "https://sign.example.org/p/cancel-the-contract/"


def rendered_for(code: str, partner: str, text: str) -> str:
    return share_block(
        url=share_url(page_url=PAGE, partner_slug=partner, referral_code=code), text=text
    )


@pytest.mark.parametrize("partner", ["", "tenants-union"])
@pytest.mark.parametrize("language", ["en", "es"])
def test_each_signer_gets_the_block_rendered_for_their_code(partner, language):
    text = 'Cancel the "contract" & <more> — ¡ya!'
    codes = [new_referral_code() for _ in range(20)] + ["a-b_c", "Z9"]

    with translation.override(language):
        for code in codes:
            block = share_block_with_code(
                page_url=PAGE, partner_slug=partner, referral_code=code, text=text, seconds=60
            )
            assert block == rendered_for(code, partner, text)
            assert f"r%3D{code}" in block


@pytest.mark.parametrize("code", ["", "with space", "a+b", "ñ"])
def test_a_code_that_encodings_would_change_is_rendered_for_itself(code):
    block = share_block_with_code(
        page_url=PAGE, partner_slug="", referral_code=code, text="Sign", seconds=60
    )

    assert block == rendered_for(code, "", "Sign")
