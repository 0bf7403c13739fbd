from django.core.management.base import BaseCommand

from groundswell.coalitions.selectors import memberships_from_partner_invitations


class Command(BaseCommand):
    help = (
        "List the memberships that people may have gained by accepting a partner (campaign) "
        "invitation, as Groundswell allowed before issue 12. No e-mail addresses are printed. "
        "See docs/deployment.md, 'Security review after upgrading'."
    )

    def handle(self, *args: object, **options: object) -> None:
        found = memberships_from_partner_invitations()
        if not found:
            self.stdout.write("No membership was gained through a partner invitation.")
            return
        self.stdout.write(
            f"{len(found)} membership(s) gained by accepting a partner invitation; check each "
            "with the organization's own owners:"
        )
        for row in found:
            self.stdout.write(
                f"membership {row.membership_id}: user {row.user_id} ({row.username}) is "
                f"{row.role} of {row.organization_slug} since {row.member_since.isoformat()}; "
                f"accepted partner invitation {row.invitation_id} (campaign {row.campaign_slug}, "
                f"created {row.invited_at.isoformat()} by user {row.invited_by_id}"
                f"{', the same person' if row.self_invited else ''}) "
                f"on {row.accepted_at.isoformat()}"
            )
