import re
from typing import Any, cast

from django import forms
from django.db.models import QuerySet
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from groundswell.accounts.models import Organization
from groundswell.campaigns.models import Campaign
from groundswell.core.bot_friction import honeypot_field, issued_field
from groundswell.core.text import (
    multi_line_text,
    person_text_clean,
    reject_markup,
    single_line_text,
)
from groundswell.letters.models import DisplayChoice, Letter, LetterCategory, LetterTranslation
from groundswell.letters.services.letters import slug_locked_message
from groundswell.letters.services.signing import work_domain_refused_message
from groundswell.letters.work_addresses import (
    domain_allowed,
    domain_rule_normalize,
    work_address_domain,
    work_address_normalize,
)

# The name of the signing form for groundswell.core.bot_friction.
LETTER_FORM = "letter"
PUBLIC_ID = re.compile(r"^[A-Za-z0-9_-]{1,32}$")
DISPLAY_LABELS = {
    DisplayChoice.PUBLIC: _("Show my name, title and affiliation"),
    DisplayChoice.WITHHELD: _("Show only “verified member of my category — name withheld”"),
    DisplayChoice.COUNT_ONLY: _("Count me, but do not list me at all"),
}


def category_rule_text(category: LetterCategory) -> str:
    rules: list[str] = []
    if category.allowed_domains:
        rules.append(
            str(_("needs a work e-mail at %(domains)s"))
            % {"domains": ", ".join(category.allowed_domains)}
        )
    if category.requires_moderation:
        rules.append(str(_("checked by the organizers")))
    return "; ".join(str(rule) for rule in rules) or str(_("no check"))


