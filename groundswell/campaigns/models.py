from datetime import datetime

from django.conf import settings
from django.core.validators import URLValidator
from django.db import models
from django.utils import formats, timezone
from django.utils.translation import gettext
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
# A campaign that ended with these has an outcome note and stays listed under it.
OUTCOME_STATUSES = frozenset({CampaignStatus.WON, CampaignStatus.LOST})
# Milestones every campaign has unless its organizers set others; its goal is always one.
DEFAULT_MILESTONES = (1_000, 10_000, 100_000)


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
    # What happened, in the organizers' words, once the campaign is won or lost.
    outcome_note = models.TextField(
        _("outcome note"), max_length=5000, blank=True, validators=[multi_line_text]
    )
    # Signature counts that notify organizers once each (see campaigns.milestones); empty means
    # DEFAULT_MILESTONES. The goal is always one of them.
    milestone_thresholds = models.JSONField(default=list, blank=True)
    # Raise the goal to the next round figure when it is reached (off unless organizers ask).
    goal_auto_raise = models.BooleanField(
        _("raise the goal automatically when it is reached"), default=False
    )
    # The next steps offered after confirming (keys of groundswell.campaigns.what_next), as the
    # organizers chose them; None: every step that applies.
    what_next = models.JSONField(null=True, blank=True, default=None, editable=False)
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
        return not self.is_past_closing(now)

    def is_past_closing(self, now: datetime) -> bool:
        return bool(self.closes_at and now >= self.closes_at)

    @property
    def shown_status(self) -> str:
        """The status pages show: an open campaign past its closing time is closed, even in the
        seconds before `campaigns_close_due` writes it."""
        if self.status == CampaignStatus.OPEN and self.is_past_closing(timezone.now()):
            return CampaignStatus.CLOSED
        return self.status

    @property
    def shown_status_display(self) -> str:
        return str(CampaignStatus(self.shown_status).label)

    @property
    def has_outcome(self) -> bool:
        return self.status in OUTCOME_STATUSES

    def signing_closed_message(self, now: datetime) -> str:
        """Why the form is not shown, in words a visitor understands."""
        if self.status == CampaignStatus.OPEN and self.opens_at and now < self.opens_at:
            return gettext("Signing opens on %(date)s.") % {"date": _when(self.opens_at)}
        if self.status in SIGNABLE_STATUSES and self.closes_at and self.is_past_closing(now):
            return gettext(
                "Signing closed on %(date)s. This petition no longer takes signatures."
            ) % {"date": _when(self.closes_at)}
        messages = {
            CampaignStatus.CLOSED: gettext(
                "Signing is closed. This petition no longer takes signatures."
            ),
            CampaignStatus.DELIVERED: gettext(
                "This petition was delivered and no longer takes signatures."
            ),
            CampaignStatus.WON: gettext("This campaign was won. It no longer takes signatures."),
            CampaignStatus.LOST: gettext(
                "This campaign has ended without winning. It no longer takes signatures."
            ),
        }
        return messages.get(
            CampaignStatus(self.status), gettext("This petition is not accepting signatures.")
        )

    def milestones(self) -> list[int]:
        """Every threshold that notifies organizers, ascending, the goal included."""
        chosen = [int(n) for n in self.milestone_thresholds or DEFAULT_MILESTONES]
        return sorted({*chosen, self.goal} - {0})


def _when(moment: datetime) -> str:
    return formats.date_format(timezone.localtime(moment), "DATETIME_FORMAT")


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


class ResponseStance(models.TextChoices):
    NO_RESPONSE = "no_response", _("No response")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")
    REFUSED = "refused", _("Refused")
    PARTLY_MET = "partly_met", _("Partly met")
    MET = "met", _("Met")


