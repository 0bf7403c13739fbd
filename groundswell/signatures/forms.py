import re
from functools import lru_cache

from django import forms
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from groundswell.accounts.models import Organization
from groundswell.coalitions.consent import consent_wording
from groundswell.coalitions.models import Partner
from groundswell.coalitions.services import ConsentGiven
from groundswell.core.text import reject_markup

SOURCE_CODE = re.compile(r"^[A-Za-z0-9_.-]{1,64}$")
POSTAL_CODE = re.compile(r"^[A-Za-z0-9 -]{1,16}$")


@lru_cache(maxsize=16)
def country_choices(language: str | None) -> list[tuple[str, str]]:
    """Sorted, translated country names, built once per language rather than on every form."""
    return [("", str(_("Choose your country"))), *((code, str(name)) for code, name in countries)]


COUNTRY_CODES = frozenset(code for code, _name in countries)


class CountrySelect(forms.Select):
    """The country list in the reader's language, built once per language and only when shown:
    validating a submitted form needs no list at all (see SignatureForm.clean_country)."""

    @property
    def choices(self) -> list[tuple[str, str]]:
        return country_choices(get_language())

    @choices.setter
    def choices(self, value: object) -> None:
        pass


def clean_source_code(raw: str | None) -> str:
    """A ?source= tracking code, or "" when absent or malformed (never an error for the signer)."""
    raw = (raw or "").strip()
    return raw if SOURCE_CODE.match(raw) else ""


class SignatureForm(forms.Form):
    name = forms.CharField(
        label=_("Full name"),
        max_length=120,
        validators=[reject_markup],
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    email = forms.EmailField(
        label=_("E-mail"),
        max_length=254,
        help_text=_("We send a link to confirm your signature."),
        widget=forms.EmailInput(attrs={"autocomplete": "email", "inputmode": "email"}),
    )
    country = forms.CharField(
        label=_("Country"), max_length=2, widget=CountrySelect(attrs={"autocomplete": "country"})
    )
    postal_code = forms.CharField(
        label=_("Postal code"),
        max_length=16,
        required=False,
        validators=[reject_markup],
        widget=forms.TextInput(attrs={"autocomplete": "postal-code"}),
    )
    comment = forms.CharField(
        label=_("Why are you signing? (optional)"),
        max_length=500,
        required=False,
        validators=[reject_markup],
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    show_name = forms.BooleanField(
        label=_("Show my name on the list of signers"), required=False, initial=False
    )
    source = forms.CharField(required=False, max_length=200, widget=forms.HiddenInput)
    partner = forms.CharField(required=False, max_length=200, widget=forms.HiddenInput)
    embed = forms.BooleanField(required=False, widget=forms.HiddenInput)
    # The text version shown with the form, so a text changed while someone read it is caught.
    text_version = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)

    def __init__(
        self, *args: object, host: Organization, partner: Partner | None = None, **kwargs: object
    ) -> None:
        super().__init__(*args, **kwargs)
        self.host = host
        self.partner_organization = partner.organization if partner else None
        # Never pre-ticked: consent must be an act of the signer.
        self.fields["contact_host"] = forms.BooleanField(
            required=False, initial=False, label=consent_wording(organization_name=host.name)
        )
        if self.partner_organization is not None:
            self.fields["contact_partner"] = forms.BooleanField(
                required=False,
                initial=False,
                label=consent_wording(organization_name=self.partner_organization.name),
            )

    def consents_given(self) -> list[ConsentGiven]:
        """The consents ticked, each with the exact words shown and the language shown in."""
        language = get_language() or "en"
        given = []
        choices = [("contact_host", self.host), ("contact_partner", self.partner_organization)]
        for field, organization in choices:
            if organization is not None and self.cleaned_data.get(field):
                given.append(
                    ConsentGiven(
                        organization_id=organization.pk,
                        wording=str(self.fields[field].label),
                        language=language,
                    )
                )
        return given

    def clean_name(self) -> str:
        name = " ".join(self.cleaned_data["name"].split())
        if not name:
            raise forms.ValidationError(_("Please enter your name."), code="required")
        return name

    def clean_country(self) -> str:
        code = self.cleaned_data["country"].upper()
        if code not in COUNTRY_CODES:
            raise forms.ValidationError(
                _("Select a valid choice. That choice is not one of the available choices."),
                code="invalid_choice",
            )
        return code

    def clean_postal_code(self) -> str:
        value = self.cleaned_data["postal_code"].strip()
        if value and not POSTAL_CODE.match(value):
            raise forms.ValidationError(
                _("A postal code has only letters, digits, spaces and hyphens."), code="invalid"
            )
        return value.upper()

    def clean_comment(self) -> str:
        return self.cleaned_data["comment"].strip()

    def clean_source(self) -> str:
        return clean_source_code(self.cleaned_data.get("source"))
