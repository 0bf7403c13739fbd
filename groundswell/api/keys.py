"""Making, finding and revoking API keys (services and the one selector the API's auth uses).

A key reads `gs_<prefix>_<secret>`: the prefix finds the row, the SHA-256 of the whole key is
compared in constant time. The key itself is returned once, by `api_key_create`, and never
stored or logged.
"""

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from groundswell.accounts.models import MANAGING_ROLES, Membership, Organization, User
from groundswell.api.models import ApiKey, ApiScope

KEY_PREFIX = "gs_"


@dataclass(frozen=True)
class NewApiKey:
    api_key: ApiKey
    # The only time the full key exists outside its holder's hands: show it, then forget it.
    secret: str


def made_by_a_current_manager(path: str = "") -> Q:
    """Whether a key (or, with `path` "endpoint__", a webhook endpoint) still acts for its
    organization: the person who made it must still be one of its owners or admins, so that
    nobody keeps, through a tool, a right over the organization they have lost. One made by
    the platform's operators (the api-key command: no person) stays theirs; deleting a person
    deletes what they made (`created_by` cascades)."""
    return Q(**{f"{path}created_by__isnull": True}) | Q(
        Exists(
            Membership.objects.filter(
                user_id=OuterRef(f"{path}created_by_id"),
                organization_id=OuterRef(f"{path}organization_id"),
                role__in=MANAGING_ROLES,
            )
        )
    )


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def api_key_create(
    *, organization: Organization, name: str, scope: str, created_by: User | None = None
) -> NewApiKey:
    if scope not in ApiScope.values:
        raise ValueError(f"unknown scope: {scope}")
    prefix = secrets.token_hex(6)
    secret = f"{KEY_PREFIX}{prefix}_{secrets.token_urlsafe(32)}"
    api_key = ApiKey(
        organization=organization,
        name=name,
        scope=scope,
        prefix=prefix,
        secret_hash=_hash(secret),
        created_by=created_by,
    )
    api_key.full_clean()
    api_key.save()
    return NewApiKey(api_key=api_key, secret=secret)


def api_key_revoke(*, api_key: ApiKey, now: datetime | None = None) -> bool:
    """Revoke the key from now on; False when it was revoked already."""
    now = now or timezone.now()
    revoked = ApiKey.objects.filter(pk=api_key.pk, revoked_at__isnull=True).update(revoked_at=now)
    api_key.refresh_from_db(fields=["revoked_at"])
    return bool(revoked)


def api_key_find(*, secret: str) -> ApiKey | None:
    """The key (revoked or not: the caller says which refusal applies), or None if unknown.
    Its `works` says whether its maker still manages the organization (else it acts for
    nobody, as a revoked one)."""
    if not secret.startswith(KEY_PREFIX):
        return None
    prefix, _underscore, rest = secret[len(KEY_PREFIX) :].partition("_")
    if not rest or len(prefix) > 16:
        return None
    api_key = (
        ApiKey.objects.select_related("organization")
        .annotate(works=made_by_a_current_manager())
        .filter(prefix=prefix)
        .first()
    )
    if api_key is None or not hmac.compare_digest(api_key.secret_hash, _hash(secret)):
        return None
    return api_key


def api_key_touch(*, api_key: ApiKey, now: datetime | None = None) -> None:
    """Record the key's use, at most once per API_KEY_TOUCH_SECONDS: no write per request."""
    now = now or timezone.now()
    every = timedelta(seconds=settings.API_KEY_TOUCH_SECONDS)
    if api_key.last_used_at is not None and api_key.last_used_at > now - every:
        return
    ApiKey.objects.filter(pk=api_key.pk).update(last_used_at=now)
    api_key.last_used_at = now


def api_keys_of(*, organization: Organization) -> QuerySet[ApiKey]:
    """With `works`: whether each key's maker still manages the organization."""
    return (
        ApiKey.objects.filter(organization=organization)
        .annotate(works=made_by_a_current_manager())
        .order_by("-created_at", "-pk")
    )
