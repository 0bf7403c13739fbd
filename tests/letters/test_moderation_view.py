"""Olivia moderates the scholars who signed: approve, reject with a reason, pin the notable."""

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from groundswell.letters.models import (
    DisplayChoice,
    Letter,
    LetterCategory,
    Signatory,
    SignatoryStatus,
)

pytestmark = pytest.mark.django_db


def queue_url(letter, status=None):
    url = reverse("organizer:letter_signatories", kwargs={"slug": letter.slug})
    return f"{url}?status={status}" if status else url


def decide_url(letter):
    return reverse("organizer:letter_decide", kwargs={"slug": letter.slug})


def scholar(sign_letter, letter, number, **overrides):
    data = {
        "category": "scholars",
        "name": f"Scholar {number}",
        "work_email": f"s{number}@lakeside.edu",
    }
    data.update(overrides)
    return sign_letter(letter, approve=False, **data)


def counts(letter):
    letter = Letter.objects.get(pk=letter.pk)
    return letter.signatory_count, LetterCategory.objects.get(
        letter=letter, slug="scholars"
    ).signatory_count


def test_the_queue_lists_who_waits_without_withheld_names(client, owner, letter, sign_letter):
    scholar(sign_letter, letter, 1)
    scholar(
        sign_letter,
        letter,
        2,
        name="Wen Okafor",
        title="Professor of Law",
        affiliation="Lakeside University",
        display=DisplayChoice.WITHHELD,
    )
    client.force_login(owner)

    body = client.get(queue_url(letter)).content.decode()

    assert "Scholar 1" in body
    assert "Okafor" not in body
    assert "Name withheld" in body
    assert "Professor of Law" in body and "Lakeside University" in body
    assert "verified at lakeside.edu" in body


def test_the_queue_takes_a_few_queries(
    client, owner, letter, sign_letter, django_assert_max_num_queries
):
    for number in range(12):
        scholar(sign_letter, letter, number)
    client.force_login(owner)

    with django_assert_max_num_queries(8):
        client.get(queue_url(letter))


def test_bulk_approval_publishes_and_counts(client, owner, letter, sign_letter):
    people = [scholar(sign_letter, letter, number) for number in range(3)]
    client.force_login(owner)

    response = client.post(
        decide_url(letter),
        {
            "decision": "approve",
            "signatories": [p.public_id for p in people[:2]],
            "status": "moderation",
        },
    )

    assert response.status_code == 302
    assert response["Location"] == queue_url(letter, "moderation")
    assert counts(letter) == (2, 2)
    approved = Signatory.objects.filter(status=SignatoryStatus.APPROVED)
    assert {s.pk for s in approved} == {p.pk for p in people[:2]}
    assert all(s.is_listed and s.decided_by == owner for s in approved)
    assert "2 signatories approved." in [str(m) for m in get_messages(response.wsgi_request)]


def test_approving_twice_counts_once(client, owner, letter, sign_letter):
    person = scholar(sign_letter, letter, 1)
    client.force_login(owner)

    for _attempt in range(2):
        client.post(decide_url(letter), {"decision": "approve", "signatories": [person.public_id]})

    assert counts(letter) == (1, 1)


def test_an_unverified_signatory_cannot_be_approved(client, owner, letter, sign_letter):
    person = sign_letter(letter, category="scholars", verify=False, approve=False)
    client.force_login(owner)

    client.post(decide_url(letter), {"decision": "approve", "signatories": [person.public_id]})

    person.refresh_from_db()
    assert person.status == SignatoryStatus.UNVERIFIED
    assert counts(letter) == (0, 0)


def test_rejection_needs_a_reason(client, owner, letter, sign_letter):
    person = scholar(sign_letter, letter, 1)
    client.force_login(owner)

    response = client.post(
        decide_url(letter), {"decision": "reject", "signatories": [person.public_id], "reason": " "}
    )

    assert "Give a reason for the rejection." in [
        str(m) for m in get_messages(response.wsgi_request)
    ]
    person.refresh_from_db()
    assert person.status == SignatoryStatus.AWAITING_MODERATION


