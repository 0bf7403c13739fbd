"""Signing and confirming in one round trip to PostgreSQL.

Each function is a single statement built from data-modifying CTEs, run in autocommit: the
signature, its consents and partner visit, its tally and its confirmation e-mail are written
together or not at all, without BEGIN/COMMIT round trips. Signatures taken at the same moment
by one process share a statement (`core.group_commit`). Other databases (SQLite in development)
take the equivalent multi-statement path in `groundswell.signatures.services`; the test suite
runs on both.
"""

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache
from typing import TypeVar, cast

from django.conf import settings
from django.db import connection
from django.db.models import Field, Model

from groundswell.coalitions.models import Partner
from groundswell.core.databases import fetchall_prepared
from groundswell.core.group_commit import GroupCommit
from groundswell.core.models import OutboundEmail
from groundswell.signatures.consent import ConsentGiven
from groundswell.signatures.models import Consent, PartnerReferral, Signature, Tally
from groundswell.signatures.selectors import SignerSharing

# The columns `insert_signature` writes, in the order of its parameters. Values are passed as
# the driver takes them (ids, str, bool, aware datetimes): no per-field conversion on this path.
Row = TypeVar("Row")

SIGNATURE_FIELDS = (
    "campaign", "public_id", "name", "email", "email_key", "country", "postal_code", "comment",
    "comment_public", "show_name", "source", "partner", "referral_count", "gave_consent",
    "text_version", "told_of_version", "created_at", "notified_at", "channel", "referral_code",
    "language",
)  # fmt: skip


def _table(model: type[Model]) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def _column_type(model: type[Model], name: str) -> str:
    """The type a column's values are read from the JSON as. Strings as text: a varchar(n)
    there would cut a value too long, where the INSERT's own conversion refuses it."""
    db_type = cast(Field, model._meta.get_field(name)).db_type(connection) or "text"
    return "text" if db_type.startswith("varchar") else db_type


# What each row sends besides its signature's columns: its referrer's `?r=` code ("" for none),
# its tally row's day and shard, and its e-mail (as in OutboundEmail).
_ROW_EXTRAS = (
    ("referrer", "text"), ("day", "date"), ("shard", "integer"), ("mail_to", "text"),
    ("subject", "text"), ("template", "text"), ("context", "jsonb"), ("mail_language", "text"),
    ("kind", "text"), ("mail_campaign", "bigint"),
)  # fmt: skip


@cache
def _insert_sql() -> str:
    """The signing statement: any number of signatures, sent as two JSON arrays (the rows, and
    their consents): one statement text for every batch, prepared once per connection. (JSON
    because the driver encodes a parameter of text in C, where arrays of values cost it more in
    Python than the rest of the request.)"""
    signature = _table(Signature)
    fields = [cast(Field, Signature._meta.get_field(name)) for name in SIGNATURE_FIELDS]
    record = [(name, _column_type(Signature, name)) for name in SIGNATURE_FIELDS] + [*_ROW_EXTRAS]
    columns = ", ".join(connection.ops.quote_name(field.column) for field in fields)
    tally = _table(Tally)
    referred_by = connection.ops.quote_name(Signature._meta.get_field("referred_by").column)
    names = ", ".join(f"{name} {kind}" for name, kind in record)
    parts = [
        f"WITH v AS (SELECT * FROM json_to_recordset(%s::json) AS v({names})), ",  # noqa: S608
        # An address that has signed (or appears twice in the batch) is skipped, and its
        # request takes the repeat path. The `?r=` code is looked up inside the statement: an
        # unknown code (or another campaign's) is simply no referrer.
        f"new AS (INSERT INTO {signature} ({columns}, {referred_by}) "  # noqa: S608
        f"SELECT {', '.join(f'v.{name}' for name in SIGNATURE_FIELDS)}, "
        "CASE WHEN v.referrer <> '' THEN "
        f"(SELECT r.id FROM {signature} AS r WHERE r.referral_code = v.referrer "
        "AND r.campaign_id = v.campaign) END FROM v "
        "ON CONFLICT (campaign_id, email_key) DO NOTHING "
        "RETURNING id, public_id, campaign_id, partner_id, created_at), ",
        f"referral AS (INSERT INTO {_table(PartnerReferral)} "  # noqa: S608
        "(signature_id, partner_id, created_at) "
        "SELECT id, partner_id, created_at FROM new WHERE partner_id IS NOT NULL), ",
        f"consent AS (INSERT INTO {_table(Consent)} "  # noqa: S608
        "(signature_id, organization_id, wording, language, given_at) "
        "SELECT new.id, c.o, c.w, c.l, new.created_at FROM new "
        "JOIN json_to_recordset(%s::json) AS c(p text, o bigint, w text, l text) "
        "ON c.p = new.public_id), ",
        # One tally row may take several signatures of the batch: summed first, as a row may be
        # changed only once per statement.
        f"tally AS (INSERT INTO {tally} (campaign_id, partner_key, day, shard, signed, "  # noqa: S608
        "confirmed, referrals, multi_partner) SELECT new.campaign_id, "
        "COALESCE(new.partner_id, 0), v.day, v.shard, count(*), 0, 0, 0 "
        "FROM new JOIN v ON v.public_id = new.public_id GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4 "
        "ON CONFLICT (campaign_id, partner_key, day, shard) "
        f"DO UPDATE SET signed = {tally}.signed + excluded.signed), ",
        # The e-mail names its signature, so that erasing the signature deletes it.
        f"mail AS (INSERT INTO {_table(OutboundEmail)} "  # noqa: S608
        '("to", subject, body, template, context, language, kind, campaign_id, created_at, '
        "attempts, last_error, failure, signature_id) SELECT v.mail_to, v.subject, '', "
        "v.template, v.context, v.mail_language, v.kind, v.mail_campaign, "
        "new.created_at, 0, '', '', new.id FROM new JOIN v ON v.public_id = new.public_id "
        "RETURNING id, signature_id) ",
        "SELECT new.public_id, new.id, mail.id FROM new JOIN mail ON mail.signature_id = new.id",
    ]
    return "".join(parts)


