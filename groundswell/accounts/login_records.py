"""What logging in leaves in the database, deleted on a schedule (`groundswell beat`).

axes deletes a failed login's record (username, client address, user agent) once its lock-out is
over only when someone next logs in, fails or logs out, and Django deletes expired sessions only
when asked (`clearsessions`): on a quiet site both would stay for good.
"""

from datetime import datetime
from importlib import import_module

from axes.models import AccessAttempt
from django.conf import settings
from django.utils import timezone


def login_records_expire(*, now: datetime | None = None) -> int:
    """Delete the failed-login records whose lock-out is over, and the expired sessions; returns
    how many failed-login records went. Idempotent."""
    now = now or timezone.now()
    # axes measures the lock-out from the last failure, which it stores as attempt_time.
    deleted, _by_model = AccessAttempt.objects.filter(
        attempt_time__lte=now - settings.AXES_COOLOFF_TIME
    ).delete()
    import_module(settings.SESSION_ENGINE).SessionStore.clear_expired()
    return deleted
