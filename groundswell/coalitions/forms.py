from typing import Any, cast

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from groundswell.accounts.models import Organization
from groundswell.coalitions.models import Invitation
from groundswell.core.text import reject_markup, single_line_text


class PartnerInvitationForm(forms.Form):
    name = forms.CharField(
        label=_("Partner organization's name"),
        max_length=200,
        validators=[single_line_text, reject_markup],
    )
    slug = forms.SlugField(
        label=_("Short name"),
        max_length=60,
        help_text=_(
            "Used in its link: ?partner=short-name. Letters, digits and hyphens. An organization "
            "already on Groundswell with this short name is the one invited, and only its owners "
            "or admins can accept."
        ),
    )


class InvitationAcceptForm(forms.Form):
    confirm_other_memberships = forms.BooleanField(
        required=False,
        label=_("I understand that I will belong to this organization as well as my current ones."),
    )


class PartnerAcceptForm(forms.Form):
    """Accepting a partner invitation. To an existing organization: a button only. To one not on
    Groundswell yet: create it now (name and short name proposed by the host), or choose an
    organization the person already manages."""

    organization = forms.ModelChoiceField(
        label=_("Co-sponsor as"),
        queryset=Organization.objects.none(),
        required=False,
        empty_label=_("A new organization, created now (you become its owner)"),
    )
    name = forms.CharField(
        label=_("New organization's name"),
        max_length=200,
        required=False,
        validators=[single_line_text, reject_markup],
    )
    slug = forms.SlugField(
        label=_("Short name"),
        max_length=60,
        required=False,
        help_text=_("Used in its link: ?partner=short-name. Letters, digits and hyphens."),
    )

    def __init__(
        self, *args: Any, invitation: Invitation, organizations: QuerySet[Any], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        if invitation.organization_id is not None:
            for name in ("organization", "name", "slug"):
                del self.fields[name]
            return
        cast(forms.ModelChoiceField, self.fields["organization"]).queryset = organizations
        self.fields["name"].initial = invitation.organization_name
        self.fields["slug"].initial = invitation.organization_slug

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        if "organization" in self.fields and cleaned.get("organization") is None:
            for name in ("name", "slug"):
                if name in cleaned and not cleaned[name]:
                    self.add_error(name, _("Needed to create the new organization."))
        return cleaned
