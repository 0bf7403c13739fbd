"""Public pages of open letters: the letter and its signatories, JSON, history, signing, and
the work e-mail verification page."""

from typing import cast
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_post_parameters, sensitive_variables
from django.views.decorators.http import require_http_methods

from groundswell.campaigns.translations import campaign_in_language
from groundswell.core.bot_friction import submission_is_automated
from groundswell.core.http import client_address, query_integer
from groundswell.core.ratelimit import rate_limit_exceeded
from groundswell.core.share_images import ShareImage, share_image_cached, share_image_etag
from groundswell.core.sharing import share_url
from groundswell.core.templatetags.numbers import number_display
from groundswell.letters.forms import LETTER_FORM, LetterSignForm
from groundswell.letters.models import Letter, LetterCategory, LetterVersion, Signatory
from groundswell.letters.selectors import (
    MAX_PAGE,
    letter_categories,
    letter_public_get,
    letter_public_summary,
    letter_versions,
    signatories_pinned,
    signatories_public_page,
)
from groundswell.letters.services.erasure import (
    InvalidWithdrawalLink,
    signatory_from_withdrawal_link,
    signatory_withdraw,
    withdrawal_url,
)
from groundswell.letters.services.personal_email import (
    InvalidPersonalEmailLink,
    personal_email_confirm,
    signatory_from_personal_email_link,
)
from groundswell.letters.services.signing import (
    LetterSigningError,
    LetterTextChanged,
    NextStep,
    WorkDomainRefused,
    signatory_create,
    signatory_first_step,
    signatory_from_verification_link,
    signatory_verify,
)
from groundswell.letters.services.work_address_emails import work_address_email_preview
from groundswell.letters.translations import letter_in_language

SIGN_FIELDS_KEPT_SECRET = ("name", "title", "affiliation", "work_email", "personal_email")


def letter(request: HttpRequest, slug: str) -> HttpResponse:
    letter = letter_public_get(slug=slug)
    categories = letter_categories(letter=letter)
    query = " ".join(request.GET.get("q", "").split())[:100]
    category = next((c for c in categories if c.slug == request.GET.get("category")), None)
    page = signatories_public_page(
        letter=letter,
        query=query,
        category=category,
        page=query_integer(request, "page", default=1, minimum=1, maximum=MAX_PAGE),
    )
    filtered = bool(query or category or page.number > 1)
    params = {"q": query, "category": category.slug if category else ""}
    shown = letter_in_language(letter=letter, language=get_language())
    # The petition it is part of, named as the petition page names it to this visitor.
    campaign = letter.campaign if letter.campaign and letter.campaign.is_public else None
    if campaign is not None:
        campaign = campaign_in_language(campaign=campaign, language=get_language()).campaign
    context = {
        "letter": shown.letter,
        "version": shown.version,
        "translation": shown.translation,
        "translation_behind": shown.is_behind,
        "campaign": campaign,
        "categories": categories,
        "category": category,
        "query": query,
        "page": page,
        "pinned": [] if filtered else signatories_pinned(letter=letter),
        "filtered": filtered,
        "previous_url": _list_url(params, page.number - 1) if page.number > 1 else "",
        "next_url": _list_url(params, page.number + 1) if page.has_next else "",
        "share_url": share_url(page_url=request.build_absolute_uri(letter.get_absolute_url())),
        "share_image_url": request.build_absolute_uri(
            reverse("letters:share_image", args=[letter.slug])
        ),
    }
    return render(request, "letters/letter.html", context)


def share_image(request: HttpRequest, slug: str) -> HttpResponse:
    """The link-preview picture (og:image): title, live count, the host's logo."""
    letter = letter_public_get(slug=slug)
    count = letter.signatory_count
    # The title the letter page's og:title gives this reader.
    shown = letter_in_language(letter=letter, language=get_language())
    # Saving a translation leaves the letter's updated_at alone: the picture follows both.
    edited = letter.updated_at
    if shown.translation is not None:
        edited = max(edited, shown.translation.updated_at)

    def build() -> ShareImage:
        logos = []
        if letter.organization.logo:
            try:
                with letter.organization.logo.open("rb") as file:
                    logos.append(file.read())
            except OSError:
                pass
        return ShareImage(
            title=shown.letter.title,
            count_line=ngettext("%(count)s signatory", "%(count)s signatories", count)
            % {"count": number_display(count)},
            subtitle=_("An open letter to %(addressee)s") % {"addressee": letter.addressee},
            logos=logos,
        )

    png = share_image_cached(
        key=f"letter:{letter.pk}:{get_language()}",
        fingerprint=f"{count}:{edited.isoformat()}",
        build=build,
    )
    response = HttpResponse(png, content_type="image/png")
    response["ETag"] = share_image_etag(png)
    patch_cache_control(response, public=True, max_age=max(settings.SHARE_IMAGE_SECONDS, 1))
    return response


