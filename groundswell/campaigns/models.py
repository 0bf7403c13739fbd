from datetime import datetime

from django.db import models
from django.utils.translation import gettext_lazy as _

from groundswell.accounts.models import Organization
from groundswell.core.http import path_for
from groundswell.core.text import multi_line_text, single_line_text
from groundswell.core.text_versions import TextVersion


class CampaignStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")
    DELIVERED = "delivered", _("Delivered")
    WON = "won", _("Won")
    LOST = "lost", _("Lost")


PUBLIC_STATUSES = frozenset(
    {
        CampaignStatus.OPEN,
        CampaignStatus.CLOSED,
        CampaignStatus.DELIVERED,
        CampaignStatus.WON,
        CampaignStatus.LOST,
    }
)
SIGNABLE_STATUSES = frozenset({CampaignStatus.OPEN})


class Campaign(models.Model):
    organization = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        related_name="campaigns",
        verbose_name=_("host organization"),
    )
    slug = models.SlugField(_("web address"), max_length=80, unique=True)
    title = models.CharField(_("title"), max_length=200, validators=[single_line_text])
    ask = models.TextField(
        _("the ask"),
        max_length=2000,
        validators=[multi_line_text],
        help_text=_("What the target must do."),
    )
    background = models.TextField(
        _("background"),
        blank=True,
        max_length=20000,
        validators=[multi_line_text],
        help_text=_("Markdown is supported."),
    )
    # Rendered and sanitised once when saved by campaign services; page views never run Markdown.
    background_html = models.TextField(blank=True, editable=False)
    target_name = models.CharField(
        _("target's name"), max_length=200, validators=[single_line_text]
    )
    target_title = models.CharField(
        _("target's title"), max_length=200, blank=True, validators=[single_line_text]
    )
    target_organization = models.CharField(
        _("target's organization"), max_length=200, blank=True, validators=[single_line_text]
    )
    goal = models.PositiveIntegerField(_("signature goal"), default=1000)
    status = models.CharField(
        _("status"), max_length=16, choices=CampaignStatus.choices, default=CampaignStatus.DRAFT
    )
    opens_at = models.DateTimeField(_("opens at"), null=True, blank=True)
    closes_at = models.DateTimeField(_("closes at"), null=True, blank=True)
    # Confirmed, deduplicated signatures; changed only by signature services in the same
    # transaction as the signature itself, and checked by `recount_signatures`.
    signature_count = models.PositiveIntegerField(default=0, editable=False)
    last_signed_at = models.DateTimeField(null=True, blank=True, editable=False)
    # Number of the CampaignVersion now shown; signatures record the number they signed.
    text_version = models.PositiveIntegerField(default=1, db_default=1, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("campaign")
        verbose_name_plural = _("campaigns")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return path_for("campaigns:petition", slug=self.slug)

    @property
    def is_public(self) -> bool:
        return self.status in PUBLIC_STATUSES

    @property
    def slug_is_locked(self) -> bool:
        """Once published, links with the web address have been e-mailed and shared: it stays."""
        return self.status != CampaignStatus.DRAFT

    @property
    def progress_percent(self) -> str:
        """Width of the progress bar, as CSS wants it; a first signature shows as a sliver."""
        if not self.goal:
            return "100"
        share = min(100.0, self.signature_count * 100 / self.goal)
        if self.signature_count and share < 1:
            share = 1.0
        return f"{share:.1f}"

    @property
    def target_line(self) -> str:
        return ", ".join(
            part for part in (self.target_name, self.target_title, self.target_organization) if part
        )

    def accepts_signatures(self, now: datetime) -> bool:
        if self.status not in SIGNABLE_STATUSES:
            return False
        if self.opens_at and now < self.opens_at:
            return False
        return not (self.closes_at and now >= self.closes_at)


class CampaignVersion(TextVersion):
    """One text (ask and background) of a petition, as the people who signed it saw it.

    Once anyone has signed, the text changes only by adding a version with a public change note
    (see groundswell.core.text_versions); version 1 is created lazily from the campaign.
    """

    OWNER_FIELD = "campaign"

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="versions")
    ask = models.TextField(_("the ask"), max_length=2000, validators=[multi_line_text])
    background = models.TextField(
        _("background"), blank=True, max_length=20000, validators=[multi_line_text]
    )
    background_html = models.TextField(blank=True, editable=False)

    class Meta:
        ordering = ["campaign", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "number"], name="one_campaign_version_number"
            )
        ]
        verbose_name = _("petition text version")
        verbose_name_plural = _("petition text versions")

    def __str__(self) -> str:
        return f"{self.campaign_id} v{self.number}"


class CampaignTranslation(models.Model):
    """The organizers' own version of a petition's words in another language.

    Not a text version: what people sign is the original (its `CampaignVersion`); a translation
    says which version number it was made from (`text_version`), and the page says so when the
    original has changed since. Shown to visitors reading `language`; otherwise the original.
    """

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="translations")
    language = models.CharField(_("language"), max_length=10)
    title = models.CharField(_("title"), max_length=200, validators=[single_line_text])
    ask = models.TextField(_("the ask"), max_length=2000, validators=[multi_line_text])
    background = models.TextField(
        _("background"), blank=True, max_length=20000, validators=[multi_line_text]
    )
    background_html = models.TextField(blank=True, editable=False)
    text_version = models.PositiveIntegerField(editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "language"], name="one_campaign_translation_per_language"
            )
        ]

    def __str__(self) -> str:
        return f"{self.campaign_id} ({self.language})"
