import re
from collections.abc import Callable, Mapping, Sequence
from functools import lru_cache
from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from groundswell.accounts.models import Organization
from groundswell.coalitions.models import Partner
from groundswell.core.bot_friction import honeypot_field, issued_field
from groundswell.core.text import (
    multi_line_text,
    person_text_clean,
    reject_markup,
    single_line_text,
)
from groundswell.signatures.consent import ConsentGiven, consent_wording

# The name of the signing form for groundswell.core.bot_friction (the petition and its embed).
SIGNING_FORM = "petition"
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


# A `?r=` referral code as `new_referral_code` makes them (URL-safe base64).
REFERRAL_CODE = re.compile(r"\A[-_a-zA-Z0-9]{4,16}\Z")


def clean_referral_code(raw: str | None) -> str:
    """A `?r=` code, or "" when absent or malformed (never an error: a bad link still signs)."""
    raw = (raw or "").strip()
    return raw if REFERRAL_CODE.match(raw) else ""


class SignatureForm(forms.Form):
    name = forms.CharField(
        label=_("Full name"),
        max_length=120,
        validators=[single_line_text, reject_markup],
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
        validators=[single_line_text, reject_markup],
        widget=forms.TextInput(attrs={"autocomplete": "postal-code"}),
    )
    comment = forms.CharField(
        label=_("Why are you signing? (optional)"),
        max_length=500,
        required=False,
        validators=[multi_line_text, reject_markup],
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    # Never pre-ticked: a comment is shown only if its author asks.
    comment_public = forms.BooleanField(
        label=_("Show my comment publicly on the petition page"), required=False, initial=False
    )
    show_name = forms.BooleanField(
        label=_("Show my name on the list of signers"), required=False, initial=False
    )
    source = forms.CharField(required=False, max_length=200, widget=forms.HiddenInput)
    partner = forms.CharField(required=False, max_length=200, widget=forms.HiddenInput)
    # The referral code of the signer whose share link brought this one (`?r=`).
    referral = forms.CharField(required=False, max_length=200, widget=forms.HiddenInput)
    embed = forms.BooleanField(required=False, widget=forms.HiddenInput)
    # The text version shown with the form, so a text changed while someone read it is caught.
    text_version = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)
    # Bot friction (groundswell.core.bot_friction): never an error; the view judges them.
    website = honeypot_field()
    issued = issued_field(form=SIGNING_FORM)

    def __init__(
        self, *args: Any, host: Organization, partner: Partner | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.host = host
        self.partner_organization = partner.organization if partner else None
        # Never pre-ticked: consent must be an act of the signer. (A partner's field only when
        # there is a partner, and so its organization.)
        organizations = cast(tuple[Organization, Organization], (host, self.partner_organization))
        for name, organization in zip(consent_field_names(partner), organizations, strict=False):
            self.fields[name] = forms.BooleanField(
                required=False,
                initial=False,
                label=consent_wording(organization_name=organization.name),
            )

    def consents_given(self) -> list[ConsentGiven]:
        """The consents ticked, each with the exact words shown and the language shown in."""
        return consents_from(
            self.cleaned_data, host=self.host, partner_organization=self.partner_organization
        )

    def clean_name(self) -> str:
        return name_clean(self.cleaned_data["name"])

    def clean_country(self) -> str:
        return country_clean(self.cleaned_data["country"])

    def clean_postal_code(self) -> str:
        return postal_code_clean(self.cleaned_data["postal_code"])

    def clean_comment(self) -> str:
        return self.cleaned_data["comment"].strip()

    def clean_source(self) -> str:
        return clean_source_code(self.cleaned_data.get("source"))

    def clean_referral(self) -> str:
        return clean_referral_code(self.cleaned_data.get("referral"))


def name_clean(value: str) -> str:
    name = person_text_clean(value)
    if not name:
        raise ValidationError(_("Please enter your name."), code="required")
    return name


def country_clean(value: str) -> str:
    code = value.upper()
    if code not in COUNTRY_CODES:
        raise ValidationError(
            _("Select a valid choice. That choice is not one of the available choices."),
            code="invalid_choice",
        )
    return code


def postal_code_clean(value: str) -> str:
    value = value.strip()
    if value and not POSTAL_CODE.match(value):
        raise ValidationError(
            _("A postal code has only letters, digits, spaces and hyphens."), code="invalid"
        )
    return value.upper()


# What each SignatureForm.clean_<field> adds to the field's own cleaning.
FIELD_CLEANERS: dict[str, Callable[[Any], object]] = {
    "name": name_clean,
    "country": country_clean,
    "postal_code": postal_code_clean,
    "comment": str.strip,
    "source": clean_source_code,
    "referral": clean_referral_code,
}
CONSENT_FIELD = forms.BooleanField(required=False)


def consent_field_names(partner: Partner | None) -> tuple[str, ...]:
    return ("contact_host", "contact_partner") if partner else ("contact_host",)


def signature_data_clean(
    data: Mapping[str, str], *, consent_fields: Sequence[str]
) -> tuple[dict[str, Any], dict[str, ValidationError]]:
    """(cleaned data, errors by field) for a signing submission, exactly as SignatureForm would
    find them, without building a form.

    Nearly every request of a spike is a valid signature, and a form instance deep-copies all of
    its fields; the signing view calls this and builds the form only to show errors. The fields
    themselves are the form's own (only read, never changed), so both apply the same rules.
    """
    cleaned: dict[str, Any] = {}
    errors: dict[str, ValidationError] = {}
    fields = [*SignatureForm.base_fields.items(), *((n, CONSENT_FIELD) for n in consent_fields)]
    for name, field in fields:
        try:
            value = field.clean(field.widget.value_from_datadict(data, {}, name))
            extra = FIELD_CLEANERS.get(name)
            cleaned[name] = extra(value) if extra else value
        except ValidationError as error:
            errors[name] = error
    return cleaned, errors


def consents_from(
    cleaned: Mapping[str, object],
    *,
    host: Organization,
    partner_organization: Organization | None,
) -> list[ConsentGiven]:
    """The consents ticked, each with the exact words shown and the language shown in."""
    language = get_language() or "en"
    given = []
    choices = [("contact_host", host), ("contact_partner", partner_organization)]
    for field, organization in choices:
        if organization is not None and cleaned.get(field):
            given.append(
                ConsentGiven(
                    organization_id=organization.pk,
                    wording=str(consent_wording(organization_name=organization.name)),
                    language=language,
                )
            )
    return given
