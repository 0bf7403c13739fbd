from django.contrib import admin
from django.db.models import QuerySet
from django.forms import BaseInlineFormSet, ModelForm
from django.http import HttpRequest

from groundswell.core.admin import ReadOnlyAdmin
from groundswell.delivery.models import Delivery, DeliveryPackage, DeliveryPhoto
from groundswell.delivery.services.deliveries import (
    delivery_delete,
    delivery_photo_files_delete,
    delivery_timeline_sync,
)


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

    # The only place to correct or take down a delivery (someone asked not to be named or
    # shown): the public timeline and the photos' files follow.
    def save_model(
        self, request: HttpRequest, obj: Delivery, form: ModelForm, change: bool
    ) -> None:
        super().save_model(request, obj, form, change)
        delivery_timeline_sync(delivery=obj)

    def save_formset(
        self, request: HttpRequest, form: ModelForm, formset: BaseInlineFormSet, change: bool
    ) -> None:
        super().save_formset(request, form, formset, change)
        delivery_photo_files_delete(names=[photo.image.name for photo in formset.deleted_objects])

    def delete_model(self, request: HttpRequest, obj: Delivery) -> None:
        delivery_delete(delivery=obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Delivery]) -> None:
        for delivery in queryset:
            delivery_delete(delivery=delivery)
