"""Security review (issue 12): list the memberships that accepting a partner invitation granted.

Until then, whoever opened a partner (campaign) invitation link became a member of the invited
organization, its owner when it had no members; a host editor could invite an existing
organization and join it. This migration changes nothing: it prints those memberships (user id
and username, organization, invitation, dates; no e-mail address) for the operator, who checks
them as docs/deployment.md explains. `groundswell audit_invitation_memberships` prints the same
list at any time. Self-contained on purpose: it reads the models as they are at this migration.
"""

from django.db import migrations


def report_memberships(apps, schema_editor):
    Invitation = apps.get_model("coalitions", "Invitation")
    Membership = apps.get_model("accounts", "Membership")
    invitations = list(
        Invitation.objects.filter(
            campaign__isnull=False,
            organization__isnull=False,
            accepted_by__isnull=False,
            created_organization=False,
        )
        .select_related("organization", "campaign", "accepted_by")
        .order_by("accepted_at", "pk")
    )
    memberships = {
        (membership.user_id, membership.organization_id): membership
        for membership in Membership.objects.filter(
            user_id__in={invitation.accepted_by_id for invitation in invitations},
            organization_id__in={invitation.organization_id for invitation in invitations},
        )
    }
    lines = []
    for invitation in invitations:
        membership = memberships.get((invitation.accepted_by_id, invitation.organization_id))
        if membership is None or membership.created_at < invitation.accepted_at:
            continue
        same = invitation.created_by_id == invitation.accepted_by_id
        lines.append(
            f"membership {membership.pk}: user {invitation.accepted_by_id} "
            f"({invitation.accepted_by.username}) is {membership.role} of "
            f"{invitation.organization.slug} since {membership.created_at.isoformat()}; "
            f"accepted partner invitation {invitation.pk} (campaign {invitation.campaign.slug}, "
            f"created {invitation.created_at.isoformat()} by user {invitation.created_by_id}"
            f"{', the same person' if same else ''}) on {invitation.accepted_at.isoformat()}"
        )
    if not lines:
        return
    print(
        f"\n  Security review: {len(lines)} membership(s) gained by accepting a partner "
        "invitation; check each with the organization's own owners (docs/deployment.md):"
    )
    for line in lines:
        print(f"  {line}")


class Migration(migrations.Migration):
    dependencies = [("coalitions", "0004_partner_invitations_name_new_organizations")]

    operations = [migrations.RunPython(report_memberships, migrations.RunPython.noop)]
