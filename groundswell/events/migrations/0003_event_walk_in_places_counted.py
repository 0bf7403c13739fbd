"""Walk-ins added before they counted against the capacity: each event's `walk_in_places` from
its confirmed walk-ins (one place each; walk-ins bring no guests)."""

from django.db import migrations
from django.db.models import Count, Q


def count_walk_ins(apps, schema_editor):
    Event = apps.get_model("events", "Event")
    events = Event.objects.annotate(
        walk_ins=Count("rsvps", filter=Q(rsvps__walk_in=True, rsvps__status="confirmed"))
    ).filter(walk_ins__gt=0)
    for event in events.iterator():
        Event.objects.filter(pk=event.pk).update(walk_in_places=event.walk_ins)


class Migration(migrations.Migration):
    dependencies = [("events", "0002_event_walk_in_places")]

    operations = [migrations.RunPython(count_walk_ins, migrations.RunPython.noop)]
