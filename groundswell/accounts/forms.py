from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from groundswell.accounts.models import Organization, Role
from groundswell.core.text import reject_markup

MAX_LOGO_BYTES = 1024 * 1024


class OrganizationProfileForm(forms.ModelForm):
    website = forms.URLField(label=_("web site"), required=False, assume_scheme="https")

    class Meta:
        model = Organization
        fields = ["name", "website", "logo"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["name"].validators.append(reject_markup)

    def clean_logo(self) -> object:
        logo = self.cleaned_data.get("logo")
        if logo and getattr(logo, "size", 0) > MAX_LOGO_BYTES:
            raise forms.ValidationError(_("The logo must be smaller than 1 MB."))
        return logo


class RoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)
