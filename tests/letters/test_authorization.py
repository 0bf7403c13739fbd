"""Who may open each organizer page of a letter: anonymous, viewer, organizer, owner, outsider."""

import pytest
from django.urls import reverse

from groundswell.accounts.models import Role

pytestmark = pytest.mark.django_db

# name, method, extra kwargs, roles allowed ("all", "personal" = personal data, "edit")
LETTER_PAGES = [
    ("organizer:letter", "get", {}, "all"),
    ("organizer:letter_edit", "get", {}, "edit"),
    ("organizer:letter_category_new", "get", {}, "edit"),
    ("organizer:letter_category_edit", "get", {"category": "employees"}, "edit"),
    ("organizer:letter_signatories", "get", {}, "personal"),
    ("organizer:letter_decide", "post", {}, "edit"),
    ("organizer:letter_pin", "post", {"public_id": "PUBLIC_ID"}, "edit"),
    ("organizer:letter_delivery_export", "get", {}, "personal"),
    ("organizer:letter_contacts_export", "get", {}, "personal"),
    ("organizer:letter_notify", "post", {}, "edit"),
    ("organizer:letter_recount", "post", {}, "edit"),
    ("organizer:letter_action", "post", {"action": "close"}, "edit"),
    ("organizer:letter_translation", "get", {"language": "es"}, "edit"),
]
ALLOWED = {
    "all": {Role.OWNER, Role.ADMIN, Role.ORGANIZER, Role.VIEWER},
    "personal": {Role.OWNER, Role.ADMIN, Role.ORGANIZER},
    "edit": {Role.OWNER, Role.ADMIN, Role.ORGANIZER},
}
POST_DATA = {
    "organizer:letter_decide": {"decision": "approve", "signatories": ["PUBLIC_ID"]},
    "organizer:letter_pin": {"pinned": "1"},
}


@pytest.fixture
def member(make_user, host):
    return lambda role: make_user(host, role=role)


def request(client, letter, signatory, name, method, kwargs):
    kwargs = {
        key: signatory.public_id if value == "PUBLIC_ID" else value for key, value in kwargs.items()
    }
    url = reverse(name, kwargs={"slug": letter.slug, **kwargs})
    data = {
        key: [signatory.public_id] if value == ["PUBLIC_ID"] else value
        for key, value in POST_DATA.get(name, {}).items()
    }
    return getattr(client, method)(url, data)


@pytest.mark.parametrize(("name", "method", "kwargs", "allowed"), LETTER_PAGES)
def test_anonymous_visitors_are_sent_to_log_in(
    client, letter, sign_letter, name, method, kwargs, allowed
):
    signatory = sign_letter(letter)

    response = request(client, letter, signatory, name, method, kwargs)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize(("name", "method", "kwargs", "allowed"), LETTER_PAGES)
def test_it_rejects_outsiders_without_revealing_the_letter(
    client, outsider, letter, sign_letter, name, method, kwargs, allowed
):
    signatory = sign_letter(letter)
    client.force_login(outsider)

    assert request(client, letter, signatory, name, method, kwargs).status_code == 404


@pytest.mark.parametrize("role", [Role.OWNER, Role.ADMIN, Role.ORGANIZER, Role.VIEWER])
@pytest.mark.parametrize(("name", "method", "kwargs", "allowed"), LETTER_PAGES)
def test_members_get_what_their_role_allows(
    client, member, letter, sign_letter, role, name, method, kwargs, allowed
):
    signatory = sign_letter(letter)
    client.force_login(member(role))

    response = request(client, letter, signatory, name, method, kwargs)

    if role in ALLOWED[allowed]:
        assert response.status_code in {200, 302}
        if response.status_code == 302:
            assert not response["Location"].startswith(reverse("login"))
    else:
        assert response.status_code == 403


def test_a_draft_letter_is_404_to_the_public_but_visible_to_members(client, viewer, make_letter):
    from groundswell.letters.models import LetterStatus

    draft = make_letter(status=LetterStatus.DRAFT)

    assert client.get(draft.get_absolute_url()).status_code == 404
    client.force_login(viewer)
    url = reverse("organizer:letter", kwargs={"slug": draft.slug})
    assert client.get(url).status_code == 200


def test_post_only_pages_refuse_get(client, owner, letter):
    client.force_login(owner)

    for name in (
        "organizer:letter_decide",
        "organizer:letter_notify",
        "organizer:letter_recount",
    ):
        assert client.get(reverse(name, kwargs={"slug": letter.slug})).status_code == 405


def test_the_list_and_the_new_letter_page_need_a_login(client):
    for name in ("organizer:letter_list", "organizer:letter_new"):
        response = client.get(reverse(name))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))
