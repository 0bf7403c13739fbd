"""Who gets what, for every URL: the authorization table, and a walk of the URLconf that fails
for any URL pattern without a row here or a place in the commented list of public URLs.

Host staff see the whole campaign (viewers: figures only). A partner's staff see what their own
organization brought and the supporters who agreed to hear from it, never another partner's.
Platform administrators are not members and use the Django admin instead: organizer pages are
404 to them. Outsiders (staff of an unrelated organization) never learn that a page exists.

To add a URL: add a Row to TABLE (one status per visitor, in VISITORS order), or, for a page
anyone may open, its name to PUBLIC_URLS with the reason.
"""

import csv
import io
from dataclasses import dataclass, field

import pytest
from django.db import transaction
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from groundswell.accounts.models import Membership, Role, User
from groundswell.api.api import api
from groundswell.api.keys import api_key_create, api_key_revoke
from groundswell.api.models import WebhookDelivery, WebhookEndpoint
from groundswell.campaigns.models import ResponseStance
from groundswell.campaigns.responses import target_response_record
from groundswell.coalitions.services import member_invitation_create, partner_invitation_create
from groundswell.delivery.models import DeliveryPackage
from groundswell.delivery.services.packages import delivery_package_build
from groundswell.events.models import Rsvp
from groundswell.updates.services import update_draft_create
from tests.coalitions.conftest import sign_through
from tests.conftest import confirmation_link_from_outbox
from tests.events.conftest import make_event  # noqa: F401
from tests.letters.conftest import letter, make_letter, sign_letter  # noqa: F401
from tests.transparency.conftest import _delivery_isolated, checkpoint_key_file  # noqa: F401

pytestmark = pytest.mark.django_db

GET, POST = "get", "post"
LOGIN = "login"  # redirected to the organizer login
ADMIN_LOGIN = "admin login"  # redirected to the Django admin's login

VISITORS = (
    "anonymous",
    "host_viewer",
    "host_organizer",
    "host_owner",
    "partner",  # an organizer of a partner organization of the campaign
    "outsider",  # the owner of an unrelated organization
    "platform_admin",  # a superuser who belongs to no organization
)


@dataclass(frozen=True)
class Row:
    name: str
    method: str
    expected: tuple[object, ...]  # one per VISITORS entry
    # URL arguments; a value naming something in the `world` fixture stands for it.
    kwargs: dict[str, object] = field(default_factory=lambda: {"slug": "campaign"})
    data: dict[str, object] = field(default_factory=dict)


HOST_ORG = {"slug": "host"}
LETTER = {"slug": "letter"}
UPDATE = {"update_id": "update"}
EVENT = {"slug": "event"}
NONE: dict[str, object] = {}

