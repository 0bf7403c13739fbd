from django.core.management.base import BaseCommand, CommandParser

from groundswell.campaigns.models import Campaign
from groundswell.signatures.services import signature_count_recount


class Command(BaseCommand):
    help = "Recount confirmed signatures from the rows and repair any stored count that drifted."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("slugs", nargs="*", help="Campaign slugs (default: all).")

    def handle(self, *args: object, slugs: list[str], **options: object) -> None:
        campaigns = Campaign.objects.all()
        if slugs:
            campaigns = campaigns.filter(slug__in=slugs)
        repaired = 0
        for campaign in campaigns.iterator():
            before, after = signature_count_recount(campaign=campaign)
            if before != after:
                repaired += 1
                self.stdout.write(f"{campaign.slug}: {before} -> {after}")
        self.stdout.write(f"{repaired} count(s) repaired")
