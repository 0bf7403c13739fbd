"""The back-office pages of open letters (thin): under /organizer/letters/."""

from typing import cast

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_http_methods, require_POST

from groundswell.accounts.models import EDITING_ROLES, PERSONAL_DATA_ROLES, Organization, Role
from groundswell.accounts.requests import MemberRequest
from groundswell.accounts.selectors import organizations_for_user
from groundswell.campaigns.models import Campaign
from groundswell.campaigns.translations import translation_languages
from groundswell.core.exports import csv_response
from groundswell.core.http import query_integer
from groundswell.core.text_versions import TextVersionError
from groundswell.letters.exports import (
    CONTACTS_HEADER,
    DELIVERY_HEADER,
    letter_contact_rows,
    letter_delivery_rows,
)
from groundswell.letters.forms import (
    CategoryForm,
    LetterForm,
    LetterTranslationForm,
    ModerationDecisionForm,
    NewLetterForm,
)
from groundswell.letters.models import (
    Letter,
    LetterCategory,
    LetterVersion,
    Signatory,
    SignatoryStatus,
)
from groundswell.letters.selectors import (
    MAX_PAGE,
    letter_categories,
    letter_status_counts,
    letter_verification_email_failures,
    letters_for_user,
    moderation_queue,
)
from groundswell.letters.services.counting import letter_counts_recount
from groundswell.letters.services.erasure import signatories_erase
from groundswell.letters.services.letters import (
    LetterError,
    letter_available_actions,
    letter_category_create,
    letter_category_update,
    letter_create,
    letter_transition,
    letter_update,
)
from groundswell.letters.services.moderation import (
    ModerationError,
    signatories_approve,
    signatories_reject,
    signatory_pin,
)
from groundswell.letters.services.notices import (
    NoticeError,
    letter_version_notice_pending_count,
    letter_version_notice_start,
)
from groundswell.letters.translations import letter_translation_get, letter_translation_save
from groundswell.organizer.confirmations import letter_action_confirmation
from groundswell.organizer.permissions import letter_for_member

ALL_ROLES = frozenset(Role)
ACTION_LABELS = {
    "publish": gettext_lazy("Open for signatures"),
    "close": gettext_lazy("Close signing"),
    "reopen": gettext_lazy("Reopen signing"),
    "mark_delivered": gettext_lazy("Mark delivered"),
}


def _queue_url(letter: Letter, status: str | None) -> str:
    url = reverse("organizer:letter_signatories", kwargs={"slug": letter.slug})
    return f"{url}?status={status}" if status in SignatoryStatus.values else url


def _add_errors(form: forms.BaseForm, error: Exception) -> None:
    if isinstance(error, ValidationError) and hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error.messages if isinstance(error, ValidationError) else str(error))


def _campaigns_of(organizations: QuerySet[Organization]) -> QuerySet[Campaign]:
    return Campaign.objects.filter(organization__in=organizations).order_by("title")


@login_required
def letter_list(request: MemberRequest) -> HttpResponse:
    letters = letters_for_user(user=request.user)
    can_create = organizations_for_user(user=request.user, roles=EDITING_ROLES).exists()
    return render(
        request, "letters/organizer/list.html", {"letters": letters, "can_create": can_create}
    )


@login_required
def letter_new(request: MemberRequest) -> HttpResponse:
    organizations = organizations_for_user(user=request.user, roles=EDITING_ROLES)
    if not organizations.exists():
        messages.error(request, _("You need to be an organizer of an organization to do that."))
        return redirect("organizer:letter_list")
    form = NewLetterForm(
        request.POST or None,
        organizations=organizations,
        campaigns=_campaigns_of(organizations),
        initial={"campaign": request.GET.get("campaign")} if request.method == "GET" else None,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            letter = letter_create(
                organization=data["organization"],
                campaign=data["campaign"],
                slug=data["slug"],
                title=data["title"],
                addressee=data["addressee"],
                text=data["text"],
            )
        except (LetterError, ValidationError) as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("Draft saved. Add signatory categories, then open it."))
            return redirect("organizer:letter", slug=letter.slug)
    return render(request, "letters/organizer/letter_form.html", {"form": form, "letter": None})