# fmt: off
TABLE = [
    #   URL name, method,                         (anonymous, host viewer, host organizer,
    #                                                  host owner, partner, outsider, admin)
    # The organizer's dashboard and organizations.
    Row("organizer:dashboard", GET,                (LOGIN, 200, 200, 200, 200, 200, 200), NONE),
    Row("organizer:campaign_new", GET,             (LOGIN, 302, 200, 200, 200, 200, 302), NONE),
    Row("organizer:organization_members", GET,     (LOGIN, 200, 200, 200, 404, 404, 404), HOST_ORG),
    Row("organizer:organization_members", POST,    (LOGIN, 403, 403, 200, 404, 404, 404), HOST_ORG,
        {"role": Role.VIEWER}),
    Row("organizer:organization_profile", POST,    (LOGIN, 403, 403, 302, 404, 404, 404), HOST_ORG,
        {"name": "Just Tech Coalition"}),
    Row("organizer:organization_member_change", POST, (LOGIN, 403, 403, 302, 404, 404, 404),
        {"slug": "host", "member_id": "viewer_membership"}, {"role": Role.ORGANIZER}),
    # API keys: owners and admins only.
    Row("organizer:organization_api_keys", GET,  (LOGIN, 403, 403, 200, 404, 404, 404), HOST_ORG),
    Row("organizer:organization_api_keys", POST, (LOGIN, 403, 403, 200, 404, 404, 404), HOST_ORG,
        {"name": "CRM", "scope": "read"}),
    Row("organizer:organization_api_key_revoke", POST, (LOGIN, 403, 403, 302, 404, 404, 404),
        {"slug": "host", "key_id": "api_key"}),
    # Webhooks: owners and admins only.
    Row("organizer:organization_webhooks", GET,  (LOGIN, 403, 403, 200, 404, 404, 404), HOST_ORG),
    Row("organizer:organization_webhooks", POST, (LOGIN, 403, 403, 200, 404, 404, 404), HOST_ORG,
        {"url": "https://crm.example.org/hooks", "events": ["signature.confirmed"]}),
    Row("organizer:organization_webhook", GET,   (LOGIN, 403, 403, 200, 404, 404, 404),
        {"slug": "host", "endpoint_id": "webhook"}),
    Row("organizer:organization_webhook", POST,  (LOGIN, 403, 403, 302, 404, 404, 404),
        {"slug": "host", "endpoint_id": "webhook"}, {"active": "0"}),
    Row("organizer:organization_webhook_replay", POST, (LOGIN, 403, 403, 302, 404, 404, 404),
        {"slug": "host", "endpoint_id": "webhook", "delivery_id": "webhook_delivery"}),
    # A campaign's back office.
    Row("organizer:campaign", GET,                 (LOGIN, 200, 200, 200, 302, 404, 404)),
    Row("organizer:campaign_edit", GET,            (LOGIN, 403, 200, 200, 404, 404, 404)),
    Row("organizer:campaign_edit", POST,           (LOGIN, 403, 200, 200, 404, 404, 404)),
    Row("organizer:campaign_preview", GET,         (LOGIN, 200, 200, 200, 404, 404, 404)),
    Row("organizer:campaign_export", GET,          (LOGIN, 403, 200, 200, 404, 404, 404)),
    Row("organizer:campaign_paper_import", GET,    (LOGIN, 403, 200, 200, 404, 404, 404)),
    Row("organizer:campaign_paper_import", POST,   (LOGIN, 403, 200, 200, 404, 404, 404),
        {"slug": "campaign"}, {"label": "Rally"}),
    Row("organizer:campaign_version_notices", POST, (LOGIN, 403, 302, 302, 404, 404, 404)),
    Row("organizer:campaign_translation", GET,     (LOGIN, 403, 200, 200, 404, 404, 404),
        {"slug": "campaign", "language": "es"}),
    Row("organizer:campaign_translation", POST,    (LOGIN, 403, 302, 302, 404, 404, 404),
        {"slug": "campaign", "language": "es"},
        {"title": "Cancelen el contrato", "ask": "Cancelen el contrato.", "background": ""}),
    Row("organizer:campaign_action", GET,          (LOGIN, 403, 200, 200, 404, 404, 404),
        {"slug": "campaign", "action": "close"}),
    Row("organizer:campaign_action", POST,         (LOGIN, 403, 302, 302, 404, 404, 404),
        {"slug": "campaign", "action": "close"}),
    Row("organizer:campaign_partners", GET,        (LOGIN, 200, 200, 200, 403, 404, 404)),
    Row("organizer:campaign_partners", POST,       (LOGIN, 403, 200, 200, 403, 404, 404),
        {"slug": "campaign"}, {"name": "Faith Communities United", "slug": "faith-new"}),
    Row("organizer:campaign_partner_remove", GET,  (LOGIN, 403, 200, 200, 403, 404, 404),
        {"slug": "campaign", "partner_slug": "partner_slug"}),
    Row("organizer:campaign_partner_remove", POST, (LOGIN, 403, 302, 302, 403, 404, 404),
        {"slug": "campaign", "partner_slug": "partner_slug"}),
    Row("organizer:campaign_contribution", GET,    (LOGIN, 200, 200, 200, 200, 404, 404)),
    Row("organizer:campaign_supporters_export", GET, (LOGIN, 403, 200, 200, 200, 404, 404)),
    # A campaign's story: the target's responses, outcome, milestones, public comments.
    Row("organizer:campaign_responses", GET,       (LOGIN, 403, 200, 200, 404, 404, 404)),
    Row("organizer:campaign_responses", POST,      (LOGIN, 403, 302, 302, 404, 404, 404),
        {"slug": "campaign"}, {"responder_name": "Dana Whitfield", "stance": "refused",
                               "responded_at": "2026-03-02T10:00"}),
    Row("organizer:campaign_response_edit", GET,   (LOGIN, 403, 200, 200, 404, 404, 404),
        {"slug": "campaign", "response_id": "response"}),
    Row("organizer:campaign_response_edit", POST,  (LOGIN, 403, 302, 302, 404, 404, 404),
        {"slug": "campaign", "response_id": "response"},
        {"responder_name": "Dana Whitfield", "stance": "acknowledged",
         "responded_at": "2026-03-02T10:00"}),
    Row("organizer:campaign_response_delete", GET, (LOGIN, 403, 200, 200, 404, 404, 404),
        {"slug": "campaign", "response_id": "response"}),
    Row("organizer:campaign_response_delete", POST, (LOGIN, 403, 302, 302, 404, 404, 404),
        {"slug": "campaign", "response_id": "response"}),
    Row("organizer:campaign_outcome", GET,         (LOGIN, 403, 200, 200, 404, 404, 404)),
    Row("organizer:campaign_outcome", POST,        (LOGIN, 403, 302, 302, 404, 404, 404),
        {"slug": "campaign"}, {"outcome": "won", "note": "The contract was cancelled."}),
    Row("organizer:campaign_milestones", GET,      (LOGIN, 403, 200, 200, 404, 404, 404)),
    Row("organizer:campaign_milestones", POST,     (LOGIN, 403, 302, 302, 404, 404, 404),
        {"slug": "campaign"}, {"thresholds": "500, 5000"}),
    Row("organizer:campaign_comments", GET,        (LOGIN, 403, 200, 200, 404, 404, 404)),
    Row("organizer:campaign_comment_moderate", POST, (LOGIN, 403, 302, 302, 404, 404, 404),
        {"slug": "campaign", "public_id": "comment"}, {"hidden": "1"}),
    # How a campaign spreads: partners see their own supporters' part only (tests/sharing).
    Row("organizer:campaign_referrals", GET,       (LOGIN, 200, 200, 200, 200, 404, 404)),
    Row("organizer:campaign_charts", GET,          (LOGIN, 200, 200, 200, 200, 404, 404)),
    Row("organizer:campaign_what_next", GET,       (LOGIN, 200, 200, 200, 404, 404, 404)),
    Row("organizer:campaign_what_next", POST,      (LOGIN, 403, 302, 302, 404, 404, 404),
        {"slug": "campaign"}, {"what_next": ["share"]}),
    # Delivery and the transparency log.
    # Updates: the sending organization's members only (a partner writes as itself).
    Row("organizer:campaign_updates", GET,         (LOGIN, 200, 200, 200, 200, 404, 404)),
    Row("organizer:campaign_update_new", GET,      (LOGIN, 403, 200, 200, 200, 404, 404)),
    Row("organizer:campaign_update_new", POST,     (LOGIN, 403, 400, 400, 400, 404, 404)),
    Row("organizer:letter_updates", GET,           (LOGIN, 200, 200, 200, 404, 404, 404), LETTER),
    Row("organizer:letter_update_new", GET,        (LOGIN, 403, 200, 200, 404, 404, 404), LETTER),
    Row("organizer:update", GET,                   (LOGIN, 200, 200, 200, 404, 404, 404), UPDATE),
    Row("organizer:update_progress", GET,          (LOGIN, 200, 200, 200, 404, 404, 404), UPDATE),
    Row("organizer:update_edit", GET,              (LOGIN, 403, 200, 200, 404, 404, 404), UPDATE),
    Row("organizer:update_test", POST,             (LOGIN, 403, 302, 302, 404, 404, 404), UPDATE),
    Row("organizer:update_schedule", POST,         (LOGIN, 403, 302, 302, 404, 404, 404), UPDATE),
    # Nobody is in this update's audience: its editors are sent back to it, with the reason.
    Row("organizer:update_send", GET,              (LOGIN, 403, 302, 302, 404, 404, 404), UPDATE),
    Row("organizer:update_send", POST,             (LOGIN, 403, 302, 302, 404, 404, 404), UPDATE),
    Row("organizer:update_cancel", GET,            (LOGIN, 403, 200, 200, 404, 404, 404), UPDATE),
    Row("organizer:update_cancel", POST,           (LOGIN, 403, 302, 302, 404, 404, 404), UPDATE),
    Row("organizer:delivery_overview", GET,        (LOGIN, 200, 200, 200, 404, 404, 404)),
    Row("organizer:delivery_checkpoint_new", POST, (LOGIN, 403, 302, 302, 404, 404, 404)),
    Row("organizer:delivery_package_new", POST,    (LOGIN, 403, 302, 302, 404, 404, 404)),
    Row("organizer:delivery_package", GET,         (LOGIN, 200, 200, 200, 404, 404, 404),
        {"slug": "campaign", "package_id": "package"}),
    Row("organizer:delivery_package_download", GET, (LOGIN, 200, 200, 200, 404, 404, 404),
        {"slug": "campaign", "package_id": "package", "file": "pdf"}),
    Row("organizer:delivery_new", GET,    (LOGIN, 403, 200, 200, 404, 404, 404)),
    Row("organizer:delivery_new", POST,   (LOGIN, 403, 200, 200, 404, 404, 404)),
    Row("organizer:delivery_withdraw", GET,        (LOGIN, 403, 200, 200, 404, 404, 404)),
    Row("organizer:delivery_withdraw", POST,       (LOGIN, 403, 200, 200, 404, 404, 404)),
    # Open letters.
    Row("organizer:letter_list", GET,             (LOGIN, 200, 200, 200, 200, 200, 200), NONE),
    Row("organizer:letter_new", GET,              (LOGIN, 302, 200, 200, 200, 200, 302), NONE),
    Row("organizer:letter", GET,           (LOGIN, 200, 200, 200, 404, 404, 404), LETTER),
    Row("organizer:letter_edit", GET,             (LOGIN, 403, 200, 200, 404, 404, 404), LETTER),
    Row("organizer:letter_category_new", GET,     (LOGIN, 403, 200, 200, 404, 404, 404), LETTER),
    Row("organizer:letter_category_edit", GET,    (LOGIN, 403, 200, 200, 404, 404, 404),
        {"slug": "letter", "category": "employees"}),
    Row("organizer:letter_signatories", GET,      (LOGIN, 403, 200, 200, 404, 404, 404), LETTER),
    Row("organizer:letter_decide", POST,          (LOGIN, 403, 302, 302, 404, 404, 404), LETTER,
        {"decision": "approve", "signatories": ["signatory"]}),
    Row("organizer:letter_pin", POST,             (LOGIN, 403, 302, 302, 404, 404, 404),
        {"slug": "letter", "public_id": "signatory"}, {"pinned": "1"}),
    Row("organizer:letter_delivery_export", GET,  (LOGIN, 403, 200, 200, 404, 404, 404), LETTER),
    Row("organizer:letter_contacts_export", GET,  (LOGIN, 403, 200, 200, 404, 404, 404), LETTER),
    Row("organizer:letter_notify", POST,          (LOGIN, 403, 302, 302, 404, 404, 404), LETTER),
    Row("organizer:letter_recount", POST,         (LOGIN, 403, 302, 302, 404, 404, 404), LETTER),
    Row("organizer:letter_translation", GET,      (LOGIN, 403, 200, 200, 404, 404, 404),
        {"slug": "letter", "language": "es"}),
    Row("organizer:letter_translation", POST,     (LOGIN, 403, 302, 302, 404, 404, 404),
        {"slug": "letter", "language": "es"}, {"title": "Carta", "text": "Texto de la carta."}),
    Row("organizer:letter_action", GET,           (LOGIN, 403, 200, 200, 404, 404, 404),
        {"slug": "letter", "action": "close"}),
    Row("organizer:letter_action", POST,          (LOGIN, 403, 302, 302, 404, 404, 404),
        {"slug": "letter", "action": "close"}),
    # Events: a co-host's staff (the partner here) see the event, export their own RSVPs and
    # run the door (check-in, its counts, walk-ins); editing stays the host's.
    Row("organizer:event_list", GET,              (LOGIN, 200, 200, 200, 200, 200, 200), NONE),
    Row("organizer:event_new", GET,               (LOGIN, 302, 200, 200, 200, 200, 302), NONE),
    Row("organizer:event", GET,                   (LOGIN, 200, 200, 200, 200, 404, 404), EVENT),
    Row("organizer:event_edit", GET,              (LOGIN, 403, 200, 200, 404, 404, 404), EVENT),
    Row("organizer:event_edit", POST,             (LOGIN, 403, 400, 400, 404, 404, 404), EVENT),
    Row("organizer:event_action", POST,           (LOGIN, 403, 302, 302, 404, 404, 404),
        {"slug": "event", "action": "finish"}),
    Row("organizer:event_delivery", POST,         (LOGIN, 403, 302, 302, 404, 404, 404), EVENT),
    Row("organizer:event_rsvp_cancel", POST,      (LOGIN, 403, 302, 302, 404, 404, 404),
        {"slug": "event", "rsvp_id": "rsvp"}),
    Row("organizer:event_rsvps_export", GET,      (LOGIN, 403, 200, 200, 200, 404, 404), EVENT),
    Row("organizer:event_checkin", GET,           (LOGIN, 403, 200, 200, 200, 404, 404), EVENT),
    Row("organizer:event_checkin", POST,          (LOGIN, 403, 302, 302, 302, 404, 404), EVENT,
        {"code": "NOPE"}),
    Row("organizer:event_update_new", GET,        (LOGIN, 403, 200, 200, 200, 404, 404), EVENT),
    Row("organizer:event_update_new", POST,       (LOGIN, 403, 400, 400, 400, 404, 404), EVENT),
    Row("organizer:event_checkin_counts", GET,    (LOGIN, 403, 200, 200, 200, 404, 404), EVENT),
    Row("organizer:event_walk_in", POST,          (LOGIN, 403, 302, 302, 302, 404, 404), EVENT,
        {"name": "Walk In"}),
    # Invitations: the link is the authority, but one to an existing organization is accepted
    # only by one of its own owners or admins (none of these visitors).
    Row("invitation", GET,                         (200, 403, 403, 403, 403, 403, 403),
        {"token": "partner_token"}),
    Row("invitation", POST,                        (200, 403, 403, 403, 403, 403, 403),
        {"token": "partner_token"}),
    Row("invitation", GET,                         (200, 200, 200, 200, 200, 200, 200),
        {"token": "member_token"}),
    # Accounts and the Django admin (every admin view checks staff status as admin:index does).
    Row("password_change", GET,                    (LOGIN, 200, 200, 200, 200, 200, 200), NONE),
    Row("password_change_done", GET,               (LOGIN, 200, 200, 200, 200, 200, 200), NONE),
    Row("admin:index", GET,                        (ADMIN_LOGIN,) * 6 + (200,), NONE),
]
# fmt: on

