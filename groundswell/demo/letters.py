"""The demo's two open letters beside the petition (fictional organizations and people).

Called from groundswell.demo.seed; running it again changes nothing.
"""

import random
from datetime import timedelta
from typing import cast

from django.db import transaction
from django.utils import timezone

from groundswell.campaigns.models import Campaign
from groundswell.letters.models import (
    LISTED_DISPLAYS,
    DisplayChoice,
    Letter,
    LetterCategory,
    LetterVersion,
    Signatory,
    SignatoryStatus,
)
from groundswell.letters.services.counting import letter_counts_recount
from groundswell.letters.services.letters import (
    letter_category_create,
    letter_create,
    letter_text_update,
    letter_transition,
)
from groundswell.letters.services.listing import search_terms_create
from groundswell.letters.work_addresses import work_address_hash

EMPLOYEES_SLUG = "northwind-workers"
SCHOLARS_SLUG = "scholars-against-the-contract"
EMPLOYEE_SIGNATORIES = 40
SCHOLAR_SIGNATORIES = 60

EMPLOYEES_TEXT = """\
We are engineers, designers, support staff and managers at Northwind Cloud.

We did not join Northwind to build the case-management system that plans raids and
deportations. We ask our leadership to:

1. **Not renew** the $19.4 million contract with the immigration-enforcement agency.
2. **Publish** the terms of every contract with enforcement agencies.
3. Let employees **refuse work** on such contracts without retaliation.
"""
EMPLOYEES_TEXT_V2 = EMPLOYEES_TEXT.replace(
    "without retaliation.",
    "without retaliation, and commit to that in writing.",
)
SCHOLARS_TEXT = """\
We are scientists and scholars who study surveillance, migration, computing and law.

The research is clear: data systems built for enforcement are used far beyond their stated
purpose, and fall hardest on families and communities. We urge Northwind Cloud to end its
contract with the immigration-enforcement agency, and we offer our expertise for an
independent human-rights review of its enforcement work.
"""

FIRST_NAMES = [
    "Aiko", "Bruno", "Chiara", "Dmitri", "Esi", "Felipe", "Gulnara", "Hamza", "Ingrid", "Jae",
    "Keanu", "Leila", "Marek", "Nkechi", "Oskar", "Paloma", "Rafael", "Saoirse", "Tariq", "Ulla",
    "Valeria", "Wanjiru", "Yosef", "Zainab",
]  # fmt: skip
LAST_NAMES = [
    "Achebe", "Bergström", "Chen", "Dalmau", "Eze", "Fischer", "Gómez", "Huang", "Iyer",
    "Jovanović", "Kim", "Lindqvist", "Moreau", "Nakamura", "Osei", "Pereira", "Qureshi", "Ramos",
    "Sato", "Thompson", "Uchenna", "Vasquez", "Weber", "Yamamoto",
]  # fmt: skip
EMPLOYEE_TITLES = [
    "Software Engineer", "Senior Software Engineer", "Site Reliability Engineer",
    "Product Manager", "Data Scientist", "Support Engineer", "Product Designer",
    "Engineering Manager", "Technical Writer", "",
]  # fmt: skip
SCHOLAR_TITLES = [
    "Professor of Sociology", "Associate Professor of Computer Science",
    "Assistant Professor of Law", "Postdoctoral Researcher", "Lecturer in Migration Studies",
    "Professor of Anthropology", "PhD Candidate, Information Science", "Research Scientist",
]  # fmt: skip
UNIVERSITIES = [
    ("Lakeside University", "lakeside.edu"),
    ("Harbor State University", "harborstate.edu"),
    ("Eastmoor University", "eastmoor.ac.uk"),
    ("Institute of Public Technology", "ipt.edu"),
]


@transaction.atomic
def letters_demo_seed(*, campaign: Campaign) -> list[Letter]:
    """Create the employees' and the scholars' letters of the demo campaign, once."""
    rng = random.Random(312_556)
    return [_seed_employees(campaign, rng), _seed_scholars(campaign, rng)]


def _seed_employees(campaign: Campaign, rng: random.Random) -> Letter:
    letter = Letter.objects.filter(slug=EMPLOYEES_SLUG).first()
    if letter is not None:
        return letter
    letter = letter_create(
        organization=campaign.organization,
        campaign=campaign,
        slug=EMPLOYEES_SLUG,
        title="Northwind Cloud workers: we will not build deportation tools",
        addressee="Dana Whitfield, Chief Executive Officer, Northwind Cloud",
        text=EMPLOYEES_TEXT,
    )
    employees = letter_category_create(
        letter=letter,
        data={
            "name": "Employees of Northwind Cloud",
            "slug": "employees",
            "count_label": "employees",
            "allowed_domains": ["northwind.example"],
        },
    )
    letter_transition(letter=letter, action="publish")
    first_half = EMPLOYEE_SIGNATORIES // 2
    _seed_signatories(letter, employees, rng, count=first_half, scholars=False)
    letter_text_update(
        letter=letter,
        text=EMPLOYEES_TEXT_V2,
        change_note="Point 3 now asks for the commitment in writing.",
    )
    _seed_signatories(
        letter, employees, rng, count=EMPLOYEE_SIGNATORIES - first_half, scholars=False
    )
    letter_counts_recount(letter=letter)
    return letter


