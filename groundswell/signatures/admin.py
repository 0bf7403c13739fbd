from django.contrib import admin

from groundswell.signatures.models import Signature


@admin.register(Signature)
class SignatureAdmin(admin.ModelAdmin):
    list_display = ["public_id", "campaign", "country", "created_at", "confirmed_at"]
    list_filter = ["campaign"]
    # Platform administrators look signatures up by exact address, they do not browse them.
    search_fields = ["=email_key", "=public_id"]
    readonly_fields = ["public_id", "email_key", "created_at", "confirmed_at", "notified_at"]
    show_full_result_count = False