# Pages anyone may open, each with its own checks.
PUBLIC_URLS = {
    # Public petition pages, their JSON and embed: drafts answer 404 (tests/campaigns).
    "campaigns:home", "campaigns:petition", "campaigns:petition_json",
    "delivery:timeline_json", "campaigns:petition_comments",
    "campaigns:petition_history", "campaigns:petition_embed", "campaigns:petition_embed_thanks",
    # Share images of public petitions and letters (drafts 404, tests/sharing).
    "campaigns:petition_share_image", "letters:share_image",
    # QR codes and printable posters of public petitions (tests/sharing/test_qr_codes.py).
    "campaigns:petition_qr", "campaigns:petition_poster",
    # The count's public history (tests/sharing/test_count_history.py).
    "campaigns:petition_history_json",
    # The public directory of published petitions and letters (tests/sharing/test_directory.py).
    "directory:directory",
    # Signing, and the signer's own links: a signed token is their only authority.
    "signatures:sign", "signatures:thanks", "signatures:confirm", "signatures:withdraw",
    "signatures:change",
    # Receipts (signed tokens), public deliveries, the checkpoint key and the log's proofs.
    "transparency:receipt", "transparency:receipt_download", "delivery:delivery",
    "transparency:public_key", "transparency:checkpoints", "transparency:checkpoint",
    "transparency:inclusion", "transparency:consistency",
    # The log as C2SP tiles and its signed checkpoint, and the log's keys: published for anyone
    # to recount (entries hold commitments only; nothing beyond the latest checkpoint is served).
    "transparency:tlog_checkpoint", "transparency:tlog_tile", "transparency:transparency_keys",
    # Open letters' public pages and signing; the verification link is a signed token.
    "letters:letter", "letters:letter_json", "letters:history", "letters:sign", "letters:thanks",
    "letters:verify",
    # Links e-mailed to a signatory's work or personal address: a signed token is their only
    # authority, and the paths name no letter (tests/letters/test_withdrawal.py).
    "letters:address_verify", "letters:address_cancel", "letters:updates_confirm",
    # The personal unsubscribe link of every update: its signed token is its only authority,
    # for one organization only (tests/updates/test_unsubscribe.py).
    "updates:unsubscribe",
    # Events' public pages, JSON and calendar file (drafts answer 404, tests/events), RSVPing,
    # and the links e-mailed to people who RSVP'd: a signed token is their only authority.
    "events:event", "events:event_json", "events:event_calendar", "events:rsvp_thanks",
    "events:rsvp_confirm", "events:rsvp_ticket", "events:rsvp_qr", "events:rsvp_calendar",
    "events:rsvp_cancel",
    # QR codes and printable posters of published events: what their public page shows
    # (drafts, cancelled and finished events answer 404, tests/events/test_posters.py).
    "events:event_qr", "events:event_poster",
    # Logging in and out, and resetting a forgotten password (throttled, tests/accounts).
    "login", "logout", "password_reset", "password_reset_done", "password_reset_confirm",
    "password_reset_complete",
    # The language switcher: it sets only the visitor's own language cookie (tests/core).
    "set_language",
    # The API's description and docs (what it offers, nobody's data); every API operation has
    # a row in API_TABLE instead (keys, not sessions, are its authority).
    "api-v1:openapi-json", "api-v1:openapi-view", "api-v1:api-root",
    # Probes for the load balancer, and public uploads (logos, delivery photos).
    "healthz", "readyz", r"^media/(?P<path>(?:logos|deliveries/photos)/[^/]+)$",
    # The site's icon, for browsers that ask for /favicon.ico (tests/core/test_favicon.py).
    "favicon",
}  # fmt: skip
# URL names covered by one row for all of them, and why that row stands for them.
SUMMARISED_PREFIXES = {
    "admin:": "admin:index",  # AdminSite.admin_view wraps every admin view in the same check
}


