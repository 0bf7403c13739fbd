import secrets

import pytest
from django.core import signing
from django.urls import reverse, set_script_prefix

from groundswell.core.http import path_for


@pytest.fixture
def script_prefix():
    yield
    set_script_prefix("/")


def test_a_kept_path_is_what_reverse_gives():
    assert path_for("signatures:thanks", slug="save-the-park") == reverse(
        "signatures:thanks", kwargs={"slug": "save-the-park"}
    )


@pytest.mark.parametrize("seed", range(20))
def test_a_signed_token_goes_in_as_reverse_would_put_it(seed):
    token = signing.TimestampSigner(salt=f"test{seed}").sign(secrets.token_urlsafe(16))

    assert path_for("signatures:confirm", slug="a-b_c9", token=token) == reverse(
        "signatures:confirm", kwargs={"slug": "a-b_c9", "token": token}
    )


def test_the_script_prefix_is_part_of_what_is_kept(script_prefix):
    path_for("signatures:withdraw", slug="park", token="abc")
    set_script_prefix("/groundswell/")

    assert path_for("signatures:withdraw", slug="park", token="abc") == (
        "/groundswell/p/park/withdraw/abc/"
    )
