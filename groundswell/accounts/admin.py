from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.http import HttpRequest

from groundswell.accounts.forms import OrganizationProfileForm
from groundswell.accounts.models import Membership, Organization, User

# Rights are granted only by someone who holds them. Django's admin lets any staff account with
# the "change" permission on a model edit it, so a staff account that is not a superuser could
# make itself an organization's owner, or a superuser: those edits are kept for superusers.
PRIVILEGE_FIELDS = ("is_staff", "is_superuser", "groups", "user_permissions")


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return request.user.is_superuser

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return request.user.is_superuser

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return request.user.is_superuser


@admin.register(User)
class GroundswellUserAdmin(UserAdmin):
    def get_readonly_fields(self, request: HttpRequest, obj: object = None) -> tuple[str, ...]:
        readonly = tuple(super().get_readonly_fields(request, obj))
        if request.user.is_superuser:
            return readonly
        return (*readonly, *PRIVILEGE_FIELDS)

    # Nor may they change (the password included) or delete a superuser's account.
    def has_change_permission(self, request: HttpRequest, obj: User | None = None) -> bool:
        if obj is not None and obj.is_superuser and not request.user.is_superuser:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: User | None = None) -> bool:
        if obj is not None and obj.is_superuser and not request.user.is_superuser:
            return False
        return super().has_delete_permission(request, obj)


class OrganizationAdminForm(OrganizationProfileForm):
    class Meta(OrganizationProfileForm.Meta):
        fields = ["name", "slug", "website", "logo"]


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):
    # A logo uploaded here is checked and re-encoded as on the organizer pages (its metadata is
    # not published, its name follows its real format).
    form = OrganizationAdminForm
    list_display = ["name", "slug", "created_at"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [MembershipInline]
