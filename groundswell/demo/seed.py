"""The demo coalition campaign seeded by `groundswell demo` (fictional organizations and people)."""

import random
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from groundswell.accounts.models import Membership, Organization, Role, User
from groundswell.campaigns.models import Campaign, CampaignStatus
from groundswell.campaigns.services import campaign_create
from groundswell.campaigns.translations import campaign_translation_get, campaign_translation_save
from groundswell.coalitions.models import Partner
from groundswell.core.email_keys import email_key
from groundswell.core.models import OutboundEmail
from groundswell.demo.events import events_demo_seed
from groundswell.demo.letters import letters_demo_seed
from groundswell.demo.story import (
    LAUNCHED_DAYS_AGO,
    delivery_checkpoint_at,
    delivery_demo_seed,
    story_demo_seed,
)
from groundswell.demo.updates import updates_demo_seed
from groundswell.signatures.consent import consent_wording
from groundswell.signatures.models import Consent, PartnerReferral, Signature
from groundswell.signatures.tallies import counts_reconcile
from groundswell.transparency.services.log import checkpoint_create
from groundswell.transparency.services.receipts import RECEIPT_EMAIL_KIND

DEMO_SLUG = "cancel-the-contract"
ORGANIZER_USERNAME = "organizer"
PARTNER_USERNAME = "partner"
ORGANIZER_PASSWORD = "organize-together"  # noqa: S105 (a published demo login, by design)
DEMO_SIGNATURES = 1247

HOST = ("Just Tech Coalition", "just-tech")
PARTNERS = [
    ("Migrant Justice Network", "migrant-justice"),
    ("Digital Rights Collective", "digital-rights"),
    ("Faith Communities United", "faith-united"),
]

BACKGROUND = """\
Northwind Cloud hosts the case-management system that an immigration-enforcement agency uses to
plan raids and deportations, under a **$19.4 million contract** renewed last spring.

Hundreds of Northwind's own employees have asked their leadership to walk away from it. Scholars
who study surveillance have written to the company too. Now the public is joining them.

- Cancel the $19.4 million contract when its current term ends.
- Publish the terms of every contract with enforcement agencies.
- Commit to an independent human-rights review before signing new ones.
"""

# The organizers' own Spanish version, as a coalition with Spanish-speaking signers would write
# it: a visitor reading Spanish sees the petition's words in Spanish, not only the page around
# them.
SPANISH = {
    "title": "Northwind Cloud: cancele el contrato de deportaciones de 19,4 millones de dólares",
    "ask": (
        "Cancele el contrato de 19,4 millones de dólares de Northwind Cloud con la agencia de "
        "control migratorio y deje de construir las herramientas que se usan para separar familias."
    ),
    "background": """\
Northwind Cloud aloja el sistema de gestión de casos que una agencia de control migratorio usa
para planificar redadas y deportaciones, con un **contrato de 19,4 millones de dólares** renovado
la primavera pasada.

Cientos de empleados de Northwind han pedido a su dirección que lo abandone. Académicos que
estudian la vigilancia también han escrito a la empresa. Ahora el público se suma a ellos.

- Cancelar el contrato de 19,4 millones de dólares cuando termine su plazo actual.
- Publicar las condiciones de todos sus contratos con agencias de control.
- Comprometerse a una revisión independiente de derechos humanos antes de firmar otros nuevos.
""",
}

FIRST_NAMES = [
    "Amara", "Ben", "Carmen", "Deepa", "Elif", "Farid", "Grace", "Hiro", "Ines", "Jonas", "Kofi",
    "Lena", "Mateo", "Nadia", "Omar", "Priya", "Quinn", "Rosa", "Sami", "Tomás", "Uma", "Viktor",
    "Wen", "Ximena", "Yusuf", "Zoe",
]  # fmt: skip
LAST_NAMES = [
    "Abara", "Becker", "Castillo", "Dubois", "Eriksen", "Fofana", "García", "Haddad", "Ito",
    "Jensen", "Kowalski", "López", "Mensah", "Nguyen", "Okafor", "Petrov", "Quispe", "Rossi",
    "Singh", "Tanaka", "Usman", "Varga", "Walker", "Yilmaz", "Zhang",
]  # fmt: skip
COUNTRIES = ["US", "US", "US", "CA", "MX", "GB", "DE", "IE", "FR", "ES"]


