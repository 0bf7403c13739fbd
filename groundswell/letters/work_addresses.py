"""Work e-mail addresses: what is kept of them (a keyed hash and the domain) and domain rules.

The address itself is used once, to send the verification link, and is never stored: only
`work_address_hash` (to stop one address signing a letter twice) and `work_address_domain`.
"""

import re

from django.utils.crypto import salted_hmac

HASH_SALT = "groundswell.letters.work-email"
# A domain or a domain suffix as organizers type them: "northwind.example", ".edu", "*.ac.uk".
LABEL = r"[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?"
DOMAIN_RULE = re.compile(rf"^\.?({LABEL}\.)*{LABEL}$")


def _ascii_domain(domain: str) -> str:
    """Lower-case, trailing dot removed, internationalised names in their ASCII (IDNA) form."""
    domain = domain.strip().lower().rstrip(".")
    try:
        return domain.encode("idna").decode("ascii")
    except UnicodeError:
        return domain


def work_address_normalize(address: str) -> str:
    """Lower-case the address and drop a +tag, so that one mailbox has one hash.

    >>> work_address_normalize(" Ada.Lovelace+letters@NorthWind.Example ")
    'ada.lovelace@northwind.example'
    """
    local, _at, domain = address.strip().rpartition("@")
    local = local.lower().split("+", 1)[0]
    return f"{local}@{_ascii_domain(domain)}"


def work_address_domain(address: str) -> str:
    return work_address_normalize(address).rpartition("@")[2]


def work_address_hash(address: str) -> str:
    """HMAC-SHA256 of the normalised address under a key derived from SECRET_KEY (hex, 64).

    Changing SECRET_KEY makes old hashes unmatchable: the same address could then sign again.
    """
    normalized = work_address_normalize(address)
    return salted_hmac(HASH_SALT, normalized, algorithm="sha256").hexdigest()


def domain_rule_normalize(rule: str) -> str:
    """An organizer's rule in stored form ("*.edu" becomes ".edu"); ValueError if malformed."""
    rule = rule.strip()
    if rule.startswith("*."):
        rule = rule[1:]
    suffix = rule.startswith(".")
    normalized = _ascii_domain(rule[1:] if suffix else rule)
    normalized = f".{normalized}" if suffix else normalized
    if not DOMAIN_RULE.match(normalized):
        raise ValueError(rule)
    return normalized


def domain_allowed(domain: str, rules: list[str]) -> bool:
    """Whether `domain` is a rule's domain or one of its subdomains.

    "northwind.example" allows northwind.example and eng.northwind.example, never
    evilnorthwind.example; ".edu" allows any domain ending in .edu.
    """
    domain = _ascii_domain(domain)
    for rule in rules:
        base = rule.lstrip(".")
        if (domain == base and not rule.startswith(".")) or domain.endswith(f".{base}"):
            return True
    return False