class LetterSignForm(forms.Form):
    name = forms.CharField(
        label=_("Full name"),
        max_length=120,
        validators=[single_line_text, reject_markup],
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    title = forms.CharField(
        label=_("Title or role (optional)"),
        max_length=200,
        required=False,
        validators=[single_line_text, reject_markup],
        widget=forms.TextInput(attrs={"autocomplete": "organization-title"}),
    )
    affiliation = forms.CharField(
        label=_("Affiliation"),
        max_length=200,
        validators=[single_line_text, reject_markup],
        help_text=_("Your employer, university or organization."),
        widget=forms.TextInput(attrs={"autocomplete": "organization"}),
    )
    category = forms.ChoiceField(label=_("I sign as one of"), widget=forms.RadioSelect)
    display = forms.ChoiceField(
        label=_("On the public list"),
        choices=list(DISPLAY_LABELS.items()),
        initial=DisplayChoice.PUBLIC,
        widget=forms.RadioSelect,
    )
    work_email = forms.EmailField(
        label=_("Work e-mail"),
        max_length=254,
        required=False,
        help_text=_(
            "Only for categories that need one. We send it the one e-mail shown below, then "
            "keep only a fingerprint of the address and its domain."
        ),
        widget=forms.EmailInput(attrs={"autocomplete": "off", "inputmode": "email"}),
    )
    personal_email = forms.EmailField(
        label=_("Personal e-mail for updates (optional)"),
        max_length=254,
        required=False,
        help_text=_(
            "Not your work address. Used only to tell you if the letter changes, once you "
            "confirm it from the e-mail we send there."
        ),
        widget=forms.EmailInput(attrs={"autocomplete": "email", "inputmode": "email"}),
    )
    version = forms.CharField(max_length=40, widget=forms.HiddenInput)
    # Bot friction (groundswell.core.bot_friction): never an error; the view judges them.
    website = honeypot_field()
    issued = issued_field(form=LETTER_FORM)

    def __init__(self, *args: Any, categories: list[LetterCategory], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.categories = {category.slug: category for category in categories}
        cast(forms.ChoiceField, self.fields["category"]).choices = [
            (
                category.slug,
                format_html(
                    '{} <span class="muted">({})</span>',
                    category.name,
                    category_rule_text(category),
                ),
            )
            for category in categories
        ]
        if len(categories) == 1:
            self.fields["category"].initial = categories[0].slug

    def clean_name(self) -> str:
        name = person_text_clean(self.cleaned_data["name"])
        if not name:
            raise forms.ValidationError(_("Please enter your name."), code="required")
        return name

    def clean_title(self) -> str:
        return person_text_clean(self.cleaned_data["title"])

    def clean_affiliation(self) -> str:
        affiliation = person_text_clean(self.cleaned_data["affiliation"])
        if not affiliation:
            raise forms.ValidationError(_("Please enter your affiliation."), code="required")
        return affiliation

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        category = self.categories.get(cleaned.get("category", ""))
        cleaned["category"] = category
        if category is None:
            return cleaned
        work_email = cleaned.get("work_email", "")
        personal_email = cleaned.get("personal_email", "")
        if not category.requires_work_email:
            # Never kept, not even by mistake: the category does not check addresses.
            cleaned["work_email"] = ""
        elif "work_email" in cleaned and not work_email:
            self.add_error(
                "work_email",
                forms.ValidationError(
                    _("“%(category)s” needs your work e-mail, to verify your affiliation.")
                    % {"category": category.name},
                    code="required",
                ),
            )
        elif work_email and not domain_allowed(
            work_address_domain(work_email), category.allowed_domains
        ):
            self.add_error(
                "work_email",
                forms.ValidationError(
                    work_domain_refused_message(category=category), code="domain"
                ),
            )
        if personal_email and (
            (category.allowed_domains
             and domain_allowed(work_address_domain(personal_email), category.allowed_domains))
            or (work_email
                and work_address_normalize(personal_email) == work_address_normalize(work_email))
        ):  # fmt: skip
            self.add_error(
                "personal_email",
                forms.ValidationError(
                    _("Please give a personal address here: we never keep work addresses."),
                    code="work_address",
                ),
            )
        return cleaned


class LetterForm(forms.Form):
    title = forms.CharField(
        label=_("Title"), max_length=200, validators=[single_line_text, reject_markup]
    )
    addressee = forms.CharField(
        label=_("Addressed to"), max_length=300, validators=[single_line_text, reject_markup]
    )
    campaign = forms.ModelChoiceField(
        label=_("Campaign"),
        queryset=Campaign.objects.none(),
        required=False,
        empty_label=_("None: a stand-alone letter"),
    )
    text = forms.CharField(
        label=_("Text"),
        max_length=20000,
        validators=[multi_line_text],
        help_text=_("Markdown is supported."),
        widget=forms.Textarea(attrs={"rows": 14}),
    )
    change_note = forms.CharField(
        label=_("What changed and why"),
        max_length=500,
        required=False,
        validators=[multi_line_text, reject_markup],
        help_text=_(
            "Needed once anyone has signed: the change then makes a new version, shown "
            "publicly with this note."
        ),
    )

    slug = forms.SlugField(
        label=_("Web address"),
        max_length=80,
        required=False,
        help_text=_("The letter's page is at /letters/<web address>/."),
    )
    field_order = ["slug", "title", "addressee", "campaign", "text", "change_note"]

    def __init__(
        self, *args: Any, campaigns: QuerySet[Any], letter: Letter | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["campaign"]).queryset = campaigns
        self.letter = letter
        if letter is not None and letter.slug_is_locked:
            self.fields["slug"].widget.attrs["readonly"] = True
            self.fields["slug"].help_text = _(
                "Fixed since the letter was published: links already e-mailed and shared use it."
            )

    def clean_slug(self) -> str:
        slug = self.cleaned_data.get("slug", "")
        if self.letter is None:
            return slug
        if slug and slug != self.letter.slug and self.letter.slug_is_locked:
            raise forms.ValidationError(slug_locked_message())
        return slug or self.letter.slug


class NewLetterForm(LetterForm):
    organization = forms.ModelChoiceField(
        label=_("Host organization"), queryset=Organization.objects.none(), empty_label=None
    )
    slug = forms.SlugField(
        label=_("Web address"),
        max_length=80,
        help_text=_("The letter's page will be at /letters/<web address>/."),
    )
    field_order = ["organization", "slug", "title", "addressee", "campaign", "text"]

    def __init__(self, *args: Any, organizations: QuerySet[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["organization"]).queryset = organizations
        del self.fields["change_note"]

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        organization, campaign = cleaned.get("organization"), cleaned.get("campaign")
        if organization and campaign and campaign.organization_id != organization.pk:
            self.add_error("campaign", _("Choose a campaign of the host organization."))
        return cleaned


class CategoryForm(forms.Form):
    name = forms.CharField(
        label=_("Name"),
        max_length=120,
        validators=[single_line_text, reject_markup],
        help_text=_("For example “Employees of Northwind Cloud”."),
    )
    slug = forms.SlugField(label=_("Short name"), max_length=60)
    count_label = forms.CharField(
        label=_("Counted as"),
        max_length=60,
        required=False,
        validators=[single_line_text, reject_markup],
        help_text=_("A short plural for the counts, e.g. “employees”."),
    )
    position = forms.IntegerField(label=_("Position"), min_value=0, max_value=32000, initial=0)
    allowed_domains = forms.CharField(
        label=_("Allowed e-mail domains"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "One per line or comma-separated: “northwind.example” allows that domain and its "
            "subdomains; “.edu” allows any address ending in .edu. Leave empty for no check."
        ),
    )
    requires_moderation = forms.BooleanField(
        label=_("Organizers approve each signatory"), required=False
    )

    @staticmethod
    def initial_for(category: LetterCategory) -> dict[str, object]:
        return {
            "name": category.name,
            "slug": category.slug,
            "count_label": category.count_label,
            "position": category.position,
            "allowed_domains": "\n".join(category.allowed_domains),
            "requires_moderation": category.requires_moderation,
        }

    def clean_allowed_domains(self) -> list[str]:
        entries = re.split(r"[\s,]+", self.cleaned_data["allowed_domains"])
        rules = []
        for entry in filter(None, entries):
            try:
                rules.append(domain_rule_normalize(entry))
            except ValueError:
                raise forms.ValidationError(
                    _("“%(entry)s” is not an e-mail domain."), params={"entry": entry}
                ) from None
        return rules


class PublicIdListField(forms.Field):
    widget = forms.CheckboxSelectMultiple

    def to_python(self, value: object) -> list[str]:
        values = value if isinstance(value, list | tuple) else []
        if len(values) > 500 or not all(PUBLIC_ID.match(str(item)) for item in values):
            raise forms.ValidationError(_("Choose signatories from the list."))
        return [str(item) for item in values]


class ModerationDecisionForm(forms.Form):
    decision = forms.ChoiceField(
        choices=[("approve", _("Approve")), ("reject", _("Reject")), ("erase", _("Erase"))]
    )
    signatories = PublicIdListField(
        error_messages={"required": _("Choose at least one signatory.")}
    )
    reason = forms.CharField(
        label=_("Reason for rejection"),
        max_length=500,
        required=False,
        validators=[single_line_text, reject_markup],
    )

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        if cleaned.get("decision") == "reject" and not cleaned.get("reason", "").strip():
            self.add_error("reason", _("Give a reason for the rejection."))
        return cleaned


class LetterTranslationForm(forms.ModelForm):
    """The organizers' title and text of a letter in another language (letters.translations)."""

    class Meta:
        model = LetterTranslation
        fields = ["title", "text"]
        widgets = {"text": forms.Textarea(attrs={"rows": 14})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["title"].validators.append(reject_markup)
