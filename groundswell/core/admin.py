from django.contrib import admin
from django.http import HttpRequest

from groundswell.core.models import OutboundEmail


@admin.register(OutboundEmail)
class OutboundEmailAdmin(admin.ModelAdmin):
    list_display = ["pk", "kind", "created_at", "sent_at", "attempts", "last_error", "failure"]
    list_filter = ["kind", "failure"]
    exclude = ["body"]
    readonly_fields = [
        "to", "subject", "kind", "created_at", "claimed_at", "sent_at", "attempts", "failed_at",
        "failure", "campaign", "signature", "signatory",
    ]  # fmt: skip


class ReadOnlyAdmin(admin.ModelAdmin):
    """For rows only the application writes (checkpoints, delivery packages)."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
