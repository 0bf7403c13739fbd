from django.contrib import admin

from groundswell.campaigns.models import Campaign


@admin.register(Campaign)
class CampaignAdmin(admin.ModelAdmin):
    list_display = ["title", "organization", "status", "signature_count", "created_at"]
    list_filter = ["status"]
    search_fields = ["title", "slug"]
    readonly_fields = ["signature_count", "last_signed_at", "background_html"]