def _list_url(params: dict[str, str], page: int) -> str:
    kept = {name: value for name, value in params.items() if value}
    if page > 1:
        kept["page"] = str(page)
    return f"?{urlencode(kept)}" if kept else "?"


def letter_json(request: HttpRequest, slug: str) -> JsonResponse:
    letter = letter_public_get(slug=slug)
    summary = letter_public_summary(letter=letter, categories=letter_categories(letter=letter))
    response = JsonResponse(summary)
    response["Access-Control-Allow-Origin"] = "*"
    return response


def history(request: HttpRequest, slug: str) -> HttpResponse:
    letter = letter_public_get(slug=slug)
    context = {
        "kind": "letter",
        "title": letter.title,
        "back_url": letter.get_absolute_url(),
        "versions": letter_versions(letter=letter),
    }
    return render(request, "letters/text_history.html", context)


def _render_sign(
    request: HttpRequest,
    letter: Letter,
    categories: list[LetterCategory],
    form: LetterSignForm,
    *,
    status: int = 200,
    error: str = "",
) -> HttpResponse:
    shown = letter_in_language(letter=letter, language=get_language())
    context = {
        "letter": shown.letter,
        "version": shown.version,
        "translation": shown.translation,
        "translation_behind": shown.is_behind,
        "categories": categories,
        "form": form,
        "error": error,
        "accepting": letter.accepts_signatures,
        "work_address_email": work_address_email_preview(),
    }
    return render(request, "letters/sign.html", context, status=status)


@sensitive_post_parameters(*SIGN_FIELDS_KEPT_SECRET)
@sensitive_variables("form", "data", "fresh")
@require_http_methods(["GET", "POST"])
def sign(request: HttpRequest, slug: str) -> HttpResponse:
    letter = letter_public_get(slug=slug)
    categories = letter_categories(letter=letter)
    if request.method == "GET":
        form = LetterSignForm(
            categories=categories,
            initial={"version": cast(LetterVersion, letter.current_version).fingerprint},
        )
        return _render_sign(request, letter, categories, form)
    form = LetterSignForm(request.POST, categories=categories)
    if rate_limit_exceeded(
        scope="letter-sign",
        key=client_address(request),
        limit=settings.SIGNING_RATE_LIMIT_PER_MINUTE,
    ):
        message = _("Too many signatures from your network. Please wait a minute and try again.")
        return _render_sign(request, letter, categories, form, status=429, error=message)
    if not form.is_valid():
        return _render_sign(request, letter, categories, form, status=400)
    data = form.cleaned_data
    thanks = reverse("letters:thanks", kwargs={"slug": letter.slug})
    # A bot sees what a signer would see, and nothing is stored or sent.
    if (
        submission_is_automated(request.POST, form=LETTER_FORM)
        and letter.accepts_signatures
        and data["version"] == cast(LetterVersion, letter.current_version).fingerprint
    ):
        return redirect(f"{thanks}?step={signatory_first_step(category=data['category'])}")
    try:
        outcome = signatory_create(
            letter=letter,
            category=data["category"],
            name=data["name"],
            title=data["title"],
            affiliation=data["affiliation"],
            display=data["display"],
            version_fingerprint=data["version"],
            work_email=data["work_email"],
            personal_email=data["personal_email"],
        )
    except LetterTextChanged as error:
        letter = letter_public_get(slug=slug)
        fresh = request.POST.copy()
        fresh["version"] = cast(LetterVersion, letter.current_version).fingerprint
        form = LetterSignForm(fresh, categories=categories)
        return _render_sign(request, letter, categories, form, status=409, error=str(error))
    except WorkDomainRefused as error:
        form.add_error("work_email", str(error))
        return _render_sign(request, letter, categories, form, status=400)
    except LetterSigningError as error:
        return _render_sign(request, letter, categories, form, status=409, error=str(error))
    return redirect(f"{thanks}?step={outcome.next_step}")


