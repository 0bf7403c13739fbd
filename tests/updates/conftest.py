"""Signers who agreed to hear from an organization, made in bulk, and updates to them."""

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from groundswell.accounts.models import Organization, User
from groundswell.campaigns.models import Campaign
from groundswell.core.email_keys import email_key
from groundswell.events.models import Event
from groundswell.letters.models import Letter
from groundswell.signatures.models import Consent, Signature
from groundswell.updates.audiences import EVENT_ATTENDEES, LETTER_SIGNATORIES
from groundswell.updates.models import Update
from groundswell.updates.services import update_draft_create
from tests.letters.conftest import letter, make_letter, sign_letter  # noqa: F401


def consenting_signers_create(
    *,
    campaign: Campaign,
    organization: Organization,
    count: int,
    prefix: str = "signer",
    confirmed: bool = True,
    consent_confirmed: bool = True,
    batch_size: int = 5000,
) -> list[int]:
    """`count` signatures of `campaign` whose signers consented to `organization`: ids."""
    now = timezone.now()
    start = Signature.objects.count()
    signatures = [
        Signature(
            campaign=campaign,
            name=f"Signer {start + number}",
            email=f"{prefix}{start + number}@example.org",
            email_key=email_key(f"{prefix}{start + number}@example.org"),
            country="GB",
            confirmed_at=now if confirmed else None,
            gave_consent=True,
        )
        for number in range(count)
    ]
    Signature.objects.bulk_create(signatures, batch_size=batch_size)
    created = list(
        Signature.objects.filter(campaign=campaign, email__startswith=prefix)
        .order_by("pk")
        .values_list("pk", flat=True)
    )[-count:]
    Consent.objects.bulk_create(
        [
            Consent(
                signature_id=signature_id,
                organization=organization,
                wording="You may contact me",
                language="en",
                given_at=now - timedelta(minutes=5),
                confirmed_at=now if consent_confirmed else None,
            )
            for signature_id in created
        ],
        batch_size=batch_size,
    )
    return created


@pytest.fixture
def consenting_signers(db: None) -> Callable[..., list[int]]:
    return consenting_signers_create


@pytest.fixture
def make_update(campaign: Campaign, owner: User) -> Callable[..., Update]:
    def make(**overrides: Any) -> Update:
        values: dict[str, Any] = {
            "organization": campaign.organization,
            "campaign": campaign,
            "subject": "We delivered 300,000 signatures",
            "body_markdown": "**Thank you.** The CEO answered <script>alert(1)</script>.",
            "audience": "host_signers",
            "created_by": owner,
        }
        values.update(overrides)
        return update_draft_create(**values)

    return make


@pytest.fixture
def update_to_people_of(owner: User) -> Callable[..., Update]:
    """A draft update to a letter's signatories or an event's attendees."""

    def make(about: Letter | Event, **overrides: Any) -> Update:
        is_letter = isinstance(about, Letter)
        values: dict[str, Any] = {
            "organization": about.organization,
            "letter": about if is_letter else None,
            "event": None if is_letter else about,
            "subject": "The letter was delivered" if is_letter else "Thank you for coming",
            "body_markdown": "Thank you.",
            "audience": LETTER_SIGNATORIES if is_letter else EVENT_ATTENDEES,
            "created_by": owner,
        }
        values.update(overrides)
        return update_draft_create(**values)

    return make
