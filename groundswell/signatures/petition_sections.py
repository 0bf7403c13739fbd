"""What apps above this one add to the petition page and its JSON, without the page importing
them: the deliveries, the target's answer, the timeline, events, the checkpoint behind the count.

An app registers, from its `AppConfig.ready()`, a *section* (a template rendered into one of the
page's slots, with a context made from the campaign; None shows nothing) or a *JSON field* (a
key of `/p/<slug>.json` and a function of the campaign that gives its value). The page renders
them in their slot by `order`, then by the order apps come in INSTALLED_APPS. Both run only when
the page is rendered, not when it is served from the public page cache, so they may query; they
must never show personal data that the page would not (they see no request, no visitor).

`petition_extensions()` lists the wiring, for `tests/test_petition_sections.py`.
"""

import enum
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from django.apps import apps
from django.template.loader import render_to_string
from django.utils.safestring import SafeString

from groundswell.campaigns.models import Campaign


class Slot(enum.Enum):
    COUNT = "count"  # under the count and the progress bar
    MAIN = "main"  # after the petition's text and recent signers, full width


class PetitionSectionError(RuntimeError):
    """A section or field registered against the rules: a bug, never bad input."""


@dataclass(frozen=True)
class PetitionSection:
    name: str
    slot: Slot
    order: int
    template: str
    context: Callable[[Campaign], Mapping[str, object] | None]


@dataclass(frozen=True)
class PetitionJsonField:
    key: str
    value: Callable[[Campaign], object]


_sections: list[PetitionSection] = []
_json_fields: list[PetitionJsonField] = []
# Keys the petition JSON has of its own (`petition_json`): no extension may replace them.
OWN_JSON_KEYS = frozenset(
    {
        "slug", "title", "status", "goal", "signature_count", "target", "url", "updated_at",
        "partners", "unattributed_count",
    }
)  # fmt: skip


def _check_registering(what: str) -> None:
    if not apps.models_ready or apps.ready:
        raise PetitionSectionError(f"register {what} from an AppConfig.ready(), not at run time")


def petition_section_register(
    *,
    name: str,
    slot: Slot,
    template: str,
    context: Callable[[Campaign], Mapping[str, object] | None],
    order: int = 100,
) -> None:
    """Show `template` in `slot` of every petition page whose `context(campaign)` is not None.

    The template receives that context plus `campaign`."""
    _check_registering(f"the petition section {name}")
    if any(section.name == name for section in _sections):
        raise PetitionSectionError(f"a petition section is already named {name}")
    _sections.append(
        PetitionSection(name=name, slot=slot, order=order, template=template, context=context)
    )


def petition_json_field_register(*, key: str, value: Callable[[Campaign], object]) -> None:
    """Add `key` to the petition's JSON, with `value(campaign)` (JSON-serialisable)."""
    _check_registering(f"the petition JSON field {key}")
    if key in OWN_JSON_KEYS or any(field.key == key for field in _json_fields):
        raise PetitionSectionError(f"the petition JSON already has a {key!r} field")
    _json_fields.append(PetitionJsonField(key=key, value=value))


def petition_sections_render(*, campaign: Campaign) -> dict[str, list[SafeString]]:
    """Each slot's rendered sections (by slot value, for templates), in order."""
    rendered: dict[str, list[SafeString]] = {slot.value: [] for slot in Slot}
    for section in sorted(_sections, key=lambda section: section.order):
        context = section.context(campaign)
        if context is None:
            continue
        html = render_to_string(section.template, {**context, "campaign": campaign})
        rendered[section.slot.value].append(SafeString(html))
    return rendered


def petition_json_fields(*, campaign: Campaign) -> dict[str, object]:
    return {field.key: field.value(campaign) for field in _json_fields}


def petition_extensions() -> list[str]:
    """Every registered section and field, as "section <name> in <slot>" / "json <key>"."""
    return [
        *(
            f"section {section.name} in {section.slot.value}: {_dotted(section.context)}"
            for section in sorted(_sections, key=lambda section: section.order)
        ),
        *(f"json {field.key}: {_dotted(field.value)}" for field in _json_fields),
    ]


def _dotted(function: Callable[..., object]) -> str:
    return f"{function.__module__}.{function.__qualname__}"
