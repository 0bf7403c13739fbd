from dataclasses import dataclass
from functools import partial
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from groundswell.campaigns.models import Campaign
from groundswell.campaigns.selectors import campaign_for_signing, campaign_public_get
from groundswell.campaigns.services import campaign_close_if_due
from groundswell.campaigns.translations import campaign_in_language
from groundswell.campaigns.what_next import what_next_steps
from groundswell.coalitions.models import Partner
from groundswell.coalitions.selectors import partner_for_link
from groundswell.core.bot_friction import submission_is_automated
from groundswell.core.http import client_address, path_for
from groundswell.core.page_cache import render_with_holes
from groundswell.core.process_cache import process_cached
from groundswell.core.ratelimit import rate_limit_exceeded
from groundswell.core.sharing import share_block_with_code, share_url
from groundswell.signatures.forms import (
    SIGNING_FORM,
    SignatureForm,
    consent_field_names,
    consents_from,
    signature_data_clean,
)
from groundswell.signatures.links import receipt_path
from groundswell.signatures.models import Signature
from groundswell.signatures.petition_views import render_petition
from groundswell.signatures.selectors import SignerSharing, signer_sharing
from groundswell.signatures.services import (
    CampaignNotSigning,
    SigningError,
    confirmation_token_read,
    pending_change_from_link,
    signature_change_confirm,
    signature_confirm,
    signature_create,
    signature_withdraw,
    withdrawal_token_read,
    withdrawal_url,
)
from groundswell.signatures.services.consents import consent_names_pending


# Signing is CSRF-exempt on purpose: the form is embedded on partner sites, where browsers do
# not send our cookies, and a forged submission gains nothing because every signature must be
# confirmed from the signer's own inbox before it counts.
@csrf_exempt
@require_POST
def sign(request: HttpRequest, slug: str) -> HttpResponse:
    # The direct lane (signatures.direct) may have made the attempt already: only its page is
    # left to show, through the middleware chain.
    attempt = request.META.pop(SIGNING_ATTEMPTED, None) or signing_attempt(request, slug)
    if isinstance(attempt, BaseException):
        raise attempt
    if attempt.redirect_to:
        return HttpResponseRedirect(attempt.redirect_to)
    form = SignatureForm(
        attempt.shown_data if attempt.shown_data is not None else request.POST,
        host=attempt.campaign.organization,
        partner=attempt.partner,
    )
    return render_petition(
        request,
        attempt.campaign,
        form=form,
        status=attempt.status,
        error=attempt.error,
        embed=attempt.embed,
    )


# The key of request.META (the WSGI environ) under which the direct lane hands its attempt, or
# the exception it raised, to `sign`. Only code sets it: a client's headers arrive as HTTP_*.
SIGNING_ATTEMPTED = "groundswell.signing_attempted"


@dataclass(frozen=True)
class SigningAttempt:
    """What a signing submission came to: where to send the signer, or the form to show again
    with this status and error."""

    campaign: Campaign
    partner: Partner | None
    embed: bool
    redirect_to: str = ""
    status: int = 200
    error: str = ""
    shown_data: dict[str, object] | None = None


