import ipaddress
from functools import lru_cache
from typing import Literal, overload

from django.conf import settings
from django.core.exceptions import BadRequest
from django.http import HttpRequest
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.translation import gettext as _

from groundswell.core.env import Network

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


def client_address(request: HttpRequest) -> str:
    """The address of the person making the request: what rate limits (and anything else that
    tells clients apart) must use, never REMOTE_ADDR or a header directly.

    REMOTE_ADDR is the peer. Only when the peer is one of settings.TRUSTED_PROXIES is
    X-Forwarded-For read, from the right: each trusted proxy appends the address it was
    connected from, so the right-most entry that is not itself a trusted proxy is the client,
    and everything to the left of it is what the client chose to send. An entry that is not an
    address ends the walk at the last address a trusted proxy vouched for: the proxies we run
    never write one, so it came from the client (or a proxy we were not told about), and a
    requester sending junk must neither choose a bucket nor land in the peer's shared one.
    """
    peer = request.META.get("REMOTE_ADDR", "")
    trusted = settings.TRUSTED_PROXIES
    if not trusted:
        return peer
    peer_address = _address(peer)
    if peer_address is None or not _is_trusted(peer_address, trusted):
        return peer
    vouched = peer_address
    for entry in reversed(request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")):
        address = _address(entry.strip())
        if address is None:
            break
        if not _is_trusted(address, trusted):
            return str(address)
        vouched = address
    return str(vouched)


def _is_trusted(address: IPAddress, trusted: tuple[Network, ...]) -> bool:
    return any(address in network for network in trusted)


def _address(text: str) -> IPAddress | None:
    """An address written by a proxy: bare, or with a port ("203.0.113.9:5000",
    "[2001:db8::1]:443"); an IPv4-mapped IPv6 address is its IPv4 address, so that one client
    is one client on a dual-stack socket. None for anything else."""
    try:
        address = ipaddress.ip_address(text)
    except ValueError:
        if text.startswith("["):
            text = text[1 : text.find("]")]
        elif text.count(":") == 1:
            text = text.partition(":")[0]
        else:
            return None
        try:
            address = ipaddress.ip_address(text)
        except ValueError:
            return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return address


class InvalidParameter(BadRequest):
    """A query or form parameter that the page cannot take: answered with a 400 that shows this
    message (groundswell.core.views.bad_request; JSON documents answer it in JSON)."""


def integer_parameter(
    raw: str | None,
    *,
    name: str,
    minimum: int = 0,
    maximum: int,
    default: int | None = None,
    required: bool = False,
) -> int | None:
    """`raw` as a whole number from `minimum` to `maximum`; empty or absent is `default`, or
    missing when `required`. Anything else raises InvalidParameter.

    Only ASCII digits are read: str.isdigit() and int() also take other Unicode digits, and
    int("²") raises where isdigit() said yes. The length is checked before int() is called, so
    a huge number costs nothing.
    """
    text = (raw or "").strip()
    if not text:
        if required:
            raise InvalidParameter(_("The parameter %(name)s is missing.") % {"name": name})
        return default
    digits = text.lstrip("0") or "0"
    if text.isascii() and text.isdigit() and len(digits) <= len(str(maximum)):
        number = int(digits)
        if minimum <= number <= maximum:
            return number
    raise InvalidParameter(
        _("The parameter %(name)s must be a whole number from %(minimum)s to %(maximum)s.")
        % {"name": name, "minimum": minimum, "maximum": maximum}
    )


@overload
def query_integer(
    request: HttpRequest, name: str, *, minimum: int = 0, maximum: int, default: int
) -> int: ...


@overload
def query_integer(
    request: HttpRequest, name: str, *, minimum: int = 0, maximum: int, required: Literal[True]
) -> int: ...


@overload
def query_integer(
    request: HttpRequest,
    name: str,
    *,
    minimum: int = 0,
    maximum: int,
    default: None = None,
    required: bool = False,
) -> int | None: ...


def query_integer(
    request: HttpRequest,
    name: str,
    *,
    minimum: int = 0,
    maximum: int,
    default: int | None = None,
    required: bool = False,
) -> int | None:
    """The query parameter `name`, read by integer_parameter."""
    return integer_parameter(
        request.GET.get(name),
        name=name,
        minimum=minimum,
        maximum=maximum,
        default=default,
        required=required,
    )


# Stands for the token in a kept path; reverse() leaves it as it is, and no slug contains it.
_STAND_IN = "~"


def path_for(viewname: str, *, slug: str, token: str | None = None) -> str:
    """reverse(viewname, kwargs={"slug": slug[, "token": token]}), resolved once per view and
    slug in this process: the signing path builds two of these per signature.

    `token` must be URL-safe as it is (signed link tokens are: base64url and colons), which is
    what reverse() would have left of it.
    """
    urlconf = get_urlconf() or settings.ROOT_URLCONF
    kept = _kept_path(viewname, slug, token is not None, get_script_prefix(), urlconf)
    if token is None:
        return kept
    head, _, tail = kept.rpartition(_STAND_IN)
    return f"{head}{token}{tail}"


@lru_cache(maxsize=4096)
def _kept_path(viewname: str, slug: str, with_token: bool, prefix: str, urlconf: str | None) -> str:
    kwargs = {"slug": slug, "token": _STAND_IN} if with_token else {"slug": slug}
    return reverse(viewname, kwargs=kwargs, urlconf=urlconf)
