from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from groundswell.signatures.models import Signature
from groundswell.signatures.services import signature_withdraw


@admin.register(Signature)
class SignatureAdmin(admin.ModelAdmin):
    list_display = ["public_id", "campaign", "country", "created_at", "confirmed_at"]
    list_filter = ["campaign"]
    # Platform administrators look signatures up by exact address, they do not browse them.
    search_fields = ["=email_key", "=public_id"]
    readonly_fields = ["public_id", "email_key", "created_at", "confirmed_at", "notified_at"]
    show_full_result_count = False

    # Deleting here erases as a withdrawal does: counts, log tombstone, e-mails, packages.
    def delete_model(self, request: HttpRequest, obj: Signature) -> None:
        signature_withdraw(signature=obj, reason="erased")

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Signature]) -> None:
        for signature in queryset:
            signature_withdraw(signature=signature, reason="erased")
