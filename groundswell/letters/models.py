"""Open letters: their text versions, signatory categories with verification rules, signatories.

Privacy rules that every module reading these models must keep:
- a work e-mail address is never stored, only `Signatory.work_email_hash` and its domain;
- the name of a signatory whose display is not PUBLIC is never rendered, exported or mailed,
  not even to organizers (see `NAMED_DISPLAYS`).
"""

import hashlib
import secrets

from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from groundswell.accounts.models import Organization, User
from groundswell.campaigns.models import Campaign
from groundswell.core.models import OutboundEmail
from groundswell.core.text import multi_line_text, single_line_text
from groundswell.core.text_versions import TextVersion


def new_public_id() -> str:
    """An unguessable id for links and organizer forms, so database ids never leave the server."""
    return secrets.token_urlsafe(16)


class LetterStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")
    DELIVERED = "delivered", _("Delivered")


PUBLIC_LETTER_STATUSES = frozenset({LetterStatus.OPEN, LetterStatus.CLOSED, LetterStatus.DELIVERED})
SIGNABLE_LETTER_STATUSES = frozenset({LetterStatus.OPEN})


class Letter(models.Model):
    organization = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        related_name="letters",
        verbose_name=_("host organization"),
    )
    # A letter may stand alone; when it belongs to a campaign, both have the same host.
    campaign = models.ForeignKey(
        Campaign,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="letters",
        verbose_name=_("campaign"),
    )
    slug = models.SlugField(_("web address"), max_length=80, unique=True)
    title = models.CharField(_("title"), max_length=200, validators=[single_line_text])
    addressee = models.CharField(_("addressed to"), max_length=300, validators=[single_line_text])
    status = models.CharField(
        _("status"), max_length=16, choices=LetterStatus.choices, default=LetterStatus.DRAFT
    )
    # The text lives in versions; this points at the newest. Changed only by letter services.
    current_version = models.ForeignKey(
        "LetterVersion",
        on_delete=models.RESTRICT,
        null=True,
        editable=False,
        related_name="+",
    )
    # Approved signatories of every category; changed in the same transaction as the
    # signatories themselves and repaired by `letter_counts_recount`.
    signatory_count = models.PositiveIntegerField(default=0, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("open letter")
        verbose_name_plural = _("open letters")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("letters:letter", kwargs={"slug": self.slug})

    @property
    def is_public(self) -> bool:
        return self.status in PUBLIC_LETTER_STATUSES

    @property
    def slug_is_locked(self) -> bool:
        """Once published, links with the web address have been e-mailed and shared: it stays."""
        return self.status != LetterStatus.DRAFT

    @property
    def accepts_signatures(self) -> bool:
        return self.status in SIGNABLE_LETTER_STATUSES


class LetterVersion(TextVersion):
    """One text of a letter. Once anyone has signed, the text changes only by adding a version
    (see groundswell.core.text_versions)."""

    OWNER_FIELD = "letter"

    letter = models.ForeignKey(Letter, on_delete=models.CASCADE, related_name="versions")
    text = models.TextField(_("text"), max_length=20000, validators=[multi_line_text])
    # Rendered and sanitised once by letter services; page views never run Markdown.
    text_html = models.TextField(editable=False)

    class Meta:
        ordering = ["letter", "number"]
        constraints = [
            models.UniqueConstraint(fields=["letter", "number"], name="one_letter_version_number")
        ]

    def __str__(self) -> str:
        return f"{self.letter_id} v{self.number}"

    @property
    def fingerprint(self) -> str:
        """Number and text digest. The signing form carries it, so that a signer is told when
        the text changed, even in place before anyone signed, while they were reading it."""
        digest = hashlib.sha256(self.text.encode()).hexdigest()[:16]
        return f"{self.number}-{digest}"


class LetterCategory(models.Model):
    """A group of signatories ("Employees of Northwind Cloud") and how membership is checked.

    Rules combine: with `allowed_domains`, a signatory must verify a work address in one of
    them; with `requires_moderation`, an organizer must also approve. With neither, a signature
    counts at once.
    """

    letter = models.ForeignKey(Letter, on_delete=models.CASCADE, related_name="categories")
    slug = models.SlugField(_("short name"), max_length=60)
    name = models.CharField(_("name"), max_length=120, validators=[single_line_text])
    count_label = models.CharField(
        _("counted as"),
        max_length=60,
        blank=True,
        validators=[single_line_text],
        help_text=_("A short plural for the counts, e.g. “employees”."),
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    # Normalised rules: "northwind.example" (that domain and its subdomains) or ".edu" (any
    # domain ending so). Empty: no work e-mail check.
    allowed_domains = models.JSONField(_("allowed e-mail domains"), default=list, blank=True)
    requires_moderation = models.BooleanField(_("organizers approve each signatory"), default=False)
    signatory_count = models.PositiveIntegerField(default=0, editable=False)

    class Meta:
        ordering = ["position", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["letter", "slug"],
                name="one_category_slug_per_letter",
                violation_error_message=_(
                    "This letter already has a category with that short name."
                ),
            )
        ]
        verbose_name = _("signatory category")
        verbose_name_plural = _("signatory categories")

    def __str__(self) -> str:
        return self.name

    @property
    def requires_work_email(self) -> bool:
        return bool(self.allowed_domains)

    @property
    def label(self) -> str:
        return self.count_label or self.name


class DisplayChoice(models.TextChoices):
    PUBLIC = "public", _("Name and affiliation")
    WITHHELD = "withheld", _("Verified category, name withheld")
    COUNT_ONLY = "count_only", _("Counted only")


# The only display whose name, title and affiliation may appear in any output.
NAMED_DISPLAYS = frozenset({DisplayChoice.PUBLIC})
# Displays that take a line on the public list (counted-only signatories are only counted).
LISTED_DISPLAYS = frozenset({DisplayChoice.PUBLIC, DisplayChoice.WITHHELD})


class SignatoryStatus(models.TextChoices):
    UNVERIFIED = "unverified", _("Waiting for work e-mail verification")
    AWAITING_MODERATION = "moderation", _("Waiting for moderation")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")


# Approved means verified where the category requires it: verification moves a signatory on.
COUNTED_STATUSES = frozenset({SignatoryStatus.APPROVED})
APPROVABLE_STATUSES = frozenset({SignatoryStatus.AWAITING_MODERATION})
REJECTABLE_STATUSES = frozenset(
    {SignatoryStatus.UNVERIFIED, SignatoryStatus.AWAITING_MODERATION, SignatoryStatus.APPROVED}
)


class Signatory(models.Model):
    letter = models.ForeignKey(Letter, on_delete=models.CASCADE, related_name="signatories")
    # RESTRICT: a category or version with signatories goes only with the whole letter.
    category = models.ForeignKey(
        LetterCategory, on_delete=models.RESTRICT, related_name="signatories"
    )
    # The text this person signed; a later edit of the letter never changes it.
    version = models.ForeignKey(
        LetterVersion, on_delete=models.RESTRICT, related_name="signatories"
    )
    public_id = models.CharField(max_length=32, unique=True, default=new_public_id, editable=False)
    name = models.CharField(_("full name"), max_length=120, validators=[single_line_text])
    title = models.CharField(
        _("title or role"), max_length=200, blank=True, validators=[single_line_text]
    )
    affiliation = models.CharField(_("affiliation"), max_length=200, validators=[single_line_text])
    display = models.CharField(_("display"), max_length=16, choices=DisplayChoice.choices)
    # Given for updates, with consent; only organizers with PERSONAL_DATA_ROLES see it, and
    # only once confirmed from its inbox. Unconfirmed, it is blanked after the confirmation
    # window (`signatories_unconfirmed_purge`).
    personal_email = models.EmailField(_("personal e-mail"), max_length=254, blank=True)
    personal_email_confirmed_at = models.DateTimeField(null=True, blank=True, editable=False)
    # Keyed hash of the normalised work address and its domain: the address itself is never
    # stored, and the hash cannot be reversed without SECRET_KEY.
    work_email_hash = models.CharField(max_length=64, blank=True, editable=False)
    work_email_domain = models.CharField(max_length=253, blank=True, editable=False)
    work_verified_at = models.DateTimeField(null=True, blank=True, editable=False)
    status = models.CharField(max_length=16, choices=SignatoryStatus.choices, editable=False)
    # Approved and not counted-only: on the public list. Kept by the services that set
    # `status`, so that the list is one index range scan.
    is_listed = models.BooleanField(default=False, editable=False)
    rejection_reason = models.CharField(
        _("reason"), max_length=500, blank=True, validators=[single_line_text]
    )
    decided_at = models.DateTimeField(null=True, blank=True, editable=False)
    decided_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, editable=False, related_name="+"
    )
    pinned_at = models.DateTimeField(null=True, blank=True, editable=False)
    # The outbox row holding the work address until it is blanked (see letters.tasks). Every
    # e-mail about a signatory also names it (`OutboundEmail.signatory`) and goes with it.
    verification_email = models.ForeignKey(
        OutboundEmail, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # The last verification e-mail, so that repeated submits cannot flood a work inbox.
    notified_at = models.DateTimeField(null=True, blank=True, editable=False)
    # The newest letter version this signatory was told about, so a notice goes out once.
    notified_of_version = models.PositiveIntegerField(null=True, blank=True, editable=False)
    # The language the person signed in: every later e-mail to them is written in it.
    language = models.CharField(max_length=10, blank=True, default="", db_default="")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            # One work address, one signature per letter. Unverified attempts do not count (any
            # one may be someone else typing a colleague's address), nor do rejected ones.
            models.UniqueConstraint(
                fields=["letter", "work_email_hash"],
                condition=Q(work_verified_at__isnull=False) & ~Q(status=SignatoryStatus.REJECTED),
                name="one_verified_signatory_per_work_address",
            )
        ]
        indexes = [
            models.Index(fields=["letter", "is_listed", "id"], name="signatory_letter_list_idx"),
            models.Index(
                fields=["category", "is_listed", "id"], name="signatory_category_list_idx"
            ),
            models.Index(fields=["letter", "status", "id"], name="signatory_moderation_idx"),
            models.Index(fields=["letter", "work_email_hash"], name="signatory_work_hash_idx"),
            models.Index(
                fields=["letter", "pinned_at"],
                condition=Q(pinned_at__isnull=False),
                name="signatory_pinned_idx",
            ),
        ]
        verbose_name = _("signatory")
        verbose_name_plural = _("signatories")

    def __str__(self) -> str:
        return f"signatory {self.public_id}"

    @property
    def shows_name(self) -> bool:
        return self.display in NAMED_DISPLAYS

    @property
    def is_counted(self) -> bool:
        return self.status in COUNTED_STATUSES