@login_required
def letter_detail(request: MemberRequest, slug: str) -> HttpResponse:
    letter, role = letter_for_member(user=request.user, slug=slug, roles=ALL_ROLES)
    can_edit = role in EDITING_ROLES
    context = {
        "letter": letter,
        "categories": letter_categories(letter=letter),
        "status_counts": letter_status_counts(letter=letter),
        "statuses": SignatoryStatus,
        "actions": [
            (action, ACTION_LABELS[action]) for action in letter_available_actions(letter=letter)
        ],
        "can_edit": can_edit,
        "can_see_personal_data": role in PERSONAL_DATA_ROLES,
        "notice_pending": letter_version_notice_pending_count(letter=letter) if can_edit else 0,
        "email_failures": letter_verification_email_failures(letter=letter),
        "translation_languages": translation_languages(),
    }
    return render(request, "letters/organizer/detail.html", context)


@login_required
def letter_edit(request: MemberRequest, slug: str) -> HttpResponse:
    letter, _role = letter_for_member(user=request.user, slug=slug, roles=EDITING_ROLES)
    initial = {
        "slug": letter.slug,
        "title": letter.title,
        "addressee": letter.addressee,
        "campaign": letter.campaign_id,
        "text": cast(LetterVersion, letter.current_version).text,
    }
    form = LetterForm(
        request.POST or None,
        initial=initial,
        campaigns=Campaign.objects.filter(organization=letter.organization).order_by("title"),
        letter=letter,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            letter_update(
                letter=letter,
                title=data["title"],
                addressee=data["addressee"],
                campaign=data["campaign"],
                text=data["text"],
                change_note=data["change_note"],
                slug=data["slug"],
            )
        except TextVersionError as error:
            form.add_error("change_note", str(error))
        except (LetterError, ValidationError) as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("Changes saved."))
            return redirect("organizer:letter", slug=letter.slug)
    return render(request, "letters/organizer/letter_form.html", {"form": form, "letter": letter})


def _category_form_page(
    request: MemberRequest, letter: Letter, category: LetterCategory | None
) -> HttpResponse:
    initial = CategoryForm.initial_for(category) if category else None
    form = CategoryForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            if category is None:
                letter_category_create(letter=letter, data=form.cleaned_data)
            else:
                letter_category_update(category=category, data=form.cleaned_data)
        except (LetterError, ValidationError) as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("Category saved."))
            return redirect("organizer:letter", slug=letter.slug)
    context = {"form": form, "letter": letter, "category": category}
    return render(request, "letters/organizer/category_form.html", context)


@login_required
def category_new(request: MemberRequest, slug: str) -> HttpResponse:
    letter, _role = letter_for_member(user=request.user, slug=slug, roles=EDITING_ROLES)
    return _category_form_page(request, letter, None)


@login_required
def category_edit(request: MemberRequest, slug: str, category: str) -> HttpResponse:
    letter, _role = letter_for_member(user=request.user, slug=slug, roles=EDITING_ROLES)
    found = LetterCategory.objects.filter(letter=letter, slug=category).first()
    if found is None:
        raise Http404("No such category")
    return _category_form_page(request, letter, found)


@login_required
def signatories(request: MemberRequest, slug: str) -> HttpResponse:
    letter, role = letter_for_member(user=request.user, slug=slug, roles=PERSONAL_DATA_ROLES)
    status = request.GET.get("status")
    if status not in SignatoryStatus.values:
        status = SignatoryStatus.AWAITING_MODERATION
    counts = letter_status_counts(letter=letter)
    context = {
        "letter": letter,
        "status": status,
        "tabs": [(value, label, counts[value]) for value, label in SignatoryStatus.choices],
        "page": moderation_queue(
            letter=letter,
            status=status,
            page=query_integer(request, "page", default=1, minimum=1, maximum=MAX_PAGE),
        ),
        "can_edit": role in EDITING_ROLES,
    }
    return render(request, "letters/organizer/signatories.html", context)


@login_required
@require_POST
def signatories_decide(request: MemberRequest, slug: str) -> HttpResponse:
    letter, _role = letter_for_member(user=request.user, slug=slug, roles=EDITING_ROLES)
    form = ModerationDecisionForm(request.POST)
    back = _queue_url(letter, request.POST.get("status"))
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, str(error))
        return redirect(back)
    data = form.cleaned_data
    try:
        if data["decision"] == "approve":
            count = signatories_approve(
                letter=letter, public_ids=data["signatories"], user=request.user
            )
            message = ngettext(
                "%(count)s signatory approved.", "%(count)s signatories approved.", count
            )
        elif data["decision"] == "erase":
            count = signatories_erase(letter=letter, public_ids=data["signatories"])
            message = ngettext(
                "%(count)s signatory erased, with everything kept about them.",
                "%(count)s signatories erased, with everything kept about them.",
                count,
            )
        else:
            count = signatories_reject(
                letter=letter,
                public_ids=data["signatories"],
                user=request.user,
                reason=data["reason"],
            )
            message = ngettext(
                "%(count)s signatory rejected.", "%(count)s signatories rejected.", count
            )
    except ModerationError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, message % {"count": count})
    return redirect(back)


