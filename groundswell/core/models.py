from django.db import models
from django.db.models import Q


class OutboundEmail(models.Model):
    """Every e-mail is stored here, in the transaction that caused it, before it is sent.

    A task sends it after commit; `outbox_sweep` re-queues rows whose task was lost, so a broker
    outage delays mail but never loses it. `claimed_at` lets one sender at a time own a row.
    """

    to = models.EmailField(max_length=254)
    subject = models.CharField(max_length=300)
    # Either the rendered body, or a template and its context rendered by the sender (in
    # `language`), which then stores the body it sent: busy requests skip the rendering.
    body = models.TextField(blank=True)
    template = models.CharField(max_length=200, blank=True)
    context = models.JSONField(default=dict, blank=True)
    language = models.CharField(max_length=10, blank=True)
    kind = models.CharField(max_length=40)
    created_at = models.DateTimeField(auto_now_add=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    # Exception class and SMTP code only; never the message, which may quote the address.
    last_error = models.CharField(max_length=200, blank=True)

    class Meta:
        # Only the unsent rows, in the order the drain claims them: the table keeps every
        # e-mail ever sent, and a drain must not walk past them on each batch.
        indexes = [
            models.Index(fields=["id"], condition=Q(sent_at__isnull=True), name="outbox_unsent_idx")
        ]

    def __str__(self) -> str:
        return f"{self.kind} e-mail #{self.pk}"
