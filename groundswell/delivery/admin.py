from django.contrib import admin
from django.http import HttpRequest

from groundswell.delivery.models import Checkpoint, Delivery, DeliveryPackage, DeliveryPhoto

# The log itself (LogHead, LogEntry, LogNode) is not in the admin: it is append-only, and an
# edit there would show up as a rewritten log in every later consistency proof.


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(Checkpoint)
class CheckpointAdmin(ReadOnlyAdmin):
    list_display = ["log_name", "tree_size", "live_count", "timestamp", "key_id"]
    list_filter = ["log_name"]


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
