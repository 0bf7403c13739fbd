"""The Content-Security-Policy header (django-csp, configured in settings.CONTENT_SECURITY_POLICY).

No page has an inline script, style element, style attribute or event-handler attribute
(tests/core/test_content_security_policy.py walks every page), so the policy allows scripts and
styles from this origin only, and needs no nonces.
"""

from typing import Any, TypeVar

from csp.constants import HEADER, HEADER_REPORT_ONLY
from csp.middleware import CSPMiddleware, PolicyParts
from csp.utils import build_policy
from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponseBase

# Partner sites frame the signing form (campaigns:petition_embed and what it leads to) from
# origins nobody lists in advance: organizers add partners at any time. Letting any site frame
# it gives a site nothing it could not do without the frame: signing is CSRF-exempt, and every
# signature counts only once confirmed from the signer's own inbox.
EMBED_FRAME_ANCESTORS = ["*"]

# What django-csp's decorators set on a response to change its policy.
_PER_RESPONSE_POLICY = ("_csp_config", "_csp_update", "_csp_replace")
R = TypeVar("R", bound=HttpResponseBase)
_built: dict[tuple[bool, bool], str] = {}


def framable_by_partner_sites(response: R) -> R:
    """Let any site frame this response: the embedded form and the pages shown inside it."""
    response.xframe_options_exempt = True  # type: ignore[attr-defined]
    return response


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """django-csp's middleware, with two differences.

    A response that Django lets other sites frame (`xframe_options_exempt`, set by
    `framable_by_partner_sites`) gets `frame-ancestors *` instead of the policy's 'none', so
    that X-Frame-Options and the policy never disagree.

    The header is built once per process (per kind: framable or not) instead of on every
    response: django-csp builds it each time, about 0.1 ms, a tenth of a signing POST. A
    response whose view changed its policy with django-csp's decorators, or a request that
    used a nonce, is built as django-csp builds it.
    """

    def get_policy_parts(
        self, request: HttpRequest, response: HttpResponseBase, report_only: bool = False
    ) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only=report_only)
        if getattr(response, "xframe_options_exempt", False):
            parts.replace = {**(parts.replace or {}), "frame-ancestors": EMBED_FRAME_ANCESTORS}
        return parts

    def process_response(
        self, request: HttpRequest, response: HttpResponseBase
    ) -> HttpResponseBase:
        own_policy = any(getattr(response, name, None) for name in _PER_RESPONSE_POLICY)
        nonce_used = getattr(request, "_csp_nonce", None) is not None
        if settings.DEBUG or own_policy or nonce_used:
            return super().process_response(request, response)
        framable = bool(getattr(response, "xframe_options_exempt", False))
        for header, setting, exempt in (
            (HEADER, "CONTENT_SECURITY_POLICY", "_csp_exempt"),
            (HEADER_REPORT_ONLY, "CONTENT_SECURITY_POLICY_REPORT_ONLY", "_csp_exempt_ro"),
        ):
            policy = _policy(framable=framable, report_only=setting.endswith("REPORT_ONLY"))
            if not policy or header in response or getattr(response, exempt, False):
                continue
            excluded = (getattr(settings, setting, None) or {}).get("EXCLUDE_URL_PREFIXES")
            if not excluded or not request.path_info.startswith(tuple(excluded)):
                response[header] = policy
        return response


def _policy(*, framable: bool, report_only: bool) -> str:
    """The header's value from settings, as django-csp builds it; "" when there is no policy."""
    key = (framable, report_only)
    if key not in _built:
        replace = {"frame-ancestors": EMBED_FRAME_ANCESTORS} if framable else None
        _built[key] = build_policy(replace=replace, report_only=report_only)
    return _built[key]


@receiver(setting_changed)
def _forget_built_policies(*, setting: str, **kwargs: Any) -> None:
    if setting.startswith("CONTENT_SECURITY_POLICY"):
        _built.clear()
