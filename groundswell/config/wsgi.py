import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "groundswell.config.settings")
django_application = get_wsgi_application()

from django.conf import settings  # noqa: E402  (configured by the line above)

from groundswell.core.access_log import access_log_to_stdout, access_logged  # noqa: E402
from groundswell.core.lean import lean_dispatch  # noqa: E402
from groundswell.core.whole_bodies import whole_bodies  # noqa: E402
from groundswell.signatures.direct import direct_signing  # noqa: E402

application = lean_dispatch(django_application)
if settings.SIGNING_DIRECT_LANE:
    application = direct_signing(application)
application = whole_bodies(application)
if settings.ACCESS_LOG:
    access_log_to_stdout()
    application = access_logged(application)

# Everything loaded so far (Django, the project, the URLconf: about 130,000 objects) lives as
# long as the process. Frozen, it is no longer walked by each full collection of the cyclic
# garbage collector: under load those held the GIL for 100-600 ms and were most of the slowest
# 1% of page views (docs/performance.md, "Garbage collection"); they now take about 20 ms.
gc.collect()
gc.freeze()