@dataclass(frozen=True)
class DemoSummary:
    campaign: Campaign
    created: bool


@transaction.atomic
def demo_seed() -> DemoSummary:
    """Create the demo coalition once; running it again changes nothing."""
    host, _ = Organization.objects.get_or_create(slug=HOST[1], defaults={"name": HOST[0]})
    for name, slug in PARTNERS:
        Organization.objects.get_or_create(slug=slug, defaults={"name": name})
    organizer, created_user = User.objects.get_or_create(
        username=ORGANIZER_USERNAME,
        defaults={
            "first_name": "Olivia",
            "last_name": "Organizer",
            "email": "organizer@example.org",
        },
    )
    if created_user:
        organizer.set_password(ORGANIZER_PASSWORD)
        organizer.save()
    Membership.objects.get_or_create(
        user=organizer, organization=host, defaults={"role": Role.OWNER}
    )
    partner_staff, created_partner = User.objects.get_or_create(
        username=PARTNER_USERNAME,
        defaults={"first_name": "Pat", "last_name": "Partner", "email": "partner@example.org"},
    )
    if created_partner:
        partner_staff.set_password(ORGANIZER_PASSWORD)
        partner_staff.save()
    Membership.objects.get_or_create(
        user=partner_staff,
        organization=Organization.objects.get(slug=PARTNERS[0][1]),
        defaults={"role": Role.OWNER},
    )

    campaign = Campaign.objects.filter(slug=DEMO_SLUG).first()
    if campaign is not None:
        _translate(campaign)
        letters_demo_seed(campaign=campaign)
        events_demo_seed(campaign=campaign, co_host_slug=PARTNERS[0][1])
        story_demo_seed(campaign=campaign, organizer=organizer)
        updates_demo_seed(campaign=campaign, organizer=organizer)
        return DemoSummary(campaign=campaign, created=False)
    campaign = campaign_create(
        organization=host,
        data={
            "slug": DEMO_SLUG,
            "title": "Northwind Cloud: cancel the $19.4 million deportation contract",
            "ask": (
                "Cancel Northwind Cloud's $19.4 million contract with the immigration-enforcement "
                "agency, and stop building the tools used to separate families."
            ),
            "background": BACKGROUND,
            "target_name": "Dana Whitfield",
            "target_title": "Chief Executive Officer",
            "target_organization": "Northwind Cloud",
            "goal": 300_000,
        },
    )
    now = timezone.now()
    # Launched three weeks ago (the timeline says so, and the signatures start then); the row
    # was created now, so it is dated back.
    campaign.created_at = now - timedelta(days=LAUNCHED_DAYS_AGO)
    Campaign.objects.filter(pk=campaign.pk).update(
        status=CampaignStatus.OPEN, created_at=campaign.created_at
    )
    _translate(campaign)
    partners = [
        Partner.objects.create(campaign=campaign, organization=organization, slug=organization.slug)
        for organization in Organization.objects.filter(slug__in=[slug for _n, slug in PARTNERS])
    ]
    rng = random.Random(19_400_000)
    # The delivery carries a checkpoint of the log as it stood that morning: the signatures
    # confirmed after it are stored once it is signed.
    checkpoint_at = delivery_checkpoint_at(now=now)
    before: list[_SeededSignature] = []
    after: list[_SeededSignature] = []
    for seeded in _signatures_build(campaign, partners, rng=rng, now=now):
        confirmed_at = seeded.signature.confirmed_at
        if confirmed_at is not None and confirmed_at > checkpoint_at:
            after.append(seeded)
        else:
            before.append(seeded)
    _signatures_store(campaign, before, rng=rng)
    # The seeded rows bypassed the signing services: build their tallies and counts.
    counts_reconcile(campaign=campaign)
    delivery_demo_seed(campaign=campaign, organizer=organizer, now=now)
    _signatures_store(campaign, after, rng=rng)
    counts_reconcile(campaign=campaign)
    letters_demo_seed(campaign=campaign)
    events_demo_seed(campaign=campaign, co_host_slug=PARTNERS[0][1])
    # After the signatures: the target's answer, a milestone, the timeline.
    story_demo_seed(campaign=campaign, organizer=organizer)
    updates_demo_seed(campaign=campaign, organizer=organizer)
    # The log as it stands, signed: it holds the delivered checkpoint's log as its beginning.
    checkpoint_create(campaign=campaign)
    # The seeded signers are made up: no receipt goes to them (appending them to the log queued
    # one for each confirmed in the last day), so the terminal shows the demo's own visitors'.
    OutboundEmail.objects.filter(campaign=campaign, kind=RECEIPT_EMAIL_KIND).delete()
    campaign.refresh_from_db()
    return DemoSummary(campaign=campaign, created=True)


