from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from groundswell.core.text import single_line_text


class User(AbstractUser):
    """A person who logs in: organizers, partner staff, platform administrators."""


class Organization(models.Model):
    name = models.CharField(_("name"), max_length=200, validators=[single_line_text])
    slug = models.SlugField(_("short name"), max_length=60, unique=True)
    website = models.URLField(_("web site"), blank=True)
    logo = models.ImageField(_("logo"), upload_to="logos/", blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("organization")
        verbose_name_plural = _("organizations")

    def __str__(self) -> str:
        return self.name


class Role(models.TextChoices):
    OWNER = "owner", _("Owner")
    ADMIN = "admin", _("Admin")
    ORGANIZER = "organizer", _("Organizer")
    VIEWER = "viewer", _("Viewer")


# Who may do what, as named sets rather than comparisons scattered through views.
MANAGING_ROLES = frozenset({Role.OWNER, Role.ADMIN})
EDITING_ROLES = frozenset({Role.OWNER, Role.ADMIN, Role.ORGANIZER})
PERSONAL_DATA_ROLES = EDITING_ROLES  # viewers see figures, never personal data
# A role may be granted, changed or taken away only by a manager whose own role ranks at least
# as high (so an admin never makes, unmakes or removes an owner).
ROLE_RANK: dict[str, int] = {Role.VIEWER: 1, Role.ORGANIZER: 2, Role.ADMIN: 3, Role.OWNER: 4}


class Membership(models.Model):
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(_("role"), max_length=16, choices=Role.choices, default=Role.VIEWER)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "organization"], name="one_membership_per_org")
        ]

    def __str__(self) -> str:
        return f"{self.user} @ {self.organization} ({self.role})"
