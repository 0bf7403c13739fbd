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
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
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
    key = models.CharField(max_length=255)
    request_hash = models.CharField(max_length=64)
    response_status = models.PositiveSmallIntegerField(null=True, blank=True)
    response_body = models.JSONField(null=True, blank=True)
    created_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organization", "key"], name="one_request_per_key")
        ]

    def __str__(self) -> str:
        return f"idempotent request {self.pk}"
