from django.core.management.base import BaseCommand, CommandParser

from groundswell.campaigns.models import Campaign
from groundswell.coalitions.services import coalition_tally_recount
from groundswell.signatures.services import signature_count_recount


class Command(BaseCommand):
    help = "Recount signatures and coalition figures from the rows and repair any that drifted."

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
                self.stdout.write(f"{campaign.slug}: signatures {before} -> {after}")
            for figure, (was, now) in coalition_tally_recount(campaign=campaign).items():
                repaired += 1
                self.stdout.write(f"{campaign.slug}: {figure} {was} -> {now}")
        self.stdout.write(f"{repaired} count(s) repaired")
