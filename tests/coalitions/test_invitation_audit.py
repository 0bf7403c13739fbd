"""The security review of issue 12: memberships that accepting partner invitations granted are
listed by a data migration and by `groundswell audit_invitation_memberships`, without e-mails."""

import importlib
import io
from datetime import timedelta

import pytest
from django.apps import apps
from django.core.management import call_command
from django.utils import timezone

from groundswell.accounts.models import Membership, Role
from groundswell.coalitions.models import Invitation, invitation_token_hash

pytestmark = pytest.mark.django_db


@pytest.fixture
def history(campaign, host, make_org, make_user):
    """What the code before the fix allowed, next to what it still allows."""
    an_hour_ago = timezone.now() - timedelta(hours=1)
    mallory = make_user(host, role=Role.ORGANIZER, username="mallory", email="m@example.org")
    victim = make_org("Faith Communities United", slug="faith-united")
    captured = Invitation.objects.create(
        organization=victim, campaign=campaign, role=Role.OWNER,
        token_hash=invitation_token_hash("a"), created_by=mallory,
        expires_at=an_hour_ago + timedelta(days=7), accepted_at=an_hour_ago, accepted_by=mallory,
    )  # fmt: skip
    Membership.objects.create(user=mallory, organization=victim, role=Role.OWNER)
    # A manager who already belonged accepted for their organization: nothing gained.
    longtime = make_user(make_org("Old friends", slug="old-friends"), role=Role.OWNER)
    Membership.objects.filter(user=longtime).update(created_at=an_hour_ago - timedelta(days=30))
    Invitation.objects.create(
        organization=longtime.memberships.get().organization, campaign=campaign,
        token_hash=invitation_token_hash("b"), created_by=mallory,
        expires_at=an_hour_ago + timedelta(days=7), accepted_at=an_hour_ago, accepted_by=longtime,
    )  # fmt: skip
    # Someone created their own organization when accepting: it is theirs.
    founder = make_user(username="founder")
    founded = make_org("Founded", slug="founded")
    Membership.objects.create(user=founder, organization=founded, role=Role.OWNER)
    Invitation.objects.create(
        organization=founded, created_organization=True, campaign=campaign,
        token_hash=invitation_token_hash("c"), created_by=mallory,
        expires_at=an_hour_ago + timedelta(days=7), accepted_at=an_hour_ago, accepted_by=founder,
    )  # fmt: skip
    return mallory, victim, captured


def test_the_command_lists_the_captured_membership_only(history):
    mallory, victim, captured = history
    out = io.StringIO()

    call_command("audit_invitation_memberships", stdout=out)

    report = out.getvalue()
    assert "1 membership(s) gained" in report
    membership = Membership.objects.get(user=mallory, organization=victim)
    assert f"membership {membership.pk}: user {mallory.pk} (mallory) is owner of faith-united" in (
        report
    )
    assert f"accepted partner invitation {captured.pk} (campaign cancel-the-contract" in report
    assert "the same person" in report
    for absent in ("old-friends", "founded", "@example.org"):
        assert absent not in report


def test_the_data_migration_prints_the_same_list(history, capsys):
    migration = importlib.import_module(
        "groundswell.coalitions.migrations.0005_report_memberships_from_partner_invitations"
    )
    out = io.StringIO()
    call_command("audit_invitation_memberships", stdout=out)
    listed = [line for line in out.getvalue().splitlines() if line.startswith("membership ")]

    migration.report_memberships(apps, None)

    printed = capsys.readouterr().out
    assert "1 membership(s) gained" in printed
    assert [line.strip() for line in printed.splitlines() if "membership " in line[:14]] == listed
    assert "@example.org" not in printed


def test_nothing_to_report(db):
    out = io.StringIO()

    call_command("audit_invitation_memberships", stdout=out)

    assert out.getvalue().strip() == "No membership was gained through a partner invitation."
