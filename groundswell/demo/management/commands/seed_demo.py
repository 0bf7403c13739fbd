from django.core.management.base import BaseCommand

from groundswell.demo.seed import demo_seed


class Command(BaseCommand):
    help = "Create the demo coalition campaign (idempotent)."

    def handle(self, *args: object, **options: object) -> None:
        summary = demo_seed()
        verb = "Created" if summary.created else "Already present:"
        self.stdout.write(f"{verb} /p/{summary.campaign.slug}/")
