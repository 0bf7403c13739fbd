from django.contrib import admin

from groundswell.core.admin import ReadOnlyAdmin
from groundswell.transparency.models import Checkpoint

# The log itself (LogHead, LogEntry, LogNode) is not in the admin: it is append-only, and an
# edit there would show up as a rewritten log in every later consistency proof.


@admin.register(Checkpoint)
class CheckpointAdmin(ReadOnlyAdmin):
    list_display = ["log_name", "tree_size", "live_count", "timestamp", "key_id"]
    list_filter = ["log_name"]
