from django.core.management.base import BaseCommand, CommandParser

from groundswell.campaigns.models import Campaign
from groundswell.signatures.tallies import counts_reconcile


class Command(BaseCommand):
    help = (
        "Recount every figure (signatures, partners, overlap) from the signature rows, repair "
        "the tallies that drifted and publish the counts."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("slugs", nargs="*", help="Campaign slugs (default: all).")

    def handle(self, *args: object, slugs: list[str], **options: object) -> None:
        campaigns = Campaign.objects.all()
        if slugs:
            campaigns = campaigns.filter(slug__in=slugs)
        repaired = 0
        for campaign in campaigns.iterator():
            for figure, (was, now) in sorted(counts_reconcile(campaign=campaign).items()):
                repaired += 1
                self.stdout.write(f"{campaign.slug}: {figure} {was} -> {now}")
        self.stdout.write(f"{repaired} figure(s) repaired")
