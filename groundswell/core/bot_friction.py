"""Friction for bots on the signing forms: a honeypot field and a minimum time to fill the form.

Every signing form (a petition, its embed, an open letter) carries two more fields:
- `website`, a text input that people never see or reach (hidden by a class of the site's
  stylesheet, left out of the accessibility tree and the tab order, never autofilled, labelled
  "leave this field empty" for anyone who sees the page without its stylesheet), which bots
  that fill every input fill;
- `issued`, the time the form was rendered, signed with SECRET_KEY so that nobody can backdate it.

A submission whose honeypot is filled, whose `issued` is missing or forged, or that comes less
than SIGNING_MIN_FILL_SECONDS after its form was rendered is dropped silently: the view answers
what it answers a signer and stores and sends nothing, so a bot learns nothing to adapt to. The
check is one HMAC, on the lean chain too (it is in the views).

Petition pages come from a shared cache for a few seconds, so a form's `issued` may be older than
the visitor's arrival: that only makes the check more lenient. There is no maximum age, since a
person may leave a tab open for days before signing.
"""

import logging
import time
from collections.abc import Mapping
from functools import lru_cache, partial

from django import forms
from django.conf import settings
from django.core import signing
from django.forms.renderers import BaseRenderer
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _

logger = logging.getLogger(__name__)

HONEYPOT_FIELD = "website"
ISSUED_FIELD = "issued"
SALT = "groundswell.core.bot_friction"


def _signer(form: str) -> signing.Signer:
    return _signer_with(form, settings.SECRET_KEY, tuple(settings.SECRET_KEY_FALLBACKS))


# One Signer per form and key, not one per request: building it costs a third of a check.
@lru_cache(maxsize=16)
def _signer_with(form: str, key: str, fallback_keys: tuple[str, ...]) -> signing.Signer:
    return signing.Signer(key=key, fallback_keys=list(fallback_keys), salt=f"{SALT}.{form}")


def form_issued_token(*, form: str, issued_at: float | None = None) -> str:
    """The `issued` value of `form` ("petition", "letter") rendered at `issued_at` (now)."""
    issued_at = time.time() if issued_at is None else issued_at
    return _signer(form).sign(f"{issued_at:.3f}")


def form_issued_at(*, form: str, token: str) -> float | None:
    """When a form was rendered, or None for a token that is missing, forged or for another form."""
    try:
        return float(_signer(form).unsign(token))
    except (signing.BadSignature, ValueError):
        return None


def submission_is_automated(
    data: Mapping[str, str], *, form: str, now: float | None = None
) -> bool:
    """True for a submission to drop silently (see the module's docstring)."""
    reason = ""
    minimum = settings.SIGNING_MIN_FILL_SECONDS
    if data.get(HONEYPOT_FIELD):
        reason = "honeypot filled"
    elif minimum:
        issued_at = form_issued_at(form=form, token=data.get(ISSUED_FIELD) or "")
        if issued_at is None:
            reason = "no valid form time"
        elif (time.time() if now is None else now) - issued_at < minimum:
            reason = "sent too fast"
    if reason:
        logger.info("%s submission dropped as automated: %s", form, reason)
    return bool(reason)


class HoneypotInput(forms.TextInput):
    """The honeypot's input. Listed among a form's hidden fields (`is_hidden`), so that templates
    give it no row of its own: it renders its own label, inside a wrapper hidden from people."""

    is_hidden = True

    def render(
        self,
        name: str,
        value: object,
        attrs: dict[str, object] | None = None,
        renderer: BaseRenderer | None = None,
    ) -> SafeString:
        attrs = {**(attrs or {}), "tabindex": "-1", "autocomplete": "off"}
        field = super().render(name, None, attrs, renderer)  # never shows what was typed
        return format_html(
            '<div class="form-trap" aria-hidden="true"><label for="{}">{}</label>{}</div>',
            attrs.get("id", ""),
            _("Leave this field empty"),
            field,
        )


def honeypot_field() -> forms.CharField:
    return forms.CharField(required=False, strip=False, widget=HoneypotInput)


def issued_field(*, form: str) -> forms.CharField:
    """A hidden field whose value is the signed time each form is rendered at."""
    return forms.CharField(
        required=False, widget=forms.HiddenInput, initial=partial(form_issued_token, form=form)
    )
