"""Webhooks: endpoints, deliveries queued from domain events, signed sending with retries, the
SSRF guard, automatic disabling and replay (Standard Webhooks: `webhook-id`,
`webhook-timestamp`, `webhook-signature: v1,<base64 HMAC-SHA256(secret, id.timestamp.body)>`).

Sending happens in the worker (`webhook_delivery_send_task`, by id). A delivery is claimed by a
conditional UPDATE (pending and due → sending), so two workers never send it at once; a failed
attempt is due again after an exponential wait, and `webhook_deliveries_sweep` (beat) queues
what is due, including deliveries whose claim went stale (a worker died mid-send).
"""

import base64
import hashlib
import hmac
import http.client
import ipaddress
import json
import logging
import secrets
import socket
import ssl
import time
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from groundswell.accounts.models import Organization, User
from groundswell.api.keys import made_by_a_current_manager
from groundswell.api.models import WebhookDelivery, WebhookEndpoint, WebhookStatus
from groundswell.core.jobs import enqueue_now, enqueue_on_commit
from groundswell.core.process_cache import process_cached

logger = logging.getLogger(__name__)

SEND_TASK = "groundswell.api.tasks.webhook_delivery_send_task"
SECRET_PREFIX = "whsec_"  # noqa: S105 (the Standard Webhooks marker, not a secret)
MAX_RETRY_WAIT = timedelta(days=1)
# A claim older than this is a worker that died mid-send: the sweep sends it again.
STALE_CLAIM = timedelta(minutes=5)
USER_AGENT = "Groundswell-Webhooks/1"

WEBHOOK_EVENTS = {
    "signature.confirmed": gettext_lazy("A signature was confirmed (it counts)"),
    "signature.withdrawn": gettext_lazy("A signature was withdrawn"),
    "delivery.recorded": gettext_lazy("A delivery to the target was recorded"),
    "rsvp.created": gettext_lazy("Someone RSVPed to an event"),
    "target.responded": gettext_lazy("The target responded"),
}


class WebhookError(ValueError):
    pass


def _url_check(url: str) -> None:
    parts = urlsplit(url)
    allowed = {"https", "http"} if settings.WEBHOOK_ALLOW_PRIVATE_ADDRESSES else {"https"}
    if parts.scheme not in allowed or not parts.hostname:
        raise WebhookError(_("A webhook URL must start with https:// and name a host."))


def webhook_endpoint_create(
    *, organization: Organization, url: str, events: list[str], created_by: User | None = None
) -> WebhookEndpoint:
    """The new endpoint; its `secret` is to be shown once, now."""
    _url_check(url)
    unknown = set(events) - set(WEBHOOK_EVENTS)
    if not events or unknown:
        raise WebhookError(_("Choose at least one of the events offered."))
    secret = SECRET_PREFIX + base64.b64encode(secrets.token_bytes(24)).decode()
    return WebhookEndpoint.objects.create(
        organization=organization, url=url, events=sorted(set(events)), secret=secret,
        created_by=created_by,
    )  # fmt: skip


def webhook_endpoint_enable(*, endpoint: WebhookEndpoint, active: bool, by: User) -> None:
    """Switch the endpoint on or off. Who switches it on answers for it from then on: it is
    sent to while they manage the organization (`made_by_a_current_manager`)."""
    changes: dict[str, object] = {"created_by": by} if active else {}
    WebhookEndpoint.objects.filter(pk=endpoint.pk).update(
        active=active, failure_streak=0, disabled_at=None if active else timezone.now(), **changes
    )


def webhook_endpoints_of(*, organization: Organization) -> QuerySet[WebhookEndpoint]:
    """With `works`: whether the manager who answers for each endpoint still manages the
    organization (else nothing is sent to it, switched on or not)."""
    return (
        WebhookEndpoint.objects.filter(organization=organization)
        .annotate(works=made_by_a_current_manager())
        .order_by("pk")
    )


def _organizations_with_endpoints() -> frozenset[int]:
    """Kept a few seconds per process: most confirmations then cost no query here at all."""
    return process_cached(
        ("webhook-organizations",),
        5,
        lambda: frozenset(
            WebhookEndpoint.objects.filter(active=True).values_list("organization_id", flat=True)
        ),
    )


def webhooks_wanted() -> bool:
    """Whether any organization has an active endpoint (nothing to build otherwise)."""
    return bool(_organizations_with_endpoints())