def _shown(letter: Letter) -> Letter:
    """The letter as its pages show it: with the organizers' translation of its title when the
    visitor reads that language, as the letter page they came from showed it."""
    return letter_in_language(letter=letter, language=get_language()).letter


def thanks(request: HttpRequest, slug: str) -> HttpResponse:
    letter = letter_public_get(slug=slug)
    step = request.GET.get("step")
    context = {
        "letter": _shown(letter),
        "step": step if step in NextStep.ALL else NextStep.DONE,
        "share_url": request.build_absolute_uri(letter.get_absolute_url()),
    }
    return render(request, "letters/thanks.html", context)


def _about_signatory(signatory: Signatory) -> dict[str, object]:
    """What the verification pages say about the signature. A scanner may read these pages,
    so a name appears only if the signer asked to be named publicly anyway."""
    return {
        "category": signatory.category,
        "display": signatory.display,
        "status": signatory.status,
        "public_line": (
            ", ".join(filter(None, [signatory.name, signatory.title, signatory.affiliation]))
            if signatory.shows_name
            else ""
        ),
    }


@require_http_methods(["GET", "POST"])
def verify(request: HttpRequest, slug: str, token: str) -> HttpResponse:
    """Links sent before verification links left the letter out of their path."""
    return _verify(request, token, letter=letter_public_get(slug=slug))


@require_http_methods(["GET", "POST"])
def address_verify(request: HttpRequest, token: str) -> HttpResponse:
    return _verify(request, token, letter=None)


def _verify(request: HttpRequest, token: str, *, letter: Letter | None) -> HttpResponse:
    """GET only shows a button: mail scanners open links, and must never verify anyone. They
    read the page too, so it says nothing of the letter; the POST's answer does."""
    try:
        if request.method == "POST":
            outcome = signatory_verify(token=token, letter=letter)
            signatory = outcome.signatory
            context = {
                "letter": _shown(signatory.letter),
                **_about_signatory(signatory),
                "newly_verified": outcome.newly_verified,
                "withdrawal_url": withdrawal_url(public_id=signatory.public_id),
            }
            return render(request, "letters/verified.html", context)
        signatory = signatory_from_verification_link(token=token, letter=letter)
    except LetterSigningError as error:
        return _address_link_error(request, error)
    context = {"already_verified": signatory.work_verified_at is not None}
    return render(request, "letters/verify.html", context)


def _address_link_error(request: HttpRequest, error: Exception) -> HttpResponse:
    return render(request, "letters/address_link_error.html", {"message": str(error)}, status=400)


@require_http_methods(["GET", "POST"])
def address_cancel(request: HttpRequest, token: str) -> HttpResponse:
    """The signer takes their signature back: GET explains, only the button's POST acts. Work
    inboxes get this link, and their readers may press the button: no answer names the letter."""
    try:
        if request.method == "POST":
            signatory_withdraw(token=token)
            return render(request, "letters/withdrawn.html")
        signatory = signatory_from_withdrawal_link(token=token)
    except InvalidWithdrawalLink as error:
        return _address_link_error(request, error)
    if signatory is None:
        return render(request, "letters/withdrawn.html")
    return render(request, "letters/withdraw.html")


@require_http_methods(["GET", "POST"])
def updates_confirm(request: HttpRequest, token: str) -> HttpResponse:
    """A personal address given for updates is confirmed by the button's POST only."""
    try:
        if request.method == "POST":
            signatory = personal_email_confirm(token=token)
            confirmed = True
        else:
            signatory = signatory_from_personal_email_link(token=token)
            confirmed = signatory.personal_email_confirmed_at is not None
    except InvalidPersonalEmailLink as error:
        return _address_link_error(request, error)
    context = {"letter": _shown(signatory.letter), "confirmed": confirmed}
    return render(request, "letters/updates_confirm.html", context)
