"""`Idempotency-Key`: a write retried with the same key gets the first answer, and acts once.

The request's row is inserted in the same transaction as the work it guards and holds the answer
when that transaction commits. A concurrent retry's INSERT waits on the unique constraint until
the first commits, then fails and reads the stored answer (or goes ahead, if the first rolled
back). Only successful answers are stored: a refused request changed nothing, and a retry is
refused again the same way.
"""

import hashlib
import hmac
from collections.abc import Callable
from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from groundswell.api.errors import ApiError
from groundswell.api.models import ApiKey, IdempotentRequest

MAX_KEY_LENGTH = 255

Answer = tuple[int, dict[str, object]]


def request_fingerprint(*, method: str, path: str, body: bytes) -> str:
    """Keyed, so that the stored hash of a body holding an address cannot be tested against
    guessed addresses without the server's secret."""
    message = method.encode() + b" " + path.encode() + b"\n" + body
    return hmac.new(settings.SECRET_KEY.encode(), message, hashlib.sha256).hexdigest()


def _replay(*, api_key: ApiKey, key: str, fingerprint: str) -> Answer:
    existing = IdempotentRequest.objects.get(organization_id=api_key.organization_id, key=key)
    if existing.request_hash != fingerprint:
        raise ApiError(
            422,
            "idempotency_key_reused",
            _("This Idempotency-Key was used with a different request."),
        )
    if existing.response_status is None:  # pragma: no cover (the answer commits with the row)
        raise ApiError(409, "in_progress", _("A request with this Idempotency-Key is running."))
    return existing.response_status, dict(existing.response_body or {})


def idempotent(
    *,
    api_key: ApiKey,
    key: str | None,
    fingerprint: str,
    work: Callable[[], Answer],
    now: datetime | None = None,
) -> tuple[Answer, bool]:
    """(the answer, whether it is a replay). Without a key, just the work."""
    if not key:
        return work(), False
    if len(key) > MAX_KEY_LENGTH:
        raise ApiError(
            400,
            "invalid_parameter",
            _("An Idempotency-Key has at most %(count)d characters.") % {"count": MAX_KEY_LENGTH},
        )
    with transaction.atomic():
        try:
            with transaction.atomic():
                record = IdempotentRequest.objects.create(
                    organization_id=api_key.organization_id,
                    key=key,
                    request_hash=fingerprint,
                    created_at=now or timezone.now(),
                )
        except IntegrityError:
            record = None
        if record is not None:
            status, body = work()
            IdempotentRequest.objects.filter(pk=record.pk).update(
                response_status=status, response_body=body
            )
            return (status, body), False
    return _replay(api_key=api_key, key=key, fingerprint=fingerprint), True


def idempotent_requests_expire(*, now: datetime | None = None) -> int:
    """Forget answers older than IDEMPOTENCY_RETENTION_HOURS: retries come within minutes."""
    now = now or timezone.now()
    cutoff = now - timedelta(hours=settings.IDEMPOTENCY_RETENTION_HOURS)
    deleted, _by_model = IdempotentRequest.objects.filter(created_at__lt=cutoff).delete()
    return deleted
