"""Strict readers for configuration from environment variables.

A value that is set but cannot be parsed stops the process at start-up with the variable's name,
rather than silently falling back to a default.
"""

import ipaddress
import os
from urllib.parse import parse_qs, unquote, urlsplit

from django.core.exceptions import ImproperlyConfigured

TRUE_WORDS = {"1", "true", "yes", "on"}
FALSE_WORDS = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    word = raw.strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise ImproperlyConfigured(f"{name} must be one of 1/0/true/false/yes/no/on/off, got {raw!r}")


def env_int(name: str, default: int, *, minimum: int | None = None) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be an integer, got {raw!r}") from None
    if minimum is not None and value < minimum:
        raise ImproperlyConfigured(f"{name} must be at least {minimum}, got {value}")
    return value


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def env_networks(name: str) -> tuple[Network, ...]:
    """Comma-separated IP addresses or CIDR networks, IPv4 or IPv6 ("127.0.0.1, 10.0.0.0/8,
    ::1"); unset or empty: none. A network with host bits set (10.0.0.1/8) is refused rather
    than widened: it is more likely a typing mistake than what was meant."""
    networks = []
    for item in env_list(name, []):
        try:
            networks.append(ipaddress.ip_network(item))
        except ValueError as error:
            raise ImproperlyConfigured(
                f"{name} must be comma-separated IP addresses or CIDR networks; {error}"
            ) from None
    return tuple(networks)


def email_settings_from_url(url: str) -> dict[str, object]:
    """Translate EMAIL_URL into Django's EMAIL_* settings.

    Supported: ``console://``, ``locmem://``, ``dummy://``, ``smtp://user:pass@host:port``,
    ``smtp+tls://...`` (STARTTLS) and ``smtps://...`` (implicit TLS). ``?from=`` sets the sender.
    """
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    options = {key: values[-1] for key, values in parse_qs(parts.query).items()}
    settings: dict[str, object] = {}
    if "from" in options:
        settings["DEFAULT_FROM_EMAIL"] = options["from"]
    simple_backends = {
        "console": "django.core.mail.backends.console.EmailBackend",
        "locmem": "django.core.mail.backends.locmem.EmailBackend",
        "dummy": "django.core.mail.backends.dummy.EmailBackend",
    }
    if scheme in simple_backends:
        settings["EMAIL_BACKEND"] = simple_backends[scheme]
        return settings
    if scheme not in {"smtp", "smtp+tls", "smtps"}:
        raise ImproperlyConfigured(
            "EMAIL_URL scheme must be smtp, smtp+tls, smtps, console, locmem or dummy; "
            f"got {scheme!r}"
        )
    if not parts.hostname:
        raise ImproperlyConfigured("EMAIL_URL needs a host, e.g. smtp://127.0.0.1:1025")
    try:
        port = parts.port or (465 if scheme == "smtps" else 25)
    except ValueError:
        raise ImproperlyConfigured("EMAIL_URL has an invalid port") from None
    timeout = options.get("timeout", "10")
    if not (timeout.isascii() and timeout.isdigit()):
        raise ImproperlyConfigured(f"EMAIL_URL ?timeout= must be whole seconds, got {timeout!r}")
    settings.update(
        EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
        EMAIL_HOST=parts.hostname,
        EMAIL_PORT=port,
        EMAIL_HOST_USER=unquote(parts.username or ""),
        EMAIL_HOST_PASSWORD=unquote(parts.password or ""),
        EMAIL_USE_TLS=scheme == "smtp+tls",
        EMAIL_USE_SSL=scheme == "smtps",
        EMAIL_TIMEOUT=int(timeout),
    )
    return settings
