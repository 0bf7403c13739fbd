"""The petition page and its JSON show what apps above `signatures` register, and the wiring is
listed here so that a change to it shows up in review (groundswell.signatures.petition_sections)."""

import pytest

from groundswell.signatures import petition_sections
from groundswell.signatures.petition_sections import (
    PetitionJsonField,
    PetitionSection,
    PetitionSectionError,
    Slot,
    petition_extensions,
    petition_json_field_register,
    petition_section_register,
)

pytestmark = pytest.mark.django_db

EXTENSIONS = [
    "section target_response in count: groundswell.delivery.petition.target_stance_section",
    "section events in main: groundswell.events.petition.events_section",
    "section checkpoint in count: groundswell.transparency.petition.checkpoint_section",
    "section deliveries in main: groundswell.delivery.petition.deliveries_section",
    "section timeline in main: groundswell.delivery.petition.timeline_section",
    "json checkpoint: groundswell.transparency.petition.checkpoint_json",
    "json target_response: groundswell.delivery.petition.target_response_json",
    "json events: groundswell.events.petition.events_json",
]


def test_every_section_and_field_is_listed():
    assert petition_extensions() == EXTENSIONS


def test_sections_are_registered_only_while_the_apps_load():
    with pytest.raises(PetitionSectionError):
        petition_section_register(
            name="late", slot=Slot.MAIN, template="x.html", context=lambda campaign: {}
        )
    with pytest.raises(PetitionSectionError):
        petition_json_field_register(key="late", value=lambda campaign: 1)


@pytest.fixture
def extra_extensions(monkeypatch):
    sections = list(petition_sections._sections)
    fields = list(petition_sections._json_fields)
    monkeypatch.setattr(petition_sections, "_sections", sections)
    monkeypatch.setattr(petition_sections, "_json_fields", fields)
    return sections, fields


def test_a_section_shows_in_its_slot_and_only_when_it_has_something(
    client, campaign, extra_extensions, tmp_path, settings
):
    sections, fields = extra_extensions
    (tmp_path / "section.html").write_text(
        '<p data-testid="{{ marker }}">{{ campaign.slug }} {{ marker }}</p>'
    )
    (tmp_path / "always.html").write_text('<p data-testid="shown-anyway"></p>')
    settings.TEMPLATES = [
        {**settings.TEMPLATES[0], "DIRS": [tmp_path, *settings.TEMPLATES[0]["DIRS"]]}
    ]
    sections += [
        PetitionSection("under-count", Slot.COUNT, 1, "section.html", lambda c: {"marker": "c"}),
        PetitionSection("main", Slot.MAIN, 1, "section.html", lambda c: {"marker": "m<b>"}),
        PetitionSection("nothing", Slot.MAIN, 2, "always.html", lambda c: None),
    ]
    fields.append(PetitionJsonField("extra", lambda c: {"slug": c.slug}))

    page = client.get(campaign.get_absolute_url()).content.decode()

    count_at, form_at = page.index('data-testid="c"'), page.index('id="sign"')
    assert count_at < form_at < page.index('data-testid="m&lt;b&gt;"')
    assert 'data-testid="shown-anyway"' not in page
    assert client.get(f"/p/{campaign.slug}.json").json()["extra"] == {"slug": campaign.slug}


def test_no_extension_replaces_the_petitions_own_json(extra_extensions, monkeypatch):
    monkeypatch.setattr(petition_sections.apps, "ready", False)  # as while the apps load
    petition_json_field_register(key="new_key", value=lambda campaign: 0)

    with pytest.raises(PetitionSectionError):
        petition_json_field_register(key="signature_count", value=lambda campaign: 0)
    with pytest.raises(PetitionSectionError):
        petition_json_field_register(key="new_key", value=lambda campaign: 1)