class SignatorySearchTerm(models.Model):
    """One normalised word of a public signatory's name or affiliation, for indexed prefix search.

    Only signatories who chose to show their name have terms, so no search can find, or hint at,
    a withheld name or the affiliation of someone who withheld it. `category` and `is_listed`
    copy the signatory's, so that a search runs on this table's index alone; services that
    change `Signatory.is_listed` call `search_terms_listed_sync`.
    """

    letter = models.ForeignKey(Letter, on_delete=models.CASCADE, related_name="+")
    category = models.ForeignKey(LetterCategory, on_delete=models.CASCADE, related_name="+")
    signatory = models.ForeignKey(Signatory, on_delete=models.CASCADE, related_name="search_terms")
    term = models.CharField(max_length=40)
    is_listed = models.BooleanField(default=False)

    class Meta:
        indexes = [
            models.Index(fields=["letter", "is_listed", "term"], name="signatory_search_term_idx")
        ]

    def __str__(self) -> str:
        return self.term


class LetterTranslation(models.Model):
    """The organizers' own version of a letter's title and text in another language.

    Not a text version: people sign the original (its `LetterVersion`); a translation says which
    version number it was made from, and the page says so when the original has changed since.
    """

    letter = models.ForeignKey(Letter, on_delete=models.CASCADE, related_name="translations")
    language = models.CharField(_("language"), max_length=10)
    title = models.CharField(_("title"), max_length=200, validators=[single_line_text])
    text = models.TextField(_("text"), max_length=20000, validators=[multi_line_text])
    text_html = models.TextField(editable=False)
    version_number = models.PositiveIntegerField(editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["letter", "language"], name="one_letter_translation_per_language"
            )
        ]

    def __str__(self) -> str:
        return f"{self.letter_id} ({self.language})"
