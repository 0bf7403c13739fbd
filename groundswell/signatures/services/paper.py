"""Importing paper (and other offline) signatures from a CSV file: columns mapped to the
form's fields, each row checked with the form's rules (a report by row number), duplicates of
existing signatures (by canonical e-mail) skipped, the rest recorded as vouched by the host
(`channel=paper`, the batch's label), in chunks that commit with the batch's progress, so an
interrupted import resumes where it stopped."""

import csv
import hashlib
import io
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import IO

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from groundswell.accounts.models import User
from groundswell.campaigns.models import Campaign
from groundswell.signatures.forms import signature_data_clean
from groundswell.signatures.models import ImportBatch, SignatureChannel
from groundswell.signatures.services.vouched import VouchedSignature, signatures_vouched_record

# The fields a column may be mapped to; `first_name` and `last_name` are joined into `name`.
IMPORT_FIELDS = (
    "name", "first_name", "last_name", "email", "country", "postal_code", "comment",
    "show_name", "contact_host",
)  # fmt: skip
TRUE_WORDS = frozenset({"1", "true", "yes", "y", "x", "on", "si", "sí", "oui"})
MAX_REPORTED_ERRORS = 1000


@dataclass(frozen=True)
class RowError:
    row: int  # 1 = the first row after the header
    field: str
    message: str


@dataclass
class ImportReport:
    batch_id: int
    rows: int = 0
    created: int = 0
    duplicates: int = 0
    invalid: int = 0
    skipped_already_imported: int = 0
    errors: list[RowError] = field(default_factory=list)


def file_sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def column_mapping(header: list[str], overrides: dict[str, str]) -> dict[str, str]:
    """{column: field}: a column named like a field maps to it, `overrides` (from --map or the
    upload form) add or replace; unknown fields are refused."""
    mapping = {column: column.strip().lower() for column in header}
    mapping = {column: name for column, name in mapping.items() if name in IMPORT_FIELDS}
    for column, name in overrides.items():
        if name not in IMPORT_FIELDS:
            raise ValueError(_("Unknown field %(field)s.") % {"field": name})
        if column not in header:
            raise ValueError(_("The file has no column %(column)s.") % {"column": column})
        mapping[column] = name
    if "email" not in mapping.values() or "country" not in mapping.values():
        raise ValueError(_("Map a column to email and one to country."))
    if "name" not in mapping.values() and "first_name" not in mapping.values():
        raise ValueError(_("Map a column to name (or first_name and last_name)."))
    return mapping


def csv_rows(text: IO[str]) -> tuple[list[str], Iterator[tuple[int, dict[str, str]]]]:
    reader = csv.reader(text)
    header = next(reader, [])

    def rows() -> Iterator[tuple[int, dict[str, str]]]:
        for number, values in enumerate(reader, start=1):
            if any(value.strip() for value in values):
                yield number, dict(zip(header, values, strict=False))

    return header, rows()


def _form_data(row: dict[str, str], mapping: dict[str, str]) -> dict[str, str]:
    values = {name: (row.get(column) or "").strip() for column, name in mapping.items()}
    if "name" not in values:
        values["name"] = " ".join(
            part for part in (values.pop("first_name", ""), values.pop("last_name", "")) if part
        )
    data = {key: value for key, value in values.items() if key not in ("show_name", "contact_host")}
    for flag in ("show_name", "contact_host"):
        if values.get(flag, "").lower() in TRUE_WORDS:
            data[flag] = "on"
    return data


def paper_import(
    *,
    campaign: Campaign,
    data: bytes,
    label: str,
    mapping_overrides: dict[str, str] | None = None,
    user: User | None = None,
    chunk_size: int = 1000,
    progress: Callable[[int], None] | None = None,
) -> ImportReport:
    """Import the file; running it again (after an interruption) continues after the last
    committed row. `progress(rows)` is called after each chunk with the rows done so far."""
    text = io.StringIO(data.decode("utf-8-sig"))
    header, rows = csv_rows(text)
    mapping = column_mapping(header, mapping_overrides or {})
    batch, _created = ImportBatch.objects.get_or_create(
        campaign=campaign, file_sha256=file_sha256(data),
        defaults={"label": label, "created_by": user},
    )  # fmt: skip
    report = ImportReport(batch_id=batch.pk)
    chunk: list[tuple[int, VouchedSignature]] = []
    last_seen = batch.last_row
    invalid_in_chunk = 0

    def commit(last_row: int) -> None:
        nonlocal chunk, invalid_in_chunk
        with transaction.atomic():
            outcome = signatures_vouched_record(
                campaign=campaign,
                signatures=[signature for _number, signature in chunk],
                channel=SignatureChannel.PAPER,
                batch=batch.label,
            )
            ImportBatch.objects.filter(pk=batch.pk).update(
                last_row=last_row,
                created_count=F("created_count") + len(outcome.created_ids),
                duplicate_count=F("duplicate_count") + len(outcome.duplicate_positions),
                invalid_count=F("invalid_count") + invalid_in_chunk,
            )
        report.created += len(outcome.created_ids)
        report.duplicates += len(outcome.duplicate_positions)
        chunk, invalid_in_chunk = [], 0
        if progress:
            progress(report.rows + report.skipped_already_imported)

    for number, row in rows:
        if number <= batch.last_row:
            report.skipped_already_imported += 1
            continue
        report.rows += 1
        last_seen = number
        cleaned, errors = signature_data_clean(
            _form_data(row, mapping), consent_fields=("contact_host",)
        )
        if errors:
            report.invalid += 1
            invalid_in_chunk += 1
            for field_name, error in errors.items():
                if len(report.errors) < MAX_REPORTED_ERRORS:
                    report.errors.append(
                        RowError(row=number, field=field_name, message=" ".join(error.messages))
                    )
            continue
        chunk.append(
            (
                number,
                VouchedSignature(
                    name=cleaned["name"],
                    email=cleaned["email"],
                    country=cleaned["country"],
                    postal_code=cleaned["postal_code"],
                    comment=cleaned["comment"],
                    show_name=cleaned["show_name"],
                    source=cleaned["source"],
                    contact_host=bool(cleaned.get("contact_host")),
                ),
            )
        )
        if len(chunk) >= chunk_size:
            commit(number)
    if chunk or last_seen > batch.last_row:
        commit(last_seen)
    ImportBatch.objects.filter(pk=batch.pk).update(finished_at=timezone.now())
    return report
