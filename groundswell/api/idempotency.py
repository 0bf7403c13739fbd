"""`Idempotency-Key`: a write retried with the same key gets the first answer, and acts once.

The request's row is claimed (INSERT ... ON CONFLICT DO NOTHING, one statement) in the same
transaction as the work it guards, and holds the answer when that transaction commits. A
concurrent retry's claim waits on the unique constraint until the first commits, then claims
nothing and reads the stored answer (or claims the key, if the first rolled back). Only
successful answers are stored: a refused request changed nothing, and a retry is refused again
the same way.

When the caller knows the answer before the work (recording a pending signature answers the same
whether the address had signed or not), the claim stores it at once and the work is the
transaction's last statement: the locks the work takes (the count's tally row) are held for one
round trip, the COMMIT, instead of two. Measured with wrk in docs/performance.md.

The key is the client's own string (some use the signer's e-mail address): only a keyed hash of
it is stored, so the table holds nothing a reader could recognize without the server's secret.
"""

import hashlib
import hmac
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import cast

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Field
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from groundswell.api.errors import ApiError
from groundswell.api.models import ApiKey, IdempotentRequest

MAX_KEY_LENGTH = 255
# Migration api.0004 (the keys stored before) and bench/bench_api.py hash with this same salt.
KEY_HASH_SALT = "groundswell.api.idempotency-key"

Answer = tuple[int, dict[str, object]]


def request_fingerprint(*, method: str, path: str, body: bytes) -> str:
    """Keyed, so that the stored hash of a body holding an address cannot be tested against
    guessed addresses without the server's secret."""
    message = method.encode() + b" " + path.encode() + b"\n" + body
    return hmac.new(settings.SECRET_KEY.encode(), message, hashlib.sha256).hexdigest()


def idempotency_key_hash(key: str) -> str:
    return salted_hmac(KEY_HASH_SALT, key, algorithm="sha256").hexdigest()


def _replay(*, api_key: ApiKey, key_hash: str, fingerprint: str) -> Answer:
    existing = IdempotentRequest.objects.get(
        organization_id=api_key.organization_id, key_hash=key_hash
    )
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
    expected: Answer | None = None,
    now: datetime | None = None,
) -> tuple[Answer, bool]:
    """(the answer, whether it is a replay). Without a key, just the work. `expected`: the
    answer the work gives unless it raises (stored with the claim; corrected if it differs)."""
    if not key:
        return work(), False
    if len(key) > MAX_KEY_LENGTH:
        raise ApiError(
            400,
            "invalid_parameter",
            _("An Idempotency-Key has at most %(count)d characters.") % {"count": MAX_KEY_LENGTH},
        )
    key_hash = idempotency_key_hash(key)
    with transaction.atomic():
        record_id = _claim(
            organization_id=api_key.organization_id,
            key_hash=key_hash,
            fingerprint=fingerprint,
            answer=expected,
            now=now or timezone.now(),
        )
        if record_id is not None:
            answer = work()
            if answer != expected:
                status, body = answer
                IdempotentRequest.objects.filter(pk=record_id).update(
                    response_status=status, response_body=body
                )
            return answer, False
    return _replay(api_key=api_key, key_hash=key_hash, fingerprint=fingerprint), True


def _claim(
    *,
    organization_id: int,
    key_hash: str,
    fingerprint: str,
    answer: Answer | None,
    now: datetime,
) -> int | None:
    """The new row's id, or None when the key is taken (by a committed request: a concurrent
    one is waited for). One statement: no savepoint around an INSERT that may fail."""
    meta = IdempotentRequest._meta
    quote = connection.ops.quote_name
    status, body = answer if answer is not None else (None, None)
    values = {
        "organization": organization_id,
        "key_hash": key_hash,
        "request_hash": fingerprint,
        "response_status": status,
        "response_body": body,
        "created_at": now,
    }
    fields = [cast(Field, meta.get_field(name)) for name in values]
    columns = ", ".join(quote(field.column) for field in fields)
    params = [
        field.get_db_prep_save(value, connection)
        for field, value in zip(fields, values.values(), strict=True)
    ]
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {quote(meta.db_table)} ({columns}) "  # noqa: S608 (names from the model)
            f"VALUES ({', '.join(['%s'] * len(params))}) "
            f"ON CONFLICT ({quote('organization_id')}, {quote('key_hash')}) DO NOTHING "
            f"RETURNING {quote(meta.pk.column)}",
            params,
        )
        row = cursor.fetchone()
    return row[0] if row else None


def idempotent_requests_expire(*, now: datetime | None = None) -> int:
    """Forget answers older than IDEMPOTENCY_RETENTION_HOURS: retries come within minutes."""
    now = now or timezone.now()
    cutoff = now - timedelta(hours=settings.IDEMPOTENCY_RETENTION_HOURS)
    deleted, _by_model = IdempotentRequest.objects.filter(created_at__lt=cutoff).delete()
    return deleted
