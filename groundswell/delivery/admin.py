from django.contrib import admin
from django.http import HttpRequest

from groundswell.core.admin import ReadOnlyAdmin
from groundswell.delivery.models import Delivery, DeliveryPackage, DeliveryPhoto


@admin.register(DeliveryPackage)
class DeliveryPackageAdmin(ReadOnlyAdmin):
    list_display = ["pk", "campaign", "status", "progress", "signature_count", "created_at"]
    list_filter = ["status"]
    exclude = ["cover_letter"]


class DeliveryPhotoInline(admin.TabularInline):
    model = DeliveryPhoto
    extra = 0


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin):
    list_display = ["campaign", "delivered_at", "place", "received_by", "is_public"]
    list_filter = ["is_public"]
    readonly_fields = ["campaign", "checkpoint", "created_by", "created_at"]
    inlines = [DeliveryPhotoInline]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # recorded from the organizer pages, which sign the checkpoint
