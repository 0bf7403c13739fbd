from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser

from groundswell.demo.addresses import demo_addresses_set
from groundswell.demo.events import RALLY_SLUG
from groundswell.demo.scheduler import demo_scheduler_start
from groundswell.demo.seed import (
    ORGANIZER_PASSWORD,
    ORGANIZER_USERNAME,
    PARTNER_USERNAME,
    PARTNERS,
    demo_seed,
)


class Command(BaseCommand):
    help = "Migrate, seed the demo coalition campaign and serve it on 127.0.0.1."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--no-serve", action="store_true", help="Prepare, print, and stop.")

    def handle(self, *args: object, port: int, no_serve: bool, **options: object) -> None:
        settings.DATA_DIR.mkdir(parents=True, exist_ok=True)
        call_command("migrate", interactive=False, verbosity=0)
        # Links in the e-mails printed below, and the log's names, follow the port served here.
        demo_addresses_set(port=port)
        summary = demo_seed()
        base = f"http://127.0.0.1:{port}"
        petition = f"{base}/p/{summary.campaign.slug}/"
        lines = [
            "",
            "Groundswell demo is ready.",
            f"  Petition:        {base}/p/{summary.campaign.slug}/",
            f"  Public JSON:     {base}/p/{summary.campaign.slug}.json",
            f"  Timeline JSON:   {base}/p/{summary.campaign.slug}/timeline.json",
            f"  Organizer pages: {base}/organizer/",
            f"  Organizer login: username {ORGANIZER_USERNAME!r}, password {ORGANIZER_PASSWORD!r}",
            "  Partner links:",
            *(
                f"    {partner.organization.name}: {petition}?partner={partner.slug}"
                for partner in summary.campaign.partners.select_related("organization")
            ),
            f"  Partner login:   username {PARTNER_USERNAME!r} ({PARTNERS[0][0]}), same password",
            f"  Rally's door:    {base}/organizer/events/{RALLY_SLUG}/checkin/"
            " (the organizer, or the partner: a co-host)",
            f"  Partner embed:   {base}/p/{summary.campaign.slug}/embed/?partner=<partner>",
            "  E-mail is printed in this terminal (set EMAIL_URL to send it).",
            "",
        ]
        self.stdout.write("\n".join(lines))
        if not no_serve:
            if settings.CELERY_TASK_ALWAYS_EAGER:
                # No broker, so no `groundswell beat`: the checkpoints, sweeps and purges it
                # schedules run in this process.
                demo_scheduler_start()
            call_command("runserver", f"127.0.0.1:{port}", use_reloader=False)