def webhook_deliveries_enqueue(
    *,
    event_type: str,
    payloads: dict[int, dict[str, object]],
    signature_id: int | None = None,
    now: datetime | None = None,
) -> list[int]:
    """One delivery per active endpoint subscribed to the event, each with the payload built for
    its organization; sent after commit."""
    now = now or timezone.now()
    endpoints = [
        endpoint
        for endpoint in WebhookEndpoint.objects.filter(
            made_by_a_current_manager(), active=True, organization_id__in=list(payloads)
        )
        if event_type in endpoint.events
    ]
    event_id = f"msg_{uuid.uuid4().hex}"
    created = []
    with transaction.atomic():
        for endpoint in endpoints:
            body = {
                "type": event_type,
                "timestamp": now.isoformat(),
                "data": payloads[endpoint.organization_id],
            }
            delivery = WebhookDelivery.objects.create(
                endpoint=endpoint, event_type=event_type, event_id=event_id, payload=body,
                signature_id=signature_id, next_attempt_at=now, created_at=now,
            )  # fmt: skip
            created.append(delivery.pk)
            enqueue_on_commit(SEND_TASK, delivery.pk)
    return created


def signature_headers(*, secret: str, event_id: str, timestamp: int, body: bytes) -> dict[str, str]:
    key = base64.b64decode(secret.removeprefix(SECRET_PREFIX))
    signed = f"{event_id}.{timestamp}.".encode() + body
    digest = base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()
    return {
        "webhook-id": event_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": f"v1,{digest}",
    }


