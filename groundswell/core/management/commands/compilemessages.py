from django.core.management.base import BaseCommand

from groundswell.core.message_catalogues import LOCALE_DIR, catalogues_compile


class Command(BaseCommand):
    """Replaces Django's compilemessages, which needs GNU gettext's msgfmt: this one needs only
    Babel, a dependency, so it works on any machine that runs Groundswell."""

    help = "Compile Groundswell's translations (locale/*/LC_MESSAGES/*.po) into .mo files."

    def handle(self, *args: object, **options: object) -> None:
        for path in catalogues_compile():
            self.stdout.write(f"compiled {path.relative_to(LOCALE_DIR.parent)}")
