"""Every back-office page, under /organizer/. No two patterns can match one path (a test checks
it), so their order does not matter: where a slug stands beside fixed words ("new", "edit"),
the slug's converter refuses those words. A status transition is any other word: an unknown one
reaches the view, which refuses it with a message."""

from django.urls import path, register_converter

from groundswell.core.url_converters import slug_except
from groundswell.organizer.views import (
    api_keys,
    campaigns,
    coalitions,
    comments,
    delivery,
    events,
    letters,
    members,
    paper_imports,
    sharing,
    story,
    transparency,
    updates,
    webhooks,
)

register_converter(slug_except({"new"}), "name")
# The words of a campaign's and a letter's other pages, which a transition's name never is.
register_converter(
    slug_except(
        {
            "edit",
            "preview",
            "version-notices",
            "partners",
            "contribution",
            "delivery",
            "responses",
            "outcome",
            "milestones",
            "comments",
            "updates",
            "referrals",
            "charts",
            "qr",
            "what-next",
            "translations",
            "paper-signatures",
        }
    ),
    "campaign_action",
)
register_converter(
    slug_except(
        {
            "edit",
            "categories",
            "signatories",
            "notify-signers",
            "recount",
            "updates",
            "translations",
        }
    ),
    "letter_action",
)

# The words of an event's other pages.
register_converter(
    slug_except({"edit", "delivery", "checkin", "rsvps", "thank-you"}), "event_action"
)

CAMPAIGN = "campaigns/<slug:slug>/"
DELIVERY = f"{CAMPAIGN}delivery/"
LETTER = "letters/<slug:slug>/"
EVENT = "events/<slug:slug>/"

