"""Every page carries the Content-Security-Policy, and no page needs what it forbids: no inline
script, no style element, no style attribute, no event-handler attribute, no javascript: URL.

The pages are found by walking the URLconf: a URL with no row in `visits` fails the test, so a
page is checked from the day it is added. Each row renders the page as its visitor would (an
anonymous signer, the campaign's owner, a superuser in the admin), including the pages shown
after a mistake (a form with errors, a bad link).
"""

from dataclasses import dataclass, field
from datetime import UTC, datetime
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.contrib import admin
from django.contrib.auth.tokens import default_token_generator
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from groundswell.accounts.models import Role
from groundswell.campaigns.models import ResponseStance
from groundswell.campaigns.responses import target_response_record
from groundswell.coalitions.models import Partner
from groundswell.coalitions.services import member_invitation_create, partner_invitation_create
from groundswell.delivery.models import DeliveryPackage
from groundswell.delivery.services.deliveries import delivery_record
from groundswell.delivery.services.packages import delivery_package_build
from groundswell.letters.services.erasure import withdrawal_url as letter_withdrawal_url
from groundswell.letters.services.personal_email import personal_email_confirmation_url
from groundswell.letters.services.signing import NextStep, verification_token_make, verification_url
from groundswell.signatures.links import receipt_token_make
from groundswell.signatures.models import PendingChange
from groundswell.signatures.services import change_url, confirmation_token_make, withdrawal_url
from groundswell.updates.addresses import address_hash
from groundswell.updates.messages import unsubscribe_url
from groundswell.updates.services import update_draft_create
from tests.conftest import sign_data
from tests.events.conftest import confirmation_token as rsvp_confirmation_token
from tests.events.conftest import (  # noqa: F401 (fixtures)
    make_event,
    rsvp_form,
    rsvped,
    ticket_token,
)
from tests.letters.conftest import (  # noqa: F401 (fixtures)
    letter,
    make_letter,
    sign_form_data,
    sign_letter,
)
from tests.transparency.conftest import (  # noqa: F401 (fixtures)
    _delivery_isolated,
    checkpoint_key_file,
    confirm_many,
)

pytestmark = pytest.mark.django_db

TEMPLATES = Path(__file__).resolve().parents[2] / "groundswell" / "templates"
ANONYMOUS, OWNER, SUPERUSER = "anonymous", "owner", "superuser"


@dataclass
class Visit:
    path: str
    status: int = 200
    method: str = "get"
    data: dict = field(default_factory=dict)
    who: str = ANONYMOUS