@login_required
@require_POST
def signatory_pin_view(request: MemberRequest, slug: str, public_id: str) -> HttpResponse:
    letter, _role = letter_for_member(user=request.user, slug=slug, roles=EDITING_ROLES)
    pinned = request.POST.get("pinned") == "1"
    try:
        signatory_pin(letter=letter, public_id=public_id, pinned=pinned)
    except Signatory.DoesNotExist:
        raise Http404("No such signatory") from None
    except ModerationError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Pinned.") if pinned else _("Unpinned."))
    return redirect(_queue_url(letter, request.POST.get("status")))


@login_required
def delivery_export(request: MemberRequest, slug: str) -> StreamingHttpResponse:
    letter, _role = letter_for_member(user=request.user, slug=slug, roles=PERSONAL_DATA_ROLES)
    return csv_response(
        filename=f"{letter.slug}-signatories.csv",
        header=DELIVERY_HEADER,
        rows=letter_delivery_rows(letter=letter),
    )


@login_required
def contacts_export(request: MemberRequest, slug: str) -> StreamingHttpResponse:
    letter, _role = letter_for_member(user=request.user, slug=slug, roles=PERSONAL_DATA_ROLES)
    return csv_response(
        filename=f"{letter.slug}-contacts.csv",
        header=CONTACTS_HEADER,
        rows=letter_contact_rows(letter=letter),
    )


@login_required
@require_POST
def notify_signers(request: MemberRequest, slug: str) -> HttpResponse:
    letter, _role = letter_for_member(user=request.user, slug=slug, roles=EDITING_ROLES)
    try:
        count = letter_version_notice_start(letter=letter)
    except NoticeError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request,
            ngettext(
                "%(count)s signer of an older version will be told of the change.",
                "%(count)s signers of older versions will be told of the change.",
                count,
            )
            % {"count": count},
        )
    return redirect("organizer:letter", slug=letter.slug)


@login_required
@require_POST
def recount(request: MemberRequest, slug: str) -> HttpResponse:
    letter, _role = letter_for_member(user=request.user, slug=slug, roles=EDITING_ROLES)
    before, after = letter_counts_recount(letter=letter)
    messages.success(
        request,
        _("Recounted: %(before)s before, %(after)s now.") % {"before": before, "after": after},
    )
    return redirect("organizer:letter", slug=letter.slug)


@login_required
@require_http_methods(["GET", "POST"])
def letter_action(request: MemberRequest, slug: str, action: str) -> HttpResponse:
    """GET: the confirmation page, naming what the change does; POST: the change."""
    letter, _role = letter_for_member(user=request.user, slug=slug, roles=EDITING_ROLES)
    if request.method == "GET":
        confirmation = letter_action_confirmation(action=action, title=letter.title)
        if confirmation is None or action not in letter_available_actions(letter=letter):
            raise Http404
        back_to = reverse("organizer:letter", args=[letter.slug])
        context = {"confirmation": confirmation, "back_to": back_to}
        return render(request, "organizer/confirm.html", context)
    try:
        letter_transition(letter=letter, action=action)
    except LetterError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request, _("The letter is now %(status)s.") % {"status": letter.get_status_display()}
        )
    return redirect("organizer:letter", slug=letter.slug)


@login_required
def letter_translation(request: MemberRequest, slug: str, language: str) -> HttpResponse:
    """The letter's title and text in `language`, written by the organizers beside the original."""
    letter, _role = letter_for_member(user=request.user, slug=slug, roles=EDITING_ROLES)
    languages = dict(translation_languages())
    if language not in languages:
        raise Http404
    existing = letter_translation_get(letter=letter, language=language)
    data = request.POST if request.method == "POST" else None
    form = LetterTranslationForm(data, instance=existing)
    if request.method == "POST" and form.is_valid():
        letter_translation_save(
            letter=letter,
            language=language,
            title=form.cleaned_data["title"],
            text=form.cleaned_data["text"],
        )
        messages.success(
            request,
            _("The %(language)s version is saved; visitors reading %(language)s now see it.")
            % {"language": languages[language]},
        )
        return redirect("organizer:letter", slug=letter.slug)
    context = {
        "letter": letter,
        "version": letter.current_version,
        "form": form,
        "language": language,
        "language_name": languages[language],
        "translation": existing,
    }
    status = 400 if form.errors else 200
    return render(request, "letters/organizer/translation.html", context, status=status)