def url_patterns(patterns=None, namespace: str = "") -> list[str]:
    """Every URL pattern of the URLconf: its full name, or its route when it has none."""
    found = []
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(pattern, URLResolver):
            inner = namespace
            if pattern.namespace:
                inner = f"{namespace}{pattern.namespace}:"
            found += url_patterns(pattern.url_patterns, inner)
        elif isinstance(pattern, URLPattern):
            found.append(f"{namespace}{pattern.name or pattern.pattern}")
    return found


def test_every_url_has_a_row_or_is_public():
    rows = {row.name for row in TABLE} | {row.name for row in API_TABLE}
    missing = sorted(
        {
            name
            for name in url_patterns()
            if name not in rows
            and name not in PUBLIC_URLS
            and not any(
                name.startswith(prefix) and stand_in in rows
                for prefix, stand_in in SUMMARISED_PREFIXES.items()
            )
        }
    )

    assert missing == [], "add a Row to TABLE, or a commented entry to PUBLIC_URLS"


def test_the_tables_name_only_urls_that_exist():
    names = set(url_patterns())

    assert {row.name for row in TABLE} - names == set()
    assert {row.name for row in API_TABLE} - names == set()
    assert PUBLIC_URLS - names == set()


@pytest.fixture
def visitors(
    campaign, partner_a, partner_b, staff_of, make_user, make_org
) -> dict[str, User | None]:
    partner_staff = staff_of(partner_a.organization, Role.ORGANIZER)
    return {
        "anonymous": None,
        "host_viewer": staff_of(campaign.organization, Role.VIEWER),
        "host_organizer": staff_of(campaign.organization, Role.ORGANIZER),
        "host_owner": staff_of(campaign.organization, Role.OWNER),
        "partner": partner_staff,
        "partner_a": partner_staff,
        "partner_b": staff_of(partner_b.organization, Role.ORGANIZER),
        "outsider": make_user(make_org("Other group"), role=Role.OWNER),
        "platform_admin": User.objects.create_superuser("root", "root@example.org", "pw"),
    }


