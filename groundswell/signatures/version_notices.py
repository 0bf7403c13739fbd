"""Telling the signers of an earlier text that the petition they signed has changed."""

from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from groundswell.campaigns.models import Campaign, CampaignVersion
from groundswell.campaigns.translations import campaign_in_language
from groundswell.core.jobs import enqueue_on_commit
from groundswell.core.outbox import outbound_email_queue
from groundswell.signatures.models import Signature
from groundswell.signatures.services import withdrawal_url

BATCH_SIZE = 500


def version_notice_pending_count(*, campaign: Campaign) -> int:
    return Signature.objects.filter(
        campaign=campaign, confirmed_at__isnull=False, told_of_version__lt=campaign.text_version
    ).count()


def version_notices_start(*, campaign: Campaign) -> None:
    """Queue the notices in the background: a campaign may have hundreds of thousands of signers."""
    enqueue_on_commit("groundswell.signatures.tasks.version_notices_send_task", campaign.pk)


def version_notices_send_batch(*, campaign_id: int, batch_size: int = BATCH_SIZE) -> int:
    """Queue one e-mail for each of up to `batch_size` signers not yet told of the current text.

    Each signer is told once per version: the rows are claimed (told_of_version raised) in the
    same transaction that stores their e-mails, so reruns and parallel workers never repeat one.
    Returns how many were queued; 0 means everyone has been told.
    """
    campaign = Campaign.objects.get(pk=campaign_id)
    current = CampaignVersion.objects.filter(
        campaign=campaign, number=campaign.text_version
    ).first()
    if current is None:
        return 0
    with transaction.atomic():
        batch = list(
            Signature.objects.select_for_update(skip_locked=True)
            .filter(
                campaign=campaign,
                confirmed_at__isnull=False,
                told_of_version__lt=campaign.text_version,
            )
            .order_by("pk")
            .values_list("pk", "public_id", "name", "email", "language")[:batch_size]
        )
        if not batch:
            return 0
        Signature.objects.filter(pk__in=[row[0] for row in batch]).update(
            told_of_version=campaign.text_version
        )
        history_path = reverse("campaigns:petition_history", args=[campaign.slug])
        history_url = f"{settings.GROUNDSWELL_BASE_URL}{history_path}"
        shown: dict[str, Campaign] = {}
        for signature_id, public_id, name, email, language in batch:
            # In the language the person signed in, with the organizers' translated title.
            language = language or settings.LANGUAGE_CODE
            if language not in shown:
                shown[language] = campaign_in_language(
                    campaign=campaign, language=language
                ).campaign
            with translation.override(language):
                subject = _("The petition you signed has changed: %(title)s") % {
                    "title": shown[language].title
                }
                body = render_to_string(
                    "signatures/email/text_changed.txt",
                    {
                        "name": name,
                        "campaign": shown[language],
                        "version": current,
                        "history_url": history_url,
                        "withdrawal_url": withdrawal_url(
                            campaign_slug=campaign.slug, public_id=public_id
                        ),
                    },
                )
            outbound_email_queue(
                to=email,
                subject=subject,
                body=body,
                kind="signature-text-changed",
                signature_id=signature_id,
                campaign_id=campaign.pk,
            )
    return len(batch)
