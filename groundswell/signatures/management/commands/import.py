"""`groundswell import <campaign> <file.csv> --batch LABEL [--map column=field ...]`: paper
signatures, with a progress bar; run it again on the same file to resume after an interruption
(rows already committed are skipped, never recorded twice)."""

from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from rich.progress import Progress

from groundswell.campaigns.models import Campaign
from groundswell.signatures.errors import SigningError
from groundswell.signatures.services.paper import IMPORT_FIELDS, paper_import


class Command(BaseCommand):
    help = "Import paper signatures from a CSV file into a campaign (resumable)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("campaign", help="the campaign's web address (slug)")
        parser.add_argument("file", type=Path)
        parser.add_argument("--batch", required=True, help="a label for this batch of sheets")
        parser.add_argument(
            "--map",
            action="append",
            default=[],
            metavar="COLUMN=FIELD",
            help=f"map a column to a field ({', '.join(IMPORT_FIELDS)})",
        )
        parser.add_argument("--chunk-size", type=int, default=1000)
        parser.add_argument("--no-progress", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        campaign = Campaign.objects.filter(slug=options["campaign"]).first()
        if campaign is None:
            raise CommandError(f"No campaign {options['campaign']!r}.")
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"No file {path}.")
        overrides = {}
        for pair in options["map"]:
            column, equals, name = pair.partition("=")
            if not equals:
                raise CommandError(f"--map takes COLUMN=FIELD, not {pair!r}.")
            overrides[column] = name
        data = path.read_bytes()
        total = max(data.count(b"\n") - 1, 0)
        with Progress(disable=options["no_progress"], transient=True) as progress:
            task = progress.add_task(f"Importing {path.name}", total=total)
            try:
                report = paper_import(
                    campaign=campaign, data=data, label=options["batch"],
                    mapping_overrides=overrides, chunk_size=options["chunk_size"],
                    progress=lambda done: progress.update(task, completed=done),
                )  # fmt: skip
            except (ValueError, UnicodeDecodeError, SigningError) as refused:
                raise CommandError(str(refused)) from None
        for row_error in report.errors:
            self.stderr.write(f"row {row_error.row}: {row_error.field}: {row_error.message}")
        self.stdout.write(
            f"{report.created} recorded, {report.duplicates} already signed, "
            f"{report.invalid} invalid, {report.skipped_already_imported} imported before"
        )