class TargetResponse(models.Model):
    """What the target said, on the record: a quote with its public source and where it leaves
    the ask. Organizers record it; the petition page and its JSON show it."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="responses")
    responder_name = models.CharField(
        _("who responded"), max_length=200, validators=[single_line_text]
    )
    responder_title = models.CharField(
        _("their title"), max_length=200, blank=True, validators=[single_line_text]
    )
    responded_at = models.DateTimeField(_("when"))
    quote = models.TextField(_("quote"), max_length=5000, blank=True, validators=[multi_line_text])
    source_url = models.URLField(
        _("source"),
        max_length=500,
        blank=True,
        validators=[URLValidator(schemes=["http", "https"])],
        help_text=_("A public link to where they said it."),
    )
    stance = models.CharField(_("stance"), max_length=16, choices=ResponseStance.choices)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-responded_at", "-pk"]
        indexes = [models.Index(fields=["campaign", "responded_at"], name="response_campaign_idx")]
        verbose_name = _("target's response")
        verbose_name_plural = _("target's responses")

    def __str__(self) -> str:
        return f"{self.responder_name} ({self.stance})"


class TimelineKind(models.TextChoices):
    LAUNCHED = "launched", _("Launched")
    MILESTONE = "milestone", _("Milestone")
    UPDATE = "update", _("Update")
    DELIVERY = "delivery", _("Delivery")
    RESPONSE = "response", _("Response")
    STATUS = "status", _("Status")


class TimelineEntry(models.Model):
    """One dated step of a campaign's public story. Added only by `timeline_entry_add`, once
    per (kind, key): `key` names the thing the entry is about (a response's id, a threshold, a
    status and when: "closed:20260101120000"), so that adding it again changes nothing.

    Entries of fixed kinds (launched, milestone, status) store no title: it is worded when shown,
    in the reader's language.
    """

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="timeline")
    kind = models.CharField(max_length=16, choices=TimelineKind.choices)
    key = models.CharField(max_length=64, blank=True)
    at = models.DateTimeField()
    title = models.CharField(max_length=300, blank=True)
    url = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "kind", "key"], name="one_timeline_entry_per_thing"
            )
        ]
        verbose_name = _("timeline entry")
        verbose_name_plural = _("timeline entries")

    def __str__(self) -> str:
        return f"{self.campaign_id} {self.kind} {self.key}"

    @property
    def shown_title(self) -> str:
        if self.kind == TimelineKind.LAUNCHED:
            return gettext("The petition was launched")
        if self.kind == TimelineKind.MILESTONE:
            return gettext("%(count)s signatures") % {
                "count": formats.number_format(int(self.key), force_grouping=True)
            }
        if self.kind == TimelineKind.DELIVERY:
            return gettext("Delivered to %(recipient)s") % {"recipient": self.title}
        if self.kind == TimelineKind.RESPONSE:
            return gettext("%(name)s responded") % {"name": self.title}
        status = self.key.partition(":")[0]
        if self.kind == TimelineKind.STATUS and status in CampaignStatus.values:
            statuses = {
                CampaignStatus.CLOSED: gettext("Signing closed"),
                CampaignStatus.DELIVERED: gettext("The petition was delivered"),
                CampaignStatus.WON: gettext("The campaign was won"),
                CampaignStatus.LOST: gettext("The campaign was lost"),
                CampaignStatus.OPEN: gettext("Signing reopened"),
            }
            return statuses.get(CampaignStatus(status), str(CampaignStatus(status).label))
        return self.title


class MilestoneReached(models.Model):
    """A threshold a campaign's count reached: the unique constraint makes organizers hear of
    each one once, whichever publication of the count inserts it first."""

    campaign = models.ForeignKey(
        Campaign, on_delete=models.CASCADE, related_name="milestones_reached"
    )
    threshold = models.PositiveIntegerField()
    signature_count = models.PositiveIntegerField()
    reached_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["campaign", "threshold"], name="one_milestone_each")
        ]

    def __str__(self) -> str:
        return f"{self.campaign_id} reached {self.threshold}"


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
