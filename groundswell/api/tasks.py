from celery import shared_task

from groundswell.api.idempotency import idempotent_requests_expire


@shared_task(name="groundswell.api.tasks.idempotent_requests_expire_task")
def idempotent_requests_expire_task() -> int:
    return idempotent_requests_expire()