def test_bulk_rejection_keeps_the_reason_and_uncounts_the_approved(
    client, owner, letter, sign_letter
):
    waiting = scholar(sign_letter, letter, 1)
    approved = sign_letter(letter, category="scholars", name="Approved", work_email="a@x.edu")
    assert counts(letter) == (1, 1)
    client.force_login(owner)

    client.post(
        decide_url(letter),
        {
            "decision": "reject",
            "signatories": [waiting.public_id, approved.public_id],
            "reason": "Not an academic affiliation.",
        },
    )

    assert counts(letter) == (0, 0)
    for person in (waiting, approved):
        person.refresh_from_db()
        assert person.status == SignatoryStatus.REJECTED
        assert person.rejection_reason == "Not an academic affiliation."
        assert not person.is_listed
    rejected_page = client.get(queue_url(letter, "rejected")).content.decode()
    assert "Not an academic affiliation." in rejected_page


def test_a_decision_on_another_letters_signatories_changes_nothing(
    client, owner, letter, make_letter, sign_letter
):
    other = make_letter()
    person = scholar(sign_letter, other, 1)
    client.force_login(owner)

    client.post(decide_url(letter), {"decision": "approve", "signatories": [person.public_id]})

    person.refresh_from_db()
    assert person.status == SignatoryStatus.AWAITING_MODERATION


def test_garbage_in_the_decision_form_is_refused(client, owner, letter):
    client.force_login(owner)

    response = client.post(decide_url(letter), {"decision": "approve", "signatories": ["<script>"]})

    assert response.status_code == 302
    assert "Choose signatories from the list." in [
        str(m) for m in get_messages(response.wsgi_request)
    ]


def test_a_named_signatory_can_be_pinned_and_unpinned(client, owner, letter, sign_letter):
    person = sign_letter(letter)
    client.force_login(owner)
    pin_url = reverse(
        "organizer:letter_pin", kwargs={"slug": letter.slug, "public_id": person.public_id}
    )

    client.post(pin_url, {"pinned": "1", "status": "approved"})
    person.refresh_from_db()
    assert person.pinned_at is not None
    assert "Notable signatories" in client.get(letter.get_absolute_url()).content.decode()

    client.post(pin_url, {"pinned": "0"})
    person.refresh_from_db()
    assert person.pinned_at is None


def test_a_withheld_signatory_cannot_be_pinned(client, owner, letter, sign_letter):
    person = sign_letter(letter, display=DisplayChoice.WITHHELD)
    client.force_login(owner)

    response = client.post(
        reverse(
            "organizer:letter_pin", kwargs={"slug": letter.slug, "public_id": person.public_id}
        ),
        {"pinned": "1"},
    )

    person.refresh_from_db()
    assert person.pinned_at is None
    assert "Only signatories who chose to show their name can be pinned." in [
        str(m) for m in get_messages(response.wsgi_request)
    ]


def test_pinning_an_unknown_signatory_is_404(client, owner, letter):
    client.force_login(owner)

    url = reverse("organizer:letter_pin", kwargs={"slug": letter.slug, "public_id": "nobody"})

    assert client.post(url, {"pinned": "1"}).status_code == 404


@pytest.mark.parametrize("value", ["²", "-1", "99999999999999999999999", "x"])
def test_a_page_number_that_is_not_one_gets_a_400(client, owner, letter, value):
    client.force_login(owner)

    response = client.get(queue_url(letter), {"page": value})

    assert response.status_code == 400
    assert "The parameter page must be a whole number" in response.content.decode()


def test_an_empty_page_number_is_the_first_page(client, owner, letter, sign_letter):
    scholar(sign_letter, letter, 1)
    client.force_login(owner)

    response = client.get(queue_url(letter), {"page": ""})

    assert response.status_code == 200
    assert "Scholar 1" in response.content.decode()
