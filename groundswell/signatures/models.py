import secrets

from django.db import models
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from groundswell.campaigns.models import Campaign


def new_public_id() -> str:
    """An unguessable id used in links and receipts, so database ids never leave the server."""
    return secrets.token_urlsafe(16)


class Signature(models.Model):
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="signatures")
    public_id = models.CharField(max_length=32, unique=True, default=new_public_id, editable=False)
    name = models.CharField(_("full name"), max_length=120)
    email = models.EmailField(_("e-mail"), max_length=254)
    # Lower-cased, plus-tag removed, Gmail dots removed: one person, one signature per campaign.
    email_key = models.CharField(max_length=254, editable=False)
    country = CountryField(_("country"))
    postal_code = models.CharField(_("postal code"), max_length=16, blank=True)
    comment = models.TextField(_("comment"), max_length=500, blank=True)
    show_name = models.BooleanField(_("show my name publicly"), default=False)
    source = models.CharField(max_length=64, blank=True)
    # The partner whose link or embed brought this signer first; None when no partner did.
    partner = models.ForeignKey(
        "coalitions.Partner",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="signatures",
    )
    # The campaign's text version (CampaignVersion.number) this signer read and signed, and the
    # newest version they have been told about since.
    text_version = models.PositiveIntegerField(default=1)
    told_of_version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    # The last time an e-mail went to this signer, so repeated submits cannot flood an inbox.
    notified_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "email_key"], name="one_signature_per_person"
            )
        ]
        indexes = [
            models.Index(fields=["campaign", "confirmed_at"], name="signature_confirmed_idx")
        ]
        verbose_name = _("signature")
        verbose_name_plural = _("signatures")

    def __str__(self) -> str:
        return f"signature {self.public_id}"

    @property
    def is_confirmed(self) -> bool:
        return self.confirmed_at is not None
