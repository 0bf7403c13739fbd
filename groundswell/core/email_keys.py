"""The canonical form of an e-mail address, used to recognise one person signing twice."""

GMAIL_DOMAINS = frozenset({"gmail.com", "googlemail.com"})


def email_key(address: str) -> str:
    """Lower-case the address, drop a +tag, and for Gmail drop dots and unify the domain.

    >>> email_key("Jane.Doe+petitions@GoogleMail.com")
    'janedoe@gmail.com'
    """
    local, _, domain = address.strip().lower().rpartition("@")
    if not local:
        return address.strip().lower()
    local = local.split("+", 1)[0]
    if domain in GMAIL_DOMAINS:
        local = local.replace(".", "")
        domain = "gmail.com"
    return f"{local}@{domain}"
