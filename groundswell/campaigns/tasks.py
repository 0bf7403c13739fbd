from celery import shared_task

from groundswell.campaigns.services import campaigns_close_due


@shared_task(name="groundswell.campaigns.tasks.campaigns_close_due_task")
def campaigns_close_due_task() -> int:
    """Scheduled by `groundswell beat`: campaigns past their closing time close."""
    return campaigns_close_due()
