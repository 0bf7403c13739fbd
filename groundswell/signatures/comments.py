""" "Why I'm signing": the comments signers chose to make public, and their light moderation.

A comment is part of its signature row (personal data of the signer): it is shown only once
the signature is confirmed, only if the signer ticked "show my comment publicly", never once
organizers hid it, and it goes with the row when the signature is erased.
"""

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone

from groundswell.campaigns.models import Campaign
from groundswell.signatures.models import Signature

COMMENTS_PER_PAGE = 20
COMMENTS_ON_PETITION_PAGE = 5


def public_comments(*, campaign: Campaign) -> QuerySet[Signature]:
    """Newest first; the name only when the signer chose to show it (see the template)."""
    return (
        Signature.objects.filter(
            campaign=campaign,
            confirmed_at__isnull=False,
            comment_public=True,
            comment_hidden_at__isnull=True,
        )
        .exclude(comment="")
        .order_by("-confirmed_at", "-pk")
        .only("name", "show_name", "country", "comment", "confirmed_at")
    )


def public_comments_page(*, campaign: Campaign, number: str | int | None) -> Page:
    """One page of public comments; a page number out of range gives the last page."""
    return Paginator(public_comments(campaign=campaign), COMMENTS_PER_PAGE).get_page(number)


def comments_for_moderation(*, campaign: Campaign) -> QuerySet[Signature]:
    """Every comment its signer made public (hidden ones included), for organizers."""
    return (
        Signature.objects.filter(campaign=campaign, comment_public=True)
        .exclude(comment="")
        .order_by("-created_at", "-pk")
        .only("public_id", "name", "comment", "confirmed_at", "comment_hidden_at", "created_at")
    )


def signature_comment_moderate(*, campaign: Campaign, public_id: str, hidden: bool) -> Signature:
    """Hide a public comment from the petition page, or show it again (Http404 for a signature
    of another campaign or one without a public comment)."""
    signature = comments_for_moderation(campaign=campaign).filter(public_id=public_id).first()
    if signature is None:
        raise Http404("No such comment")
    hidden_at = timezone.now() if hidden else None
    Signature.objects.filter(pk=signature.pk).update(comment_hidden_at=hidden_at)
    signature.comment_hidden_at = hidden_at
    return signature
