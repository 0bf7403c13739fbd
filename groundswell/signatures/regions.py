"""Where confirmed signers are: US states from ZIP codes (`zipcodes`), other countries by name
(`pycountry`), for the organizers' charts."""

from collections import Counter
from functools import cache

import pycountry
import zipcodes
from django.db.models import Count, Q, QuerySet
from django.db.models.functions import Substr
from django.utils.translation import gettext as _

from groundswell.campaigns.models import Campaign
from groundswell.core.databases import reporting_database
from groundswell.signatures.models import Signature


@cache
def _states_by_zip() -> dict[str, str]:
    """ZIP code to state (two letters), built once per process from zipcodes' list (42,000
    codes); `zipcodes.matching` would scan that list for each code."""
    return {entry["zip_code"]: entry["state"] for entry in zipcodes.list_all()}


@cache
def _state_names() -> dict[str, str]:
    return {
        subdivision.code.removeprefix("US-"): subdivision.name
        for subdivision in pycountry.subdivisions.get(country_code="US") or []
    }


def country_name(code: str) -> str:
    country = pycountry.countries.get(alpha_2=code)
    return country.name if country is not None else code


def us_state(postal_code: str) -> str | None:
    """The state (two letters) of a US ZIP or ZIP+4 code, or None when it is not one."""
    return _states_by_zip().get(postal_code.strip()[:5])


def _confirmed(campaign: Campaign, partner_id: int | None, everyone: bool) -> QuerySet[Signature]:
    rows = Signature.objects.using(reporting_database()).filter(
        campaign_id=campaign.pk, confirmed_at__isnull=False
    )
    if not everyone:
        rows = rows.filter(Q(partner_id=partner_id) if partner_id else Q(partner__isnull=True))
    return rows


def confirmed_by_region(
    *, campaign: Campaign, partner_id: int | None = None, everyone: bool = True, limit: int = 15
) -> list[tuple[str, int]]:
    """(region, confirmed) most first: "State, United States" for US signers with a known ZIP
    code, the country's name for everyone else. One grouped query (by country and the ZIP's
    first five characters, a few thousand groups at most), then mapped here."""
    rows = (
        _confirmed(campaign, partner_id, everyone)
        .annotate(zip5=Substr("postal_code", 1, 5))
        .values("country", "zip5")
        .annotate(n=Count("pk"))
        .order_by()
    )
    counts: Counter[str] = Counter()
    united_states = country_name("US")
    for row in rows:
        code = str(row["country"])
        state = us_state(row["zip5"] or "") if code == "US" else None
        if state is not None:
            name = _state_names().get(state, state)
            counts[f"{name}, {united_states}"] += row["n"]
        elif code == "US":
            counts[_("%(country)s (no ZIP code)") % {"country": united_states}] += row["n"]
        else:
            counts[country_name(code)] += row["n"]
    return counts.most_common(limit)


def confirmed_by_source(
    *, campaign: Campaign, partner_id: int | None = None, everyone: bool = True, limit: int = 15
) -> list[tuple[str, int]]:
    rows = (
        _confirmed(campaign, partner_id, everyone)
        .values("source")
        .annotate(n=Count("pk"))
        .order_by("-n", "source")[:limit]
    )
    return [(row["source"] or _("(none)"), row["n"]) for row in rows]
