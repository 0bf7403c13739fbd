"""What happens to signatures, for the apps above this one (see groundswell.core.domain_events).

The count itself (tallies, Campaign/Partner.signature_count, CoalitionTally) is this app's and
moves in the same transaction as the signature: nothing subscribes to keep it. Subscribers are
listed in docs/architecture.md and by tests/test_domain_events.py.
"""

from dataclasses import dataclass, field
from datetime import datetime

from groundswell.core.domain_events import DomainEvent


@dataclass(frozen=True)
class SignatureConfirmed:
    """A signature was confirmed and now counts (by its own link, or by agreeing to a change)."""

    signature_id: int
    campaign_id: int


@dataclass
class ErasedCopies:
    """What in-transaction subscribers of `signature_erasing` report they deleted, so that the
    signer's page can say whether a copy is already out of our hands. The one mutable part of a
    payload: each subscriber adds to it."""

    packages_discarded: int = 0
    copies_out_of_reach: bool = False


@dataclass(frozen=True)
class SignatureErasing:
    """A signature is about to be erased, in the erasing transaction, before its row is locked
    and deleted: what holds a copy of it (found through the row) must go now, atomically.

    `reason` is one of WITHDRAWAL_REASONS. Published for withdrawals and removals (which may
    erase confirmed signatures), not for the purge of unconfirmed ones: nothing above this app
    keeps a copy of a signature before it counts.
    """

    signature_id: int
    campaign_id: int
    reason: str
    at: datetime
    copies: ErasedCopies = field(default_factory=ErasedCopies, compare=False)


@dataclass(frozen=True)
class SignatureRemoved:
    """A signature was erased (after commit); it no longer counts if it did."""

    signature_id: int
    campaign_id: int
    public_id: str
    reason: str
    was_confirmed: bool


signature_confirmed = DomainEvent[SignatureConfirmed]("signature_confirmed")
signature_erasing = DomainEvent[SignatureErasing]("signature_erasing")
# At the signer's request (reasons "withdrawn" and "erased") ...
signature_withdrawn = DomainEvent[SignatureRemoved]("signature_withdrawn")
# ... or by organizers, as fraud ("invalidated").
signature_invalidated = DomainEvent[SignatureRemoved]("signature_invalidated")