@pytest.fixture
def world(
    campaign,
    host,
    partner_a,
    visitors,
    letter,  # noqa: F811
    sign_letter,  # noqa: F811
    make_org,
    make_user,
    signed,
    make_event,  # noqa: F811
):
    """What the table's URL arguments name."""
    commenter = signed(email="someone@example.org", comment="Because.", comment_public=True)
    response = target_response_record(
        campaign=campaign,
        responder_name="Dana Whitfield",
        responded_at=timezone.now(),
        stance=ResponseStance.ACKNOWLEDGED,
    )
    package = DeliveryPackage.objects.create(campaign=campaign, directory="authorization")
    delivery_package_build(package_id=package.pk)
    faith = make_org("Faith Communities United", slug="faith-united")
    make_user(faith, role=Role.OWNER)
    _invitation, partner_token = partner_invitation_create(
        campaign=campaign, name="", slug="faith-united", created_by=visitors["host_owner"]
    )
    webhook = WebhookEndpoint.objects.create(
        organization=host,
        url="https://crm.example.org/hooks",
        events=["signature.withdrawn"],
        secret="whsec_c2VjcmV0",
    )
    _invitation, member_token = member_invitation_create(
        organization=host, created_by=visitors["host_owner"], role=Role.VIEWER
    )
    update = update_draft_create(
        organization=campaign.organization,
        campaign=campaign,
        subject="News",
        body_markdown="News.",
        audience="host_signers",
    )
    event = make_event(co_hosts=[partner_a.organization])
    rsvp = Rsvp.objects.create(event=event, name="Rae Vee", email="rae@example.org",
                               email_key="rae@example.org", status="waitlisted",
                               waitlist_position=1)  # fmt: skip
    return {
        "campaign": campaign.slug,
        "update": update.pk,
        "event": event.slug,
        "rsvp": rsvp.pk,
        "host": host.slug,
        "letter": letter.slug,
        "partner_slug": partner_a.slug,
        "package": package.pk,
        "response": response.pk,
        "comment": commenter.public_id,
        "viewer_membership": Membership.objects.get(user=visitors["host_viewer"]).pk,
        "signatory": sign_letter(letter).public_id,
        "partner_token": partner_token,
        "member_token": member_token,
        "api_key": api_key_create(organization=host, name="CRM", scope="read").api_key.pk,
        "webhook": webhook.pk,
        "webhook_delivery": WebhookDelivery.objects.create(
            endpoint=webhook,
            event_type="signature.withdrawn",
            event_id="msg_1",
            payload={},
            status="failed",
            next_attempt_at=timezone.now(),
            created_at=timezone.now(),
        ).pk,
    }


