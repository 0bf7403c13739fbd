from django import forms
from django.utils.translation import gettext_lazy as _

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
        help_text=_("Used in its link: ?partner=short-name. Letters, digits and hyphens."),
    )


class InvitationAcceptForm(forms.Form):
    confirm_other_memberships = forms.BooleanField(
        required=False,
        label=_("I understand that I will belong to this organization as well as my current ones."),
    )