def signing_attempt(request: HttpRequest, slug: str) -> SigningAttempt:
    """Everything signing does but the answer: the rate limit, the checks, the signature."""
    campaign = campaign_for_signing(slug=slug)
    partner = partner_for_link(campaign=campaign, slug=request.POST.get("partner"))
    embed = request.POST.get("embed") in {"True", "true", "1"}
    again = partial(SigningAttempt, campaign=campaign, partner=partner, embed=embed)

    if rate_limit_exceeded(
        scope="sign",
        key=client_address(request),
        limit=settings.SIGNING_RATE_LIMIT_PER_MINUTE,
    ):
        message = _("Too many signatures from your network. Please wait a minute and try again.")
        return again(status=429, error=message)
    # No form is built for a valid signature: see signature_data_clean.
    data, errors = signature_data_clean(request.POST, consent_fields=consent_field_names(partner))
    if errors:
        return again(status=400)
    if data["text_version"] not in (None, campaign.text_version):
        message = _(
            "The text of this petition changed while you were reading it. Please read it again "
            "before you sign."
        )
        shown = {**request.POST.dict(), "text_version": campaign.text_version}
        return again(status=409, error=message, shown_data=shown)
    thanks_page = "campaigns:petition_embed_thanks" if embed else "signatures:thanks"
    # The thanks page's share buttons keep the partner who brought the signer.
    thanks_url = path_for(thanks_page, slug=campaign.slug) + (
        f"?{urlencode({'partner': partner.slug})}" if partner and not embed else ""
    )
    # A bot sees what a signer would see, and nothing is stored or sent.
    if submission_is_automated(request.POST, form=SIGNING_FORM) and campaign.accepts_signatures(
        timezone.now()
    ):
        return again(redirect_to=thanks_url)
    try:
        signature_create(
            campaign=campaign,
            name=data["name"],
            email=data["email"],
            country=data["country"],
            postal_code=data["postal_code"],
            comment=data["comment"],
            comment_public=data["comment_public"],
            show_name=data["show_name"],
            source=data["source"],
            partner=partner,
            referrer_code=data["referral"],
            consents=consents_from(
                data,
                host=campaign.organization,
                partner_organization=partner.organization if partner else None,
            ),
        )
    except CampaignNotSigning as error:
        # Past its closing time: close it now rather than wait for the periodic task.
        campaign_close_if_due(campaign_id=campaign.pk)
        return again(status=409, error=str(error))
    return again(redirect_to=thanks_url)


def _shown(campaign: Campaign) -> Campaign:
    """The campaign as its pages show it: with the organizers' translation of its words when
    the visitor reads that language, as the petition page they came from showed it."""
    return campaign_in_language(campaign=campaign, language=get_language()).campaign


def thanks(request: HttpRequest, slug: str) -> HttpResponse:
    campaign = campaign_public_get(slug=slug)
    partner = partner_for_link(campaign=campaign, slug=request.GET.get("partner"))
    link = share_url(
        page_url=request.build_absolute_uri(campaign.get_absolute_url()),
        partner_slug=partner.slug if partner else "",
    )
    context = {"campaign": _shown(campaign), "share_url": link}
    return render(request, "signatures/thanks.html", context)


# Confirming is CSRF-exempt: the signed token in the link is the only authority it needs, and
# whoever holds the link can confirm with it anyway; no cookie of the signer's counts. It also
# spares signers whose mail app opens links in a browser that keeps no cookies a 403.
@csrf_exempt
@require_http_methods(["GET", "POST"])
def confirm(request: HttpRequest, slug: str, token: str) -> HttpResponse:
    """GET only shows a button (or, once confirmed, the confirmed page again): mail scanners
    open links, and must never confirm anyone."""
    campaign = campaign_for_signing(slug=slug)
    context: dict[str, object] = {"campaign": _shown(campaign)}
    try:
        if request.method == "POST":
            outcome = signature_confirm(campaign=campaign, token=token)
            return _confirmed_page(
                request, campaign, public_id=outcome.public_id,
                newly_confirmed=outcome.newly_confirmed, sharing=outcome.sharing,
            )  # fmt: skip
        public_id = confirmation_token_read(token=token)
        signature = (
            Signature.objects.filter(public_id=public_id, campaign=campaign)
            .only("confirmed_at", "name", "show_name", "comment", "comment_public")
            .first()
        )
        if signature is None:
            raise SigningError(_("This confirmation link does not match a signature here."))
        if signature.confirmed_at is not None:
            # Opened again: the page the confirmation showed, sharing and next steps included
            # (what pressing the button again would show), confirming nothing.
            return _confirmed_page(request, campaign, public_id=public_id, newly_confirmed=False)
        # What pressing the button publishes, as it was typed: anyone may have typed this
        # address, and only its owner, who opened the e-mailed link, sees it here.
        context["signature"] = signature
        context["pending_consents"] = consent_names_pending(signature_id=signature.pk)
        return render(request, "signatures/confirm.html", context)
    except SigningError as error:
        context["message"] = str(error)
        return render(request, "signatures/link_error.html", context, status=400)


