"""Signing and confirming in one round trip to PostgreSQL.

Each function is a single statement built from data-modifying CTEs, run in autocommit: the
signature, its consents and partner visit, its tally and its confirmation e-mail are written
together or not at all, without BEGIN/COMMIT round trips. Other databases (SQLite in development)
take the equivalent multi-statement path in `groundswell.signatures.services`; the test suite
runs on both.
"""

import json
from collections.abc import Sequence
from datetime import date, datetime
from functools import cache
from typing import cast

from django.db import connection
from django.db.models import Field, Model

from groundswell.core.databases import fetchone_prepared
from groundswell.core.models import OutboundEmail
from groundswell.signatures.consent import ConsentGiven
from groundswell.signatures.models import Consent, PartnerReferral, Signature, Tally

# The columns `insert_signature` writes, in the order of its parameters. Values are passed as
# the driver takes them (ids, str, bool, aware datetimes): no per-field conversion on this path.
SIGNATURE_FIELDS = (
    "campaign", "public_id", "name", "email", "email_key", "country", "postal_code", "comment",
    "comment_public", "show_name", "source", "partner", "referral_count", "gave_consent",
    "text_version", "told_of_version", "created_at", "notified_at", "channel", "referral_code",
    "language",
)  # fmt: skip


def _table(model: type[Model]) -> str:
    return connection.ops.quote_name(model._meta.db_table)


@cache
def _insert_sql(*, with_partner: bool, consents: int, with_referrer: bool = False) -> str:
    """The signing statement for one shape of signature; built once per process and shape."""
    names = [*SIGNATURE_FIELDS, "referred_by"] if with_referrer else list(SIGNATURE_FIELDS)
    columns = ", ".join(
        connection.ops.quote_name(cast(Field, Signature._meta.get_field(name)).column)
        for name in names
    )
    placeholders = ["%s"] * len(SIGNATURE_FIELDS)
    if with_referrer:
        # The `?r=` code is looked up inside the statement: an unknown code (or another
        # campaign's) is simply no referrer, and signing stays one round trip.
        placeholders.append(
            f"(SELECT id FROM {_table(Signature)} WHERE referral_code = %s "  # noqa: S608
            "AND campaign_id = %s)"
        )
    parts = [
        f"WITH new AS (INSERT INTO {_table(Signature)} ({columns}) "  # noqa: S608
        f"VALUES ({', '.join(placeholders)}) "
        "ON CONFLICT (campaign_id, email_key) DO NOTHING RETURNING id)"
    ]
    if with_partner:
        parts.append(
            f", referral AS (INSERT INTO {_table(PartnerReferral)} "  # noqa: S608
            "(signature_id, partner_id, created_at) SELECT id, %s, %s FROM new)"
        )
    if consents:
        rows = ", ".join(["(%s::bigint, %s::text, %s::text)"] * consents)
        parts.append(
            f", consent AS (INSERT INTO {_table(Consent)} "  # noqa: S608
            "(signature_id, organization_id, wording, language, given_at) "
            f"SELECT new.id, v.o, v.w, v.l, %s FROM new, (VALUES {rows}) AS v(o, w, l))"
        )
    tally = _table(Tally)
    parts.append(
        f", tally AS (INSERT INTO {tally} (campaign_id, partner_key, day, shard, signed, "  # noqa: S608
        "confirmed, referrals, multi_partner) SELECT %s, %s, %s, %s, 1, 0, 0, 0 FROM new "
        "ON CONFLICT (campaign_id, partner_key, day, shard) "
        f"DO UPDATE SET signed = {tally}.signed + 1)"
    )
    parts.append(
        # The e-mail names its signature, so that erasing the signature deletes it.
        f", mail AS (INSERT INTO {_table(OutboundEmail)} "  # noqa: S608
        '("to", subject, body, template, context, language, kind, campaign_id, created_at, '
        "attempts, last_error, failure, signature_id) SELECT %s::text, %s::text, '', %s::text, "
        "%s::jsonb, %s::text, %s::text, %s::bigint, %s, 0, '', '', new.id FROM new RETURNING id) "
        "SELECT new.id, mail.id FROM new, mail"
    )
    return "".join(parts)


def insert_signature(
    *,
    values: dict[str, object],
    partner_id: int | None,
    consents: Sequence[ConsentGiven],
    mail: dict[str, object],
    now: datetime,
    day: date,
    shard: int,
    referrer_code: str = "",
) -> tuple[int, int] | None:
    """(signature id, outbox e-mail id) for a new signature; None when the person had signed."""
    params = [values[name] for name in SIGNATURE_FIELDS]
    if referrer_code:
        params += [referrer_code, values["campaign"]]
    if partner_id is not None:
        params += [partner_id, now]
    if consents:
        params.append(now)
        for consent in consents:
            params += [consent.organization_id, consent.wording, consent.language]
    params += [values["campaign"], partner_id or 0, day, shard]
    params += [
        mail["to"], mail["subject"], mail["template"], json.dumps(mail["context"]),
        mail["language"], mail["kind"], mail["campaign_id"], now,
    ]  # fmt: skip
    sql = _insert_sql(
        with_partner=partner_id is not None,
        consents=len(consents),
        with_referrer=bool(referrer_code),
    )
    row = fetchone_prepared(sql, params)
    return (row[0], row[1]) if row else None


@cache
def _confirm_sql() -> str:
    tally = _table(Tally)
    return (
        # The row is found through the unique public id, then its primary key, whatever the
        # statistics say. The pending-and-this-campaign test is written as an expression no
        # index can serve: as plain conditions, with stale statistics, the planner walked the
        # (campaign, confirmed_at) index through every pending signature of the campaign to
        # find that one id (17 ms per confirmation at 150,000 pending).
        f"WITH sig AS (UPDATE {_table(Signature)} SET confirmed_at = %s "  # noqa: S608
        f"WHERE id = (SELECT id FROM {_table(Signature)} WHERE public_id = %s) "
        "AND CASE WHEN confirmed_at IS NULL THEN campaign_id END = %s "
        "RETURNING id, partner_id, referral_count, gave_consent), "
        f"consent AS (UPDATE {_table(Consent)} AS c SET confirmed_at = %s FROM sig "
        "WHERE c.signature_id = sig.id AND sig.gave_consent AND c.confirmed_at IS NULL), "
        f"tally AS (INSERT INTO {tally} (campaign_id, partner_key, day, shard, signed, "
        "confirmed, referrals, multi_partner) SELECT %s, COALESCE(partner_id, 0), %s, %s, 0, 1, "
        "referral_count, CASE WHEN referral_count >= 2 THEN 1 ELSE 0 END FROM sig "
        "ON CONFLICT (campaign_id, partner_key, day, shard) DO UPDATE SET "
        f"confirmed = {tally}.confirmed + 1, "
        f"referrals = {tally}.referrals + excluded.referrals, "
        f"multi_partner = {tally}.multi_partner + excluded.multi_partner) "
        "SELECT id FROM sig"
    )


def confirm_signature(
    *, public_id: str, campaign_id: int, now: datetime, day: date, shard: int
) -> int | None:
    """Confirm a pending signature, its consents and its tally at once: its id, or
    None when there is no pending signature with that id (already confirmed, or gone)."""
    row = fetchone_prepared(
        _confirm_sql(), [now, public_id, campaign_id, now, campaign_id, day, shard]
    )
    return row[0] if row else None
