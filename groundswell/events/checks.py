from django.conf import settings
from django.core.checks import Warning, register


@register()
def reminders_come_in_order(app_configs: object, **kwargs: object) -> list[Warning]:
    """The day-before reminder is skipped once the shorter one is due: set the other way
    round, it would never be sent."""
    day = settings.EVENT_REMINDER_DAY_BEFORE_HOURS
    short = settings.EVENT_REMINDER_SHORTLY_BEFORE_HOURS
    if day and short and short >= day:
        return [
            Warning(
                "EVENT_REMINDER_SHORTLY_BEFORE_HOURS is not shorter than "
                "EVENT_REMINDER_DAY_BEFORE_HOURS: the day-before reminder is never sent.",
                hint="Make the shorter reminder come later (e.g. 24 and 2), or set one to 0.",
                id="events.W001",
            )
        ]
    return []
