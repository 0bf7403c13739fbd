"""Paper signatures, uploaded by the host's editors: a CSV file, which column holds which
field, and a report of the rows refused, by row number. Large files are better imported with
`groundswell import` (same service, resumable, with a progress bar)."""

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.validators import FileExtensionValidator
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy

from groundswell.accounts.models import EDITING_ROLES
from groundswell.accounts.requests import MemberRequest
from groundswell.core.text import single_line_text
from groundswell.organizer.permissions import campaign_for_member
from groundswell.signatures.errors import CampaignNotSigning
from groundswell.signatures.services.paper import IMPORT_FIELDS, paper_import

MAX_UPLOAD_BYTES = 20 * 1024 * 1024


class PaperImportForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("CSV file"), validators=[FileExtensionValidator(["csv", "txt"])]
    )
    label = forms.CharField(
        label=gettext_lazy("Batch label"),
        max_length=64,
        validators=[single_line_text],
        help_text=gettext_lazy("For example: Rally at the town hall, 12 May."),
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        # One optional box per field: the column that holds it, when not named like the field.
        for name in IMPORT_FIELDS:
            self.fields[f"column_{name}"] = forms.CharField(
                label=gettext_lazy("Column for %(field)s") % {"field": name},
                required=False,
                max_length=100,
            )

    def clean_file(self) -> object:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(gettext_lazy("The file is too large for this page."))
        return upload

    def mapping(self) -> dict[str, str]:
        return {
            self.cleaned_data[f"column_{name}"].strip(): name
            for name in IMPORT_FIELDS
            if self.cleaned_data.get(f"column_{name}", "").strip()
        }


@login_required
def campaign_paper_import(request: MemberRequest, slug: str) -> HttpResponse:
    campaign = campaign_for_member(user=request.user, slug=slug, roles=EDITING_ROLES).campaign
    form = PaperImportForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
    )
    report = None
    if request.method == "POST" and form.is_valid():
        try:
            report = paper_import(
                campaign=campaign,
                data=form.cleaned_data["file"].read(),
                label=form.cleaned_data["label"],
                mapping_overrides=form.mapping(),
                user=request.user,
            )
        except (ValueError, UnicodeDecodeError, CampaignNotSigning) as error:
            form.add_error(None, str(error))
    context = {"campaign": campaign, "form": form, "report": report}
    return render(request, "organizer/paper_import.html", context)
