"""The keyed hash under which unsubscriptions and suppressions know an address."""

from django.utils.crypto import salted_hmac

from groundswell.core.email_keys import email_key

HASH_SALT = "groundswell.updates.addresses"


def address_hash(address: str) -> str:
    """HMAC-SHA256 of the canonical address (`email_key`: one person whatever the case, +tag or
    Gmail dots) under a key derived from SECRET_KEY; hex, 64 characters.

    Changing SECRET_KEY makes every recorded unsubscription and suppression unmatchable.
    """
    return salted_hmac(HASH_SALT, email_key(address), algorithm="sha256").hexdigest()
