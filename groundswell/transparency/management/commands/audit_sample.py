"""`groundswell audit-sample <campaign slug> [--checkpoint SIZE] [--size N] [--output FILE]`."""

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from groundswell.campaigns.models import Campaign
from groundswell.transparency.selectors import AuditSampleError, audit_sample_document


class Command(BaseCommand):
    help = (
        "Write the openings (public id, time, salt, name, e-mail) of the signatures sampled by a "
        "signed checkpoint's root, for an independent auditor (docs/transparency.md, 'Auditing "
        "a sample'). The output holds personal data: hand it over securely, do not publish it."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("campaign", help="the campaign's slug")
        parser.add_argument(
            "--checkpoint", type=int, help="the signed checkpoint's size (default: the latest)"
        )
        parser.add_argument("--size", type=int, default=50, help="how many signatures to sample")
        parser.add_argument("--output", help="write to this file rather than standard output")

    def handle(self, *args: object, **options: Any) -> None:
        campaign = Campaign.objects.filter(slug=options["campaign"]).first()
        if campaign is None:
            raise CommandError(f"no campaign {options['campaign']!r}")
        try:
            document = audit_sample_document(
                campaign=campaign, tree_size=options["checkpoint"], sample_size=options["size"]
            )
        except AuditSampleError as error:
            raise CommandError(str(error)) from None
        text = json.dumps(document, indent=2) + "\n"
        if options["output"]:
            with open(options["output"], "x", encoding="utf-8") as file:
                file.write(text)
            count = len(document["openings"])  # type: ignore[arg-type]
            self.stderr.write(f"{count} openings written to {options['output']}")
        else:
            self.stdout.write(text, ending="")
