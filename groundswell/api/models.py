"""API keys, idempotent requests and webhooks: how partner tools reach an organization's data."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from groundswell.accounts.models import Organization
from groundswell.core.text import single_line_text


class ApiScope(models.TextChoices):
    READ = "read", _("Read")
    WRITE = "write", _("Read and write")


class ApiKey(models.Model):
    """A key an organization gives one of its tools. The secret is shown once, when it is made;
    only its SHA-256 is kept, found through the public `prefix` the key starts with."""

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="api_keys"
    )
    name = models.CharField(_("name"), max_length=100, validators=[single_line_text])
    scope = models.CharField(_("scope"), max_length=8, choices=ApiScope.choices)
    prefix = models.CharField(max_length=16, unique=True, editable=False)
    secret_hash = models.CharField(max_length=64, editable=False)
    # None: made by the platform's operators (the api-key command). A key made by a person
    # works while they manage the organization, and dies with their account.
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # Written at most once a minute per key (API_KEY_TOUCH_SECONDS), not on every request.
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("API key")
        verbose_name_plural = _("API keys")

    def __str__(self) -> str:
        return f"API key {self.prefix}"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


class IdempotentRequest(models.Model):
    """The first answer to a write request that carried an `Idempotency-Key`: a retry with the
    same key (and the same body) gets this answer again instead of acting twice.

    The row is inserted before the work (the unique constraint makes concurrent retries wait for,
    or fail against, the first) and holds the answer once it is known.
    """

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    # groundswell.api.idempotency.idempotency_key_hash: never the client's key itself.
    key_hash = models.CharField(max_length=64)
    request_hash = models.CharField(max_length=64)
    response_status = models.PositiveSmallIntegerField(null=True, blank=True)
    response_body = models.JSONField(null=True, blank=True)
    created_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organization", "key_hash"], name="one_request_per_key")
        ]

    def __str__(self) -> str:
        return f"idempotent request {self.pk}"


class WebhookEndpoint(models.Model):
    """A URL of an organization's tool that is told, signed, when chosen events happen."""

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="webhook_endpoints"
    )
    url = models.URLField(_("URL"), max_length=500)
    # The event types chosen (groundswell.api.webhook_events.WEBHOOK_EVENTS keys).
    events = models.JSONField(default=list)
    # "whsec_" + base64: needed in clear to sign; shown to the organization once.
    secret = models.CharField(max_length=100, editable=False)
    active = models.BooleanField(default=True)
    # Failed attempts in a row; WEBHOOK_DISABLE_AFTER_FAILURES of them disable the endpoint.
    failure_streak = models.PositiveIntegerField(default=0)
    disabled_at = models.DateTimeField(null=True, blank=True)
    # Who answers for it: the manager who added it or last switched it on (None: the code).
    # It is sent to while they manage the organization, and dies with their account.
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"webhook endpoint {self.pk}"


class WebhookStatus(models.TextChoices):
    PENDING = "pending", _("Waiting")
    SENDING = "sending", _("Sending")
    DELIVERED = "delivered", _("Delivered")
    FAILED = "failed", _("Failed")


class WebhookDelivery(models.Model):
    """One event for one endpoint: its payload as sent, and how the attempts went (the log the
    organization sees). Claimed by a conditional UPDATE, so two workers never send it twice at
    once; a sweep re-queues deliveries whose message was lost."""

    endpoint = models.ForeignKey(
        WebhookEndpoint, on_delete=models.CASCADE, related_name="deliveries"
    )
    event_type = models.CharField(max_length=40)
    # The `webhook-id` header: the same for every attempt and replay, so receivers deduplicate.
    event_id = models.CharField(max_length=40)
    payload = models.JSONField()
    # A payload with a signer's data dies with the signature (docs/architecture.md inventory).
    signature = models.ForeignKey(
        "signatures.Signature",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
    )
    status = models.CharField(
        max_length=12, choices=WebhookStatus.choices, default=WebhookStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField()
    claimed_at = models.DateTimeField(null=True, blank=True)
    last_status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    last_error = models.CharField(max_length=300, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField()

    class Meta:
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="webhook_due_idx"),
            models.Index(fields=["endpoint", "created_at"], name="webhook_log_idx"),
            models.Index(
                fields=["signature"],
                condition=models.Q(signature__isnull=False),
                name="webhook_signature_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"webhook delivery {self.pk}"
