import secrets

import pytest
from django.core import signing
from django.core.exceptions import BadRequest
from django.urls import reverse, set_script_prefix

from groundswell.core.http import InvalidParameter, integer_parameter, path_for


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


@pytest.mark.parametrize(
    ("raw", "number"),
    [("0", 0), ("7", 7), (" 12 ", 12), ("0012", 12), ("100", 100), ("0" * 5000, 0)],
)
def test_a_whole_number_in_range_is_read(raw, number):
    assert integer_parameter(raw, name="n", maximum=100) == number


@pytest.mark.parametrize(
    "raw", ["²", "٣", "１", "-1", "+1", "1.0", "1e3", "0x1", "1_0", "101", "9" * 5000, "1 2"]
)
def test_anything_else_is_a_bad_request_that_says_what_is_expected(raw):
    with pytest.raises(InvalidParameter) as raised:
        integer_parameter(raw, name="page", minimum=1, maximum=100)

    assert isinstance(raised.value, BadRequest)
    assert str(raised.value) == "The parameter page must be a whole number from 1 to 100."


def test_an_absent_or_empty_parameter_is_the_default_or_missing():
    for raw in (None, "", "  "):
        assert integer_parameter(raw, name="page", maximum=9, default=1) == 1
        assert integer_parameter(raw, name="size", maximum=9) is None
        with pytest.raises(InvalidParameter, match="The parameter leaf is missing"):
            integer_parameter(raw, name="leaf", maximum=9, required=True)


@pytest.mark.django_db
def test_ids_in_paths_too_large_for_the_database_are_not_found(client, campaign, owner, host):
    client.force_login(owner)
    huge = 10**30
    paths = [
        reverse("delivery:delivery", args=[campaign.slug, huge]),
        reverse("organizer:delivery_package", args=[campaign.slug, huge]),
        reverse("organizer:delivery_package_download", args=[campaign.slug, huge, "pdf"]),
    ]
    for path in paths:
        assert client.get(path).status_code == 404
    member = reverse("organizer:organization_member_change", args=[host.slug, huge])
    assert client.post(member, {"role": "viewer"}).status_code == 404
