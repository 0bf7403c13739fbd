from celery import shared_task

from groundswell.accounts.login_records import login_records_expire


@shared_task(name="groundswell.accounts.tasks.login_records_expire_task")
def login_records_expire_task() -> int:
    """Scheduled by `groundswell beat`: failed logins past their lock-out, expired sessions."""
    return login_records_expire()
