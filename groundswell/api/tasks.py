from celery import shared_task

from groundswell.api.idempotency import idempotent_requests_expire
from groundswell.api.webhooks import (
    webhook_deliveries_expire,
    webhook_deliveries_sweep,
    webhook_delivery_send,
)


@shared_task(name="groundswell.api.tasks.idempotent_requests_expire_task")
def idempotent_requests_expire_task() -> int:
    return idempotent_requests_expire()


@shared_task(name="groundswell.api.tasks.webhook_delivery_send_task")
def webhook_delivery_send_task(delivery_id: int) -> str:
    return webhook_delivery_send(delivery_id=delivery_id)


@shared_task(name="groundswell.api.tasks.webhook_deliveries_sweep_task")
def webhook_deliveries_sweep_task() -> int:
    return webhook_deliveries_sweep()


@shared_task(name="groundswell.api.tasks.webhook_deliveries_expire_task")
def webhook_deliveries_expire_task() -> int:
    return webhook_deliveries_expire()
