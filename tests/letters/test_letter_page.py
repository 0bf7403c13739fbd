"""Anyone reads an open letter: its text, counts per category, and who signed."""

import pytest
from django.urls import reverse

from groundswell.letters.models import DisplayChoice, LetterStatus, SignatoryStatus
from groundswell.letters.services.letters import letter_text_update
from groundswell.letters.services.moderation import (
    signatories_approve,
    signatories_reject,
    signatory_pin,
)

pytestmark = pytest.mark.django_db


def listed(body):
    """The signatory list of a page, without the search box that echoes the query."""
    start = body.index('data-testid="signatory-list"')
    return body[start : body.index("</ul>", start)]


def page(client, letter, **params):
    response = client.get(letter.get_absolute_url(), params)
    assert response.status_code == 200
    return response.content.decode()


def test_the_page_shows_the_text_and_the_counts_per_category(client, letter, bulk_signatories):
    bulk_signatories(letter, "employees", count=3)
    bulk_signatories(letter, "scholars", count=2)

    body = page(client, letter)

    assert "<strong>cancel the contract</strong>" in body
    assert "Dana Whitfield, CEO of Northwind Cloud" in body
    assert "<strong>3</strong> employees" in body
    assert "<strong>2</strong> scholars" in body
    assert "<strong>0</strong> supporters" in body
    assert 'data-testid="signatory-count">5<' in body


def test_only_approved_signatories_are_listed_and_counted(client, letter, bulk_signatories):
    bulk_signatories(letter, count=1, name_prefix="Approved")
    for status in (
        SignatoryStatus.UNVERIFIED,
        SignatoryStatus.AWAITING_MODERATION,
        SignatoryStatus.REJECTED,
    ):
        bulk_signatories(letter, count=1, status=status, name_prefix=f"Hidden-{status}")

    body = page(client, letter)

    assert "Approved" in body
    assert "Hidden-" not in body
    assert 'data-testid="signatory-count">1<' in body
    assert "Hidden" not in listed(page(client, letter, q="Hidden"))


def test_each_display_choice_is_honoured(client, letter, bulk_signatories):
    bulk_signatories(letter, count=1, name_prefix="Named")
    bulk_signatories(letter, count=1, name_prefix="Withheld", display=DisplayChoice.WITHHELD)
    bulk_signatories(letter, count=1, name_prefix="Counted", display=DisplayChoice.COUNT_ONLY)

    body = page(client, letter)

    assert "Named 1" in body
    assert "Withheld" not in body
    assert "Counted" not in body
    assert "Employees of Northwind Cloud — name withheld" in body
    assert body.count('class="signatory"') == 2
    assert "<strong>3</strong> employees" in body


def test_each_line_shows_its_verification_badge(client, letter, sign_letter):
    sign_letter(letter)
    sign_letter(letter, category="scholars", work_email="grace@lakeside.edu", name="Grace Hopper")
    sign_letter(letter, category="supporters", work_email="", name="Sam Supporter")

    body = page(client, letter)

    assert "Work e-mail verified, approved by organizers" in body
    assert "Work e-mail verified</span>" in body
    assert "Not verified" in body


def test_the_list_is_paginated_newest_first(client, letter, bulk_signatories):
    bulk_signatories(letter, count=120)

    first, third = page(client, letter), page(client, letter, page=3)

    assert first.count('class="signatory"') == 50
    assert "Person 120<" in first and "Person 71<" in first and "Person 70<" not in first
    assert "?page=2" in first
    assert third.count('class="signatory"') == 20
    assert "Person 1<" in third
    assert "Older" not in third
    assert page(client, letter, page="4999").count('class="signatory"') == 0
    assert "Person 120<" in page(client, letter, page="")


@pytest.mark.parametrize("value", ["²", "٣", "-1", "0", "1.5", "+2", "5001", "9" * 5000])
def test_a_page_number_that_is_not_one_gets_a_400_that_says_so(client, letter, value):
    response = client.get(letter.get_absolute_url(), {"page": value})

    assert response.status_code == 400
    assert "The parameter page must be a whole number from 1 to 5000." in (
        response.content.decode()
    )


@pytest.mark.parametrize(
    ("query", "found"),
    [
        ("lovel", ["Ada Lovelace"]),
        ("ADA", ["Ada Lovelace"]),
        ("garcia", ["Tomás García"]),
        ("tomas garc", ["Tomás García"]),
        ("lakeside", ["Grace Hopper"]),
        ("ada lakeside", []),
        ("nobody", []),
    ],
)
def test_search_finds_named_signatories_by_name_and_affiliation(
    client, letter, sign_letter, query, found
):
    everyone = ["Ada Lovelace", "Tomás García", "Grace Hopper"]
    sign_letter(letter)
    sign_letter(letter, category="supporters", name="Tomás García", affiliation="Union local 9")
    sign_letter(
        letter,
        category="scholars",
        name="Grace Hopper",
        affiliation="Lakeside University",
        work_email="grace@lakeside.edu",
    )

    body = listed(page(client, letter, q=query))

    assert [name for name in everyone if name in body] == found


