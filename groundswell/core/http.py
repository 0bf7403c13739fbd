from functools import lru_cache

from django.conf import settings
from django.http import HttpRequest
from django.urls import get_script_prefix, get_urlconf, reverse


def client_address(request: HttpRequest) -> str:
    """The address to rate-limit on. Behind a proxy, set REMOTE_ADDR from it (e.g. gunicorn's
    --forwarded-allow-ips); we never trust a client-supplied X-Forwarded-For here."""
    return request.META.get("REMOTE_ADDR", "")


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
def _kept_path(viewname: str, slug: str, with_token: bool, prefix: str, urlconf: object) -> str:
    kwargs = {"slug": slug, "token": _STAND_IN} if with_token else {"slug": slug}
    return reverse(viewname, kwargs=kwargs, urlconf=urlconf)