def _resolved(value: object, world: dict[str, object]) -> object:
    if isinstance(value, list):
        return [_resolved(item, world) for item in value]
    return world.get(value, value) if isinstance(value, str) else value


def _answer(response) -> object:
    """The table's word for a response: a status, or where a redirect to a login goes."""
    if response.status_code == 302:
        for word, login in ((LOGIN, reverse("login")), (ADMIN_LOGIN, reverse("admin:login"))):
            if response["Location"].startswith(login):
                return word
    return response.status_code


@pytest.mark.parametrize("row", TABLE, ids=lambda row: f"{row.method} {row.name}")
def test_the_authorization_table(client, visitors, world, row):
    url = reverse(row.name, kwargs={key: _resolved(v, world) for key, v in row.kwargs.items()})
    data = {key: _resolved(value, world) for key, value in row.data.items()}
    answers = []
    for visitor in VISITORS:
        # Each visitor meets the same world: what one changes is rolled back before the next.
        with transaction.atomic():
            client.logout()
            if visitors[visitor] is not None:
                client.force_login(visitors[visitor])
            answers.append(_answer(getattr(client, row.method)(url, data)))
            transaction.set_rollback(True)

    assert dict(zip(VISITORS, answers, strict=True)) == dict(
        zip(VISITORS, row.expected, strict=True)
    )