def _json_value(value: object) -> object:
    # Aware datetimes, as ISO 8601 with their offset: PostgreSQL reads them back exactly.
    return value.isoformat() if isinstance(value, datetime) else value


def _in_lock_order(rows: Sequence[Row], *, key: Callable[[Row], str]) -> list[Row]:
    """The rows of a shared statement in the order of the key their locks are taken by.

    Statements run at once by several processes would otherwise take the locks two of them
    share (a signature, an address's unique entry, a tally row) in different orders, and could
    deadlock: PostgreSQL breaks that only after deadlock_timeout (1 s), failing one of them.
    For the same reason a statement's rows all go to one tally shard (the first row's random
    one): a statement locks one tally row per campaign and partner, not one per shard.
    """
    return sorted(rows, key=key)


@dataclass(frozen=True)
class _NewSignature:
    values: dict[str, object]
    consents: Sequence[ConsentGiven]
    mail: dict[str, object]
    day: date
    shard: int
    referrer_code: str


def _insert_signatures(rows: Sequence[_NewSignature]) -> list[tuple[int, int] | None]:
    """Every row in one statement: (signature id, outbox e-mail id) for each new signature,
    None for a row whose address had signed."""
    shard = rows[0].shard
    records = [
        {
            **{name: _json_value(row.values[name]) for name in SIGNATURE_FIELDS},
            "referrer": row.referrer_code,
            "day": row.day.isoformat(),
            "shard": shard,
            "mail_to": row.mail["to"],
            "subject": row.mail["subject"],
            "template": row.mail["template"],
            "context": row.mail["context"],
            "mail_language": row.mail["language"],
            "kind": row.mail["kind"],
            "mail_campaign": row.mail["campaign_id"],
        }
        for row in _in_lock_order(rows, key=lambda row: cast(str, row.values["email_key"]))
    ]
    consents = [
        {"p": row.values["public_id"], "o": c.organization_id, "w": c.wording, "l": c.language}
        for row in rows
        for c in row.consents
    ]
    params = [json.dumps(records), json.dumps(consents)]
    inserted = {
        public_id: (signature_id, email_id)
        for public_id, signature_id, email_id in fetchall_prepared(_insert_sql(), params)
    }
    return [inserted.get(cast(str, row.values["public_id"])) for row in rows]


# The process's signatures, written together when several requests sign at once.
_signing = GroupCommit(
    _insert_signatures, max_statements=max(1, settings.SIGNING_STATEMENTS_AT_ONCE)
)


def insert_signature(
    *,
    values: dict[str, object],
    consents: Sequence[ConsentGiven],
    mail: dict[str, object],
    day: date,
    shard: int,
    referrer_code: str = "",
) -> tuple[int, int] | None:
    """(signature id, outbox e-mail id) for a new signature; None when the person had signed.
    `values` has every field of SIGNATURE_FIELDS (the partner's visit and consents are dated
    `created_at`).

    Committed when it returns: in autocommit, with the signatures other threads of the process
    are writing at the same moment (`core.group_commit`); inside a transaction, alone in it.
    """
    row = _NewSignature(
        values=values,
        consents=consents,
        mail=mail,
        day=day,
        shard=shard,
        referrer_code=referrer_code,
    )
    return _signing.submit(row, alone=_alone())


def _alone() -> bool:
    """Inside a transaction a row must commit or roll back with it: it goes alone."""
    return (
        connection.in_atomic_block
        or not connection.get_autocommit()
        or settings.SIGNING_STATEMENTS_AT_ONCE <= 0
    )


