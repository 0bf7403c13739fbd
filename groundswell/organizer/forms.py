from typing import Any, cast

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from groundswell.accounts.models import Organization
from groundswell.campaigns.models import Campaign, CampaignTranslation
from groundswell.campaigns.services import EDITABLE_FIELDS, slug_locked_message
from groundswell.core.text import multi_line_text, reject_markup


class CampaignForm(forms.ModelForm):
    class Meta:
        model = Campaign
        fields = EDITABLE_FIELDS
        widgets = {
            "ask": forms.Textarea(attrs={"rows": 3}),
            "background": forms.Textarea(attrs={"rows": 10}),
            "opens_at": forms.DateTimeInput(attrs={"type": "datetime-local"}),
            "closes_at": forms.DateTimeInput(attrs={"type": "datetime-local"}),
        }

    change_note = forms.CharField(
        label=_("What changed in the text, and why"),
        required=False,
        max_length=500,
        validators=[multi_line_text, reject_markup],
        help_text=_(
            "Needed once anyone has signed: a change to the ask or background then becomes a "
            "new version, shown with this note on the petition's public history."
        ),
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("title", "ask", "target_name", "target_title", "target_organization"):
            self.fields[name].validators.append(reject_markup)
        self.slug_locked = self.instance.pk is not None and self.instance.slug_is_locked
        if self.slug_locked:
            self.locked_slug = self.instance.slug
            slug = self.fields["slug"]
            slug.required = False
            slug.widget.attrs["readonly"] = True
            slug.help_text = _(
                "Fixed since the campaign was published: links already e-mailed and shared use it."
            )

    def clean_slug(self) -> str:
        slug: str = self.cleaned_data.get("slug") or ""
        if not self.slug_locked:
            return slug
        if slug and slug != self.locked_slug:
            raise forms.ValidationError(slug_locked_message())
        return self.locked_slug

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        opens, closes = cleaned.get("opens_at"), cleaned.get("closes_at")
        if opens and closes and closes <= opens:
            self.add_error("closes_at", _("The closing time must be after the opening time."))
        return cleaned


class NewCampaignForm(CampaignForm):
    organization = forms.ModelChoiceField(
        label=_("Host organization"), queryset=Organization.objects.none(), empty_label=None
    )

    class Meta(CampaignForm.Meta):
        fields = ("organization", *EDITABLE_FIELDS)  # type: ignore[assignment]

    def __init__(self, *args: Any, organizations: QuerySet[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["organization"]).queryset = organizations
        del self.fields["change_note"]  # nobody has signed a campaign that does not exist yet


class CampaignTranslationForm(forms.ModelForm):
    """The organizers' words of a petition in another language (see campaigns.translations)."""

    class Meta:
        model = CampaignTranslation
        fields = ["title", "ask", "background"]
        widgets = {
            "ask": forms.Textarea(attrs={"rows": 3}),
            "background": forms.Textarea(attrs={"rows": 10}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("title", "ask"):
            self.fields[name].validators.append(reject_markup)
