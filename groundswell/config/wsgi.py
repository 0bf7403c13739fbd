import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "groundswell.config.settings")
django_application = get_wsgi_application()

from groundswell.core.lean import lean_dispatch  # noqa: E402  (needs the settings above)

application = lean_dispatch(django_application)