app_name = "organizer"
urlpatterns = [
    path("", campaigns.dashboard, name="dashboard"),
    # Organizations and their people.
    path(
        "organizations/<slug:slug>/members/",
        members.organization_members,
        name="organization_members",
    ),
    path(
        "organizations/<slug:slug>/profile/",
        members.organization_profile,
        name="organization_profile",
    ),
    path(
        "organizations/<slug:slug>/api-keys/",
        api_keys.organization_api_keys,
        name="organization_api_keys",
    ),
    path(
        "organizations/<slug:slug>/api-keys/<int:key_id>/revoke/",
        api_keys.organization_api_key_revoke,
        name="organization_api_key_revoke",
    ),
    path(
        "organizations/<slug:slug>/webhooks/",
        webhooks.organization_webhooks,
        name="organization_webhooks",
    ),
    path(
        "organizations/<slug:slug>/webhooks/<int:endpoint_id>/",
        webhooks.organization_webhook,
        name="organization_webhook",
    ),
    path(
        "organizations/<slug:slug>/webhooks/<int:endpoint_id>/deliveries/<int:delivery_id>/replay/",
        webhooks.organization_webhook_replay,
        name="organization_webhook_replay",
    ),
    path(
        "organizations/<slug:slug>/members/<int:member_id>/",
        members.organization_member_change,
        name="organization_member_change",
    ),
    # Campaigns.
    path("campaigns/new/", campaigns.campaign_new, name="campaign_new"),
    path("campaigns/<name:slug>/", campaigns.campaign_detail, name="campaign"),
    path(f"{CAMPAIGN}edit/", campaigns.campaign_edit, name="campaign_edit"),
    path(f"{CAMPAIGN}preview/", campaigns.campaign_preview, name="campaign_preview"),
    path(f"{CAMPAIGN}export.csv", campaigns.campaign_export, name="campaign_export"),
    path(
        f"{CAMPAIGN}paper-signatures/",
        paper_imports.campaign_paper_import,
        name="campaign_paper_import",
    ),
    path(
        f"{CAMPAIGN}version-notices/",
        campaigns.campaign_version_notices,
        name="campaign_version_notices",
    ),
    path(f"{CAMPAIGN}<campaign_action:action>/", campaigns.campaign_action, name="campaign_action"),
    # A campaign's story: the target's responses, the outcome, milestones, public comments.
    path(f"{CAMPAIGN}responses/", story.responses, name="campaign_responses"),
    path(
        f"{CAMPAIGN}responses/<int:response_id>/",
        story.response_edit,
        name="campaign_response_edit",
    ),
    path(
        f"{CAMPAIGN}responses/<int:response_id>/delete/",
        story.response_delete,
        name="campaign_response_delete",
    ),
    path(f"{CAMPAIGN}outcome/", story.outcome, name="campaign_outcome"),
    path(f"{CAMPAIGN}milestones/", story.milestones, name="campaign_milestones"),
    path(f"{CAMPAIGN}comments/", comments.comments, name="campaign_comments"),
    path(
        f"{CAMPAIGN}comments/<str:public_id>/",
        comments.comment_moderate,
        name="campaign_comment_moderate",
    ),
    path(
        f"{CAMPAIGN}translations/<slug:language>/",
        campaigns.campaign_translation,
        name="campaign_translation",
    ),
    # A campaign's coalition.
    path(f"{CAMPAIGN}partners/", coalitions.campaign_partners, name="campaign_partners"),
    path(
        f"{CAMPAIGN}partners/<slug:partner_slug>/remove/",
        coalitions.campaign_partner_remove,
        name="campaign_partner_remove",
    ),
    path(
        f"{CAMPAIGN}contribution/", coalitions.campaign_contribution, name="campaign_contribution"
    ),
    path(
        f"{CAMPAIGN}supporters.csv",
        coalitions.campaign_supporters_export,
        name="campaign_supporters_export",
    ),
    # Updates to signers (and to a letter's signatories).
    path(f"{CAMPAIGN}updates/", updates.campaign_updates, name="campaign_updates"),
    path(f"{CAMPAIGN}updates/new/", updates.campaign_update_new, name="campaign_update_new"),
    path(f"{LETTER}updates/", updates.letter_updates, name="letter_updates"),
    path(f"{LETTER}updates/new/", updates.letter_update_new, name="letter_update_new"),
    path("updates/<int:update_id>/", updates.update_detail, name="update"),
    path("updates/<int:update_id>/edit/", updates.update_change, name="update_edit"),
    path("updates/<int:update_id>/test/", updates.update_test, name="update_test"),
    path("updates/<int:update_id>/schedule/", updates.update_schedule_view, name="update_schedule"),
    path("updates/<int:update_id>/send/", updates.update_send, name="update_send"),
    path("updates/<int:update_id>/cancel/", updates.update_cancel_view, name="update_cancel"),
    path(
        "updates/<int:update_id>/progress.json",
        updates.update_progress_json,
        name="update_progress",
    ),
    # How a campaign spreads.
    path(f"{CAMPAIGN}referrals/", sharing.campaign_referrals, name="campaign_referrals"),
    path(f"{CAMPAIGN}charts/", sharing.campaign_charts, name="campaign_charts"),
    path(f"{CAMPAIGN}what-next/", sharing.campaign_what_next, name="campaign_what_next"),
    # Delivery and the transparency log.
    path(DELIVERY, delivery.overview, name="delivery_overview"),
    path(
        f"{DELIVERY}checkpoints/new/",
        transparency.checkpoint_new,
        name="delivery_checkpoint_new",
    ),
    path(f"{DELIVERY}packages/new/", delivery.package_new, name="delivery_package_new"),
    path(
        f"{DELIVERY}packages/<int:package_id>/",
        delivery.package_detail,
        name="delivery_package",
    ),
    path(
        f"{DELIVERY}packages/<int:package_id>/download/<slug:file>/",
        delivery.package_download,
        name="delivery_package_download",
    ),
    path(f"{DELIVERY}deliveries/new/", delivery.delivery_new, name="delivery_new"),
    path(f"{DELIVERY}withdraw/", delivery.withdraw, name="delivery_withdraw"),
    # Open letters.
    path("letters/", letters.letter_list, name="letter_list"),
    path("letters/new/", letters.letter_new, name="letter_new"),
    path("letters/<name:slug>/", letters.letter_detail, name="letter"),
    path(f"{LETTER}edit/", letters.letter_edit, name="letter_edit"),
    path(f"{LETTER}categories/new/", letters.category_new, name="letter_category_new"),
    path(
        f"{LETTER}categories/<name:category>/",
        letters.category_edit,
        name="letter_category_edit",
    ),
    path(f"{LETTER}signatories/", letters.signatories, name="letter_signatories"),
    path(f"{LETTER}signatories/decide/", letters.signatories_decide, name="letter_decide"),
    path(
        f"{LETTER}signatories/<str:public_id>/pin/",
        letters.signatory_pin_view,
        name="letter_pin",
    ),
    path(f"{LETTER}delivery.csv", letters.delivery_export, name="letter_delivery_export"),
    path(f"{LETTER}contacts.csv", letters.contacts_export, name="letter_contacts_export"),
    path(f"{LETTER}notify-signers/", letters.notify_signers, name="letter_notify"),
    path(f"{LETTER}recount/", letters.recount, name="letter_recount"),
    path(f"{LETTER}<letter_action:action>/", letters.letter_action, name="letter_action"),
    # Events and RSVPs.
    path("events/", events.event_list, name="event_list"),
    path("events/new/", events.event_new, name="event_new"),
    path("events/<name:slug>/", events.event_detail, name="event"),
    path(f"{EVENT}edit/", events.event_edit, name="event_edit"),
    path(f"{EVENT}delivery/", events.event_delivery, name="event_delivery"),
    path(f"{EVENT}rsvps.csv", events.event_rsvps_export, name="event_rsvps_export"),
    path(
        f"{EVENT}rsvps/<int:rsvp_id>/cancel/",
        events.event_rsvp_cancel,
        name="event_rsvp_cancel",
    ),
    path(f"{EVENT}thank-you/", updates.event_update_new, name="event_update_new"),
    path(f"{EVENT}checkin/", events.event_checkin, name="event_checkin"),
    path(f"{EVENT}checkin/counts.json", events.event_checkin_counts, name="event_checkin_counts"),
    path(f"{EVENT}checkin/walk-in/", events.event_walk_in, name="event_walk_in"),
    path(f"{EVENT}<event_action:action>/", events.event_action, name="event_action"),
    path(
        f"{LETTER}translations/<slug:language>/",
        letters.letter_translation,
        name="letter_translation",
    ),
]
