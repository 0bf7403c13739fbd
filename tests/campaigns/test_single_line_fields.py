"""A line break in a title used to break every e-mail that carried it: the services refuse
control and invisible characters in every line, whoever calls them (not only the forms)."""

import pytest
from django.core.exceptions import ValidationError

from groundswell.campaigns.models import Campaign
from groundswell.campaigns.services import campaign_create
from groundswell.coalitions.services import partner_invitation_create
from groundswell.letters.models import Letter
from groundswell.letters.services.letters import letter_create, letter_update
from groundswell.signatures.models import Signature
from groundswell.signatures.services import petition_update, signature_create

pytestmark = pytest.mark.django_db

TITLE_WITH_BREAK = "Stop the data centre\r\nBcc: everyone@example.org"


def campaign_data(**overrides):
    data = {
        "slug": "stop-the-data-centre",
        "title": "Stop the data centre",
        "ask": "Withdraw the planning application.",
        "target_name": "Sam Reyes",
    }
    data.update(overrides)
    return data


def test_a_campaign_title_with_a_line_break_is_refused_by_the_services(host, campaign):
    with pytest.raises(ValidationError) as created:
        campaign_create(organization=host, data=campaign_data(title=TITLE_WITH_BREAK))
    with pytest.raises(ValidationError) as updated:
        petition_update(campaign=campaign, data={"title": TITLE_WITH_BREAK})

    assert created.value.message_dict["title"] == updated.value.message_dict["title"]
    assert not Campaign.objects.filter(slug="stop-the-data-centre").exists()
    assert Campaign.objects.get(pk=campaign.pk).title == "Cancel the contract"


def test_the_ask_keeps_its_line_breaks_but_not_direction_overrides(host, campaign):
    petition_update(campaign=campaign, data={"ask": "Cancel it.\nNow."})

    with pytest.raises(ValidationError):
        petition_update(campaign=campaign, data={"ask": "Cancel \u202eit"})
    assert Campaign.objects.get(pk=campaign.pk).ask == "Cancel it.\nNow."


def test_a_letter_title_with_a_line_break_is_refused_by_the_services(host, campaign):
    with pytest.raises(ValidationError):
        letter_create(
            organization=host, slug="scholars", title=TITLE_WITH_BREAK,
            addressee="The board", text="We object.",
        )  # fmt: skip
    letter = letter_create(
        organization=host, slug="scholars", title="Scholars", addressee="The board",
        text="We object.",
    )  # fmt: skip
    with pytest.raises(ValidationError):
        letter_update(
            letter=letter, title=TITLE_WITH_BREAK, addressee="The board", campaign=None,
            text="We object.",
        )  # fmt: skip

    assert list(Letter.objects.values_list("title", flat=True)) == ["Scholars"]


def test_a_partner_name_with_a_line_break_is_refused_by_the_services(campaign, owner):
    with pytest.raises(ValidationError):
        partner_invitation_create(
            campaign=campaign, name="Allies\r\nBcc: x@example.org", slug="allies",
            created_by=owner,
        )  # fmt: skip


@pytest.mark.parametrize(
    "fields",
    [{"name": "\u200b\u200b"}, {"name": "Ada\u202e"}, {"postal_code": "N1\n9GU"},
     {"comment": "Hi\x00"}],
)  # fmt: skip
def test_the_signing_service_refuses_what_the_form_refuses(campaign, fields):
    values = {"name": "Ada Lovelace", "email": "ada@example.org", "country": "GB", **fields}

    with pytest.raises(ValidationError):
        signature_create(campaign=campaign, **values)
    assert not Signature.objects.exists()
