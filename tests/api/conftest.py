from collections.abc import Callable
from typing import Any

import pytest

from groundswell.accounts.models import Organization
from groundswell.api.keys import api_key_create
from groundswell.api.models import ApiScope
from groundswell.signatures.consent import ConsentGiven
from tests.coalitions.conftest import make_partner, partner_a, partner_b  # noqa: F401
from tests.events.conftest import make_event, rsvped  # noqa: F401
from tests.letters.conftest import letter, make_letter, sign_letter  # noqa: F401
from tests.transparency.conftest import _delivery_isolated, checkpoint_key_file  # noqa: F401


@pytest.fixture
def make_key(db: None) -> Callable[..., str]:
    """A new key's secret for the organization (what its holder sends)."""

    def make(organization: Organization, scope: str = ApiScope.READ, name: str = "CRM sync") -> str:
        return api_key_create(organization=organization, name=name, scope=scope).secret

    return make


@pytest.fixture
def api(client: Any) -> Callable[..., Any]:
    """Call the API with a key: api("get", "/api/v1/petitions", key=..., json=...)."""

    def call(
        method: str, path: str, *, key: str | None = None, json: Any = None, **headers: str
    ) -> Any:
        extra = {f"HTTP_{name.upper().replace('-', '_')}": value for name, value in headers.items()}
        if key is not None:
            extra["HTTP_AUTHORIZATION"] = f"Bearer {key}"
        if json is not None:
            return getattr(client, method)(path, json, content_type="application/json", **extra)
        return getattr(client, method)(path, **extra)

    return call


def consent_to(organization: Organization) -> ConsentGiven:
    return ConsentGiven(organization_id=organization.pk, wording="May contact me", language="en")