@cache
def _confirm_sql() -> str:
    """The confirming statement for any number of signatures, sent as one JSON array."""
    signature, tally = _table(Signature), _table(Tally)
    return (
        "WITH v AS (SELECT * FROM json_to_recordset(%s::json) "  # noqa: S608
        "AS v(public_id text, campaign bigint, at timestamp with time zone, day date, "
        "shard integer)), "
        # The rows are found through their unique public ids, then their primary keys (an
        # array the primary key's index is probed with), whatever the statistics say: joined
        # on the key instead, with statistics from before a burst of signatures, the planner
        # hashed the whole table (14 ms at 24,000 signatures). The pending-and-this-campaign
        # test is written as an expression no index can serve: as plain conditions, with stale
        # statistics, the planner walked the (campaign, confirmed_at) index through every
        # pending signature of the campaign (17 ms per confirmation at 150,000 pending).
        f"sig AS (UPDATE {signature} AS s SET confirmed_at = v.at FROM v "
        f"WHERE s.id = ANY (ARRAY(SELECT (SELECT r.id FROM {signature} AS r "
        "WHERE r.public_id = w.public_id) FROM v AS w)) "
        "AND s.public_id = v.public_id "
        "AND CASE WHEN s.confirmed_at IS NULL THEN s.campaign_id END = v.campaign "
        "RETURNING s.id, s.public_id, s.partner_id, s.referral_count, s.gave_consent, "
        "s.referral_code, v.at, v.day, v.shard, v.campaign), "
        f"consent AS (UPDATE {_table(Consent)} AS c SET confirmed_at = sig.at FROM sig "
        "WHERE c.signature_id = sig.id AND sig.gave_consent AND c.confirmed_at IS NULL), "
        # One tally row may take several confirmations of the batch: summed first, as a row
        # may be changed only once per statement.
        f"tally AS (INSERT INTO {tally} (campaign_id, partner_key, day, shard, signed, "
        "confirmed, referrals, multi_partner) SELECT campaign, COALESCE(partner_id, 0), day, "
        "shard, 0, count(*), sum(referral_count), "
        "count(*) FILTER (WHERE referral_count >= 2) FROM sig GROUP BY 1, 2, 3, 4 "
        "ORDER BY 1, 2, 3, 4 "
        "ON CONFLICT (campaign_id, partner_key, day, shard) DO UPDATE SET "
        f"confirmed = {tally}.confirmed + excluded.confirmed, "
        f"referrals = {tally}.referrals + excluded.referrals, "
        f"multi_partner = {tally}.multi_partner + excluded.multi_partner) "
        # What the confirmed page shares (as selectors.signer_sharing reads it), so that it
        # needs no second statement. Its count is from before this statement: a signer this
        # one brought, confirmed in the same batch, is counted from the next page on.
        "SELECT sig.public_id, sig.id, sig.referral_code, sig.partner_id, p.slug, "
        f"(SELECT COUNT(*) FROM {signature} AS u WHERE u.referred_by_id = sig.id "
        "AND u.confirmed_at IS NOT NULL) "
        f"FROM sig LEFT JOIN {_table(Partner)} AS p ON p.id = sig.partner_id"
    )


@dataclass(frozen=True)
class Confirmed:
    signature_id: int
    sharing: SignerSharing


@dataclass(frozen=True)
class _Confirmation:
    public_id: str
    campaign_id: int
    now: datetime
    day: date
    shard: int


def _confirm_signatures(rows: Sequence[_Confirmation]) -> list[Confirmed | None]:
    """Every confirmation in one statement: each signature it confirmed, None for a row whose
    signature was not pending (or is gone). A link sent twice in one batch confirms once: its
    first row gets the signature."""
    records = [
        {
            "public_id": row.public_id,
            "campaign": row.campaign_id,
            "at": row.now.isoformat(),
            "day": row.day.isoformat(),
            "shard": rows[0].shard,
        }
        for row in _in_lock_order(rows, key=lambda row: row.public_id)
    ]
    confirmed = {
        public_id: Confirmed(
            signature_id=signature_id,
            sharing=SignerSharing(
                referral_code=code or "",
                partner_id=partner_id,
                partner_slug=partner_slug or "",
                brought=brought,
            ),
        )
        for public_id, signature_id, code, partner_id, partner_slug, brought in fetchall_prepared(
            _confirm_sql(), [json.dumps(records)]
        )
    }
    return [confirmed.pop(row.public_id, None) for row in rows]


# The process's confirmations, written together when several requests confirm at once.
_confirming = GroupCommit(
    _confirm_signatures, max_statements=max(1, settings.SIGNING_STATEMENTS_AT_ONCE)
)


def confirm_signature(
    *, public_id: str, campaign_id: int, now: datetime, day: date, shard: int
) -> Confirmed | None:
    """Confirm a pending signature, its consents and its tally at once: its id and what its
    confirmed page shares, or None when there is no pending signature with that id (already
    confirmed, or gone).
    Committed when it returns, as `insert_signature`."""
    row = _Confirmation(public_id=public_id, campaign_id=campaign_id, now=now, day=day, shard=shard)
    return _confirming.submit(row, alone=_alone())