def _public_address(host: str, port: int) -> str:
    """The address to connect to, resolved now; refuses private, loopback, link-local,
    multicast and reserved addresses unless WEBHOOK_ALLOW_PRIVATE_ADDRESSES (tests, dev)."""
    try:
        found = socket.getaddrinfo(host, port, proto=socket.IPPROTO_TCP)
    except socket.gaierror as error:
        raise WebhookError(f"cannot resolve host: {error}") from None
    addresses = [str(entry[4][0]) for entry in found]
    if not settings.WEBHOOK_ALLOW_PRIVATE_ADDRESSES:
        for address in addresses:
            ip = ipaddress.ip_address(address.split("%")[0])
            if not ip.is_global or ip.is_multicast:
                raise WebhookError("refused: the host resolves to a non-public address")
    return addresses[0]


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    """TLS to the address checked by the guard (no second lookup), verified for the host."""

    def __init__(self, host: str, address: str, port: int, timeout: float) -> None:
        super().__init__(host, port, timeout=timeout, context=ssl.create_default_context())
        self._address = address

    def connect(self) -> None:
        sock = socket.create_connection((self._address, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)  # type: ignore[attr-defined]


@dataclass(frozen=True)
class Attempt:
    status_code: int | None
    error: str

    @property
    def ok(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


def _post(*, url: str, body: bytes, headers: dict[str, str]) -> Attempt:
    parts = urlsplit(url)
    host = parts.hostname or ""
    port = parts.port or (443 if parts.scheme == "https" else 80)
    try:
        address = _public_address(host, port)
        timeout = settings.WEBHOOK_TIMEOUT_SECONDS
        connection: http.client.HTTPConnection
        if parts.scheme == "https":
            connection = _PinnedHTTPSConnection(host, address, port, timeout)
        else:
            connection = http.client.HTTPConnection(address, port, timeout=timeout)
        path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        host_header = host if parts.port is None else f"{host}:{parts.port}"
        connection.request(
            "POST",
            path,
            body=body,
            headers={
                **headers,
                "Host": host_header,
                "Content-Type": "application/json",
                "User-Agent": USER_AGENT,
            },
        )
        response = connection.getresponse()
        response.read(65536)
        connection.close()
        return Attempt(status_code=response.status, error="")
    except (OSError, http.client.HTTPException, WebhookError) as error:
        return Attempt(status_code=None, error=str(error)[:300] or error.__class__.__name__)


def _retry_wait(attempts: int) -> timedelta:
    wait = timedelta(seconds=settings.WEBHOOK_RETRY_BASE_SECONDS * 2 ** max(attempts - 1, 0))
    return min(wait, MAX_RETRY_WAIT)


def webhook_delivery_send(*, delivery_id: int, now: datetime | None = None) -> str:
    """Claim the delivery if it is pending and due, send it once, record how it went.

    Returns its status afterwards ("" when it was not ours to send)."""
    now = now or timezone.now()
    claimed = WebhookDelivery.objects.filter(
        made_by_a_current_manager("endpoint__"),
        pk=delivery_id,
        status=WebhookStatus.PENDING,
        next_attempt_at__lte=now,
        endpoint__active=True,
    ).update(status=WebhookStatus.SENDING, claimed_at=now, attempts=F("attempts") + 1)
    if not claimed:
        return ""
    delivery = WebhookDelivery.objects.select_related("endpoint").get(pk=delivery_id)
    endpoint = delivery.endpoint
    body = json.dumps(delivery.payload, separators=(",", ":")).encode()
    headers = signature_headers(
        secret=endpoint.secret, event_id=delivery.event_id, timestamp=int(time.time()), body=body
    )
    attempt = _post(url=endpoint.url, body=body, headers=headers)
    finished = timezone.now()
    if attempt.ok:
        WebhookDelivery.objects.filter(pk=delivery.pk).update(
            status=WebhookStatus.DELIVERED, delivered_at=finished,
            last_status_code=attempt.status_code, last_error="", claimed_at=None,
        )  # fmt: skip
        WebhookEndpoint.objects.filter(pk=endpoint.pk).update(failure_streak=0)
        return WebhookStatus.DELIVERED
    given_up = delivery.attempts >= settings.WEBHOOK_MAX_ATTEMPTS
    status = WebhookStatus.FAILED if given_up else WebhookStatus.PENDING
    WebhookDelivery.objects.filter(pk=delivery.pk).update(
        status=status, last_status_code=attempt.status_code, last_error=attempt.error,
        next_attempt_at=finished + _retry_wait(delivery.attempts), claimed_at=None,
    )  # fmt: skip
    WebhookEndpoint.objects.filter(pk=endpoint.pk).update(failure_streak=F("failure_streak") + 1)
    WebhookEndpoint.objects.filter(
        pk=endpoint.pk,
        active=True,
        failure_streak__gte=settings.WEBHOOK_DISABLE_AFTER_FAILURES,
    ).update(active=False, disabled_at=finished)
    logger.info(
        "webhook delivery %s to endpoint %s: %s", delivery.pk, endpoint.pk,
        attempt.status_code or "no answer",
    )  # fmt: skip
    return status


def webhook_deliveries_sweep(*, now: datetime | None = None, limit: int = 500) -> int:
    """Queue deliveries that are due (retries) or whose claim went stale (a lost worker)."""
    now = now or timezone.now()
    WebhookDelivery.objects.filter(
        status=WebhookStatus.SENDING, claimed_at__lt=now - STALE_CLAIM
    ).update(status=WebhookStatus.PENDING, claimed_at=None)
    due = list(
        WebhookDelivery.objects.filter(
            made_by_a_current_manager("endpoint__"),
            status=WebhookStatus.PENDING,
            next_attempt_at__lte=now,
            endpoint__active=True,
        )
        .order_by("next_attempt_at")
        .values_list("pk", flat=True)[:limit]
    )
    for delivery_id in due:
        enqueue_now(SEND_TASK, delivery_id)
    return len(due)


def webhook_deliveries_expire(*, now: datetime | None = None) -> int:
    """Delete the deliveries made more than WEBHOOK_RETENTION_DAYS ago, sent, failed or never
    sent (their endpoint turned off); returns how many. A payload may name people whom no owner
    row finds it from (a delivery's `received_by`, a target's responder), so the log is kept for
    a while, not for good. One being sent now is left to finish."""
    now = now or timezone.now()
    cutoff = now - timedelta(days=settings.WEBHOOK_RETENTION_DAYS)
    deleted, _by_model = (
        WebhookDelivery.objects.filter(created_at__lt=cutoff)
        .exclude(status=WebhookStatus.SENDING)
        .delete()
    )
    return deleted


def webhook_delivery_replay(*, delivery: WebhookDelivery, now: datetime | None = None) -> None:
    """Send a failed delivery again, as it was (same id, same payload), from a fresh count."""
    now = now or timezone.now()
    replayed = WebhookDelivery.objects.filter(
        Q(status=WebhookStatus.FAILED) | Q(status=WebhookStatus.PENDING), pk=delivery.pk
    ).update(status=WebhookStatus.PENDING, attempts=0, next_attempt_at=now)
    if replayed:
        enqueue_on_commit(SEND_TASK, delivery.pk)
