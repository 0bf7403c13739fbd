"""Signing, confirming, consents and erasure: the only code that creates, confirms or deletes
signatures or changes the counts. One module per process; the names below are the app's
service API (import them from here).
"""

from groundswell.signatures.errors import (
    CampaignNotSigning,
    ExpiredConfirmationLink,
    InvalidConfirmationLink,
    SigningError,
)
from groundswell.signatures.links import (
    change_token_read,
    change_url,
    confirmation_token_make,
    confirmation_token_read,
    confirmation_url,
    withdrawal_token_read,
    withdrawal_url,
)
from groundswell.signatures.services.confirming import (
    ChangeOutcome,
    ConfirmationOutcome,
    RequestedChange,
    pending_change_from_link,
    signature_change_confirm,
    signature_confirm,
    signature_count_recount,
)
from groundswell.signatures.services.consents import (
    coalition_change_apply,
    coalition_change_request,
    coalition_consents_confirm,
    coalition_new_signature_record,
    consent_names_pending,
)
from groundswell.signatures.services.erasure import (
    ERASURE_FIELDS,
    PURGE_GRACE,
    WithdrawalOutcome,
    signature_withdraw,
    signatures_unconfirmed_purge,
)
from groundswell.signatures.services.signing import (
    RENOTIFY_AFTER,
    SigningOutcome,
    signature_create,
)
from groundswell.signatures.services.texts import (
    campaign_has_signers,
    petition_text_update,
    petition_update,
)

__all__ = [
    "ERASURE_FIELDS",
    "PURGE_GRACE",
    "RENOTIFY_AFTER",
    "CampaignNotSigning",
    "ChangeOutcome",
    "ConfirmationOutcome",
    "ExpiredConfirmationLink",
    "InvalidConfirmationLink",
    "RequestedChange",
    "SigningError",
    "SigningOutcome",
    "WithdrawalOutcome",
    "campaign_has_signers",
    "change_token_read",
    "change_url",
    "coalition_change_apply",
    "coalition_change_request",
    "coalition_consents_confirm",
    "coalition_new_signature_record",
    "confirmation_token_make",
    "confirmation_token_read",
    "confirmation_url",
    "consent_names_pending",
    "pending_change_from_link",
    "petition_text_update",
    "petition_update",
    "signature_change_confirm",
    "signature_confirm",
    "signature_count_recount",
    "signature_create",
    "signature_withdraw",
    "signatures_unconfirmed_purge",
    "withdrawal_token_read",
    "withdrawal_url",
]
