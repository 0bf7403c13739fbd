"""Limits on guessing passwords and on asking for password-reset e-mails.

Logins are throttled by django-axes (configured in settings: AXES_*), which takes the client
address from `groundswell.core.http.client_address`, the one every other limit uses. Password-reset
requests are counted here, per client address and per typed address, in the shared cache (keys
hashed, see groundswell.core.ratelimit).
"""

import ipaddress
import logging

from django.conf import settings
from django.http import HttpRequest

from groundswell.core.http import client_address
from groundswell.core.ratelimit import rate_limit_exceeded

logger = logging.getLogger(__name__)
HOUR = 3600


def login_client_address(request: HttpRequest) -> str | None:
    """The client address for axes, which stores it in an IP address column: None rather than a
    value that is not an address (a request without REMOTE_ADDR, as the test client's login)."""
    address = client_address(request)
    try:
        return str(ipaddress.ip_address(address))
    except ValueError:
        return None


def login_client_for_logs(
    username: str | None,
    ip_address: str | None,
    user_agent: str,
    path_info: str,
    request: HttpRequest,
) -> str:
    """How axes names a client in its log lines: by the page only, never who or from where."""
    return f"a client of {path_info}"


def password_reset_request_allowed(*, client: str, email: str) -> bool:
    """Count one password-reset request and say whether it may send an e-mail.

    A request refused for its client does not count against the typed address.
    """
    if rate_limit_exceeded(
        scope="password-reset-client",
        key=client,
        limit=settings.PASSWORD_RESET_CLIENT_LIMIT_PER_HOUR,
        window_seconds=HOUR,
    ):
        logger.warning("password reset throttled: too many requests from one client")
        return False
    if rate_limit_exceeded(
        scope="password-reset-address",
        key=email.strip().lower(),
        limit=settings.PASSWORD_RESET_ADDRESS_LIMIT_PER_HOUR,
        window_seconds=HOUR,
    ):
        logger.warning("password reset throttled: too many requests for one address")
        return False
    return True
