"""Domain events: how a lower app lets higher ones react without importing them.

The app that owns a fact declares its events (`signature_confirmed = DomainEvent[...]("...")`)
and publishes them where the fact happens. Higher apps subscribe from their
`AppConfig.ready()`, saying when their handler runs:

- `Phase.IN_TRANSACTION`: synchronously at publish time, inside the publisher's transaction,
  for work that must be atomic with it (an exception rolls the whole change back);
- `Phase.AFTER_COMMIT`: once the publisher's transaction commits (at once in autocommit), for
  work that may lag; heavy work enqueues a Celery task with ids.

Payloads are frozen dataclasses of ids and plain values, never model instances. Handlers of one
phase run in the order they subscribed, which is the order of INSTALLED_APPS (the layer order).
Django's model signals are not used: they hide the wiring. `subscriptions()` lists all of it.
"""

import enum
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import ClassVar, Generic, TypeVar

from django.apps import apps
from django.db import transaction

P = TypeVar("P")


class Phase(enum.Enum):
    IN_TRANSACTION = "in transaction"
    AFTER_COMMIT = "after commit"


class DomainEventError(RuntimeError):
    """The event machinery was used against its rules: a bug, never bad input."""


@dataclass(frozen=True)
class Subscription:
    event: str
    phase: Phase
    handler: str  # the handler's dotted path


class DomainEvent(Generic[P]):
    """One kind of fact, published by the app that owns it."""

    _declared: ClassVar[list["DomainEvent[object]"]] = []

    def __init__(self, name: str) -> None:
        self.name = name
        self._in_transaction: list[Callable[[P], None]] = []
        self._after_commit: list[Callable[[P], None]] = []
        DomainEvent._declared.append(self)  # type: ignore[arg-type]

    def __repr__(self) -> str:
        return f"DomainEvent({self.name!r})"

    def subscribe(self, handler: Callable[[P], None], *, phase: Phase) -> None:
        """Only from an AppConfig.ready() (while the app registry is being set up), once."""
        if not apps.models_ready or apps.ready:
            raise DomainEventError(
                f"subscribe to {self.name} from an AppConfig.ready(), not at import or run time"
            )
        if handler in self._in_transaction or handler in self._after_commit:
            raise DomainEventError(f"{_dotted(handler)} already subscribes to {self.name}")
        handlers = self._in_transaction if phase is Phase.IN_TRANSACTION else self._after_commit
        handlers.append(handler)

    def publish(self, payload: P) -> None:
        """Run the in-transaction handlers now, and schedule the after-commit ones."""
        if not apps.ready:
            raise DomainEventError(f"{self.name} published before the apps were ready")
        for handler in self._in_transaction:
            handler(payload)
        for handler in self._after_commit:
            transaction.on_commit(partial(handler, payload))

    def subscriptions(self) -> list[Subscription]:
        return [
            Subscription(event=self.name, phase=phase, handler=_dotted(handler))
            for phase, handlers in (
                (Phase.IN_TRANSACTION, self._in_transaction),
                (Phase.AFTER_COMMIT, self._after_commit),
            )
            for handler in handlers
        ]


def subscriptions() -> list[Subscription]:
    """Every subscription of every declared event, in the order each phase runs them."""
    return [
        subscription for event in DomainEvent._declared for subscription in event.subscriptions()
    ]


def _dotted(handler: Callable[..., object]) -> str:
    return f"{handler.__module__}.{handler.__qualname__}"
