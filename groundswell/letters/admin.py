from django.contrib import admin
from django.http import HttpRequest

from groundswell.letters.models import Letter, LetterCategory, LetterVersion


class LetterCategoryInline(admin.TabularInline):
    model = LetterCategory
    extra = 0
    readonly_fields = ["signatory_count"]


class LetterVersionInline(admin.TabularInline):
    model = LetterVersion
    extra = 0
    fields = ["number", "change_note", "created_at"]
    readonly_fields = ["number", "change_note", "created_at"]
    can_delete = False


# Signatories are not in the admin on purpose: withheld names must not show anywhere, and the
# organizer pages are the place to decide on them.
@admin.register(Letter)
class LetterAdmin(admin.ModelAdmin):
    list_display = ["title", "organization", "status", "signatory_count", "created_at"]
    list_filter = ["status"]
    search_fields = ["title", "slug"]
    readonly_fields = ["signatory_count"]
    inlines = [LetterCategoryInline, LetterVersionInline]

    def get_readonly_fields(self, request: HttpRequest, obj: Letter | None = None) -> list[str]:
        readonly = list(super().get_readonly_fields(request, obj))
        # Links with a published letter's address have been e-mailed: it never changes.
        return [*readonly, "slug"] if obj is not None and obj.slug_is_locked else readonly
