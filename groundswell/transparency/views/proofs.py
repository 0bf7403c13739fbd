"""The transparency log over HTTP, as JSON documents that `groundswell verify` reads.

Proofs are given only between checkpointed sizes: a proof is worth something only against a
signed root, and answering for any size would let a caller make us hash arbitrary ranges. Bad
parameters get a 400 with {"error": "..."}; an unknown or unpublished campaign a 404 likewise.
"""

from collections.abc import Callable
from functools import wraps

from django.http import Http404, HttpRequest, JsonResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from groundswell.campaigns.selectors import campaign_public_get
from groundswell.core.http import InvalidParameter, query_integer
from groundswell.transparency.checkpoints import key_id
from groundswell.transparency.selectors import (
    ProofRequestError,
    checkpoint_at_size,
    checkpoints_for_campaign,
    consistency_proof_document,
    inclusion_proof_document,
    log_head_get,
)
from groundswell.transparency.signing_key import checkpoint_public_key

CHECKPOINT_LIST_FORMAT = "groundswell-checkpoint-list/v1"
# Larger numbers do not fit the database's 64-bit integers; no log grows anywhere near this.
LARGEST_PARAMETER = 2**62

JsonView = Callable[..., JsonResponse]


def json_document(view: JsonView) -> JsonView:
    """GET only; errors as JSON; readable from any origin (verifiers may run in a browser)."""

    @require_GET
    @wraps(view)
    def wrapper(request: HttpRequest, *args: object, **kwargs: object) -> JsonResponse:
        try:
            response = view(request, *args, **kwargs)
        except (ProofRequestError, InvalidParameter) as error:
            response = JsonResponse({"error": str(error)}, status=400)
        except Http404:
            response = JsonResponse({"error": _("No such petition or document.")}, status=404)
        response["Access-Control-Allow-Origin"] = "*"
        return response

    return wrapper


def size_parameter(request: HttpRequest, name: str) -> int | None:
    return query_integer(request, name, maximum=LARGEST_PARAMETER)


def size_parameter_required(request: HttpRequest, name: str) -> int:
    return query_integer(request, name, maximum=LARGEST_PARAMETER, required=True)


@json_document
def checkpoint_list(request: HttpRequest, slug: str) -> JsonResponse:
    campaign = campaign_public_get(slug=slug)
    head = log_head_get(campaign=campaign)
    public_key = checkpoint_public_key()
    return JsonResponse(
        {
            "format": CHECKPOINT_LIST_FORMAT,
            "campaign": head.log_name if head else campaign.slug,
            "public_key_url": request.build_absolute_uri(reverse("transparency:public_key")),
            "key_id": key_id(public_key).hex(),
            "checkpoints": [
                checkpoint.to_json() for checkpoint in checkpoints_for_campaign(campaign=campaign)
            ],
        }
    )


@json_document
def checkpoint_detail(request: HttpRequest, slug: str, tree_size: int) -> JsonResponse:
    campaign = campaign_public_get(slug=slug)
    try:
        if tree_size > LARGEST_PARAMETER:
            raise ProofRequestError(_("No checkpoint of this log has that tree size."))
        checkpoint = checkpoint_at_size(campaign=campaign, tree_size=tree_size)
    except ProofRequestError as error:
        return JsonResponse({"error": str(error)}, status=404)
    response = JsonResponse(checkpoint.to_json())
    response["Cache-Control"] = "public, max-age=86400"  # a checkpoint never changes
    return response


@json_document
def inclusion(request: HttpRequest, slug: str) -> JsonResponse:
    campaign = campaign_public_get(slug=slug)
    document = inclusion_proof_document(
        campaign=campaign,
        leaf_index=size_parameter_required(request, "leaf_index"),
        tree_size=size_parameter(request, "tree_size"),
    )
    return JsonResponse(document)


@json_document
def consistency(request: HttpRequest, slug: str) -> JsonResponse:
    campaign = campaign_public_get(slug=slug)
    document = consistency_proof_document(
        campaign=campaign,
        old_size=size_parameter_required(request, "old"),
        new_size=size_parameter_required(request, "new"),
    )
    return JsonResponse(document)
