"""Open letters through the API: the host's key only, names as each signatory chose, a personal
e-mail only once confirmed from its inbox."""

import pytest

pytestmark = pytest.mark.django_db


def test_signatories_are_named_as_they_chose_and_emails_only_once_confirmed(
    api,
    host,
    letter,
    sign_letter,
    make_key,
):
    sign_letter(letter, name="Pat Public", personal_email="pat@example.org")
    sign_letter(letter, name="Wren Withheld", display="withheld", work_email="w@northwind.example")
    sign_letter(
        letter, name="Una Unconfirmed", personal_email="una@example.org",
        work_email="u@northwind.example", confirm_personal_email=False,
    )  # fmt: skip

    body = api("get", f"/api/v1/letters/{letter.slug}/signatories", key=make_key(host)).json()

    entries = body["_embedded"]["osdi:signatories"]
    names = sorted(entry["name"] for entry in entries)
    assert names == ["", "Pat Public", "Una Unconfirmed"]
    assert "Wren" not in str(body)
    addresses = [a["address"] for entry in entries for a in entry["email_addresses"]]
    assert addresses == ["pat@example.org"]


def test_another_organizations_letter_is_not_found(api, letter, make_org, make_key):
    response = api("get", f"/api/v1/letters/{letter.slug}", key=make_key(make_org("Other")))

    assert response.status_code == 404
