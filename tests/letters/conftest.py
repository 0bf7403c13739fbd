"""Factories for open letters: a letter with three categories (one per verification rule),
signing through the services as a signer would, and bulk signatories for list pages."""

import itertools
from collections.abc import Callable
from typing import Any

import pytest
from django.core import mail

from groundswell.accounts.models import Organization
from groundswell.campaigns.models import Campaign
from groundswell.core.bot_friction import ISSUED_FIELD
from groundswell.core.signed_links import SignedLink
from groundswell.letters.models import (
    LISTED_DISPLAYS,
    DisplayChoice,
    Letter,
    LetterCategory,
    LetterStatus,
    Signatory,
    SignatoryStatus,
)
from groundswell.letters.services.counting import letter_counts_recount
from groundswell.letters.services.letters import letter_category_create, letter_create
from groundswell.letters.services.listing import search_terms_create
from groundswell.letters.services.moderation import signatories_approve
from groundswell.letters.services.personal_email import (
    PERSONAL_EMAIL_PURPOSE,
    personal_email_confirm,
)
from groundswell.letters.services.signing import (
    signatory_create,
    signatory_verify,
    verification_token_make,
)
from tests.conftest import form_opened

_sequence = itertools.count(1)

EMPLOYEES = {
    "name": "Employees of Northwind Cloud",
    "slug": "employees",
    "count_label": "employees",
    "position": 0,
    "allowed_domains": ["northwind.example"],
}
SCHOLARS = {
    "name": "Scientists and scholars",
    "slug": "scholars",
    "count_label": "scholars",
    "position": 1,
    "allowed_domains": [".edu"],
    "requires_moderation": True,
}
SUPPORTERS = {
    "name": "Supporters",
    "slug": "supporters",
    "count_label": "supporters",
    "position": 2,
}
WORK_ADDRESSES = {"employees": "ada@northwind.example", "scholars": "ada@cs.lakeside.edu"}


def sign_form_data(letter: Letter, **overrides: Any) -> dict[str, Any]:
    letter = Letter.objects.select_related("current_version").get(pk=letter.pk)
    category = overrides.get("category", "employees")
    data = {
        "category": category,
        "display": DisplayChoice.PUBLIC,
        "name": "Ada Lovelace",
        "title": "Staff Engineer",
        "affiliation": "Northwind Cloud",
        "work_email": WORK_ADDRESSES.get(category, ""),
        "personal_email": "",
        "version": letter.current_version.fingerprint,
        **form_opened("letter"),
    }
    data.update(overrides)
    return data


def verification_path_from_outbox() -> str:
    """The verification path in the last verification e-mail sent."""
    body = next(message.body for message in reversed(mail.outbox) if "/verify/" in message.body)
    url = next(line for line in body.splitlines() if "/verify/" in line).strip()
    return url.removeprefix("https://sign.example.org")


def link_from_outbox(marker: str) -> str:
    """The path of the last e-mailed link whose path contains `marker` ("/cancel/"...)."""
    body = next(message.body for message in reversed(mail.outbox) if marker in message.body)
    url = next(line for line in body.splitlines() if marker in line).strip()
    return url.removeprefix("https://sign.example.org")


@pytest.fixture
def make_letter(db: None, host: Organization, campaign: Campaign) -> Callable[..., Letter]:
    def make(
        organization: Organization | None = None,
        status: str = LetterStatus.OPEN,
        categories: list[dict[str, Any]] | None = None,
        **fields: Any,
    ) -> Letter:
        number = next(_sequence)
        organization = organization or host
        data = {
            "slug": f"letter-{number}",
            "title": f"Open letter {number}",
            "addressee": "Dana Whitfield, CEO of Northwind Cloud",
            "text": "We, the undersigned, ask you to **cancel the contract**.",
            "campaign": campaign if organization == host else None,
        }
        data.update(fields)
        letter = letter_create(organization=organization, **data)
        for category in [EMPLOYEES, SCHOLARS, SUPPORTERS] if categories is None else categories:
            letter_category_create(letter=letter, data=category)
        Letter.objects.filter(pk=letter.pk).update(status=status)
        return Letter.objects.select_related("current_version").get(pk=letter.pk)

    return make


@pytest.fixture
def letter(make_letter: Callable[..., Letter]) -> Letter:
    return make_letter(slug="northwind-workers", title="Northwind workers against the contract")


def category_of(letter: Letter, slug: str) -> LetterCategory:
    return LetterCategory.objects.get(letter=letter, slug=slug)


@pytest.fixture
def sign_letter(run_on_commit: Callable[[], Any], owner: Any) -> Callable[..., Signatory]:
    """Sign through the services, then verify the work address and approve, as asked."""

    def sign(
        letter: Letter,
        *,
        verify: bool = True,
        approve: bool = True,
        confirm_personal_email: bool = True,
        **overrides: Any,
    ) -> Signatory:
        data = sign_form_data(letter, **overrides)
        category = category_of(letter, data.pop("category"))
        version = data.pop("version")
        data.pop(ISSUED_FIELD)
        before = set(Signatory.objects.filter(letter=letter).values_list("pk", flat=True))
        with run_on_commit():
            signatory_create(
                letter=letter,
                category=category,
                version_fingerprint=version,
                **data,
            )
        signatory = Signatory.objects.filter(letter=letter).exclude(pk__in=before).get()
        if verify and category.requires_work_email:
            token = verification_token_make(public_id=signatory.public_id)
            with run_on_commit():
                signatory_verify(letter=letter, token=token)
        if confirm_personal_email and signatory.personal_email:
            token = SignedLink(PERSONAL_EMAIL_PURPOSE).make(signatory.public_id)
            personal_email_confirm(token=token)
        if approve and category.requires_moderation:
            signatory.refresh_from_db()
            if signatory.status == SignatoryStatus.AWAITING_MODERATION:
                signatories_approve(letter=letter, public_ids=[signatory.public_id], user=owner)
        signatory.refresh_from_db()
        return signatory

    return sign


@pytest.fixture
def bulk_signatories(db: None) -> Callable[..., list[Signatory]]:
    """Approved signatories created directly, for list pages (names "Person 1", "Person 2"...)."""

    def make(
        letter: Letter,
        category_slug: str = "employees",
        count: int = 10,
        display: str = DisplayChoice.PUBLIC,
        status: str = SignatoryStatus.APPROVED,
        name_prefix: str = "Person",
    ) -> list[Signatory]:
        category = category_of(letter, category_slug)
        version = Letter.objects.get(pk=letter.pk).current_version
        start = Signatory.objects.filter(letter=letter).count()
        created = Signatory.objects.bulk_create(
            Signatory(
                letter=letter,
                category=category,
                version=version,
                name=f"{name_prefix} {start + number}",
                title="Engineer",
                affiliation="Northwind Cloud",
                display=display,
                status=status,
                is_listed=status == SignatoryStatus.APPROVED and display in LISTED_DISPLAYS,
            )
            for number in range(1, count + 1)
        )
        search_terms_create(signatories=created)
        letter_counts_recount(letter=letter)
        return created

    return make
