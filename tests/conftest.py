"""Factories and the three standing users: an owner, a member (viewer) and an outsider."""

import itertools
import time
from collections.abc import Callable
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.core import mail
from django.utils import translation

from groundswell.accounts.models import Membership, Organization, Role, User
from groundswell.campaigns.models import Campaign, CampaignStatus
from groundswell.campaigns.services import campaign_create
from groundswell.core.bot_friction import ISSUED_FIELD, form_issued_token
from groundswell.core.models import OutboundEmail
from groundswell.signatures.services import signature_confirm, signature_create

_sequence = itertools.count(1)


@pytest.fixture(autouse=True)
def _fast_and_isolated(settings: Any) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.CELERY_TASK_ALWAYS_EAGER = True
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.SIGNING_RATE_LIMIT_PER_MINUTE = 0
    settings.RSVP_RATE_LIMIT_PER_MINUTE = 0
    settings.GROUNDSWELL_BASE_URL = "https://sign.example.org"
    settings.PUBLIC_PAGE_CACHE_SECONDS = 0
    settings.SIGNING_CAMPAIGN_CACHE_SECONDS = 0
    from django.core.cache import cache

    from groundswell.core.process_cache import process_cache_clear

    cache.clear()
    process_cache_clear()


@pytest.fixture(autouse=True)
def _default_language() -> Any:
    """Every test starts in the default language, whatever the one before it activated (a
    request in Spanish, a mail rendered in a signer's language)."""
    translation.activate(django_settings.LANGUAGE_CODE)
    yield
    translation.activate(django_settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def _eager_celery(settings: Any) -> None:
    from groundswell.config.celery import app

    app.conf.task_always_eager = True


@pytest.fixture
def run_on_commit(django_capture_on_commit_callbacks: Any) -> Callable[[], Any]:
    """Run after-commit work (task enqueues) at the end of the block, as a real commit would.

    Tests run inside a transaction that is rolled back, so nothing ever commits by itself.
    """
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def client(run_on_commit: Callable[[], Any]) -> Any:
    from django.test import Client

    class CommittingClient(Client):
        def request(self, **request: Any) -> Any:
            with run_on_commit():
                return super().request(**request)

    return CommittingClient()


@pytest.fixture
def make_org(db: None) -> Callable[..., Organization]:
    def make(name: str | None = None, **fields: Any) -> Organization:
        number = next(_sequence)
        name = name or f"Organization {number}"
        return Organization.objects.create(
            name=name, slug=fields.pop("slug", f"org-{number}"), **fields
        )

    return make


@pytest.fixture
def make_user(db: None) -> Callable[..., User]:
    def make(
        organization: Organization | None = None, role: str = Role.ORGANIZER, **fields: Any
    ) -> User:
        number = next(_sequence)
        user = User.objects.create_user(
            username=fields.pop("username", f"user{number}"), password="pw", **fields
        )
        if organization is not None:
            Membership.objects.create(user=user, organization=organization, role=role)
        return user

    return make


@pytest.fixture
def make_campaign(db: None, make_org: Callable[..., Organization]) -> Callable[..., Campaign]:
    def make(
        organization: Organization | None = None, status: str = CampaignStatus.OPEN, **fields: Any
    ) -> Campaign:
        number = next(_sequence)
        data = {
            "slug": f"campaign-{number}",
            "title": f"Campaign {number}",
            "ask": "Cancel the contract.",
            "target_name": "Dana Whitfield",
            "target_title": "CEO",
            "target_organization": "Northwind Cloud",
            "goal": 100,
        }
        data.update(fields)
        campaign = campaign_create(organization=organization or make_org(), data=data)
        Campaign.objects.filter(pk=campaign.pk).update(status=status)
        campaign.refresh_from_db()
        return campaign

    return make


@pytest.fixture
def host(make_org: Callable[..., Organization]) -> Organization:
    return make_org("Just Tech Coalition", slug="just-tech")


@pytest.fixture
def campaign(make_campaign: Callable[..., Campaign], host: Organization) -> Campaign:
    return make_campaign(organization=host, slug="cancel-the-contract", title="Cancel the contract")


@pytest.fixture
def owner(make_user: Callable[..., User], host: Organization) -> User:
    return make_user(host, role=Role.OWNER, username="owner")


@pytest.fixture
def viewer(make_user: Callable[..., User], host: Organization) -> User:
    return make_user(host, role=Role.VIEWER, username="viewer")


@pytest.fixture
def outsider(make_user: Callable[..., User], make_org: Callable[..., Organization]) -> User:
    return make_user(make_org("Other group"), role=Role.OWNER, username="outsider")


def signer_values(**overrides: Any) -> dict[str, Any]:
    """What a signer types, as `signature_create` takes it."""
    data = {
        "name": "Ada Lovelace",
        "email": "ada@example.org",
        "country": "GB",
        "postal_code": "N1 9GU",
        "comment": "",
        "show_name": False,
        "source": "",
    }
    data.update(overrides)
    return data


def form_opened(form: str = "petition", *, seconds_ago: float = 60) -> dict[str, str]:
    """The bot-friction field of a signing form as it was rendered `seconds_ago`: what a person
    who took that long to fill it in sends back (see groundswell.core.bot_friction)."""
    return {ISSUED_FIELD: form_issued_token(form=form, issued_at=time.time() - seconds_ago)}


def sign_data(**overrides: Any) -> dict[str, Any]:
    """A petition's signing form as a person fills it in and sends it."""
    return {**signer_values(), **form_opened("petition"), **overrides}


def confirmation_link_from_outbox() -> str:
    """The confirmation path in the last e-mail sent."""
    body = mail.outbox[-1].body
    url = next(line for line in body.splitlines() if "/confirm/" in line).strip()
    return url.removeprefix("https://sign.example.org")


@pytest.fixture
def signed(campaign: Campaign, run_on_commit: Callable[[], Any]) -> Callable[..., Any]:
    """Sign (and optionally confirm) through the services, as a signer would."""

    def sign(confirm: bool = True, **overrides: Any) -> Any:
        from groundswell.signatures.models import Signature
        from groundswell.signatures.services import confirmation_token_make

        target = overrides.pop("campaign", campaign)
        with run_on_commit():
            outcome = signature_create(campaign=target, **signer_values(**overrides))
        signature = Signature.objects.get(pk=outcome.signature_id)
        if confirm:
            token = confirmation_token_make(public_id=signature.public_id)
            with run_on_commit():
                signature_confirm(campaign=target, token=token)
            signature.refresh_from_db()
        return signature

    return sign


@pytest.fixture
def unsent_emails() -> Callable[[], int]:
    return lambda: OutboundEmail.objects.filter(sent_at__isnull=True).count()


@pytest.fixture
def age_last_notice(db: None) -> Callable[[int], None]:
    """Pretend every signer's last e-mail went out `minutes` earlier than it did."""
    from datetime import timedelta

    from django.db.models import F

    from groundswell.signatures.models import Signature

    def age(minutes: int) -> None:
        Signature.objects.update(notified_at=F("notified_at") - timedelta(minutes=minutes))

    return age