def _confirmed_page(
    request: HttpRequest,
    campaign: Campaign,
    *,
    public_id: str,
    newly_confirmed: bool,
    sharing: SignerSharing | None = None,
) -> HttpResponse:
    sharing = sharing or signer_sharing(campaign=campaign, public_id=public_id)
    shown = _shown(campaign)
    partner_id = sharing.partner_id if sharing else None
    brought = sharing.brought if sharing else 0
    seconds = settings.SIGNING_CAMPAIGN_CACHE_SECONDS
    holes = {
        "withdrawal_url": withdrawal_url(campaign_slug=campaign.slug, public_id=public_id),
        "receipt_url": receipt_path(campaign_slug=campaign.slug, public_id=public_id),
        # Rendered for this signer: safe HTML, put in as it is.
        "share_block": share_block_with_code(
            page_url=request.build_absolute_uri(campaign.get_absolute_url()),
            partner_slug=sharing.partner_slug if sharing else "",
            referral_code=sharing.referral_code if sharing else "",
            text=shown.title,
            seconds=seconds,
        ),
        "what_next_block": process_cached(
            ("what-next-block", campaign.pk, campaign.updated_at, partner_id, get_language()),
            seconds,
            lambda: render_to_string(
                "signatures/_what_next.html",
                {"steps": what_next_steps(campaign=campaign, partner_id=partner_id)},
            ),
        ),
        "brought_line": ngettext(
            "Your link has brought %(count)s person so far.",
            "Your link has brought %(count)s people so far.",
            brought,
        )
        % {"count": brought},
    }
    context = {"campaign": shown, "newly_confirmed": newly_confirmed}
    return render_with_holes(
        request, "signatures/confirmed.html", context, holes=holes,
        key=(campaign.pk, campaign.updated_at, newly_confirmed),
        seconds=seconds,
    )  # fmt: skip


# CSRF-exempt for the reasons `confirm` is: the link's signed token, e-mailed to the signature's
# own address, is the only authority.
@csrf_exempt
@require_http_methods(["GET", "POST"])
def change(request: HttpRequest, slug: str, token: str) -> HttpResponse:
    """The owner of a signature's address agrees to what a later submission with it asked.

    GET shows exactly what will change and a button (mail scanners open links); only the POST
    applies it.
    """
    campaign = campaign_for_signing(slug=slug)
    context: dict[str, object] = {"campaign": _shown(campaign)}
    try:
        if request.method == "POST":
            outcome = signature_change_confirm(campaign=campaign, token=token)
            if outcome.newly_confirmed:
                return _confirmed_page(
                    request, campaign, public_id=outcome.public_id, newly_confirmed=True
                )
            return render(request, "signatures/change_done.html", context)
        context["change"] = pending_change_from_link(campaign=campaign, token=token)
        return render(request, "signatures/change.html", context)
    except SigningError as error:
        context["message"] = str(error)
        return render(request, "signatures/link_error.html", context, status=400)


@require_http_methods(["GET", "POST"])
def withdraw(request: HttpRequest, slug: str, token: str) -> HttpResponse:
    """The signer takes their signature back: GET explains, only the button's POST acts."""
    campaign = campaign_public_get(slug=slug)
    context: dict[str, object] = {"campaign": _shown(campaign)}
    try:
        public_id = withdrawal_token_read(token=token)
    except SigningError as error:
        context["message"] = str(error)
        return render(request, "signatures/link_error.html", context, status=400)
    signature = Signature.objects.filter(public_id=public_id, campaign=campaign).first()
    if signature is None:
        return render(request, "signatures/withdrawn.html", context)
    if request.method == "POST":
        outcome = signature_withdraw(signature=signature, reason="withdrawn")
        context["copies_out_of_reach"] = outcome is not None and outcome.copies_out_of_reach
        return render(request, "signatures/withdrawn.html", context)
    return render(request, "signatures/withdraw.html", context)
