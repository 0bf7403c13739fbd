"""What the public directory lists, from providers registered in `AppConfig.ready()`.

A provider takes the search words (maybe empty) and returns its entries, best first, at most
PROVIDER_LIMIT of them; the directory puts every provider's entries together and pages them.
Petitions, open letters and upcoming events are registered by this app (it sits above them and
imports their selectors).
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.apps import apps
from django.utils.functional import Promise

# Each provider gives at most this many entries for one search: a directory page stays cheap
# however many campaigns there are (nobody pages through more).
PROVIDER_LIMIT = 500


@dataclass(frozen=True)
class DirectoryEntry:
    kind: str  # "petition", "letter", "event"
    kind_label: str | Promise
    title: str
    # Whom it addresses ("To: …"; "" for an event), and who hosts it.
    target: str
    host: str
    status: str
    status_label: str | Promise
    url: str
    count: int
    count_label: str
    # Open ones come first in the directory.
    is_open: bool
    # A line more, such as an event's date, time and place ("" for none).
    details: str = ""


Provider = Callable[[str], list[DirectoryEntry]]


class DirectoryError(RuntimeError):
    """A provider registered against the rules: a bug, never bad input."""


@dataclass(frozen=True)
class DirectoryProvider:
    key: str
    provider: Provider
    order: int


_providers: list[DirectoryProvider] = []


def directory_provider_register(key: str, provider: Provider, *, order: int = 100) -> None:
    if not apps.models_ready or apps.ready:
        raise DirectoryError(f"register the directory provider {key} from an AppConfig.ready()")
    if any(existing.key == key for existing in _providers):
        raise DirectoryError(f"a directory provider is already named {key}")
    _providers.append(DirectoryProvider(key=key, provider=provider, order=order))
    _providers.sort(key=lambda registered: registered.order)


def directory_entries(*, query: str) -> list[DirectoryEntry]:
    """Every provider's entries for `query`: open ones first, then by count."""
    entries = [entry for registered in _providers for entry in registered.provider(query)]
    return sorted(entries, key=lambda entry: (not entry.is_open, -entry.count))


def directory_wiring() -> list[str]:
    return [
        f"{registered.key}: {registered.provider.__module__}.{registered.provider.__qualname__}"
        for registered in _providers
    ]