class InlineCode(HTMLParser):
    """Collects what the policy would block in an HTML document."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        names = dict(attrs)
        if tag == "script" and "src" not in names:
            self.found.append(f"<script> without src: {self.get_starttag_text()}")
        if tag == "style":
            self.found.append("<style> element")
        for name, value in attrs:
            if name == "style" or name.startswith("on"):
                self.found.append(f"{name}= attribute: {self.get_starttag_text()}")
            if name in {"href", "src", "action", "formaction"} and (
                value or ""
            ).strip().lower().startswith("javascript:"):
                self.found.append(f"javascript: URL: {self.get_starttag_text()}")


def inline_code(html: str) -> list[str]:
    parser = InlineCode()
    parser.feed(html)
    parser.close()
    return parser.found


def url_names(patterns=None, namespace=None):
    """Every named URL outside the admin, as "namespace:name" (or its pattern if unnamed)."""
    for entry in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(entry, URLResolver):
            if entry.app_name == "admin":
                continue
            inner = entry.namespace
            joined = f"{namespace}:{inner}" if namespace and inner else inner or namespace
            yield from url_names(entry.url_patterns, joined)
        elif isinstance(entry, URLPattern):
            name = entry.name or str(entry.pattern)
            yield f"{namespace}:{name}" if namespace and entry.name else name


@pytest.fixture
def world(request, campaign, owner, make_org, make_user, settings):
    """A campaign with a partner, confirmed signers, a delivery and a built package; an open
    letter with signatories; links of every kind."""
    confirm_signers = request.getfixturevalue("confirm_many")
    the_letter = request.getfixturevalue("letter")
    sign_the_letter = request.getfixturevalue("sign_letter")
    settings.GROUNDSWELL_BASE_URL = "http://testserver"
    partner = Partner.objects.create(
        campaign=campaign, organization=make_org("Faith United"), slug="faith-united"
    )
    signers = confirm_signers(3, show_name=True, comment="Because.", comment_public=True)
    response = target_response_record(
        campaign=campaign,
        responder_name="Dana Whitfield",
        responder_title="CEO",
        responded_at=datetime(2026, 3, 3, 9, 0, tzinfo=UTC),
        quote="We will keep the contract.",
        source_url="https://example.com/post",
        stance=ResponseStance.REFUSED,
    )
    delivery = delivery_record(
        campaign=campaign,
        user=owner,
        delivered_at=datetime(2026, 3, 1, 10, 30, tzinfo=UTC),
        place="Northwind Cloud HQ",
        received_by="Head of public affairs",
        notes="Boxes.",
    )
    package = DeliveryPackage.objects.create(campaign=campaign, directory="pkg")
    delivery_package_build(package_id=package.pk)
    # Confirmed after the package was built, so that withdrawing them discards no package.
    leaving_signer = confirm_signers(1, prefix="leaving")[0]
    signatory = sign_the_letter(the_letter, category="scholars", approve=False)
    sign_the_letter(the_letter, category="supporters", work_email="")
    leaving = sign_the_letter(the_letter, category="scholars", work_email="w2@uni.example.edu")
    updates = sign_the_letter(
        the_letter, category="supporters", work_email="", personal_email="me@example.org",
        confirm_personal_email=False,
    )  # fmt: skip
    change = PendingChange.objects.create(
        signature=signers[1], partner=partner, consents=[], created_at=timezone.now()
    )
    _invitation, invitation_token = member_invitation_create(
        organization=campaign.organization, created_by=owner, role=Role.VIEWER
    )
    _invitation, partner_invitation_token = partner_invitation_create(
        campaign=campaign, name="New Partners", slug="new-partners", created_by=owner
    )
    member = make_user(campaign.organization, role=Role.VIEWER, username="member")
    resetter = make_user(username="forgetful", email="forgetful@example.org")
    event = request.getfixturevalue("make_event")(slug="rally", online_url="https://meet.example")
    rsvp_through = request.getfixturevalue("rsvped")
    return {
        "event": event,
        "rsvp": rsvp_through(event),
        "pending_rsvp": rsvp_through(event, confirm=False),
        "leaving_rsvp": rsvp_through(event),
        "campaign": campaign,
        "slug": campaign.slug,
        "partner": partner,
        "signer": signers[0],
        "leaving_signer": leaving_signer,
        "delivery": delivery,
        "response": response,
        "package": package,
        "letter": the_letter,
        "signatory": signatory,
        "leaving_signatory": leaving,
        "updates_signatory": updates,
        "change": change,
        "invitation_token": invitation_token,
        "partner_invitation_token": partner_invitation_token,
        "owner": owner,
        "membership": member.memberships.get(),
        "resetter": resetter,
        "update": update_draft_create(
            organization=campaign.organization,
            campaign=campaign,
            subject="News",
            body_markdown="**News.**",
            audience="host_signers",
            created_by=owner,
        ),
    }


def visits(world) -> dict[str, list[Visit]]:
    slug = world["slug"]
    org = world["campaign"].organization.slug
    open_letter = world["letter"].slug
    signer = world["signer"]
    confirm_token = confirmation_token_make(public_id=signer.public_id)
    leaving = world["leaving_signer"]
    withdraw_path = withdrawal_url(campaign_slug=slug, public_id=leaving.public_id).removeprefix(
        "http://testserver"
    )
    receipt_token = receipt_token_make(public_id=signer.public_id)
    verify_token = verification_token_make(public_id=world["signatory"].public_id)
    resetter = world["resetter"]
    uid = urlsafe_base64_encode(force_bytes(resetter.pk))
    reset_token = default_token_generator.make_token(resetter)

    def url(name, *args):
        return reverse(name, args=args)

    def local(absolute):
        return absolute.removeprefix("http://testserver")

    change_path = local(change_url(campaign_slug=slug, change_id=world["change"].public_id))
    address_verify = local(verification_url(public_id=world["signatory"].public_id))
    address_cancel = local(letter_withdrawal_url(public_id=world["leaving_signatory"].public_id))
    updates_confirm = local(
        personal_email_confirmation_url(public_id=world["updates_signatory"].public_id)
    )

    update = world["update"]
    unsubscribe = local(
        unsubscribe_url(
            organization_id=world["campaign"].organization_id,
            organization_slug=org,
            address_hash=address_hash("someone@example.org"),
        )
    )

    def both(path, status=200):
        return [Visit(path, status), Visit(path, status, who=OWNER)]

    def organizer(path, status=200, method="get", data=None):
        return [Visit(path, status, method, data or {}, who=OWNER)]

    sign = url("signatures:sign", slug)
    letter_sign = url("letters:sign", open_letter)
    return {
        "campaigns:home": both(url("campaigns:home")),
        "directory:directory": [
            *both(url("directory:directory")),
            Visit(url("directory:directory") + "?q=contract"),
            Visit(url("directory:directory") + "?page=0", 400),
        ],
        "campaigns:petition": [
            *both(url("campaigns:petition", slug)),
            Visit(url("campaigns:petition", slug) + "?partner=faith-united&source=mail"),
        ],
        "campaigns:petition_json": [Visit(url("campaigns:petition_json", slug))],
        "delivery:timeline_json": [Visit(url("delivery:timeline_json", slug))],
        "campaigns:petition_comments": [
            *both(url("campaigns:petition_comments", slug)),
            Visit(url("campaigns:petition_comments", slug) + "?page=9"),
        ],
        "organizer:campaign_responses": [
            *organizer(url("organizer:campaign_responses", slug)),
            *organizer(
                url("organizer:campaign_responses", slug), 400, "post", {"source_url": "ftp://x"}
            ),
        ],
        "organizer:campaign_response_edit": organizer(
            url("organizer:campaign_response_edit", slug, world["response"].pk)
        ),
        "organizer:campaign_response_delete": [
            *organizer(url("organizer:campaign_response_delete", slug, world["response"].pk)),
            *organizer(
                url("organizer:campaign_response_delete", slug, world["response"].pk), 302, "post"
            ),
        ],
        "organizer:campaign_outcome": organizer(url("organizer:campaign_outcome", slug)),
        "organizer:campaign_milestones": organizer(url("organizer:campaign_milestones", slug)),
        "organizer:campaign_comments": organizer(url("organizer:campaign_comments", slug)),
        "organizer:campaign_comment_moderate": organizer(
            url("organizer:campaign_comment_moderate", slug, signer.public_id),
            302,
            "post",
            {"hidden": "1"},
        ),
        "campaigns:petition_share_image": [Visit(url("campaigns:petition_share_image", slug))],
        "letters:share_image": [Visit(url("letters:share_image", open_letter))],
        "campaigns:petition_qr": [
            Visit(url("campaigns:petition_qr", slug) + "?partner=faith-united"),
            Visit(url("campaigns:petition_qr", slug) + "?partner=nobody", 404),
        ],
        "campaigns:petition_poster": both(url("campaigns:petition_poster", slug)),
        "campaigns:petition_history_json": [
            Visit(url("campaigns:petition_history_json", slug)),
            Visit(url("campaigns:petition_history_json", slug) + "?days=0", 400),
        ],
        "campaigns:petition_history": both(url("campaigns:petition_history", slug)),
        "campaigns:petition_embed": [
            Visit(url("campaigns:petition_embed", slug) + "?partner=faith-united")
        ],
        "campaigns:petition_embed_thanks": [Visit(url("campaigns:petition_embed_thanks", slug))],
        "signatures:sign": [
            Visit(sign, 302, "post", sign_data(email="new@example.org")),
            Visit(sign, 400, "post", sign_data(email="not an address")),
            Visit(sign, 400, "post", {**sign_data(name=""), "embed": "1"}),
        ],
        "signatures:thanks": [Visit(url("signatures:thanks", slug))],
        "signatures:confirm": [
            Visit(url("signatures:confirm", slug, confirm_token)),
            Visit(url("signatures:confirm", slug, confirm_token), method="post"),
            Visit(url("signatures:confirm", slug, "not-a-token"), 400),
        ],
        "signatures:withdraw": [
            Visit(withdraw_path),
            Visit(withdraw_path, method="post"),
            Visit(url("signatures:withdraw", slug, "not-a-token"), 400),
        ],
        "signatures:change": [
            Visit(change_path),
            Visit(change_path, method="post"),
            Visit(url("signatures:change", slug, "not-a-token"), 400),
        ],
        "letters:address_verify": [
            Visit(address_verify),
            Visit(address_verify, method="post"),
            Visit(url("letters:address_verify", "not-a-token"), 400),
        ],
        "letters:address_cancel": [
            Visit(address_cancel),
            Visit(address_cancel, method="post"),
            Visit(url("letters:address_cancel", "not-a-token"), 400),
        ],
        "letters:updates_confirm": [
            Visit(updates_confirm),
            Visit(updates_confirm, method="post"),
            Visit(url("letters:updates_confirm", "not-a-token"), 400),
        ],
        "invitation": [
            Visit(url("invitation", world["invitation_token"])),
            Visit(url("invitation", world["invitation_token"]), who=OWNER),
            Visit(url("invitation", world["partner_invitation_token"]), who=OWNER),
            Visit(url("invitation", "not-a-token"), 400),
        ],
        "transparency:receipt": [
            Visit(url("transparency:receipt", slug, receipt_token)),
            Visit(url("transparency:receipt", slug, "not-a-token"), 400),
        ],
        "transparency:receipt_download": [
            Visit(url("transparency:receipt_download", slug, receipt_token))
        ],
        "delivery:delivery": both(url("delivery:delivery", slug, world["delivery"].pk)),
        "transparency:public_key": [Visit(url("transparency:public_key"))],
        "transparency:checkpoints": [Visit(url("transparency:checkpoints", slug))],
        "transparency:checkpoint": [
            Visit(url("transparency:checkpoint", slug, world["delivery"].checkpoint.tree_size))
        ],
        "transparency:inclusion": [
            Visit(url("transparency:inclusion", slug) + "?leaf_index=0"),
            Visit(url("transparency:inclusion", slug) + "?leaf_index=²", 400),
        ],
        "transparency:tlog_checkpoint": [Visit(url("transparency:tlog_checkpoint", slug))],
        "transparency:tlog_tile": [
            Visit(url("transparency:tlog_tile", slug, "0/000.p/1")),
            Visit(url("transparency:tlog_tile", slug, "0/0"), 404),
        ],
        "transparency:transparency_keys": [Visit(url("transparency:transparency_keys"))],
        "transparency:consistency": [
            Visit(url("transparency:consistency", slug) + "?old=1&new=3", 400)
        ],
        "updates:unsubscribe": [
            Visit(unsubscribe),
            Visit(unsubscribe, method="post"),
            Visit(url("updates:unsubscribe", org, "not-a-token"), 400),
        ],
        "organizer:campaign_updates": organizer(url("organizer:campaign_updates", slug)),
        "organizer:campaign_update_new": [
            *organizer(url("organizer:campaign_update_new", slug)),
            *organizer(url("organizer:campaign_update_new", slug), 400, "post", {"subject": ""}),
        ],
        "organizer:letter_updates": organizer(url("organizer:letter_updates", open_letter)),
        "organizer:letter_update_new": organizer(url("organizer:letter_update_new", open_letter)),
        "organizer:update": organizer(url("organizer:update", update.pk)),
        "organizer:update_edit": organizer(url("organizer:update_edit", update.pk)),
        "organizer:update_progress": organizer(url("organizer:update_progress", update.pk)),
        "organizer:update_test": organizer(url("organizer:update_test", update.pk), 302, "post"),
        "organizer:update_schedule": organizer(
            url("organizer:update_schedule", update.pk), 302, "post"
        ),
        "organizer:update_send": [
            # Nobody is in its audience: back to the update (the confirmation page is the one
            # update_cancel renders).
            *organizer(url("organizer:update_send", update.pk), 302),
            *organizer(url("organizer:update_send", update.pk), 302, "post"),
        ],
        "organizer:update_cancel": [
            *organizer(url("organizer:update_cancel", update.pk)),
            *organizer(url("organizer:update_cancel", update.pk), 302, "post"),
        ],
        "organizer:delivery_overview": organizer(url("organizer:delivery_overview", slug)),
        "organizer:delivery_checkpoint_new": organizer(
            url("organizer:delivery_checkpoint_new", slug), 302, "post"
        ),
        "organizer:delivery_package_new": organizer(
            url("organizer:delivery_package_new", slug), 302, "post"
        ),
        "organizer:delivery_package": organizer(
            url("organizer:delivery_package", slug, world["package"].pk)
        ),
        "organizer:delivery_package_download": organizer(
            url("organizer:delivery_package_download", slug, world["package"].pk, "csv")
        ),
        "organizer:delivery_new": [
            *organizer(url("organizer:delivery_new", slug)),
            *organizer(url("organizer:delivery_new", slug), 200, "post", {"place": ""}),
        ],
        "organizer:delivery_withdraw": [
            *organizer(url("organizer:delivery_withdraw", slug)),
            *organizer(
                url("organizer:delivery_withdraw", slug), 200, "post", {"email": "x@example.org"}
            ),
        ],
        "organizer:dashboard": organizer(url("organizer:dashboard")),
        "organizer:campaign_new": [
            *organizer(url("organizer:campaign_new")),
            *organizer(url("organizer:campaign_new"), 200, "post", {"title": ""}),
        ],
        "organizer:organization_members": organizer(url("organizer:organization_members", org)),
        "organizer:organization_api_keys": [
            *organizer(url("organizer:organization_api_keys", org)),
            *organizer(
                url("organizer:organization_api_keys", org),
                200,
                "post",
                {"name": "CRM", "scope": "read"},
            ),
        ],
        "organizer:campaign_paper_import": [
            *organizer(url("organizer:campaign_paper_import", slug)),
            *organizer(url("organizer:campaign_paper_import", slug), 200, "post", {"label": "x"}),
        ],
        "organizer:organization_webhooks": [
            *organizer(url("organizer:organization_webhooks", org)),
            *organizer(url("organizer:organization_webhooks", org), 200, "post", {"url": "x"}),
        ],
        "organizer:organization_webhook": organizer(
            url("organizer:organization_webhook", org, 999_999), 404
        ),
        "organizer:organization_webhook_replay": organizer(
            url("organizer:organization_webhook_replay", org, 999_999, 1), 404, "post"
        ),
        "organizer:organization_api_key_revoke": organizer(
            url("organizer:organization_api_key_revoke", org, 999_999), 404, "post"
        ),
        "organizer:organization_profile": organizer(
            url("organizer:organization_profile", org), 302, "post", {"name": ""}
        ),
        "organizer:organization_member_change": organizer(
            url("organizer:organization_member_change", org, world["membership"].pk),
            302,
            "post",
            {"role": Role.VIEWER},
        ),
        "organizer:campaign": organizer(url("organizer:campaign", slug)),
        "organizer:campaign_edit": [
            *organizer(url("organizer:campaign_edit", slug)),
            *organizer(url("organizer:campaign_edit", slug), 200, "post", {"title": ""}),
        ],
        "organizer:campaign_preview": organizer(url("organizer:campaign_preview", slug)),
        "organizer:campaign_export": organizer(url("organizer:campaign_export", slug)),
        "organizer:campaign_version_notices": organizer(
            url("organizer:campaign_version_notices", slug), 302, "post"
        ),
        "organizer:campaign_partners": organizer(url("organizer:campaign_partners", slug)),
        "organizer:campaign_referrals": organizer(url("organizer:campaign_referrals", slug)),
        "organizer:campaign_charts": organizer(url("organizer:campaign_charts", slug)),
        "organizer:campaign_what_next": [
            *organizer(url("organizer:campaign_what_next", slug)),
            *organizer(url("organizer:campaign_what_next", slug), 200, "post", {"what_next": "x"}),
        ],
        "organizer:campaign_partner_remove": [
            *organizer(url("organizer:campaign_partner_remove", slug, "faith-united")),
            *organizer(url("organizer:campaign_partner_remove", slug, "faith-united"), 302, "post"),
        ],
        "organizer:campaign_contribution": organizer(url("organizer:campaign_contribution", slug)),
        "organizer:campaign_supporters_export": organizer(
            url("organizer:campaign_supporters_export", slug)
        ),
        "organizer:campaign_translation": [
            *organizer(url("organizer:campaign_translation", slug, "es")),
            *organizer(url("organizer:campaign_translation", slug, "es"), 400, "post", {}),
            *organizer(
                url("organizer:campaign_translation", slug, "es"),
                302,
                "post",
                {"title": "Cancelen el contrato", "ask": "Cancelen el contrato.", "background": ""},
            ),
        ],
        "organizer:campaign_action": [
            *organizer(url("organizer:campaign_action", slug, "close")),
            *organizer(url("organizer:campaign_action", slug, "mark_won")),
            *organizer(url("organizer:campaign_action", slug, "close"), 302, "post"),
        ],
        "letters:letter": [
            *both(url("letters:letter", open_letter)),
            Visit(url("letters:letter", open_letter) + "?q=scholar&category=scholars&page=1"),
            Visit(url("letters:letter", open_letter) + "?page=²", 400),
        ],
        "letters:letter_json": [Visit(url("letters:letter_json", open_letter))],
        "letters:history": [Visit(url("letters:history", open_letter))],
        "letters:sign": [
            Visit(letter_sign),
            Visit(letter_sign, 400, "post", sign_form_data(world["letter"], name="")),
        ],
        "letters:thanks": [
            Visit(url("letters:thanks", open_letter) + f"?step={step}")
            for step in sorted(NextStep.ALL)
        ],
        "letters:verify": [
            Visit(url("letters:verify", open_letter, verify_token)),
            Visit(url("letters:verify", open_letter, verify_token), method="post"),
            Visit(url("letters:verify", open_letter, "not-a-token"), 400),
        ],
        "organizer:letter_list": organizer(url("organizer:letter_list")),
        "organizer:letter_new": [
            *organizer(url("organizer:letter_new")),
            *organizer(url("organizer:letter_new"), 200, "post", {"title": ""}),
        ],
        "organizer:letter": organizer(url("organizer:letter", open_letter)),
        "organizer:letter_edit": organizer(url("organizer:letter_edit", open_letter)),
        "organizer:letter_category_new": organizer(
            url("organizer:letter_category_new", open_letter)
        ),
        "organizer:letter_category_edit": organizer(
            url("organizer:letter_category_edit", open_letter, "scholars")
        ),
        "organizer:letter_signatories": [
            *organizer(url("organizer:letter_signatories", open_letter)),
            *organizer(url("organizer:letter_signatories", open_letter) + "?status=approved"),
        ],
        "organizer:letter_decide": organizer(
            url("organizer:letter_decide", open_letter), 302, "post", {"decision": "approve"}
        ),
        "organizer:letter_pin": organizer(
            url("organizer:letter_pin", open_letter, world["signatory"].public_id), 302, "post"
        ),
        "organizer:letter_delivery_export": organizer(
            url("organizer:letter_delivery_export", open_letter)
        ),
        "organizer:letter_contacts_export": organizer(
            url("organizer:letter_contacts_export", open_letter)
        ),
        "organizer:letter_notify": organizer(
            url("organizer:letter_notify", open_letter), 302, "post"
        ),
        "organizer:letter_recount": organizer(
            url("organizer:letter_recount", open_letter), 302, "post"
        ),
        "organizer:letter_translation": [
            *organizer(url("organizer:letter_translation", open_letter, "es")),
            *organizer(url("organizer:letter_translation", open_letter, "es"), 400, "post", {}),
            *organizer(
                url("organizer:letter_translation", open_letter, "es"),
                302,
                "post",
                {"title": "Carta", "text": "Texto de la carta."},
            ),
        ],
        "organizer:letter_action": [
            *organizer(url("organizer:letter_action", open_letter, "close")),
            *organizer(url("organizer:letter_action", open_letter, "mark_delivered")),
            *organizer(url("organizer:letter_action", open_letter, "close"), 302, "post"),
        ],
        "login": [
            Visit(url("login")),
            Visit(url("login"), 200, "post", {"username": "owner", "password": "wrong"}),
        ],
        "logout": organizer(url("logout"), 302, "post"),
        "password_change": [
            *organizer(url("password_change")),
            *organizer(url("password_change"), 200, "post", {"old_password": "wrong"}),
        ],
        "password_change_done": organizer(url("password_change_done")),
        "password_reset": [
            Visit(url("password_reset")),
            Visit(url("password_reset"), 302, "post", {"email": "nobody@example.org"}),
        ],
        "password_reset_done": [Visit(url("password_reset_done"))],
        "password_reset_confirm": [
            Visit(url("password_reset_confirm", uid, reset_token), 302),
            Visit(url("password_reset_confirm", uid, "set-password")),
        ],
        "password_reset_complete": [Visit(url("password_reset_complete"))],
        "set_language": [
            Visit(url("set_language"), 302, "post", {"language": "en", "next": url("login")})
        ],
        **event_visits(world, url, both, organizer),
        # The API answers JSON; without a key, a JSON 401 (tests/api).
        "api-v1:api-root": [Visit("/api/v1/", 404)],
        "api-v1:openapi-json": [Visit(url("api-v1:openapi-json"))],
        "api-v1:openapi-view": [Visit(url("api-v1:openapi-view"))],
        "api-v1:petitions": [Visit(url("api-v1:petitions"), 401)],
        "api-v1:petition": [Visit(url("api-v1:petition", slug), 401)],
        "api-v1:petition_signatures": [Visit(url("api-v1:petition_signatures", slug), 401)],
        "api-v1:people": [Visit(url("api-v1:people"), 401)],
        "api-v1:letters": [Visit(url("api-v1:letters"), 401)],
        "api-v1:letter": [Visit(url("api-v1:letter", open_letter), 401)],
        "api-v1:letter_signatories": [Visit(url("api-v1:letter_signatories", open_letter), 401)],
        "api-v1:events": [Visit(url("api-v1:events"), 401)],
        "api-v1:event": [Visit(url("api-v1:event", world["event"].slug), 401)],
        "api-v1:event_attendances": [
            Visit(url("api-v1:event_attendances", world["event"].slug), 401)
        ],
        "favicon": [Visit(url("favicon"), 302)],
        "healthz": [Visit(url("healthz"))],
        "readyz": [Visit(url("readyz"))],
        "^media/(?P<path>(?:logos|deliveries/photos)/[^/]+)$": [
            Visit("/media/logos/none.png", 404)
        ],
    }


def event_visits(world, url, both, organizer) -> dict[str, list[Visit]]:
    event = world["event"].slug
    ticket = ticket_token(world["rsvp"])
    leaving = ticket_token(world["leaving_rsvp"])
    confirm = rsvp_confirmation_token(world["pending_rsvp"])
    door = url("organizer:event_checkin", event)
    return {
        "events:event": [
            *both(url("events:event", event)),
            Visit(url("events:event", event), 302, "post", rsvp_form(email="new@example.org")),
            Visit(url("events:event", event), 400, "post", rsvp_form(email="not an address")),
        ],
        "events:event_json": [Visit(url("events:event_json", event))],
        "events:event_calendar": [Visit(url("events:event_calendar", event))],
        "events:rsvp_thanks": [Visit(url("events:rsvp_thanks", event))],
        "events:event_qr": [Visit(url("events:event_qr", event))],
        "events:event_poster": both(url("events:event_poster", event)),
        "events:rsvp_confirm": [
            Visit(url("events:rsvp_confirm", event, confirm)),
            Visit(url("events:rsvp_confirm", event, confirm), 302, "post"),
            Visit(url("events:rsvp_confirm", event, "not-a-token"), 400),
        ],
        "events:rsvp_ticket": [Visit(url("events:rsvp_ticket", event, ticket))],
        "events:rsvp_qr": [Visit(url("events:rsvp_qr", event, ticket))],
        "events:rsvp_calendar": [Visit(url("events:rsvp_calendar", event, ticket))],
        "events:rsvp_cancel": [
            Visit(url("events:rsvp_cancel", event, leaving)),
            Visit(url("events:rsvp_cancel", event, leaving), 200, "post"),
        ],
        "organizer:event_list": organizer(url("organizer:event_list")),
        "organizer:event_new": [
            *organizer(url("organizer:event_new")),
            *organizer(url("organizer:event_new"), 400, "post", {"title": ""}),
        ],
        "organizer:event": organizer(url("organizer:event", event)),
        "organizer:event_edit": [
            *organizer(url("organizer:event_edit", event)),
            *organizer(url("organizer:event_edit", event), 400, "post", {"title": ""}),
        ],
        "organizer:event_delivery": organizer(url("organizer:event_delivery", event), 302, "post"),
        "organizer:event_rsvps_export": organizer(url("organizer:event_rsvps_export", event)),
        "organizer:event_rsvp_cancel": organizer(
            url("organizer:event_rsvp_cancel", event, world["pending_rsvp"].pk), 302, "post"
        ),
        "organizer:event_checkin": [
            *organizer(door),
            *organizer(door + "?q=Person"),
            *organizer(door, 302, "post", {"code": "NOPE"}),
        ],
        "organizer:event_update_new": [
            *organizer(url("organizer:event_update_new", event)),
            *organizer(url("organizer:event_update_new", event), 400, "post", {"subject": ""}),
        ],
        "organizer:event_checkin_counts": organizer(url("organizer:event_checkin_counts", event)),
        "organizer:event_walk_in": organizer(
            url("organizer:event_walk_in", event), 302, "post", {"name": "Walk In"}
        ),
        "organizer:event_action": organizer(
            url("organizer:event_action", event, "finish"), 302, "post"
        ),
    }


def admin_visits(world) -> list[Visit]:
    pages = [Visit(reverse("admin:index"), who=SUPERUSER)]
    for model in admin.site._registry:
        info = f"admin:{model._meta.app_label}_{model._meta.model_name}"
        pages.append(Visit(reverse(f"{info}_changelist"), who=SUPERUSER))
        first = model._default_manager.order_by("pk").first()
        if first is not None:
            pages.append(Visit(reverse(f"{info}_change", args=[first.pk]), who=SUPERUSER))
    return pages


def test_every_page_has_the_policy_and_nothing_inline(world, make_user):
    table = visits(world)
    missing = sorted(set(url_names()) - set(table))
    assert not missing, f"add a row for these URLs to visits() in {__name__}: {missing}"
    superuser = make_user(username="root", is_staff=True, is_superuser=True)
    clients = {ANONYMOUS: Client(), OWNER: Client(), SUPERUSER: Client()}
    clients[OWNER].force_login(world["owner"])
    clients[SUPERUSER].force_login(superuser)
    checked, problems = 0, []
    # The admin first: the rows below withdraw a signature and close the campaign.
    for visit in [*admin_visits(world), *(visit for rows in table.values() for visit in rows)]:
        if visit.who == OWNER and visit.path == reverse("logout"):
            clients[OWNER] = Client()
            clients[OWNER].force_login(world["owner"])
        response = getattr(clients[visit.who], visit.method)(visit.path, visit.data)
        where = f"{visit.method.upper()} {visit.path} as {visit.who}"
        if response.status_code != visit.status:
            problems.append(f"{where}: status {response.status_code}, not {visit.status}")
        if "Content-Security-Policy" not in response:
            problems.append(f"{where}: no Content-Security-Policy header")
        if response.get("Content-Type", "").startswith("text/html") and not response.streaming:
            checked += 1
            problems += [f"{where}: {found}" for found in inline_code(response.content.decode())]
        if visit.who == OWNER and visit.path == reverse("logout"):
            clients[OWNER].force_login(world["owner"])
    assert not problems, "\n".join(problems)
    assert checked > 80


def test_error_pages_have_the_policy_and_nothing_inline(client, campaign):
    pages = [
        client.get("/p/no-such-petition/"),
        client.get(reverse("letters:letter", args=["none"]) + "?page=x"),
        Client(enforce_csrf_checks=True).post(reverse("login"), {"username": "x"}),
    ]
    assert [page.status_code for page in pages] == [404, 404, 403]
    for page in pages:
        assert "Content-Security-Policy" in page
        assert inline_code(page.content.decode()) == []


def test_no_template_has_inline_code():
    """Also the templates no test renders through a view, such as the 503 page."""
    problems = {}
    for path in TEMPLATES.rglob("*.html"):
        found = inline_code(path.read_text())
        if found:
            problems[str(path.relative_to(TEMPLATES))] = found
    assert problems == {}


def test_the_policy_allows_this_origin_only_and_no_framing(client, campaign):
    policy = client.get(campaign.get_absolute_url())["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";"))

    assert directives["default-src"] == "'self'"
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert directives["object-src"] == "'none'"
    assert directives["base-uri"] == "'none'"
    assert directives["form-action"] == "'self'"
    assert directives["frame-ancestors"] == "'none'"
    assert "unsafe-inline" not in policy


def test_partner_sites_may_frame_the_embedded_form_and_nothing_else(client, campaign):
    embed = client.get(reverse("campaigns:petition_embed", args=[campaign.slug]))
    thanks = client.get(reverse("campaigns:petition_embed_thanks", args=[campaign.slug]))
    refused = client.post(
        reverse("signatures:sign", args=[campaign.slug]), {**sign_data(name=""), "embed": "1"}
    )
    page = client.get(campaign.get_absolute_url())

    for framable in (embed, thanks, refused):
        assert "frame-ancestors *" in framable["Content-Security-Policy"]
        assert "X-Frame-Options" not in framable
    assert "frame-ancestors 'none'" in page["Content-Security-Policy"]
    assert page["X-Frame-Options"] == "DENY"


def test_the_policy_follows_its_settings(client, campaign, settings):
    first = client.get(campaign.get_absolute_url())["Content-Security-Policy"]
    settings.CONTENT_SECURITY_POLICY = {"DIRECTIVES": {"default-src": ["'none'"]}}

    second = client.get(campaign.get_absolute_url())["Content-Security-Policy"]

    assert "script-src 'self'" in first
    assert second == "default-src 'none'"