def _seed_scholars(campaign: Campaign, rng: random.Random) -> Letter:
    letter = Letter.objects.filter(slug=SCHOLARS_SLUG).first()
    if letter is not None:
        return letter
    letter = letter_create(
        organization=campaign.organization,
        campaign=campaign,
        slug=SCHOLARS_SLUG,
        title="Scientists and scholars to Northwind Cloud: end the enforcement contract",
        addressee="Dana Whitfield and the Board of Directors, Northwind Cloud",
        text=SCHOLARS_TEXT,
    )
    scholars = letter_category_create(
        letter=letter,
        data={
            "name": "Scientists and scholars",
            "slug": "scholars",
            "count_label": "scholars",
            "allowed_domains": [".edu", ".ac.uk"],
            "requires_moderation": True,
        },
    )
    letter_transition(letter=letter, action="publish")
    _seed_signatories(letter, scholars, rng, count=SCHOLAR_SIGNATORIES, scholars=True)
    letter_counts_recount(letter=letter)
    notable = Signatory.objects.filter(
        letter=letter, status=SignatoryStatus.APPROVED, display=DisplayChoice.PUBLIC
    ).order_by("pk")[:3]
    Signatory.objects.filter(pk__in=[s.pk for s in notable]).update(pinned_at=timezone.now())
    return letter


def _seed_signatories(
    letter: Letter,
    category: LetterCategory,
    rng: random.Random,
    *,
    count: int,
    scholars: bool,
) -> None:
    now = timezone.now()
    version = LetterVersion.objects.get(
        pk=cast(int, Letter.objects.get(pk=letter.pk).current_version_id)
    )
    start = Signatory.objects.filter(letter=letter).count()
    signatories = []
    for number in range(start, start + count):
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        if scholars:
            affiliation, domain = rng.choice(UNIVERSITIES)
            title = rng.choice(SCHOLAR_TITLES)
            status = rng.choices(
                [
                    SignatoryStatus.APPROVED,
                    SignatoryStatus.AWAITING_MODERATION,
                    SignatoryStatus.UNVERIFIED,
                    SignatoryStatus.REJECTED,
                ],
                weights=[75, 15, 5, 5],
            )[0]
        else:
            affiliation, domain = "Northwind Cloud", "northwind.example"
            title = rng.choice(EMPLOYEE_TITLES)
            status = rng.choices(
                [SignatoryStatus.APPROVED, SignatoryStatus.UNVERIFIED], weights=[88, 12]
            )[0]
        display = rng.choices(
            [DisplayChoice.PUBLIC, DisplayChoice.WITHHELD, DisplayChoice.COUNT_ONLY],
            weights=[50, 35, 15] if not scholars else [80, 12, 8],
        )[0]
        signed_at = now - timedelta(days=rng.uniform(0, 14))
        verified = status != SignatoryStatus.UNVERIFIED
        decided = scholars and status in {SignatoryStatus.APPROVED, SignatoryStatus.REJECTED}
        personal_email = (
            f"{first}.{last}.{number}@example.org".lower() if rng.random() < 0.4 else ""
        )
        signatories.append(
            Signatory(
                letter=letter,
                category=category,
                version=version,
                name=f"{first} {last}",
                title=title,
                affiliation=affiliation,
                display=display,
                personal_email=personal_email,
                personal_email_confirmed_at=signed_at + timedelta(minutes=9)
                if personal_email
                else None,
                work_email_hash=work_address_hash(f"{first}.{last}.{number}@{domain}".lower()),
                work_email_domain=domain,
                work_verified_at=signed_at + timedelta(minutes=7) if verified else None,
                status=status,
                is_listed=status == SignatoryStatus.APPROVED and display in LISTED_DISPLAYS,
                decided_at=signed_at + timedelta(hours=5) if decided else None,
                rejection_reason=(
                    "Not an academic affiliation." if status == SignatoryStatus.REJECTED else ""
                ),
                notified_at=signed_at,
            )
        )
    created = Signatory.objects.bulk_create(signatories)
    search_terms_create(signatories=created)
