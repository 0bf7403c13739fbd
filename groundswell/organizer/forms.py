from typing import Any, cast

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from groundswell.accounts.models import Organization
from groundswell.campaigns.milestones import MAX_THRESHOLDS
from groundswell.campaigns.models import (
    Campaign,
    CampaignStatus,
    CampaignTranslation,
    TargetResponse,
)
from groundswell.campaigns.responses import RESPONSE_FIELDS
from groundswell.campaigns.services import EDITABLE_FIELDS, slug_locked_message
from groundswell.campaigns.what_next import what_next_choices
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


class TargetResponseForm(forms.ModelForm):
    # Only when recording a new response: the organizers review and send the draft themselves.
    draft_update = forms.BooleanField(
        label=_("Draft an update to our signers about it"), required=False
    )

    # An address typed without a scheme is taken as https (the model refuses any but http(s)).
    source_url = forms.URLField(
        label=_("Source"),
        required=False,
        max_length=500,
        assume_scheme="https",
        help_text=_("A public link to where they said it."),
    )

    class Meta:
        model = TargetResponse
        fields = RESPONSE_FIELDS
        widgets = {
            "responded_at": forms.DateTimeInput(attrs={"type": "datetime-local"}),
            "quote": forms.Textarea(attrs={"rows": 4}),
        }


class OutcomeForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("Outcome"),
        choices=[(CampaignStatus.WON, _("Won")), (CampaignStatus.LOST, _("Lost"))],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("What happened"),
        max_length=5000,
        validators=[multi_line_text],
        help_text=_("Shown on the petition page and in its timeline."),
        widget=forms.Textarea(attrs={"rows": 5}),
    )


class MilestonesForm(forms.Form):
    thresholds = forms.CharField(
        label=_("Milestones"),
        required=False,
        max_length=300,
        help_text=_(
            "Signature counts to be told about, separated by commas (for example 1000, 10000, "
            "100000). Empty: those three. The goal is always one."
        ),
    )
    goal_auto_raise = forms.BooleanField(
        label=_("Raise the goal to the next round figure when it is reached"), required=False
    )

    def clean_thresholds(self) -> list[int]:
        text = self.cleaned_data["thresholds"].replace(" ", "").replace("_", "")
        if not text:
            return []
        try:
            values = [int(part) for part in text.split(",") if part]
        except ValueError:
            raise forms.ValidationError(
                _("Give whole numbers separated by commas."), code="invalid"
            ) from None
        if any(value <= 0 for value in values) or len(values) > MAX_THRESHOLDS:
            raise forms.ValidationError(
                _("Give up to %(max)s positive whole numbers.") % {"max": MAX_THRESHOLDS},
                code="invalid",
            )
        return values


class WhatNextForm(forms.Form):
    what_next = forms.MultipleChoiceField(
        label=_("Offered after a signer confirms"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("A step is shown only when it applies (an open letter, a partner's site)."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.MultipleChoiceField, self.fields["what_next"]).choices = what_next_choices()


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
