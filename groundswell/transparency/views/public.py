"""Public pages: a signer's receipt, and the key that signs checkpoints."""

import json
from typing import cast

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from groundswell.campaigns.selectors import campaign_public_get
from groundswell.campaigns.translations import campaign_in_language
from groundswell.transparency.checkpoints import public_key_to_pem
from groundswell.transparency.models import LogEntry
from groundswell.transparency.selectors import checkpoint_counting_furthest, receipt_state_get
from groundswell.transparency.services.receipts import (
    InvalidReceiptLink,
    receipt_document,
    receipt_token_read,
)
from groundswell.transparency.signing_key import checkpoint_public_key

RECEIPT_PENDING_REFRESH_SECONDS = 20


@require_GET
def receipt(request: HttpRequest, slug: str, token: str) -> HttpResponse:
    campaign = campaign_public_get(slug=slug)
    # Its words as the petition page showed them to this visitor.
    shown = campaign_in_language(campaign=campaign, language=get_language()).campaign
    context: dict[str, object] = {"campaign": shown, "token": token}
    try:
        public_id = receipt_token_read(token=token)
    except InvalidReceiptLink as error:
        context["message"] = str(error)
        return render(request, "delivery/receipt_invalid.html", context, status=400)
    state = receipt_state_get(campaign=campaign, public_id=public_id)
    if state is None:
        return render(request, "delivery/receipt_invalid.html", context, status=404)
    context["state"] = state
    if state.pending:
        context["refresh_seconds"] = RECEIPT_PENDING_REFRESH_SECONDS
        response = render(request, "delivery/receipt_pending.html", context)
        response["Cache-Control"] = "no-store"
        return response
    entry = cast(LogEntry, state.entry)  # not pending: its leaf is in the log
    document = receipt_document(entry=entry, log_name=state.log_name)
    latest = checkpoint_counting_furthest(campaign=campaign)
    context.update(
        receipt_json=json.dumps(document, indent=2),
        latest_checkpoint=latest,
        in_latest_checkpoint=latest is not None and entry.index < latest.tree_size,
        leaf_index=entry.index,
        log_url=request.build_absolute_uri(
            reverse("transparency:tlog_checkpoint", kwargs={"slug": campaign.slug})
        ).removesuffix("/checkpoint"),
        keys_url=request.build_absolute_uri(reverse("transparency:transparency_keys")),
        public_key_url=request.build_absolute_uri(reverse("transparency:public_key")),
        checkpoints_url=request.build_absolute_uri(
            reverse("transparency:checkpoints", kwargs={"slug": campaign.slug})
        ),
        inclusion_url=request.build_absolute_uri(
            reverse("transparency:inclusion", kwargs={"slug": campaign.slug})
        ),
    )
    response = render(request, "delivery/receipt.html", context)
    # The page holds the receipt's salt: keep it out of shared caches and off other sites.
    response["Cache-Control"] = "no-store"
    response["Referrer-Policy"] = "no-referrer"
    return response


@require_GET
def receipt_download(request: HttpRequest, slug: str, token: str) -> HttpResponse:
    campaign = campaign_public_get(slug=slug)
    try:
        public_id = receipt_token_read(token=token)
    except InvalidReceiptLink as error:
        return JsonResponse({"error": str(error)}, status=400)
    state = receipt_state_get(campaign=campaign, public_id=public_id)
    if state is None or state.entry is None:
        return JsonResponse({"error": _("There is no receipt for this link yet.")}, status=404)
    response = JsonResponse(receipt_document(entry=state.entry, log_name=state.log_name))
    response["Content-Disposition"] = (
        f'attachment; filename="receipt-{state.log_name}-{state.entry.index}.json"'
    )
    response["Cache-Control"] = "no-store"
    return response


@require_GET
def public_key(request: HttpRequest) -> HttpResponse:
    response = HttpResponse(
        public_key_to_pem(checkpoint_public_key()), content_type="application/x-pem-file"
    )
    response["Access-Control-Allow-Origin"] = "*"
    response["Cache-Control"] = "public, max-age=3600"
    return response