def test_search_never_finds_a_withheld_signatory(client, letter, sign_letter):
    sign_letter(
        letter, name="Wen Okafor", affiliation="Storage Team", display=DisplayChoice.WITHHELD
    )

    for query in ("Okafor", "Wen", "Storage"):
        body = page(client, letter, q=query)
        assert "name withheld" not in body
        assert "Nobody found." in body


def test_the_list_can_show_one_category(client, letter, bulk_signatories):
    bulk_signatories(letter, "employees", count=2, name_prefix="Employee")
    bulk_signatories(letter, "scholars", count=2, name_prefix="Scholar")

    body = page(client, letter, category="scholars")

    assert "Scholar" in body and "Employee 1" not in body


def test_pinned_signatories_come_first(client, letter, bulk_signatories):
    people = bulk_signatories(letter, count=3)
    signatory_pin(letter=letter, public_id=people[0].public_id, pinned=True)

    body = page(client, letter)

    assert "Notable signatories" in body
    assert body.index("Person 1<") < body.index("Person 3<")


@pytest.mark.parametrize("params", [{}, {"q": "person 7"}, {"category": "employees", "page": "2"}])
def test_the_page_takes_a_few_queries_however_many_signed(
    client, letter, bulk_signatories, django_assert_max_num_queries, params
):
    bulk_signatories(letter, count=150)
    bulk_signatories(letter, count=20, display=DisplayChoice.WITHHELD)
    people = bulk_signatories(letter, "scholars", count=20)
    signatory_pin(letter=letter, public_id=people[0].public_id, pinned=True)

    with django_assert_max_num_queries(4):
        response = client.get(letter.get_absolute_url(), params)

    assert response.status_code == 200


def test_the_json_has_the_counts_per_category_and_the_total(client, letter, bulk_signatories):
    bulk_signatories(letter, "employees", count=3)
    bulk_signatories(letter, "scholars", count=1, display=DisplayChoice.COUNT_ONLY)

    response = client.get(reverse("letters:letter_json", kwargs={"slug": letter.slug}))

    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == "*"
    data = response.json()
    assert data["categories"] == [
        {"slug": "employees", "name": "Employees of Northwind Cloud", "count": 3},
        {"slug": "scholars", "name": "Scientists and scholars", "count": 1},
        {"slug": "supporters", "name": "Supporters", "count": 0},
    ]
    assert data["total"] == 4
    assert data["slug"] == letter.slug
    assert data["version"] == 1


def test_the_json_takes_two_queries(client, letter, django_assert_num_queries):
    with django_assert_num_queries(2):
        client.get(reverse("letters:letter_json", kwargs={"slug": letter.slug}))


def test_a_draft_letter_has_no_json(client, make_letter):
    draft = make_letter(status=LetterStatus.DRAFT)

    assert (
        client.get(reverse("letters:letter_json", kwargs={"slug": draft.slug})).status_code == 404
    )


def test_markdown_in_the_text_is_sanitised(client, make_letter):
    letter = make_letter(text="Hello <script>alert(1)</script> [x](javascript:alert(1))")

    body = page(client, letter)

    assert "<script>alert(1)" not in body
    assert "javascript:" not in body


def test_typed_values_are_escaped(client, letter, sign_letter):
    sign_letter(letter, category="supporters", name="O'Brien & Sons", affiliation='"Quoted" Co')

    body = page(client, letter)

    assert "O&#x27;Brien &amp; Sons" in body
    assert "&quot;Quoted&quot; Co" in body


def test_the_history_shows_every_version_with_its_note(client, letter, sign_letter):
    sign_letter(letter)
    letter_text_update(letter=letter, text="The new text.", change_note="Fixed the deadline.")

    body = page(client, letter)
    history = client.get(reverse("letters:history", kwargs={"slug": letter.slug})).content.decode()

    assert "Version 2 of this text" in body and "See what changed" in body
    assert "Fixed the deadline." in history
    assert "The new text." in history
    assert "cancel the contract" in history
    assert history.index("Version 2") < history.index("Version 1")


def test_search_follows_approval_and_rejection(client, letter, sign_letter, owner):
    waiting = sign_letter(
        letter, category="scholars", name="Grace Hopper", work_email="g@lakeside.edu", approve=False
    )
    assert "Grace Hopper" not in listed(page(client, letter, q="hopper"))

    signatories_approve(letter=letter, public_ids=[waiting.public_id], user=owner)
    assert "Grace Hopper" in listed(page(client, letter, q="hopper"))

    signatories_reject(letter=letter, public_ids=[waiting.public_id], user=owner, reason="Fake")
    assert "Grace Hopper" not in listed(page(client, letter, q="hopper"))


def test_search_within_one_category_pages_through_all_matches(client, letter, bulk_signatories):
    bulk_signatories(letter, "employees", count=5, name_prefix="Match")
    bulk_signatories(letter, "scholars", count=60, name_prefix="Match")

    first = listed(page(client, letter, q="match", category="scholars"))
    second = listed(page(client, letter, q="match", category="scholars", page=2))

    assert first.count('class="signatory"') == 50
    assert second.count('class="signatory"') == 10
    assert "Match 65<" in first and "Match 6<" in second and "Match 5<" not in second
