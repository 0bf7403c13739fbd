from django.contrib import admin
from django.http import HttpRequest

from groundswell.campaigns.models import Campaign


@admin.register(Campaign)
class CampaignAdmin(admin.ModelAdmin):
    list_display = ["title", "organization", "status", "signature_count", "created_at"]
    list_filter = ["status"]
    search_fields = ["title", "slug"]
    readonly_fields = ["signature_count", "last_signed_at", "background_html"]

    def get_readonly_fields(self, request: HttpRequest, obj: Campaign | None = None) -> list[str]:
        readonly = list(super().get_readonly_fields(request, obj))
        # Links with a published campaign's address have been e-mailed: it never changes.
        return [*readonly, "slug"] if obj is not None and obj.slug_is_locked else readonly