@pytest.fixture
def signers(client, campaign, partner_a, partner_b):
    """One signer per organization, each consenting to the one that brought them."""
    sign_through(
        client, campaign, email="host-fan@example.org", name="Hana Host", contact_host="on"
    )
    client.post(confirmation_link_from_outbox())
    for partner, email, name in [
        ("migrant-justice", "a-fan@example.org", "Abel Alpha"),
        ("digital-rights", "b-fan@example.org", "Bea Beta"),
    ]:
        sign_through(
            client, campaign, partner=partner, email=email, name=name, contact_partner="on"
        )
        client.post(confirmation_link_from_outbox())
    sign_through(
        client, campaign, partner="migrant-justice", email="quiet@example.org", name="Quinn Quiet"
    )
    client.post(confirmation_link_from_outbox())


def csv_rows(response):
    return list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))


@pytest.mark.parametrize(
    ("visitor", "expected_emails"),
    [
        ("host_organizer", {"host-fan@example.org"}),
        ("partner_a", {"a-fan@example.org"}),
        ("partner_b", {"b-fan@example.org"}),
    ],
)
def test_each_organization_downloads_only_its_consenting_supporters(
    client, campaign, visitors, signers, visitor, expected_emails
):
    client.force_login(visitors[visitor])

    rows = csv_rows(
        client.get(reverse("organizer:campaign_supporters_export", args=[campaign.slug]))
    )

    assert {row["email"] for row in rows} == expected_emails
    assert list(rows[0]) == [
        "first_name", "last_name", "email", "postal_code", "country", "created", "source",
    ]  # fmt: skip


def test_a_partner_sees_its_own_contribution_and_never_another_partners_people(
    client, campaign, visitors, signers
):
    client.force_login(visitors["partner_a"])

    body = client.get(
        reverse("organizer:campaign_contribution", args=[campaign.slug])
    ).content.decode()

    assert '<strong data-testid="confirmed-count">2</strong>' in body
    assert "?partner=migrant-justice" in body
    for private in ("b-fan@example.org", "Bea Beta", "a-fan@example.org", "Abel Alpha"):
        assert private not in body


def test_a_partner_is_sent_from_the_host_page_to_its_own(client, campaign, visitors):
    client.force_login(visitors["partner_b"])

    response = client.get(reverse("organizer:campaign", args=[campaign.slug]))

    assert response["Location"] == reverse("organizer:campaign_contribution", args=[campaign.slug])


def test_viewers_see_figures_but_no_personal_data_anywhere(client, campaign, visitors, signers):
    client.force_login(visitors["host_viewer"])

    for url_name in (
        "organizer:campaign",
        "organizer:campaign_partners",
        "organizer:campaign_contribution",
    ):
        body = client.get(reverse(url_name, args=[campaign.slug])).content.decode()
        for private in ("@example.org", "Hana Host", "Abel Alpha", "Bea Beta"):
            assert private not in body, (url_name, private)


def test_the_dashboard_lists_campaigns_hosted_or_co_sponsored(
    client, campaign, visitors, make_campaign
):
    unrelated = make_campaign(title="Unrelated campaign")
    client.force_login(visitors["partner_a"])

    body = client.get(reverse("organizer:dashboard")).content.decode()

    assert campaign.title in body
    assert unrelated.title not in body


def test_only_host_editors_can_remove_partners(client, campaign, visitors, partner_a):
    url = reverse("organizer:campaign_partner_remove", args=[campaign.slug, partner_a.slug])
    for visitor, expected in [
        ("host_viewer", 403),
        ("partner_a", 403),
        ("partner_b", 403),
        ("platform_admin", 404),
    ]:
        client.force_login(visitors[visitor])
        assert client.post(url).status_code == expected, visitor
    partner_a.refresh_from_db()
    assert partner_a.removed_at is None

    client.force_login(visitors["host_organizer"])
    client.post(url)

    partner_a.refresh_from_db()
    assert partner_a.removed_at is not None


# The API: an API key is the only authority. Its organization sees what its staff may export.
KEY_VISITORS = (
    "no_key",
    "host_read",
    "host_write",
    "partner_read",  # a read key of a partner organization of the campaign
    "partner_write",
    "outsider_read",  # a read key of an unrelated organization
    "revoked",  # a revoked write key of the host
)