def _translate(campaign: Campaign) -> None:
    """The Spanish version, once: an organizer's later edit of it is theirs to keep."""
    if campaign_translation_get(campaign=campaign, language="es") is None:
        campaign_translation_save(campaign=campaign, language="es", **SPANISH)


@dataclass(frozen=True)
class _SeededSignature:
    signature: Signature
    signed_at: datetime
    came_through: list[Partner]


def _signatures_build(
    campaign: Campaign, partners: list[Partner], *, rng: random.Random, now: datetime
) -> list[_SeededSignature]:
    # A signature left unconfirmed for longer than this is erased by the hourly purge.
    confirmable_since = now - timedelta(seconds=settings.SIGNATURE_CONFIRMATION_MAX_AGE)
    seeded = []
    for number in range(DEMO_SIGNATURES):
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        email = f"{first}.{last}.{number}@example.org".lower()
        signed_at = now - timedelta(days=rng.triangular(0, 21, 1), minutes=rng.randint(0, 600))
        signed_at = max(signed_at, campaign.created_at)  # not before the launch
        # Most signers come through one partner, some through none, a few through two.
        came_through = rng.sample(partners, k=rng.choices([0, 1, 2], weights=[25, 65, 10])[0])
        signature = Signature(
            campaign=campaign,
            name=f"{first} {last}",
            email=email,
            email_key=email_key(email),
            country=rng.choice(COUNTRIES),
            postal_code=f"{rng.randint(10000, 99999)}",
            show_name=rng.random() < 0.6,
            partner=came_through[0] if came_through else None,
            referral_count=len(came_through),
            source=rng.choice(["", "", "newsletter", "twitter"]),
            confirmed_at=signed_at + timedelta(minutes=3) if rng.random() < 0.93 else None,
        )
        if signature.confirmed_at is None and signed_at < confirmable_since:
            continue  # the purge would have erased it already
        if signature.confirmed_at is not None:
            signature.confirmed_at = min(signature.confirmed_at, now)
        seeded.append(_SeededSignature(signature, signed_at, came_through))
    return seeded


def _signatures_store(
    campaign: Campaign, seeded: list[_SeededSignature], *, rng: random.Random
) -> None:
    signatures = [item.signature for item in seeded]
    Signature.objects.bulk_create(signatures, batch_size=500)
    # created_at is set on insert (auto_now_add), whatever it was given: dated here, before the
    # tallies are built from it and the referrals and consents copy it.
    for item in seeded:
        item.signature.created_at = item.signed_at
    Signature.objects.bulk_update(signatures, ["created_at"], batch_size=500)
    referrals, consents = [], []
    for item in seeded:
        signature = item.signature
        for partner in item.came_through:
            referrals.append(
                PartnerReferral(
                    signature=signature, partner=partner, created_at=signature.created_at
                )
            )
        for organization in [campaign.organization, *(p.organization for p in item.came_through)]:
            if rng.random() < 0.5:
                consents.append(
                    Consent(
                        signature=signature,
                        organization=organization,
                        wording=consent_wording(organization_name=organization.name),
                        language="en",
                        given_at=signature.created_at,
                        confirmed_at=signature.confirmed_at,
                    )
                )
    PartnerReferral.objects.bulk_create(referrals, batch_size=500)
    Consent.objects.bulk_create(consents, batch_size=500)
    Signature.objects.filter(campaign=campaign, consents__isnull=False).update(gave_consent=True)
