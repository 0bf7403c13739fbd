"""A platform administrator deleting a signature in the admin erases it as a withdrawal does:
it leaves the counts, the log records a tombstone, its e-mails go."""

import pytest
from django.urls import reverse

from groundswell.accounts.models import User
from groundswell.core.models import OutboundEmail
from groundswell.signatures.models import Signature
from groundswell.signatures.tallies import tally_totals
from groundswell.transparency.models import LeafKind, LogEntry

pytestmark = pytest.mark.django_db


def test_deleting_in_the_admin_erases_through_the_withdrawal(client, campaign, signed):
    signature = signed(email="gone@example.org")
    signed(email="stays@example.org")
    assert LogEntry.objects.filter(signature=signature).exists()
    client.force_login(User.objects.create_superuser("root", "root@example.org", "pw"))

    response = client.post(
        reverse("admin:signatures_signature_delete", args=[signature.pk]), {"post": "yes"}
    )

    assert response.status_code == 302
    assert not Signature.objects.filter(pk=signature.pk).exists()
    assert not OutboundEmail.objects.filter(to="gone@example.org").exists()
    assert LogEntry.objects.filter(kind=LeafKind.TOMBSTONE, reason="erased").count() == 1
    totals = tally_totals(campaign=campaign)
    assert (totals.signed, totals.confirmed) == (1, 1)
    campaign.refresh_from_db()
    assert campaign.signature_count == 1
