"""What happens to an open letter's signatories, for the apps above this one (see
groundswell.core.domain_events): the letter equivalents of groundswell.signatures.events.

A letter's counts (Letter/LetterCategory.signatory_count) are this app's and move in the same
transaction as the signatories: nothing subscribes to keep them. No app subscribes yet; later
ones (updates, webhooks) will, from their AppConfig.ready().
"""

from dataclasses import dataclass

from groundswell.core.domain_events import DomainEvent


@dataclass(frozen=True)
class SignatoriesChanged:
    letter_id: int
    signatory_ids: tuple[int, ...]


# Signatories now counted: approved, on signing, on verifying their work address, or by the
# letter's moderators.
signatory_confirmed = DomainEvent[SignatoriesChanged]("signatory_confirmed")
# Signatories erased at their own request (their link, or the organizers acting on a letter).
signatory_withdrawn = DomainEvent[SignatoriesChanged]("signatory_withdrawn")
# Signatories rejected by the letter's moderators (counted ones stop counting).
signatory_rejected = DomainEvent[SignatoriesChanged]("signatory_rejected")