@dataclass(frozen=True)
class ApiRow:
    name: str
    method: str
    expected: tuple[int, ...]  # one per KEY_VISITORS entry
    kwargs: dict[str, object] = field(default_factory=lambda: {"slug": "campaign"})
    json: dict[str, object] | None = None


# fmt: off
API_TABLE = [
    #      URL name, method,                   (no key, host r, host w, partner r, partner w,
    #                                             outsider, revoked)
    ApiRow("api-v1:petitions", GET,            (401, 200, 200, 200, 200, 200, 401), NONE),
    ApiRow("api-v1:petition", GET,             (401, 200, 200, 200, 200, 404, 401)),
    ApiRow("api-v1:petition_signatures", GET,  (401, 200, 200, 200, 200, 404, 401)),
    # Recording: write keys only; confirmed_by only for the host's.
    ApiRow("api-v1:petition_signatures", POST, (401, 403, 202, 403, 202, 403, 401),
        json={"person": {"given_name": "Ada", "family_name": "Lovelace",
                         "email_addresses": [{"address": "ada@example.org"}],
                         "postal_addresses": [{"country": "GB"}]}}),
    ApiRow("api-v1:petition_signatures", POST, (401, 403, 201, 403, 403, 403, 401),
        json={"person": {"given_name": "Ada", "family_name": "Lovelace",
                         "email_addresses": [{"address": "ada@example.org"}],
                         "postal_addresses": [{"country": "GB"}]},
              "confirmed_by": "organizer"}),
    ApiRow("api-v1:people", GET,               (401, 200, 200, 200, 200, 200, 401), NONE),
    ApiRow("api-v1:letters", GET,              (401, 200, 200, 200, 200, 200, 401), NONE),
    ApiRow("api-v1:letter", GET,               (401, 200, 200, 404, 404, 404, 401), LETTER),
    ApiRow("api-v1:letter_signatories", GET,   (401, 200, 200, 404, 404, 404, 401), LETTER),
    # The world's event is published and co-hosted by partner A.
    ApiRow("api-v1:events", GET,               (401, 200, 200, 200, 200, 200, 401), NONE),
    ApiRow("api-v1:event", GET,                (401, 200, 200, 200, 200, 404, 401), EVENT),
    ApiRow("api-v1:event_attendances", GET,    (401, 200, 200, 200, 200, 404, 401), EVENT),
]
# fmt: on


def api_operations() -> set[tuple[str, str]]:
    """(URL name, method) of every operation of the NinjaAPI, walked through its routers."""
    found = set()
    for _prefix, router in api._routers:
        for path_view in router.path_operations.values():
            for operation in path_view.operations:
                for method in operation.methods:
                    found.add((f"api-v1:{operation.url_name}", method.lower()))
    return found


def test_every_api_operation_has_a_row():
    rows = {(row.name, row.method) for row in API_TABLE}

    assert api_operations() - rows == set(), "add an ApiRow to API_TABLE"
    assert rows - api_operations() == set()


@pytest.fixture
def keys(campaign, partner_a, make_org) -> dict[str, str | None]:
    def key(organization, scope):
        return api_key_create(organization=organization, name="tool", scope=scope)

    revoked = key(campaign.organization, "write")
    api_key_revoke(api_key=revoked.api_key)
    return {
        "no_key": None,
        "host_read": key(campaign.organization, "read").secret,
        "host_write": key(campaign.organization, "write").secret,
        "partner_read": key(partner_a.organization, "read").secret,
        "partner_write": key(partner_a.organization, "write").secret,
        "outsider_read": key(make_org("Unrelated group"), "read").secret,
        "revoked": revoked.secret,
    }


@pytest.mark.parametrize("row", API_TABLE, ids=lambda row: f"{row.method} {row.name}")
def test_the_api_authorization_table(client, keys, world, row, settings):
    settings.API_RATE_LIMIT = 0
    url = reverse(row.name, kwargs={key: _resolved(v, world) for key, v in row.kwargs.items()})
    answers = []
    for visitor in KEY_VISITORS:
        headers = {} if keys[visitor] is None else {"HTTP_AUTHORIZATION": f"Bearer {keys[visitor]}"}
        with transaction.atomic():
            if row.json is None:
                response = getattr(client, row.method)(url, **headers)
            else:
                response = getattr(client, row.method)(
                    url, row.json, content_type="application/json", **headers
                )
            answers.append(response.status_code)
            assert response["Content-Type"].startswith("application/json"), (visitor, response)
            transaction.set_rollback(True)

    assert dict(zip(KEY_VISITORS, answers, strict=True)) == dict(
        zip(KEY_VISITORS, row.expected, strict=True)
    )
